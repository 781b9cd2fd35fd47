// The contract of an interface the bare-metal kernel handles itself, and the table (interface key
// → handler) the scheduler dispatches to. Handlers read requests and write answers with the code
// generated from interfaces/*.json (../gen/<interface>.ts); ../README.md says how to add one.
import { Action, BAD_REQUEST, KERNEL_PID, OK, SEND_ANSWER, TOO_LARGE } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { kernel } from '../context'
import { irq_take, ticks } from '../stub'

export const EMPTY = new Uint8Array(0)

/**
 * One natively handled interface. `handle` gets each message with its index read and its
 * parameters next in `r`; the hooks are called for every handler in table order.
 */
export class Native {
  /** The interface's key (hex of its digest), as the kernel core names it. */
  readonly key: string

  constructor (key: string) {
    this.key = key
  }

  /** Handles message `index` of `a`; false when it is no message of this interface (BAD_REQUEST). */
  handle (a: Action, index: u32, r: Reader): bool {
    return false
  }

  /** A process was started (`parent` is KERNEL_PID for the programs boot.cfg starts). */
  spawned (pid: f64, parent: f64): void {}

  /** A process ended: free what it held here. */
  ended (pid: f64, status: i32): void {}

  /** A registration the core held (PENDING) is decided; true when it was this handler's. */
  registered (token: f64, status: i32): bool {
    return false
  }

  /** Answers what became ready: `irqs` has bit n set when IRQ line n fired since the last call. */
  service (irqs: u32): void {}

  /** Whether something outside the guests (a timer, a device, the keyboard) can still wake one. */
  busy (): bool {
    return false
  }
}

/** Answers message `a` (when it expects an answer) with `status` and `payload`. */
export function reply (a: Action, status: i32, payload: Uint8Array): void {
  if ((a.flags & SEND_ANSWER) == 0) return
  // An answer over the kernel's size limit still answers: with TOO_LARGE and nothing else.
  if (kernel.answer(KERNEL_PID, a.id, status, payload) == TOO_LARGE) kernel.answer(KERNEL_PID, a.id, TOO_LARGE, EMPTY)
}

/** Answers `a` with success and the fields written in `w`. */
export function answer (a: Action, w: Writer): void {
  reply(a, OK, w.toBytes())
}

/** Answers `a` with a failure status of its interface (or of the kernel). */
export function fail (a: Action, status: i32): void {
  reply(a, status, EMPTY)
}

const shared = new Writer(256)

/** A writer for one answer, shared: valid until the next `writer()`. */
export function writer (): Writer {
  shared.reset()
  return shared
}

/** Every native interface by key, and the hooks called on all of them. */
export class NativeTable {
  private byKey: Map<string, Native> = new Map<string, Native>()
  private list: Array<Native> = new Array<Native>()

  /** Adds a handler; the core learns its key in `keys()` at boot. */
  add (n: Native): void {
    this.byKey.set(n.key, n)
    this.list.push(n)
  }

  keys (): Array<string> {
    const out = new Array<string>()
    for (let i = 0; i < this.list.length; i++) out.push(this.list[i].key)
    return out
  }

  /** A message for a native interface (ACTION_DELIVER): `[index, ...params]`. */
  deliver (a: Action): void {
    const r = new Reader(a.payload !== null ? a.payload! : EMPTY)
    const n = r.arrayHeader()
    const index = r.u32()
    if (r.error || n == 0 || !this.byKey.has(a.iface) || !this.byKey.get(a.iface).handle(a, index, r)) fail(a, BAD_REQUEST)
  }

  spawned (pid: f64, parent: f64): void {
    for (let i = 0; i < this.list.length; i++) this.list[i].spawned(pid, parent)
  }

  ended (pid: f64, status: i32): void {
    for (let i = 0; i < this.list.length; i++) this.list[i].ended(pid, status)
  }

  registered (token: f64, status: i32): void {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].registered(token, status)) return
  }

  private serviced: u64 = U64.MAX_VALUE

  /**
   * Takes the IRQs that fired and lets every handler answer what they and the clock made ready.
   * Nothing to do when no IRQ fired and the clock has not moved: what a message makes ready is
   * answered when the message is handled.
   */
  service (): void {
    const irqs = irq_take()
    const now = ticks()
    if (irqs == 0 && now == this.serviced) return
    this.serviced = now
    for (let i = 0; i < this.list.length; i++) this.list[i].service(irqs)
  }

  busy (): bool {
    for (let i = 0; i < this.list.length; i++) if (this.list[i].busy()) return true
    return false
  }
}

/** The table of this kernel; filled by ./index.ts at boot. */
export const natives = new NativeTable()
