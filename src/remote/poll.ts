// Busy polling for a reply expected soon: after a link writes a call (or an answer, when the next
// call of a loop is likely to follow), the event loop keeps polling its sockets without sleeping
// for a short window, so the reply is read by a process that is already running. A process that
// sleeps is woken by the kernel, and on a virtual machine whose idle CPUs halt, waking a process on
// the other CPU costs tens of µs, twice per round trip (src/remote/README.md, "Quiet machines").
// Polling pays only when the peer runs on another CPU: when both share one, the poller holds the
// CPU the peer needs and the reply comes later, not sooner. So each link measures both: how long
// replies take when it polls and when it sleeps (the median of the last SAMPLES waits of each, now
// and then one made the other way), and polls only while polling is clearly the faster. And it
// polls only while the machine's CPUs are mostly idle or ours: on a machine that other processes
// keep busy no CPU halts (so a wake-up is cheap), the poller takes time from the others, and the
// scheduler then favours the poller less at its next wake-up, a cost no wait of its own shows.
import { readFileSync } from 'node:fs'

/** How long one window polls, in ms. */
export const POLL_WINDOW_MS = 0.1
/** One wait in this many sleeps while polling is the faster way, to keep measuring sleeping. */
export const PROBE_SLEEP_EVERY = 16
/**
 * One wait in this many polls while sleeping is the faster: a poll that loses costs more (the CPU
 * it holds is the peer's, or another process's, and the scheduler then favours ours less).
 */
export const PROBE_POLL_EVERY = 16
/** Polling is chosen when its replies come in at most this share of the time sleeping's do. */
const MARGIN = 0.8
/** Waits remembered of each way: a median of a few ignores a wait another process lengthened. */
export const SAMPLES = 5
/** A wait counts at most this long (ms): a reply later than that came late whichever way it was waited for. */
const CAP_MS = 1

/** How often the machine's idle time is read, in ms. */
const CROWD_CHECK_MS = 200
/** Crowded below this share of all CPUs' time idle or spent by this process (polling included). */
const FREE_SHARE = 0.5

/** CPU time of every CPU so far (/proc/stat, in ticks): idle, and all; null where the system does not say. */
export function cpuTicks (): { idle: number, total: number } | null {
  try {
    const line = /^cpu +(.*)$/m.exec(readFileSync('/proc/stat', 'latin1'))
    if (line === null) return null
    const f = line[1].trim().split(/ +/).map(Number)
    // user nice system idle iowait irq softirq steal: guest time is already in user.
    const total = f.slice(0, 8).reduce((a, b) => a + b, 0)
    return { idle: f[3] + (f[4] ?? 0), total }
  } catch {
    return null
  }
}

let last: { at: number, ticks: { idle: number, total: number } | null, own: number } | null = null
let crowdedNow = false

/** Over an interval of `total` ticks of all CPUs (10 ms each), `idle` of them idle and `ownUs` µs run by this process: were the CPUs mostly another's? */
export function busyElsewhere (idle: number, total: number, ownUs: number): boolean {
  return idle + ownUs / 10_000 < FREE_SHARE * total
}

/**
 * Whether the machine is crowded: over the last CROWD_CHECK_MS, the time its CPUs were idle or
 * running this process was under FREE_SHARE of all (another process kept them busy). Read at most
 * every CROWD_CHECK_MS; false where the system does not say.
 */
export function crowded (): boolean {
  const now = performance.now()
  if (last !== null && now - last.at < CROWD_CHECK_MS) return crowdedNow
  const ticks = cpuTicks()
  const u = process.cpuUsage()
  const own = u.user + u.system
  if (last !== null && ticks !== null && last.ticks !== null && ticks.total > last.ticks.total) {
    crowdedNow = busyElsewhere(ticks.idle - last.ticks.idle, ticks.total - last.ticks.total, own - last.own)
  }
  last = { at: now, ticks, own }
  return crowdedNow
}

