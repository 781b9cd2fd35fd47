// The trace of a run in the Chrome trace-event format (what Perfetto and chrome://tracing open):
// a process per wasmos process (named program@pid) with a track of its messages and a track of
// its running/blocked slices, each message a flow from send to delivery to answer, and instants
// for grants and for processes starting and ending. Bounded: past the limit one "truncated"
// instant is added and later events are dropped.
import { writeFileSync } from 'node:fs'
import { KIND_ANSWER, KIND_MESSAGE, SEND_ANSWER } from '../../core/index.ts'
import type { Notification } from '../../core/index.ts'
import type { WasmosError } from '../errors.ts'
import type { Proc } from '../proc.ts'
import { messageIndex, NullObserver } from './observer.ts'
import type { DecidedBy, GrantKind } from './observer.ts'

/** What an interface is called and what its messages are called, by index. */
export type DescribeInterface = (key: string) => { name: string, messages: string[] } | undefined

/** Events kept when no limit is given. */
export const DEFAULT_TRACE_LIMIT = 100_000

/** The thread of a process's messages, and of its running/blocked slices. */
const MESSAGES_TID = 1
const STATE_TID = 2

const CODE_NAMES = ['ok', 'denied', 'no handler', 'bad pointer', 'too large', 'queue full', 'unknown message', 'already handled', 'pending']

export interface TraceEvent {
  name: string
  ph: string
  ts: number
  pid: number
  tid: number
  dur?: number
  id?: number
  cat?: string
  s?: string
  bp?: string
  args?: Record<string, unknown>
}

interface State { since: number, blocked: boolean }

export class TraceRecorder extends NullObserver {
  readonly events: TraceEvent[] = []
  readonly #limit: number
  readonly #describe: DescribeInterface
  readonly #t0 = performance.now()
  readonly #states = new Map<number, State>()
  /** The label of each message in flight that expects an answer, by id. */
  readonly #calls = new Map<number, string>()
  /** The time of the latest message slice on each process's track. */
  readonly #lastStep = new Map<number, number>()
  #truncated = false
  /** Flows started (messages sent). */
  flows = 0

  constructor (opts: { limit?: number, describe: DescribeInterface }) {
    super()
    this.#limit = Math.max(16, opts.limit ?? DEFAULT_TRACE_LIMIT)
    this.#describe = opts.describe
    this.#meta(0, 'kernel (native handlers)')
  }

  get truncated (): boolean {
    return this.#truncated
  }

  #now (): number {
    return Math.round((performance.now() - this.#t0) * 1000) / 1000
  }

  #push (e: TraceEvent): void {
    if (this.#truncated) return
    if (this.events.length >= this.#limit - 1) {
      this.#truncated = true
      this.events.push({ name: 'truncated', ph: 'i', s: 'g', ts: e.ts, pid: 0, tid: MESSAGES_TID, args: { limit: this.#limit } })
      return
    }
    this.events.push(e)
  }

  #meta (pid: number, label: string): void {
    this.#push({ name: 'process_name', ph: 'M', ts: 0, pid, tid: MESSAGES_TID, args: { name: label } })
    this.#push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: MESSAGES_TID, args: { name: label } })
    if (pid !== 0) this.#push({ name: 'thread_name', ph: 'M', ts: 0, pid, tid: STATE_TID, args: { name: `${label} running/blocked` } })
  }

  #label (key: string, payload: Uint8Array | null): string {
    const d = this.#describe(key)
    const i = payload === null ? -1 : messageIndex(payload)
    const msg = i < 0 ? '?' : (d?.messages[i] ?? `#${i}`)
    return `${d?.name ?? key.slice(0, 12)}.${msg}`
  }

  /** A zero-length slice on a process's message track, with a flow event bound to it. */
  #step (pid: number, name: string, flow: 's' | 't' | 'f', id: number, label: string, args: Record<string, unknown>): void {
    // Slices of one nanosecond, strictly one after the other on a track, so that each flow
    // event lies inside exactly one slice (viewers bind a flow to the slice enclosing it).
    let ts = this.#now()
    const last = this.#lastStep.get(pid)
    if (last !== undefined && ts <= last + 0.001) ts = Math.round((last + 0.002) * 1000) / 1000
    this.#lastStep.set(pid, ts)
    this.#push({ name, ph: 'X', ts, dur: 0.001, pid, tid: MESSAGES_TID, cat: 'message', args })
    const e: TraceEvent = { name: label, ph: flow, ts, pid, tid: MESSAGES_TID, id, cat: 'message' }
    if (flow !== 's') e.bp = 'e'
    this.#push(e)
  }

  #closeState (pid: number, ts: number): State | undefined {
    const s = this.#states.get(pid)
    if (s !== undefined && ts > s.since) {
      this.#push({ name: s.blocked ? 'blocked' : 'running', ph: 'X', ts: s.since, dur: Math.round((ts - s.since) * 1000) / 1000, pid, tid: STATE_TID, cat: 'state' })
    }
    return s
  }

