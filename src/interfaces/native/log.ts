// The `log` interface, handled natively: a program's log lines go to the run's pino logger,
// tagged with the program's name and pid.
import type { HostServices } from '../../kernel/node/native.ts'
import { native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { log } from '../gen/log.ts'

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const

export function logHandler (host: HostServices): NativeHandler {
  const children = new Map<number, ReturnType<HostServices['logger']['child']>>()
  return native(host, log, {
    write (req, call) {
      let child = children.get(call.pid)
      if (child === undefined) {
        const proc = host.process(call.pid)
        child = host.logger.child({ program: proc?.program.name ?? `pid ${call.pid}`, wpid: call.pid })
        children.set(call.pid, child)
      }
      child[LEVELS[Math.min(req.level, 5)]](req.text)
    }
  }, { processEnded: (pid) => { children.delete(pid) } })
}
