// The scheduling policy behind fuel preemption, sans-IO: a fair round-robin run queue
// of programs (by pid), the fuel budget of each slice, CPU time and CPU limits, and the per-program
// figures `--stats` prints. It never reads a clock or touches an engine: the host tells it what
// happened (a slice ended after so many ms, a program blocked, woke, exited) and does what it says.
//
// How the Node host uses it with the fuel rewrite: the rewritten module's refuel import is a
// `WebAssembly.Suspending` function. When it is called, the host measures the slice with
// performance.now() and calls `sliceEnded(pid, ms)`:
//   - 'kill': end the program (throw from the import), log `decision.reason`;
//   - 'continue': return `decision.budget` at once (nobody else is runnable);
//   - 'yield': the pid went to the back of the run queue; resume `next()` (resolve its pending
//     promise), and resolve this one when `next()` returns this pid again; then return the budget.
// A program that blocks in `wait` is `block`ed (charged the time of its partial slice) and `wake`d
// when a notification arrives; one that ends is `remove`d. The budget is in fuel units (about one
// wasm instruction); with `sliceMs` set, each program's budget adapts so a slice lasts about that
// long.

/** Largest budget: the rewrite adds a loop's cost (< 2^30) to it, which must stay below 2^31. */
export const MAX_BUDGET = 0x3fffffff
export const MIN_BUDGET = 1000

export interface SchedulerOptions {
  /** Fuel of a slice; the starting budget when `sliceMs` is set. */
  sliceFuel: number
  /** Target length of a slice in ms: budgets adapt to it (per program). */
  sliceMs?: number
  /** Default CPU limit of a program in ms (none when absent). */
  cpuLimitMs?: number
}

export interface ProgramStats {
  pid: number
  cpuMs: number
  slices: number
  peakMemoryBytes: number
  sent: number
  received: number
}

export type Decision =
  | { kind: 'continue', budget: number }
  | { kind: 'yield', budget: number }
  | { kind: 'kill', reason: string }

export type SchedulerErrorCode = 'unknown-pid' | 'duplicate-pid' | 'bad-options'

export class SchedulerError extends Error {
  readonly code: SchedulerErrorCode

  constructor (code: SchedulerErrorCode, message: string) {
    super(message)
    this.name = 'SchedulerError'
    this.code = code
  }
}

interface Entry {
  stats: ProgramStats
  budget: number
  cpuLimitMs: number | undefined
  state: 'runnable' | 'running' | 'blocked'
}

export class FuelScheduler {
  private readonly opts: SchedulerOptions
  private readonly programs = new Map<number, Entry>()
  /**
   * Runnable pids waiting for their turn, oldest first: a Set keeps insertion order and removes
   * any pid at once, where an array's indexOf would walk every process that ever started.
   */
  private readonly queue = new Set<number>()
  private running: number | undefined

  constructor (opts: SchedulerOptions) {
    if (!Number.isInteger(opts.sliceFuel) || opts.sliceFuel < 1 || opts.sliceFuel > MAX_BUDGET) {
      throw new SchedulerError('bad-options', `the slice must be between 1 and ${MAX_BUDGET} fuel units, got ${opts.sliceFuel}`)
    }
    if (opts.sliceMs !== undefined && !(opts.sliceMs > 0)) {
      throw new SchedulerError('bad-options', `the slice length must be a positive number of ms, got ${opts.sliceMs}`)
    }
    if (opts.cpuLimitMs !== undefined && !(opts.cpuLimitMs > 0)) {
      throw new SchedulerError('bad-options', `the CPU limit must be a positive number of ms, got ${opts.cpuLimitMs}`)
    }
    this.opts = opts
  }

  /** Registers a new program as runnable (at the back of the queue). */
  add (pid: number, opts?: { cpuLimitMs?: number }): void {
    if (this.programs.has(pid)) throw new SchedulerError('duplicate-pid', `pid ${pid} is already scheduled`)
    this.programs.set(pid, {
      stats: { pid, cpuMs: 0, slices: 0, peakMemoryBytes: 0, sent: 0, received: 0 },
      budget: this.opts.sliceFuel,
      cpuLimitMs: opts?.cpuLimitMs ?? this.opts.cpuLimitMs,
      state: 'runnable',
    })
    this.queue.add(pid)
  }

  /** The next program to run, taken off the queue; undefined when none is runnable. */
  next (): number | undefined {
    const pid = this.queue.values().next().value
    if (pid === undefined) return undefined
    this.queue.delete(pid)
    this.entry(pid).state = 'running'
    this.running = pid
    return pid
  }

