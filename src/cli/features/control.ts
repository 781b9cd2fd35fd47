// Run feature: the control socket through which `wasmos ps` and `wasmos top` see this run and kill
// a process or revoke a grant (WASMOS_HOME/run/<pid>.sock, owner-only). Opened for every run that
// lasts longer than CONTROL_DELAY_MS: a shorter one is over before a console could list it, and
// opening the socket (Node's net and cluster modules, the bind) is a good part of a short run's
// start. `--no-control` leaves it closed.
import { join } from 'node:path'
import { resolveInterface } from '../../kernel/node/grants/policy.ts'
import type { ControlServer } from '../../kernel/node/observe/control.ts'
import type { NodeHost } from '../../kernel/node/host.ts'
import { knownInterfaces } from '../run.ts'
import type { Feature } from './feature.ts'
import { wasmosHome } from '../../kernel/node/home.ts'

/** Where running kernels put their control sockets. */
export function runDir (home = wasmosHome()): string {
  return join(home, 'run')
}

/** How long a run goes before its control socket opens. */
export const CONTROL_DELAY_MS = 100

export const control: Feature = {
  addOptions (cmd) {
    cmd.option('--no-control', 'open no control socket: wasmos ps and wasmos top do not see this run')
  },
  apply (flags, opts) {
    if (flags.control === false) return
    let server: Promise<ControlServer | null> | null = null
    let timer: NodeJS.Timeout | undefined
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      // Unref'd: the timer does not keep a finished run alive.
      timer = setTimeout(() => { server = open(host) }, CONTROL_DELAY_MS).unref()
    }
    // The server's module (and node:net under it) is loaded only by a run that lasts.
    const open = async (host: NodeHost): Promise<ControlServer | null> => {
      const { ControlServer } = await import('../../kernel/node/observe/control.ts')
      const known = knownInterfaces()
      return await ControlServer.open(host, {
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
      clearTimeout(timer)
      server?.then((s) => { s?.close() }, () => {})
      onEnd?.()
    }
  }
}