  override spawned (proc: Proc): void {
    const ts = this.#now()
    this.#meta(proc.pid, `${proc.program.name}@${proc.pid}`)
    this.#push({ name: 'start', ph: 'i', s: 't', ts, pid: proc.pid, tid: MESSAGES_TID, args: { cid: proc.program.cid, args: proc.args.slice(1), parent: proc.parent } })
    this.#states.set(proc.pid, { since: ts, blocked: false })
  }

  override ended (proc: Proc, status: number, error: WasmosError | null): void {
    const ts = this.#now()
    this.#closeState(proc.pid, ts)
    this.#states.delete(proc.pid)
    this.#lastStep.delete(proc.pid)
    const args: Record<string, unknown> = { status }
    if (error !== null) args.error = error.message
    this.#push({ name: 'exit', ph: 'i', s: 'p', ts, pid: proc.pid, tid: MESSAGES_TID, args })
  }

  override blocked (proc: Proc): void {
    const ts = this.#now()
    const s = this.#closeState(proc.pid, ts)
    if (s !== undefined) { s.since = ts; s.blocked = true }
  }

  override resumed (proc: Proc): void {
    const ts = this.#now()
    const s = this.#closeState(proc.pid, ts)
    if (s !== undefined) { s.since = ts; s.blocked = false }
  }

  override sent (pid: number, key: string, id: number, payload: Uint8Array, flags: number, code: number): void {
    const label = this.#label(key, payload)
    const expects = (flags & SEND_ANSWER) !== 0
    if (id === 0) {
      this.#push({ name: `refused ${label}`, ph: 'i', s: 't', ts: this.#now(), pid, tid: MESSAGES_TID, args: { code: CODE_NAMES[code] ?? code } })
      return
    }
    this.flows++
    if (expects) this.#calls.set(id, label)
    this.#step(pid, `send ${label}`, 's', id, label, { id, bytes: payload.length, answer: expects })
  }

  override delivered (id: number, _emitter: number, key: string, payload: Uint8Array, expectsAnswer: boolean): void {
    const label = this.#label(key, payload)
    this.#step(0, `handle ${label}`, expectsAnswer ? 't' : 'f', id, label, { id })
  }

  override took (pid: number, n: Notification): void {
    if (n.kind === KIND_MESSAGE) {
      const label = this.#label(n.iface, n.payload)
      this.#step(pid, `receive ${label}`, (n.code & SEND_ANSWER) !== 0 ? 't' : 'f', n.id, label, { id: n.id, from: n.emitter })
    } else if (n.kind === KIND_ANSWER) {
      const label = this.#calls.get(n.id)
      if (label === undefined) return
      this.#calls.delete(n.id)
      this.#step(pid, `answer to ${label}`, 'f', n.id, label, { id: n.id, status: n.code })
    }
  }

  override answered (pid: number, id: number, status: number, code: number): void {
    if (code !== 0) return
    const label = this.#calls.get(id)
    if (label === undefined) return
    this.#step(pid, `answer ${label}`, 't', id, label, { id, status })
  }

  override asked (pid: number, key: string, kind: GrantKind): void {
    this.#push({ name: `grant asked: ${kind} ${this.#describe(key)?.name ?? key}`, ph: 'i', s: 't', ts: this.#now(), pid, tid: MESSAGES_TID, cat: 'grant' })
  }

  override granted (pid: number, key: string, kind: GrantKind, allowed: boolean, by: DecidedBy): void {
    this.#push({ name: `grant ${allowed ? 'allowed' : 'denied'}: ${kind} ${this.#describe(key)?.name ?? key}`, ph: 'i', s: 't', ts: this.#now(), pid, tid: MESSAGES_TID, cat: 'grant', args: { by } })
  }

  /** The trace as a JSON object; running/blocked slices of processes still alive end now. */
  toJSON (): { traceEvents: TraceEvent[], displayTimeUnit: string, otherData: Record<string, unknown> } {
    const ts = this.#now()
    const events = [...this.events]
    for (const [pid, s] of this.#states) {
      if (ts > s.since) events.push({ name: s.blocked ? 'blocked' : 'running', ph: 'X', ts: s.since, dur: Math.round((ts - s.since) * 1000) / 1000, pid, tid: STATE_TID, cat: 'state' })
    }
    return { traceEvents: events, displayTimeUnit: 'ms', otherData: { producer: 'wasmos', truncated: this.#truncated, limit: this.#limit } }
  }

  /** Writes the trace to `path` (synchronously: it must also work as the process exits). */
  write (path: string): void {
    writeFileSync(path, JSON.stringify(this.toJSON()))
  }
}
