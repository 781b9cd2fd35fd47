// The `log` interface, handled natively: a program's log lines go to the run's pino logger,
// tagged with the program's name and pid. A line longer than MAX_LOG_LINE is cut: one message must
// not keep the host writing for long.
import type { HostServices } from '../../kernel/node/native.ts'
import { native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { log } from '../gen/log.ts'

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
/** Characters of a log line kept. */
export const MAX_LOG_LINE = 16 * 1024

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
      const text = req.text.length > MAX_LOG_LINE ? `${req.text.slice(0, MAX_LOG_LINE)}… (${req.text.length - MAX_LOG_LINE} more characters)` : req.text
      child[LEVELS[Math.min(req.level, 5)]](text)
    }
  }, { processEnded: (pid) => { children.delete(pid) } })
}
