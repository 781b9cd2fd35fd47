// What the passes of the fuel rewrite share: the module's sections, counts and indices, and what
// the first pass learned about each function body.
import type { Reader } from './bytes.ts'

export interface Section { id: number, body: Uint8Array, name?: string }

/** What the first pass learns about a function body. */
export interface BodyInfo {
  /** Parameters and declared locals: the index of the added local. */
  locals: number
  params: number
  /** Instructions outside loops (plus, once decided, the weight of unchecked callees there). */
  entryCost: number
  /** Makes calls that return. */
  calls: boolean
  /** Makes indirect calls that return. */
  indirect: boolean
  /** Gets an entry check. */
  checked: boolean
  loopCost: number[]
  loopCalls: boolean[]
  loopParent: number[]
  loopParams: boolean[]
  /** Direct calls that return: callee index and the innermost loop around the call (-1: none). */
  sites: Array<{ target: number, loop: number }>
  /** Targets of return_call; -1 for indirect tail calls. */
  tailTargets: number[]
  /** Some branch targets the function's own label. */
  branchesToFunc: boolean
  /** Index of its fuel-passing clone, or -1. */
  cloneIndex: number
}

/** The module being rewritten; each pass fills in part of it before any section is written. */
export class ModuleState {
  readonly sections: Section[]
  readonly cap: number
  /** Parameter count of each type (functypes only). */
  paramCounts: number[] = []
  /** Encoded parameter and result vectors of each type (count included). */
  typeParams: Uint8Array[] = []
  typeResults: Uint8Array[] = []
  /** Per defined function: what the first pass found; decided before any section is written. */
  infos: BodyInfo[] = []
  bodies: Reader[] = []
  /** Per defined function: whether calling it may read or change F. */
  touches: boolean[] = []
  /** Defined functions that get a fuel-passing clone, in order; the clone of the k-th is cloneBase + k. */
  cloned: number[] = []
  cloneBase = 0
  typeCount = 0
  importedFuncs = 0
  importedGlobals = 0
  definedGlobals = 0
  /** Type index of each defined function. */
  funcTypes: number[] = []
  refuelType = 0
  refuelFunc = 0
  fuelGlobal = 0
  /** The rewritten import section (with the refuel import), made before the code is read. */
  importSection: Uint8Array = new Uint8Array()

  constructor (sections: Section[], cap: number) {
    this.sections = sections
    this.cap = cap
  }

  /** Renumbers a function index of the original module: the refuel import goes before the defined ones. */
  readonly shift = (i: number): number => (i >= this.refuelFunc ? i + 1 : i)

  find (id: number): Section | undefined {
    return this.sections.find((s) => s.id === id)
  }
}
