// The wasm adapters standing between a program and the host's syscalls. A suspending import costs
// about 200 ns even when it returns at once, a plain one about 13 ns, so every syscall is a plain
// call, and only when that says so does the adapter call a suspending one:
//   - `wait`: `poll` returns MUST_BLOCK when the program must block: then `block` suspends it;
//   - any syscall returns MUST_YIELD when it did its work but the program has made the host work
//     long enough (bytes copied, ids scanned) that others must get a turn: then `yield` suspends
//     it until the event loop's next turn and returns the syscall's result, kept aside.
// (module
//   (import "h" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
//   (import "h" "answer" (func $answer (param i64 i32 i32 i32) (result i32)))
//   (import "h" "poll" (func $poll (param i32 i32 i32 i32 i32) (result i32)))
//   (import "h" "block" (func $block (param i32 i32 i32 i32 i32) (result i32)))
//   (import "h" "yield" (func $yield (result i32)))
//   (func (export "send") (param i32 i32 i32 i32 i32) (result i32) (local $r i32)
//     (local.set $r (call $send …)) (if (i32.ne (local.get $r) (i32.const -1001)) (then (return (local.get $r))))
//     (call $yield))
//   (func (export "answer") (param i64 i32 i32 i32) (result i32) …the same with $answer…)
//   (func (export "wait") (param i32 i32 i32 i32 i32) (result i32) (local $r i32)
//     (local.set $r (call $poll …)) (if (i32.gt_s (local.get $r) (i32.const -1000)) (then (return (local.get $r))))
//     (if (i32.eq (local.get $r) (i32.const -1001)) (then (return (call $yield))))
//     (call $block …)))

export const MUST_BLOCK = -1000
export const MUST_YIELD = -1001

const ADAPTER = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 22, 3, 96, 5, 127, 127, 127, 127, 127, 1, 127, 96, 4,
  126, 127, 127, 127, 1, 127, 96, 0, 1, 127, 2, 50, 5, 1, 104, 4, 115, 101, 110, 100, 0, 0, 1, 104, 6, 97, 110, 115,
  119, 101, 114, 0, 1, 1, 104, 4, 112, 111, 108, 108, 0, 0, 1, 104, 5, 98, 108, 111, 99, 107, 0, 0, 1, 104, 5, 121,
  105, 101, 108, 100, 0, 2, 3, 4, 3, 0, 1, 0, 7, 24, 3, 4, 115, 101, 110, 100, 0, 5, 6, 97, 110, 115, 119, 101, 114,
  0, 6, 4, 119, 97, 105, 116, 0, 7, 10, 120, 3, 32, 1, 1, 127, 32, 0, 32, 1, 32, 2, 32, 3, 32, 4, 16, 0, 33, 5, 32,
  5, 65, 151, 120, 71, 4, 64, 32, 5, 15, 11, 16, 4, 11, 30, 1, 1, 127, 32, 0, 32, 1, 32, 2, 32, 3, 16, 1, 33, 4, 32,
  4, 65, 151, 120, 71, 4, 64, 32, 4, 15, 11, 16, 4, 11, 54, 1, 1, 127, 32, 0, 32, 1, 32, 2, 32, 3, 32, 4, 16, 2, 33,
  5, 32, 5, 65, 152, 120, 74, 4, 64, 32, 5, 15, 11, 32, 5, 65, 151, 120, 70, 4, 64, 16, 4, 15, 11, 32, 0, 32, 1, 32,
  2, 32, 3, 32, 4, 16, 3, 11])

let module: WebAssembly.Module | null = null

export interface SyscallHalves {
  send: (ifacePtr: number, bufPtr: number, bufLen: number, flags: number, idOut: number) => number
  answer: (id: bigint, status: number, bufPtr: number, bufLen: number) => number
  poll: (idsPtr: number, count: number, outPtr: number, cap: number, flags: number) => number
  block: (idsPtr: number, count: number, outPtr: number, cap: number) => Promise<number>
  yield: () => Promise<number>
}

/** The `wasmos` imports of one process, built from the plain and suspending halves. */
export function syscallImports (h: SyscallHalves): Record<string, WebAssembly.ImportValue> {
  module ??= new WebAssembly.Module(ADAPTER)
  const instance = new WebAssembly.Instance(module, {
    h: {
      send: h.send,
      answer: h.answer,
      poll: h.poll,
      block: new WebAssembly.Suspending(h.block) as unknown as WebAssembly.ImportValue,
      yield: new WebAssembly.Suspending(h.yield) as unknown as WebAssembly.ImportValue
    }
  })
  return { send: instance.exports.send, answer: instance.exports.answer, wait: instance.exports.wait }
}

