// Run feature: the control socket through which `wasmos ps` and `wasmos top` see this run and kill
// a process or revoke a grant (WASMOS_HOME/run/<pid>.sock, owner-only). Opened for every run,
// since it costs nothing until a console connects; `--no-control` leaves it closed.
import { join } from 'node:path'
import { wasmosHome } from '../../kernel/node/grants/store.ts'
import { resolveInterface } from '../../kernel/node/grants/policy.ts'
import { ControlServer } from '../../kernel/node/observe/control.ts'
import { knownInterfaces } from '../run.ts'
import type { Feature } from './feature.ts'

/** Where running kernels put their control sockets. */
export function runDir (home = wasmosHome()): string {
  return join(home, 'run')
}

export const control: Feature = {
  addOptions (cmd) {
    cmd.option('--no-control', 'open no control socket: wasmos ps and wasmos top do not see this run')
  },
  apply (flags, opts) {
    if (flags.control === false) return
    const known = knownInterfaces()
    let server: Promise<ControlServer | null> | null = null
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      server = ControlServer.open(host, {
        dir: runDir(),
        main: opts.main,
        nameOf: (key) => known.get(key)?.name ?? key,
        keyOf: (token) => {
          try {
            return resolveInterface(token, known, 'revoke')
          } catch {
            return null
          }
        }
      })
    }
    const onEnd = opts.onEnd
    opts.onEnd = () => {
      server?.then((s) => { s?.close() }, () => {})
      onEnd?.()
    }
  }
}
