// A running program as the Node host keeps it: its instance's memory views, its exit, the
// interface keys it passes again and again, the host work charged to it, and the state of its
// syscalls between two calls (the host's syscall functions are shared by every process).
import type { WasmosError } from './errors.ts'
import type { Program } from './program.ts'

/** The filter of a `wait` on any message. */
export const NO_IDS: number[] = []
/** The views of a process before its memory exists: shared, since nothing is ever written to them. */
const NO_BYTES = new Uint8Array(0)
const NO_VIEW = new DataView(new ArrayBuffer(0))

/** An interface key as read from a program's memory. */
export interface KeyEntry { bytes: Uint8Array, words: Uint32Array, key: string }

/** A running program. */
export class Proc {
  readonly pid: number
  readonly parent: number
  readonly program: Program
  readonly args: string[]
  memory: WebAssembly.Memory | null = null
  #buffer: ArrayBufferLike | null = null
  u8 = NO_BYTES
  view = NO_VIEW
  /** Resolves the pending blocking `wait`; called with this process. */
  wake: ((proc: Proc) => void) | null = null
  ended = false
  /** The run's main program, whose end ends the run. */
  main = false
  /** Its `_start` was called (before that, only its start function may run, synchronously). */
  started = false
  status = 0
  error: WasmosError | null = null
  #exited: Promise<number> | null = null
  #resolveExit: ((status: number) => void) | null = null
  /**
   * Interfaces whose send grant was settled before the first send (see NodeHost.#settle); made
   * at the first send, as the key cache below: many processes never send.
   */
  settled: Set<string> | null = null
  /** Host work since its last turn (WORK_SLICE). */
  work = 0
  /** Interface keys cached by pointer: programs pass the same digest again and again. */
  keyCache: Map<number, KeyEntry> | null = null
  /** The result of a syscall that returned MUST_YIELD, returned once the process had its turn. */
  yielded = 0
  /** The ids the last `wait` filters on (kept while it blocks). */
  waitIds: number[] = NO_IDS
  /** The array a one-id `wait` (a call) reuses: at most one wait is pending per process. */
  oneId: number[] | null = null
  /** Where the pending blocking `wait` writes its notification, and how much room it has. */
  waitOut = 0
  waitCap = 0
  /** Resolves the pending blocking `wait` with its result. */
  waitResolve: ((n: number) => void) | null = null
  /** Rejects it: how an ended process's suspended stack is unwound (see NodeHost.#end). */
  waitReject: ((err: Error) => void) | null = null
  /** It was given its first slice of fuel since it started (limits/monitor.ts). */
  fueled = false
  /** Its code was sent the exception that unwinds it once (a program that catches it gets no second). */
  unwound = false

  constructor (pid: number, parent: number, program: Program, args: string[]) {
    this.pid = pid
    this.parent = parent
    this.program = program
    this.args = args
  }

  /** Resolves with its exit status (made when first asked for: most are never awaited). */
  get exited (): Promise<number> {
    if (this.#exited === null) {
      this.#exited = this.ended
        ? Promise.resolve(this.status)
        : new Promise((resolve) => { this.#resolveExit = resolve })
    }
    return this.#exited
  }

  /** Called by the host once the process ended (`ended` and `status` set). */
  resolveExit (status: number): void {
    this.#resolveExit?.(status)
    this.#resolveExit = null
  }

  /**
   * Drops its memory once it ended: whoever still holds the Proc (an `exited` waiter, `ps`) must not
   * keep the memory alive, with the 8 GiB of address space V8 reserves for each.
   */
  forget (): void {
    this.memory = null
    this.#buffer = null
    this.u8 = NO_BYTES
    this.view = NO_VIEW
  }

  /** Refreshes the views when the memory grew (its buffer is then a new one). */
  views (): void {
    // Growing a memory detaches its old buffer (length 0): reading `memory.buffer` on every
    // syscall would cost more than this check.
    if (this.u8.byteLength !== 0 || this.memory === null) return
    const buf = this.memory.buffer
    if (buf !== this.#buffer) {
      this.#buffer = buf
      this.u8 = new Uint8Array(buf)
      this.view = new DataView(buf)
    }
  }

  /** Whether [ptr, ptr+len) lies in memory; ptr and len come from wasm as i32. */
  inBounds (ptr: number, len: number): boolean {
    return ptr >= 0 && len >= 0 && ptr + len <= this.u8.length
  }
}