// The shared adapter: one instance per host serves every process whose imports are all its own
// (not WASI), so that a spawn instantiates the program and nothing else. The process that runs is
// the global `current` (an externref holding its Proc): the host sets it before it runs a
// program's code (instantiation, its start function, `_start`), and each adapter function reads
// it on entry into a local, which lives on the suspended stack, and writes it back whenever a
// suspending call returns or throws, since other processes ran meanwhile. A program resumes only
// through these suspending calls, so `current` names the caller whenever an adapter function runs.
// (module
//   (import "h" "send" (func $send (param externref i32 i32 i32 i32 i32) (result i32)))
//   (import "h" "answer" (func $answer (param externref i64 i32 i32 i32) (result i32)))
//   (import "h" "poll" (func $poll (param externref i32 i32 i32 i32 i32) (result i32)))
//   (import "h" "block" (func $block (param externref i32 i32) (result i32)))       ;; suspending
//   (import "h" "yield" (func $yield (param externref) (result i32)))               ;; suspending
//   (import "h" "refuel" (func $refuel (param externref) (result i32)))
//   (import "h" "refuelBlock" (func $refuelBlock (param externref) (result i32)))   ;; suspending
//   (global $cur (export "current") (mut externref) (ref.null extern))
//   (func $yieldAs (param $me externref) (result i32)
//     (try (result i32) (do (call $yield (local.get $me)))
//       (catch_all (global.set $cur (local.get $me)) (rethrow 0)))
//     (global.set $cur (local.get $me)))
//   (func (export "send") (param i32 i32 i32 i32 i32) (result i32) (local $me externref) (local $r i32)
//     (local.set $me (global.get $cur))
//     (local.set $r (call $send (local.get $me) …))
//     (if (i32.ne (local.get $r) (i32.const -1001)) (then (return (local.get $r))))
//     (call $yieldAs (local.get $me)))
//   (func (export "answer") …the same with $answer…)
//   (func (export "wait") (param i32 i32 i32 i32 i32) (result i32) (local $me externref) (local $r i32)
//     (local.set $me (global.get $cur))
//     (local.set $r (call $poll (local.get $me) …))
//     (if (i32.gt_s (local.get $r) (i32.const -1000)) (then (return (local.get $r))))
//     (if (i32.eq (local.get $r) (i32.const -1001)) (then (return (call $yieldAs (local.get $me)))))
//     (try (result i32) (do (call $block (local.get $me) (local.get 2) (local.get 3)))
//       (catch_all (global.set $cur (local.get $me)) (rethrow 0)))
//     (global.set $cur (local.get $me)))
//   (func (export "refuel") (result i32) (local $me externref) (local $b i32)
//     (local.set $me (global.get $cur))
//     (if (local.tee $b (call $refuel (local.get $me))) (then (return (local.get $b))))
//     (try (result i32) (do (call $refuelBlock (local.get $me)))
//       (catch_all (global.set $cur (local.get $me)) (rethrow 0)))
//     (global.set $cur (local.get $me))))
const SHARED_ADAPTER = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 53, 7, 96, 6, 111, 127, 127, 127, 127, 127, 1,
  127, 96, 5, 111, 126, 127, 127, 127, 1, 127, 96, 3, 111, 127, 127, 1, 127, 96, 1, 111,
  1, 127, 96, 5, 127, 127, 127, 127, 127, 1, 127, 96, 4, 126, 127, 127, 127, 1, 127, 96,
  0, 1, 127, 2, 77, 7, 1, 104, 4, 115, 101, 110, 100, 0, 0, 1, 104, 6, 97, 110,
  115, 119, 101, 114, 0, 1, 1, 104, 4, 112, 111, 108, 108, 0, 0, 1, 104, 5, 98, 108,
  111, 99, 107, 0, 2, 1, 104, 5, 121, 105, 101, 108, 100, 0, 3, 1, 104, 6, 114, 101,
  102, 117, 101, 108, 0, 3, 1, 104, 11, 114, 101, 102, 117, 101, 108, 66, 108, 111, 99, 107,
  0, 3, 3, 6, 5, 3, 4, 5, 4, 6, 6, 6, 1, 111, 1, 208, 111, 11, 7, 43,
  5, 7, 99, 117, 114, 114, 101, 110, 116, 3, 0, 4, 115, 101, 110, 100, 0, 8, 6, 97,
  110, 115, 119, 101, 114, 0, 9, 4, 119, 97, 105, 116, 0, 10, 6, 114, 101, 102, 117, 101,
  108, 0, 11, 10, 222, 1, 5, 20, 0, 6, 127, 32, 0, 16, 4, 25, 32, 0, 36, 0,
  9, 0, 11, 32, 0, 36, 0, 11, 42, 2, 1, 111, 1, 127, 35, 0, 33, 5, 32, 5,
  32, 0, 32, 1, 32, 2, 32, 3, 32, 4, 16, 0, 33, 6, 32, 6, 65, 151, 120, 71,
  4, 64, 32, 6, 15, 11, 32, 5, 16, 7, 11, 40, 2, 1, 111, 1, 127, 35, 0, 33,
  4, 32, 4, 32, 0, 32, 1, 32, 2, 32, 3, 16, 1, 33, 5, 32, 5, 65, 151, 120,
  71, 4, 64, 32, 5, 15, 11, 32, 4, 16, 7, 11, 74, 2, 1, 111, 1, 127, 35, 0,
  33, 5, 32, 5, 32, 0, 32, 1, 32, 2, 32, 3, 32, 4, 16, 2, 33, 6, 32, 6,
  65, 152, 120, 74, 4, 64, 32, 6, 15, 11, 32, 6, 65, 151, 120, 70, 4, 64, 32, 5,
  16, 7, 15, 11, 6, 127, 32, 5, 32, 2, 32, 3, 16, 3, 25, 32, 5, 36, 0, 9,
  0, 11, 32, 5, 36, 0, 11, 40, 2, 1, 111, 1, 127, 35, 0, 33, 0, 32, 0, 16,
  5, 34, 1, 4, 64, 32, 1, 15, 11, 6, 127, 32, 0, 16, 6, 25, 32, 0, 36, 0,
  9, 0, 11, 32, 0, 36, 0, 11
])

