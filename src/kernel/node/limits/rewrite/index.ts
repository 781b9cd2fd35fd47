// The fuel rewrite's one public entry: rewriteModule makes a module preemptible and caps its
// memory (how and why: ../README.md).
import { FUEL_SECTION, type RewriteOptions } from './constants.ts'
import { encodeModule, type FinishSections } from './encoder.ts'
import { FuelRewriteError } from './errors.ts'
import { prepareCode } from './callgraph.ts'
import { countGlobals, readFunctions, readSections, readTypes, rewriteImports } from './sections.ts'
import { ModuleState } from './state.ts'

export { FUEL_SECTION, PAGE_SIZE, REFUEL_MODULE, REFUEL_NAME, REWRITE_VERSION, type RewriteOptions } from './constants.ts'
export { FuelRewriteError, type FuelRewriteErrorCode } from './errors.ts'
export type { FinishSections } from './encoder.ts'

/**
 * Rewrites `bytes` for fuel and the memory cap. Throws FuelRewriteError. `finish` edits the
 * rewritten sections before they are written (the bounds pass of a run: no second copy).
 */
export function rewriteModule (bytes: Uint8Array, opts: RewriteOptions, finish?: FinishSections): Uint8Array {
  const cap = opts.maxMemoryPages
  if (!Number.isInteger(cap) || cap < 1 || cap > 65536 * 65536) {
    throw new FuelRewriteError('bad-options', `maxMemoryPages must be a positive integer, got ${cap}`)
  }
  if (bytes.length < 8 || bytes[0] !== 0 || bytes[1] !== 0x61 || bytes[2] !== 0x73 || bytes[3] !== 0x6d) {
    throw new FuelRewriteError('invalid-module', 'not a WebAssembly module (bad magic number)')
  }
  if (bytes[4] !== 1 || bytes[5] !== 0 || bytes[6] !== 0 || bytes[7] !== 0) {
    throw new FuelRewriteError('invalid-module', 'not a WebAssembly core module (version is not 1)')
  }
  // A plain view: the passes take many subarrays, and a Buffer's cost more than a Uint8Array's.
  bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const m = new ModuleState(readSections(bytes), cap)
  for (const s of m.sections) {
    if (s.id === 0 && s.name === FUEL_SECTION) {
      throw new FuelRewriteError('reserved-import', 'the module is already rewritten for fuel')
    }
  }
  // The order matters: the imports give the refuel function its index, the globals the fuel
  // global's, and the first pass over the code needs both before any section is written.
  readTypes(m)
  readFunctions(m)
  rewriteImports(m)
  m.refuelFunc = m.importedFuncs
  countGlobals(m)
  m.fuelGlobal = m.importedGlobals + m.definedGlobals
  prepareCode(m)
  return encodeModule(m, finish)
}
