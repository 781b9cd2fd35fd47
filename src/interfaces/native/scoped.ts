// A native handler's check before acting: asks the host whether the process may do what the
// request describes (its Scope), and answers `denied` (the status every refused grant gets) if not.
import { DENIED } from '../../kernel/core/index.ts'
import type { Scope } from '../../kernel/node/grants/scope.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError } from './handler.ts'

/** Runs `act` once the host allows `scope` to `pid` on the interface `key`; throws `denied` otherwise. */
export function whenAllowed<T> (host: HostServices, pid: number, key: string, scope: Scope, act: () => T | Promise<T>): T | Promise<T> {
  const ok = host.allowed(pid, key, scope)
  if (ok === true) return act()
  if (ok === false) throw new InterfaceError(DENIED, 'denied')
  return ok.then((yes) => {
    if (!yes) throw new InterfaceError(DENIED, 'denied')
    return act()
  })
}
