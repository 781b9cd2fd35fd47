// The `env` interface, handled natively: the variables given with `--env K=V`, nothing else (the
// host's environment is never visible to programs).
import { WasmosError } from '../../kernel/node/errors.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
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
    get (req) {
      const value = vars.get(req.key)
      if (value === undefined) throw new InterfaceError(NOT_FOUND)
      return { value }
    },
    list () {
      return { vars: [...vars].map(([k, v]) => `${k}=${v}`) }
    }
  })
}
