// The `env` interface, handled natively: the variables given with `--env K=V`, nothing else (the
// host's environment is never visible to programs). Each variable is asked of the host first: a
// grant may be scoped (`--allow env=AWS_*`); `list` shows the variables allowed without asking
// (a prompt per variable would be a wall of them).
import { WasmosError } from '../../kernel/node/errors.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import { whenAllowed } from './scoped.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { env } from '../gen/env.ts'

/** Parses `--env K=V` values, in order; a later value of the same name replaces the earlier. */
export function parseEnv (specs: string[]): Map<string, string> {
  const vars = new Map<string, string>()
  for (const spec of specs) {
    const i = spec.indexOf('=')
    if (i <= 0) throw new WasmosError('ERR_BAD_ENV', `--env ${spec}: expected NAME=value`)
    vars.set(spec.slice(0, i), spec.slice(i + 1))
  }
  return vars
}

export function envHandler (host: HostServices, vars: Map<string, string>): NativeHandler {
  const NOT_FOUND = env.error('not_found')
  return native(host, env, {
    get (req, call) {
      return whenAllowed(host, call.pid, env.key, { iface: 'env', name: req.key }, () => {
        const value = vars.get(req.key)
        if (value === undefined) throw new InterfaceError(NOT_FOUND)
        return { value }
      })
    },
    async list (_req, call) {
      const out: string[] = []
      for (const [k, v] of vars) {
        if (await host.allowed(call.pid, env.key, { iface: 'env', name: k }, { ask: false })) out.push(`${k}=${v}`)
      }
      return { vars: out }
    }
  })
}
