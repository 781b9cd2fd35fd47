// When V8 collects the memories of many processes. By default each wasm memory (64 KiB and up)
// counts as external memory, and every 64 MiB of it allocated forces a full collection: one every
// thousand spawns, each walking every suspended process's stack, so spawning n processes costs
// O(n²). Past TUNE_AT processes alive the host lets external memory count toward V8's ordinary
// (growing) heap limit instead, and asks for the collection itself when it matters: once the
// memories of ended processes add up to what would have forced one. Without that, dead memories
// would pile up (8 GiB of address space each) until the address space ran out. See README.md.

/** Processes alive at once past which the host takes over (a small run keeps V8's defaults). */
export const TUNE_AT = 256
/** Ended processes, or bytes of their memories, after which the host asks for a collection. */
export const DEAD_COUNT = 1024
export const DEAD_BYTES = 64 * 1024 * 1024

// V8's flags are the process's: so is this state.
let collect: (() => void) | null = null
let deadCount = 0
let deadBytes = 0
let pending = false
let collections = 0

/** Whether the host took over (the V8 flag is set and ended memories are counted). */
export function tuned (): boolean {
  return collect !== null
}

/** Full collections asked for so far (for tests and the README's figures). */
export function collectionsAsked (): number {
  return collections
}

/** Called at each spawn with the processes alive: takes over once there are many. */
export function noteAlive (alive: number): void {
  if (collect !== null || alive < TUNE_AT) return
  const v8 = process.getBuiltinModule('node:v8')
  v8.setFlagsFromString('--external-memory-accounted-in-global-limit')
  v8.setFlagsFromString('--expose-gc')
  collect = process.getBuiltinModule('node:vm').runInNewContext('gc') as () => void
}

/**
 * Called when a process ended, with the bytes of its memory. The collection runs on the event
 * loop's next turn: by then the stacks of the processes that ended have unwound (host.ts `#end`).
 */
export function noteEnded (bytes: number): void {
  if (collect === null) return
  deadCount++
  deadBytes += bytes
  if (pending || (deadCount < DEAD_COUNT && deadBytes < DEAD_BYTES)) return
  pending = true
  setImmediate(() => {
    pending = false
    deadCount = 0
    deadBytes = 0
    collections++
    collect!()
  }).unref()
}
