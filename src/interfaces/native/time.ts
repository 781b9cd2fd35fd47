// The `time` interface, handled natively: wall clock, monotonic clock and sleep. Timers of a
// process that ends are cancelled; a process has at most MAX_TIMERS sleeping at once, and a sleep
// that is not a number is a bad request.
import type { HostServices } from '../../kernel/node/native.ts'
import { BAD_REQUEST, QUEUE_FULL } from '../../kernel/core/index.ts'
import { InterfaceError, native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { time } from '../gen/time.ts'

/** Sleeps one process may have pending (one-way sleeps pile up otherwise). */
export const MAX_TIMERS = 1024

export function timeHandler (host: HostServices): NativeHandler {
  const timers = new Map<number, Set<NodeJS.Timeout>>()
  return native(host, time, {
    now: () => ({ ms: Date.now() }),
    monotonic: () => ({ ms: performance.now() }),
    sleep (req, call) {
      if (Number.isNaN(req.ms)) throw new InterfaceError(BAD_REQUEST)
      let set = timers.get(call.pid)
      if (set !== undefined && set.size >= MAX_TIMERS) throw new InterfaceError(QUEUE_FULL)
      return new Promise<Record<string, never>>((resolve) => {
        if (set === undefined) { set = new Set(); timers.set(call.pid, set) }
        const own = set
        const t = setTimeout(() => { own.delete(t); resolve({}) }, Math.max(0, Math.min(req.ms, 2 ** 31 - 1)))
        own.add(t)
      })
    }
  }, {
    processEnded (pid) {
      for (const t of timers.get(pid) ?? []) clearTimeout(t)
      timers.delete(pid)
    },
    close () {
      for (const set of timers.values()) for (const t of set) clearTimeout(t)
      timers.clear()
    }
  })
}
