// The refuel import a rewritten module needs (`wasmos_sched.refuel`, `() -> i32`), built so that
// it can be called anywhere: JSPI traps ("trying to suspend without WebAssembly.promising") when a
// `WebAssembly.Suspending` import is called outside `WebAssembly.promising`, which happens when a
// module's start function, run during instantiation, runs out of fuel — and the first check
// always does, since the counter starts at 0. So the import is a tiny wasm adapter:
//
//   (func (export "refuel") (result i32) (local $b i32)
//     (if (result i32) (local.tee $b (call $poll)) (then (local.get $b)) (else (call $block))))
//
// `poll` is a plain function: it returns the next budget (> 0) to continue at once, or 0 to
// suspend; only then is `block`, the `WebAssembly.Suspending` half, called, and the budget its
// promise resolves to is returned. Either may throw to end the program (e.g. its CPU limit). The
// host's poll returns a budget whenever the program is not running under `promising` (its start
// function), and 0 when it should let others (or the event loop) run.
import { REFUEL_MODULE, REFUEL_NAME } from '../limits/rewrite/index.ts'

// wat2wasm of the function above, with imports h.poll and h.block.
const ADAPTER = new Uint8Array([
  0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00, 0x01, 0x05, 0x01, 0x60,
  0x00, 0x01, 0x7f, 0x02, 0x14, 0x02, 0x01, 0x68, 0x04, 0x70, 0x6f, 0x6c,
  0x6c, 0x00, 0x00, 0x01, 0x68, 0x05, 0x62, 0x6c, 0x6f, 0x63, 0x6b, 0x00,
  0x00, 0x03, 0x02, 0x01, 0x00, 0x07, 0x0a, 0x01, 0x06, 0x72, 0x65, 0x66,
  0x75, 0x65, 0x6c, 0x00, 0x02, 0x0a, 0x12, 0x01, 0x10, 0x01, 0x01, 0x7f,
  0x10, 0x00, 0x22, 0x00, 0x04, 0x7f, 0x20, 0x00, 0x05, 0x10, 0x01, 0x0b,
  0x0b,
])

let adapter: WebAssembly.Module | undefined

export interface RefuelHandlers {
  /** The next budget (1..2^30) to continue at once, or 0 to suspend in `block`. */
  poll: () => number
  /** Called (suspending the program) after `poll` returned 0: resolves to the next budget. */
  block: () => Promise<number>
}

/** The imports to add to a rewritten module's instantiation: { wasmos_sched: { refuel } }. */
export function refuelImports (handlers: RefuelHandlers): Record<string, Record<string, WebAssembly.ImportValue>> {
  adapter ??= new WebAssembly.Module(ADAPTER)
  const instance = new WebAssembly.Instance(adapter, {
    h: { poll: handlers.poll, block: new WebAssembly.Suspending(handlers.block) as unknown as WebAssembly.ImportValue },
  })
  return { [REFUEL_MODULE]: { [REFUEL_NAME]: instance.exports.refuel } }
}