  /** The program currently running, if any. */
  current (): number | undefined { return this.running }

  /** Fuel to give a program when it starts running (its first refuel may come at once). */
  budget (pid: number): number { return this.entry(pid).budget }

  /**
   * A program ran out of fuel after `ms` of CPU time: kill it if it passed its CPU limit, else
   * let it continue when nobody else is runnable, else send it to the back of the queue.
   */
  sliceEnded (pid: number, ms: number): Decision {
    const e = this.entry(pid)
    e.stats.slices++
    const killed = this.account(e, ms)
    if (killed !== undefined) return killed
    if (this.opts.sliceMs !== undefined && ms > 0) {
      // proportional adjustment, at most 4x per slice so one odd slice does not swing it wildly
      const factor = Math.min(4, Math.max(0.25, this.opts.sliceMs / ms))
      e.budget = Math.round(Math.min(MAX_BUDGET, Math.max(MIN_BUDGET, e.budget * factor)))
    }
    if (this.queue.size === 0) {
      e.state = 'running'
      this.running = pid
      return { kind: 'continue', budget: e.budget }
    }
    e.state = 'runnable'
    // To the back, even if it was still queued from before (without accounting nothing blocks it).
    this.queue.delete(pid)
    this.queue.add(pid)
    if (this.running === pid) this.running = undefined
    return { kind: 'yield', budget: e.budget }
  }

  /**
   * The program blocked (in `wait`) after `ms` of CPU time since its slice began. Returns a kill
   * decision if that passed its CPU limit.
   */
  block (pid: number, ms: number): Decision | undefined {
    const e = this.entry(pid)
    const killed = this.account(e, ms)
    if (killed !== undefined) return killed
    e.state = 'blocked'
    this.queue.delete(pid)
    if (this.running === pid) this.running = undefined
    return undefined
  }

  /** A blocked program can run again: it joins the back of the queue. */
  wake (pid: number): void {
    const e = this.entry(pid)
    if (e.state !== 'blocked') return
    e.state = 'runnable'
    this.queue.add(pid)
  }

  /** Charges CPU time spent outside slices (e.g. its start function); may decide a kill. */
  charge (pid: number, ms: number): Decision | undefined {
    return this.account(this.entry(pid), ms)
  }

  /** The program ended: forget its place (its stats stay readable until `forget`). */
  remove (pid: number): ProgramStats {
    const e = this.entry(pid)
    this.queue.delete(pid)
    if (this.running === pid) this.running = undefined
    this.programs.delete(pid)
    return { ...e.stats }
  }

  noteMemory (pid: number, bytes: number): void {
    const s = this.entry(pid).stats
    if (bytes > s.peakMemoryBytes) s.peakMemoryBytes = bytes
  }

  noteSent (pid: number): void { this.entry(pid).stats.sent++ }
  noteReceived (pid: number): void { this.entry(pid).stats.received++ }

  stats (pid: number): ProgramStats { return { ...this.entry(pid).stats } }

  /** Pids in the run queue, in order (for tests and diagnostics). */
  runnable (): number[] { return [...this.queue] }

  private account (e: Entry, ms: number): Decision | undefined {
    if (ms > 0) e.stats.cpuMs += ms
    if (e.cpuLimitMs !== undefined && e.stats.cpuMs > e.cpuLimitMs) {
      this.queue.delete(e.stats.pid)
      if (this.running === e.stats.pid) this.running = undefined
      return {
        kind: 'kill',
        reason: `cpu limit: pid ${e.stats.pid} used ${formatMs(e.stats.cpuMs)} of CPU time, its limit is ${formatMs(e.cpuLimitMs)}`,
      }
    }
    return undefined
  }

  private entry (pid: number): Entry {
    const e = this.programs.get(pid)
    if (e === undefined) throw new SchedulerError('unknown-pid', `pid ${pid} is not scheduled`)
    return e
  }
}

function formatMs (ms: number): string {
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`
}

/** The `--stats` table: one line per program. */
export function formatStats (rows: ProgramStats[]): string {
  const head = ['pid', 'cpu', 'slices', 'peak memory', 'sent', 'received']
  const body = rows.map((s) => [
    String(s.pid), formatMs(s.cpuMs), String(s.slices), formatBytes(s.peakMemoryBytes), String(s.sent), String(s.received),
  ])
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)))
  return [head, ...body].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ')).join('\n')
}

function formatBytes (n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${n} B`
}
