// The fuel rewrite's public constants: its version, the import it adds, its marker section.

// 2: L is kept current in functions with call-free loops (1 wrote a stale L back to the fuel global).
// 3: a clone's self-calls are charged by the caller, several at once; its entry has no check.
export const REWRITE_VERSION = 3
export const REFUEL_MODULE = 'wasmos_sched'
export const REFUEL_NAME = 'refuel'
/** Name of the custom section marking a rewritten module. */
export const FUEL_SECTION = 'wasmos.fuel'
export const PAGE_SIZE = 65536

export interface RewriteOptions {
  /** Cap on each memory, in 64 KiB pages. */
  maxMemoryPages: number
}