let shared: WebAssembly.Module | null = null

/** The host's halves of the shared adapter: each is told the process (its Proc) first. */
export interface SharedHalves<P> {
  send: (proc: P, ifacePtr: number, bufPtr: number, bufLen: number, flags: number, idOut: number) => number
  answer: (proc: P, id: bigint, status: number, bufPtr: number, bufLen: number) => number
  poll: (proc: P, idsPtr: number, count: number, outPtr: number, cap: number, flags: number) => number
  block: (proc: P, outPtr: number, cap: number) => Promise<number>
  yield: (proc: P) => Promise<number>
  /** The fuel rewrite's refuel: the next budget, or 0 to suspend in `refuelBlock`. */
  refuel: (proc: P) => number
  refuelBlock: (proc: P) => Promise<number>
}

export interface SharedAdapter<P> {
  /** The `wasmos` imports every process of the host shares. */
  wasmos: Record<string, WebAssembly.ImportValue>
  /** The refuel import (`wasmos_sched.refuel`) every process of the host shares. */
  refuel: WebAssembly.ImportValue
  /** Makes `proc` the running process while `fn` runs its code, then restores the one before. */
  enter: <T>(proc: P, fn: () => T) => T
  /**
   * Forgets `proc` as the running process once none of its code is on any stack (it ended and
   * unwound), so that the global does not keep its instance alive.
   */
  release: (proc: P) => void
}

/** One adapter for every process of a host (see above): instantiated once. */
export function sharedSyscalls<P> (h: SharedHalves<P>): SharedAdapter<P> {
  shared ??= new WebAssembly.Module(SHARED_ADAPTER)
  const instance = new WebAssembly.Instance(shared, {
    h: {
      send: h.send,
      answer: h.answer,
      poll: h.poll,
      block: new WebAssembly.Suspending(h.block) as unknown as WebAssembly.ImportValue,
      yield: new WebAssembly.Suspending(h.yield) as unknown as WebAssembly.ImportValue,
      refuel: h.refuel,
      refuelBlock: new WebAssembly.Suspending(h.refuelBlock) as unknown as WebAssembly.ImportValue
    }
  })
  const current = instance.exports.current as WebAssembly.Global
  const e = instance.exports
  return {
    wasmos: { send: e.send, answer: e.answer, wait: e.wait },
    refuel: e.refuel,
    enter: <T>(proc: P, fn: () => T): T => {
      const before: unknown = current.value
      current.value = proc
      try {
        return fn()
      } finally {
        current.value = before
      }
    },
    release: (proc: P): void => {
      if (current.value === proc) current.value = null
    }
  }
}
