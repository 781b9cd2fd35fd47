// Limits of programs on Node: programs are rewritten before they are compiled so that
// they count down fuel (src/kernel/node/limits/rewrite/) and call `wasmos_sched.refuel` when it runs
// out; there the host charges the slice's CPU time, ends a program past its CPU limit, and
// otherwise suspends it (JSPI) until the event loop's next turn, so every other runnable program,
// timers and I/O run in between: a program stuck in a loop no longer freezes the others. Memory
// is capped by the rewrite (`memory.grow` past the cap returns -1). `--stats` figures come from
// here too.
import { setImmediate as nextTurn } from 'node:timers/promises'
import { capTables, MAX_TABLE_ENTRIES, TABLE_ENTRY_BYTES } from '../bounds.ts'
import { ProcessKilled } from '../errors.ts'
import { sanitize } from '../text.ts'
import type { HostMonitor } from '../host.ts'
import type { Proc } from '../proc.ts'
import type { LoadOptions } from '../program.ts'
import { rewriteForRun } from './cache.ts'
import { PAGE_SIZE, REFUEL_MODULE, REFUEL_NAME } from './rewrite/index.ts'
import { FuelScheduler, formatStats } from './scheduler.ts'
import type { ProgramStats } from './scheduler.ts'

/** Exit status of a program ended by its CPU limit: 128 + SIGXCPU, as a shell would show. */
export const CPU_LIMIT_STATUS = 152

export interface LimitOptions {
  /** Fuel of a slice; with `sliceMs`, of the first one, and the next ones adapt to it. */
  sliceFuel: number
  /** Target length of a slice; needs CPU accounting, so only when asked for (`--slice`). */
  sliceMs?: number
  /** Print `--stats` at the end: needs CPU accounting. */
  stats?: boolean
  cpuLimitMs?: number
  maxMemoryPages: number
  /** Rewrite programs for preemption (off only to measure its cost). */
  preempt: boolean
  /** WASMOS_HOME, for the cache of rewritten modules. */
  home?: string
}

export class Limits implements HostMonitor {
  readonly #opts: LimitOptions
  readonly #sched: FuelScheduler
  readonly #rows: Array<ProgramStats & { name: string }> = []
  /**
   * Whether CPU time is measured (a CPU limit, stats, or adaptive slices): it costs a clock
   * reading whenever another process starts running, so it is off unless something needs it.
   */
  readonly #accounting: boolean
  #current: Proc | null = null
  /** Ends a process that passed its limit while not running (set by the run). */
  onKill: ((proc: Proc, err: ProcessKilled) => void) | null = null
  #since = 0

  constructor (opts: LimitOptions) {
    this.#opts = opts
    this.#accounting = opts.cpuLimitMs !== undefined || opts.sliceMs !== undefined || opts.stats === true
    this.#sched = new FuelScheduler({ sliceFuel: opts.sliceFuel, sliceMs: opts.sliceMs, cpuLimitMs: opts.cpuLimitMs })
  }