const active = new Set<BusyPoll>()
let looping = false

/** One turn of the loop per event-loop turn while a window is open: a pending immediate makes the next poll not wait. */
function turn (): void {
  const now = performance.now()
  for (const p of active) if (p.deadline <= now) active.delete(p)
  if (active.size > 0) setImmediate(turn)
  else looping = false
}

/** The last SAMPLES waits of one way, and their median. */
class Waits {
  readonly #ms = new Float64Array(SAMPLES)
  #next = 0
  count = 0
  median = -1

  add (ms: number): void {
    this.#ms[this.#next] = ms
    this.#next = (this.#next + 1) % SAMPLES
    this.count++
    const n = Math.min(this.count, SAMPLES)
    const sorted = this.#ms.slice(0, n).sort()
    this.median = n % 2 === 1 ? sorted[n >> 1] : (sorted[(n >> 1) - 1] + sorted[n >> 1]) / 2
  }
}

/** What polling did on one link. */
export interface PollStats {
  /** Waits made polling, and sleeping; waits not measured (slept) while the machine was busy with other processes. */
  polled: number
  slept: number
  crowded: number
  /** Medians of the last waits for a reply, in ms (capped), polling and sleeping; -1 before the first. */
  polledMs: number
  sleptMs: number
}

/** The polling of one link: `expect` after a write that a reply should follow, `arrived` at each read. */
export class BusyPoll {
  deadline = 0
  readonly #windowMs: number
  /** When the wait being measured began (-1: none), and whether it polls. */
  #since = -1
  #polling = false
  /** True while a window is open. */
  get polling (): boolean {
    return active.has(this)
  }

  #waits = 0
  #crowdedWaits = 0
  readonly #polled = new Waits()
  readonly #slept = new Waits()
  readonly #now: () => number

  readonly #crowded: () => boolean

  /**
   * `windowMs` 0 turns polling off; `now` is the clock waits are measured with (ms); `busy` says
   * whether other processes keep the machine's CPUs busy (then the link sleeps, measuring nothing).
   */
  constructor (opts: { windowMs?: number, now?: () => number, busy?: () => boolean } = {}) {
    this.#windowMs = opts.windowMs ?? POLL_WINDOW_MS
    this.#now = opts.now ?? (() => performance.now())
    this.#crowded = opts.busy ?? crowded
  }

  get stats (): PollStats {
    return { polled: this.#polled.count, slept: this.#slept.count, crowded: this.#crowdedWaits, polledMs: this.#polled.median, sleptMs: this.#slept.median }
  }

  /** A reply should follow soon: poll for it when polling has been the faster way. */
  expect (): void {
    if (this.#windowMs <= 0 || this.#since >= 0) return
    if (this.#crowded()) {
      this.#crowdedWaits++
      return
    }
    const polled = this.#polled
    const slept = this.#slept
    const n = ++this.#waits
    let poll: boolean
    // Until both ways are measured, alternate; then the faster, and now and then the other.
    if (polled.count < SAMPLES || slept.count < SAMPLES) poll = polled.count <= slept.count
    else if (polled.median < slept.median * MARGIN) poll = n % PROBE_SLEEP_EVERY !== 0
    else poll = n % PROBE_POLL_EVERY === 0
    this.#since = this.#now()
    this.#polling = poll
    if (!poll) return
    this.deadline = performance.now() + this.#windowMs
    active.add(this)
    if (!looping) {
      looping = true
      setImmediate(turn)
    }
  }

  /** Bytes arrived: the wait is over. */
  arrived (): void {
    if (this.#since < 0) return
    const ms = Math.min(CAP_MS, this.#now() - this.#since)
    this.#since = -1
    if (this.#polling) {
      active.delete(this)
      this.#polled.add(ms)
    } else {
      this.#slept.add(ms)
    }
  }

  /** The link ended: no window stays open for it. */
  stop (): void {
    active.delete(this)
    this.#since = -1
  }
}