  /** How programs are loaded: rewritten (through the cache, keyed by CID) before they compile. */
  loadOptions (): LoadOptions {
    const { maxMemoryPages, home } = this.#opts
    // Tables count against the memory cap: a few bytes of module can declare gigabytes of them.
    const maxTableEntries = Math.min(MAX_TABLE_ENTRIES, Math.floor(maxMemoryPages * PAGE_SIZE / TABLE_ENTRY_BYTES))
    if (!this.#opts.preempt) return { rewrite: (original) => capTables(original(), maxTableEntries) }
    return {
      // The start function becomes an export the host calls under JSPI, where it can be preempted;
      // the cache holds the bytes after that too, so a cached start re-encodes nothing.
      rewrite: (original, cid) => rewriteForRun(original, { maxMemoryPages, maxTableEntries }, { home, cid }).bytes,
      allowImport: (module, name) => module === REFUEL_MODULE && name === REFUEL_NAME
    }
  }

  /** The refuel import of a process: the next budget, or 0 to suspend it in `refuelWait`. */
  refuel (proc: Proc): number {
    // Ended while it ran (a limit, `process.exit` from a handler): it must not run on.
    if (proc.ended) throw proc.error ?? new ProcessKilled(proc.status, `${proc.program.name} ended`)
    const pid = proc.pid
    // Its start function runs inside instantiation, where nothing may suspend.
    if (!proc.started) return this.#sched.budget(pid)
    this.running(proc)
    // Its first refuel once started: it has had no slice yet (the counter starts at 0), so there
    // is nothing to take a turn from; yielding here would cost every spawn an event-loop turn
    // before the process first reaches `wait`.
    if (!proc.fueled) { proc.fueled = true; return this.#sched.budget(pid) }
    if (proc.memory !== null) this.#sched.noteMemory(pid, proc.memory.buffer.byteLength)
    const decision = this.#sched.sliceEnded(pid, this.#take())
    if (decision.kind === 'kill') throw this.#killed(proc, decision.reason)
    return 0
  }

  /** Lets everyone else have a turn, then resolves with the budget `refuel` decided. */
  async refuelWait (proc: Proc): Promise<number> {
    await nextTurn()
    if (proc.ended) throw proc.error ?? new ProcessKilled(proc.status, `${proc.program.name} ended`)
    this.running(proc)
    // The budget of the slice that `refuel` decided: nothing changes it while the process waits.
    return this.#sched.budget(proc.pid)
  }

  spawned (proc: Proc): void {
    this.#sched.add(proc.pid)
  }

  running (proc: Proc): void {
    if (!this.#accounting || this.#current === proc) return
    const now = performance.now()
    const previous = this.#current
    if (previous !== null) this.#charge(previous, now - this.#since)
    this.#current = proc
    this.#since = now
  }

  blocked (proc: Proc): void {
    // Without accounting nothing here is needed: every refuel yields the event loop's turn anyway.
    if (!this.#accounting) return
    this.running(proc)
    const decision = this.#sched.block(proc.pid, this.#take())
    if (proc.memory !== null) this.#sched.noteMemory(proc.pid, proc.memory.buffer.byteLength)
    if (decision?.kind === 'kill') this.#kill(proc, decision.reason)
  }

  resumed (proc: Proc): void {
    if (!this.#accounting) return
    this.#sched.wake(proc.pid)
    if (this.#current === null) this.running(proc)
  }

  ended (proc: Proc, counts: { sent: number, received: number }): void {
    if (this.#current === proc) this.#charge(proc, this.#take())
    if (proc.memory !== null) this.#sched.noteMemory(proc.pid, proc.memory.buffer.byteLength)
    const stats = this.#sched.remove(proc.pid)
    this.#rows.push({ ...stats, sent: counts.sent, received: counts.received, name: sanitize(proc.program.name) })
  }

  /** The `--stats` table of every process that ended. */
  statsTable (): string {
    const rows = [...this.#rows].sort((a, b) => a.pid - b.pid)
    const table = formatStats(rows).split('\n')
    return table.map((line, i) => `${(i === 0 ? 'program' : rows[i - 1].name).padEnd(Math.max(7, ...rows.map((r) => r.name.length)))}  ${line}`).join('\n')
  }

  /** CPU time of the running process since it began running; nobody runs afterwards. */
  #take (): number {
    if (this.#current === null) return 0
    this.#current = null
    return performance.now() - this.#since
  }

  #charge (proc: Proc, ms: number): void {
    if (proc.ended) return
    const decision = this.#sched.charge(proc.pid, ms)
    if (decision?.kind === 'kill') this.#kill(proc, decision.reason)
  }

  /** Ends a process that passed its limit outside its own slice: once the current call returns. */
  #kill (proc: Proc, reason: string): void {
    const err = this.#killed(proc, reason)
    queueMicrotask(() => this.onKill?.(proc, err))
  }

  #killed (proc: Proc, reason: string): ProcessKilled {
    const msg = reason.replace(/^cpu limit: pid \d+ /, `cpu limit: ${proc.program.name} `)
    return new ProcessKilled(CPU_LIMIT_STATUS, msg)
  }
}
