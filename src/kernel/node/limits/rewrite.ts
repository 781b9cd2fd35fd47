// The fuel rewrite (issue 7): makes a program preemptible on Node and caps its memory.
//
// Before a module is compiled, checks are added that count down a fuel budget and, when it runs
// out, call the one added import, `wasmos_sched.refuel` of type `() -> i32`, and take the budget it
// returns. The host supplies that import as a `WebAssembly.Suspending` function, so it may
// suspend the program there (JSPI), run others, and resume it with a fresh budget; it may also
// return synchronously (e.g. while a start function runs outside `WebAssembly.promising`) or throw
// to end the program (CPU limit). The budget must be in 1..2^30 (see scheduler.ts). The counter
// starts at 0, so the first check asks the host for a budget. The fuel unit is "about one wasm
// instruction": each check charges a constant, the instructions it stands for.
//
// Where the checks are:
// - every loop header, charging the loop's own instructions (nested loops charge for themselves);
// - the entry of every function that may recurse: in a cycle of direct calls, or making indirect
//   calls (call_indirect, call_ref), which may lead anywhere. Other functions are bounded but for
//   their loops, so their callers charge for them (a caller's entry or loop charges the weight of
//   the unchecked functions it calls); a function whose call tree weighs over 10,000 instructions
//   gets a check too, so deep non-recursive call trees cannot run long unchecked.
// A call directly followed by `unreachable` (asc's and clang's abort paths) does not count.
//
// Where the fuel lives: in an internal mutable i32 global F between functions, and in an added
// i32 local L inside one. Loops keep it in L. A loop that makes no call is wrapped so that its
// refuel call sits outside the loop: `block; loop; block; loop <orig>; L -= cost; br_if (L < 0) to
// the refuel path; ... end; br out; end; L = refuel() + cost; br back; end; unreachable; end`,
// which keeps V8 able to unroll and keep it tight (with the call inside the loop, sieve ran 20-40 %
// slower; with it outside, within noise). L is written back to F before anything reads F (calls,
// the header of a loop that calls, function exits), so L must be current on every path to such a
// write: a function with call-free loops loads L from F at its entry and after each call that may
// change F (and in exception handlers), not only before its loops — a loop in a branch once left
// the other path's L stale, and writing it back threw the fuel away (the http-server refuelled ~20
// times per request). Calls to imports (which do not re-enter the module) and to bounded leaves
// (no check, no loop, calling only such functions) leave F alone, so loops making only such calls
// count in L too. A self-recursive function gets a clone taking
// and returning the fuel as an extra last parameter and result, so recursion does not go through
// the global (its load-subtract-store at each entry is a dependency chain through memory: +60 %
// on naive fib, +10 % with the clone); the original index becomes a wrapper calling the clone, so
// exports, tables and ref.func are unchanged. Not cloned: functions branching to their own label
// (the extra result would be missing) or tail-calling other functions.
//
// The memory cap: a memory (defined or imported) whose maximum is absent or above
// `maxMemoryPages` gets that maximum, so `memory.grow` beyond it returns -1 natively, as the spec
// says. An imported memory is capped rather than refused: instantiation requires the supplied
// memory's maximum to be at most the declared one, so the cap holds whoever supplies it. A memory
// whose minimum is above the cap is refused (code 'memory-too-large'). The cap applies to each
// memory of a multi-memory module.
//
// Why a hand-written rewriter rather than binaryen.js (installed, the well-kept choice): under
// Node 24 on this machine `await import('binaryen')` alone takes 320-700 ms (a 14.8 MB bundle),
// before any parsing, on every cold start (a cache of rewritten bytes avoids the rewrite, not the
// import, unless the import is made lazy); binaryen re-encodes the whole module (reorders, drops
// or rewrites custom sections) and has no fuel pass, so the instrumentation would still be ours,
// written through its expression API. This rewriter copies every instruction byte for byte except
// those naming functions (call, return_call, ref.func; adding an import renumbers them), labels
// (branches crossing added blocks) and, in clones, locals; it rewrites the kernels in 0.1-0.2 ms
// and 1.8 MB Rust programs in 10-20 ms. Output is deterministic: same bytes + options give the
// same bytes. The rewritten module carries a custom section "wasmos.fuel" (version, cap).
//
// Decoded: MVP, sign extension, saturating truncation, bulk memory, reference types, multi-value,
// SIMD (+ relaxed), threads/atomics, tail calls, exceptions (legacy and try_table), multi-memory,
// memory64, typed function references. Refused (code 'unsupported'): GC types (rec groups, sub
// types, 0xFB instructions). DWARF (`.debug_*`) and `sourceMappingURL` custom sections are dropped
// because the code offsets they point at move; the "name" section is renumbered (label names are
// dropped: the rewrite adds blocks).

// 2: L is kept current in functions with call-free loops (1 wrote a stale L back to the fuel global).
export const REWRITE_VERSION = 2
export const REFUEL_MODULE = 'wasmos_sched'
export const REFUEL_NAME = 'refuel'
/** Name of the custom section marking a rewritten module. */
export const FUEL_SECTION = 'wasmos.fuel'
export const PAGE_SIZE = 65536

export interface RewriteOptions {
  /** Cap on each memory, in 64 KiB pages. */
  maxMemoryPages: number
}

export type FuelRewriteErrorCode =
  | 'invalid-module' // not a WebAssembly module, or one this decoder cannot read
  | 'unsupported' // uses a feature the rewrite does not handle
  | 'memory-too-large' // a memory's minimum size is above the cap
  | 'reserved-import' // imports from the module the rewrite reserves, or is already rewritten
  | 'bad-options'

export class FuelRewriteError extends Error {
  readonly code: FuelRewriteErrorCode

  constructor (code: FuelRewriteErrorCode, message: string) {
    super(message)
    this.name = 'FuelRewriteError'
    this.code = code
  }
}

// ---------------------------------------------------------------------------------------------
// Byte reading and writing

class Reader {
  readonly b: Uint8Array
  pos: number
  readonly end: number

  constructor (b: Uint8Array, pos = 0, end = b.length) {
    if (end > b.length || pos > end) throw bad('a size runs past the end of its section')
    this.b = b
    this.pos = pos
    this.end = end
  }

  eof (): boolean { return this.pos >= this.end }

  u8 (): number {
    if (this.pos >= this.end) throw bad('unexpected end')
    return this.b[this.pos++]
  }

  /** Unsigned LEB128 up to 2^53. */
  u32 (): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      const byte = this.u8()
      result += (byte & 0x7f) * mul
      if ((byte & 0x80) === 0) return result
      mul *= 128
    }
    throw bad('LEB128 too long')
  }

  /** Skips any LEB128 (signed or not). */
  skipLeb (): void {
    for (let i = 0; i < 10; i++) {
      if ((this.u8() & 0x80) === 0) return
    }
    throw bad('LEB128 too long')
  }

  skip (n: number): void {
    if (this.pos + n > this.end) throw bad('unexpected end')
    this.pos += n
  }

  bytes (n: number): Uint8Array {
    const start = this.pos
    this.skip(n)
    return this.b.subarray(start, this.pos)
  }

  name (): string {
    const n = this.u32()
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(n))
    } catch (err) {
      if (err instanceof FuelRewriteError) throw err
      throw bad('a name is not valid UTF-8')
    }
  }
}

class Writer {
  buf = new Uint8Array(256)
  len = 0

  private grow (n: number): void {
    if (this.len + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  u8 (v: number): void {
    this.grow(1)
    this.buf[this.len++] = v
  }

  u32 (v: number): void {
    this.grow(10)
    do {
      let byte = v % 128
      v = Math.floor(v / 128)
      if (v !== 0) byte |= 0x80
      this.buf[this.len++] = byte
    } while (v !== 0)
  }

  s32 (v: number): void {
    this.grow(5)
    for (;;) {
      const byte = v & 0x7f
      v >>= 7
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
        this.buf[this.len++] = byte
        return
      }
      this.buf[this.len++] = byte | 0x80
    }
  }

  bytes (b: Uint8Array): void {
    this.grow(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
  }

  name (s: string): void {
    const b = new TextEncoder().encode(s)
    this.u32(b.length)
    this.bytes(b)
  }

  /** Writes `w` prefixed with its length. */
  sized (w: Writer): void {
    this.u32(w.len)
    this.bytes(w.result())
  }

  result (): Uint8Array { return this.buf.subarray(0, this.len) }
}

function bad (what: string): FuelRewriteError {
  return new FuelRewriteError('invalid-module', `cannot decode the module: ${what}`)
}

function unsupported (what: string): FuelRewriteError {
  return new FuelRewriteError('unsupported', `the fuel rewrite does not support ${what}`)
}

// ---------------------------------------------------------------------------------------------
// Types

/** Skips a value type (numeric, vector, abbreviated or full reference type). */
function skipValType (r: Reader): void {
  const t = r.u8()
  if (t === 0x63 || t === 0x64) r.skipLeb() // (ref null? ht): heap type as s33
}

/** Skips a block type: 0x40, a value type, or a type index as s33. */
function skipBlockType (r: Reader): void {
  const t = r.b[r.pos]
  if (t === 0x63 || t === 0x64) {
    r.pos++
    r.skipLeb()
  } else {
    r.skipLeb()
  }
}

/** Reads limits, returning them with their flags; max is undefined when absent. */
interface Limits { flags: number, min: number, max: number | undefined, pageLog2?: number }

function readLimits (r: Reader): Limits {
  const flags = r.u8()
  if (flags > 0x0f) throw bad(`limits flags 0x${flags.toString(16)}`)
  const min = r.u32()
  const max = (flags & 1) !== 0 ? r.u32() : undefined
  // custom-page-sizes proposal: flag 0x08 adds a page size exponent
  const pageLog2 = (flags & 0x08) !== 0 ? r.u32() : undefined
  return { flags, min, max, pageLog2 }
}

function writeLimits (w: Writer, l: Limits): void {
  w.u8(l.flags)
  w.u32(l.min)
  if ((l.flags & 1) !== 0) w.u32(l.max ?? 0)
  if ((l.flags & 0x08) !== 0) w.u32(l.pageLog2 ?? 16)
}

function capMemory (l: Limits, capPages: number, where: string): Limits {
  if (l.pageLog2 !== undefined && l.pageLog2 !== 16) throw unsupported('custom page sizes')
  if (l.min > capPages) {
    throw new FuelRewriteError('memory-too-large',
      `${where} needs at least ${formatPages(l.min)}, above the memory cap of ${formatPages(capPages)}`)
  }
  if (l.max === undefined || l.max > capPages) return { flags: l.flags | 1, min: l.min, max: capPages, pageLog2: l.pageLog2 }
  return l
}

function formatPages (pages: number): string {
  const bytes = pages * PAGE_SIZE
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`
  if (bytes >= 1 << 20) return `${+(bytes / (1 << 20)).toFixed(2)} MiB`
  return `${bytes / 1024} KiB`
}

// ---------------------------------------------------------------------------------------------
// Instructions

// Kinds the rewrite cares about; everything else is copied verbatim.
const K_PLAIN = 0
const K_BLOCK = 1 // block, if, try, try_table: opens a frame
const K_LOOP = 2
const K_END = 3 // end; also delegate, which closes a try
const K_CALL = 4 // a call without a function index: call_indirect, call_ref, ...
const K_FUNC = 5 // call / return_call: a call naming a function
const K_REFFUNC = 6 // ref.func: names a function, no call

interface Instr {
  kind: number
  /** For K_FUNC / K_REFFUNC: offset of the function index immediate and its value. */
  idxPos: number
  idx: number
}

function skipMemarg (r: Reader): void {
  const align = r.u32()
  if ((align & 0x40) !== 0) r.u32() // multi-memory: memory index follows
  r.skipLeb() // offset (u32, or u64 for memory64)
}

/** Decodes one instruction at r.pos, advancing past it. */
function decode (r: Reader, out: Instr): void {
  out.idxPos = -1
  const op = r.u8()
  if (op <= 0x01) { out.kind = K_PLAIN; return } // unreachable, nop
  switch (op) {
    case 0x02: case 0x04: case 0x06: // block, if, try
      skipBlockType(r); out.kind = K_BLOCK; return
    case 0x03: skipBlockType(r); out.kind = K_LOOP; return
    case 0x1f: { // try_table
      skipBlockType(r)
      const n = r.u32()
      for (let i = 0; i < n; i++) {
        const k = r.u8()
        if (k === 0x00 || k === 0x01) r.u32() // tag
        else if (k !== 0x02 && k !== 0x03) throw bad(`catch kind ${k}`)
        r.u32() // label
      }
      out.kind = K_BLOCK
      return
    }
    case 0x05: case 0x19: case 0x0a: case 0x0f: case 0x1a: case 0x1b: // else catch_all throw_ref return drop select
      out.kind = K_PLAIN; return
    case 0x0b: out.kind = K_END; return
    case 0x18: r.u32(); out.kind = K_END; return // delegate closes the try
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: // catch throw rethrow br br_if
      r.u32(); out.kind = K_PLAIN; return
    case 0x0e: { // br_table
      const n = r.u32()
      for (let i = 0; i <= n; i++) r.u32()
      out.kind = K_PLAIN
      return
    }
    case 0x10: case 0x12: // call, return_call
      out.idxPos = r.pos; out.idx = r.u32(); out.kind = K_FUNC; return
    case 0x11: case 0x13: // call_indirect, return_call_indirect
      r.u32(); r.u32(); out.kind = K_CALL; return
    case 0x14: case 0x15: // call_ref, return_call_ref
      r.u32(); out.kind = K_CALL; return
    case 0x1c: { // select t*
      const n = r.u32()
      for (let i = 0; i < n; i++) skipValType(r)
      out.kind = K_PLAIN
      return
    }
    case 0x3f: case 0x40: // memory.size, memory.grow: memory index
      r.u32(); out.kind = K_PLAIN; return
    case 0x41: case 0x42: r.skipLeb(); out.kind = K_PLAIN; return
    case 0x43: r.skip(4); out.kind = K_PLAIN; return
    case 0x44: r.skip(8); out.kind = K_PLAIN; return
    case 0xd0: skipBlockType(r); out.kind = K_PLAIN; return // ref.null heap type
    case 0xd1: case 0xd3: case 0xd4: out.kind = K_PLAIN; return
    case 0xd2: out.idxPos = r.pos; out.idx = r.u32(); out.kind = K_REFFUNC; return
    case 0xd5: case 0xd6: r.u32(); out.kind = K_PLAIN; return // br_on_null, br_on_non_null
    case 0xfb: throw unsupported('GC instructions (0xFB prefix)')
    case 0xfc: decodeFC(r); out.kind = K_PLAIN; return
    case 0xfd: decodeFD(r); out.kind = K_PLAIN; return
    case 0xfe: decodeFE(r); out.kind = K_PLAIN; return
  }
  if (op >= 0x20 && op <= 0x26) { r.u32(); out.kind = K_PLAIN; return } // locals, globals, table.get/set
  if (op >= 0x28 && op <= 0x3e) { skipMemarg(r); out.kind = K_PLAIN; return } // loads, stores
  if (op >= 0x45 && op <= 0xc4) { out.kind = K_PLAIN; return } // numeric
  throw bad(`opcode 0x${op.toString(16)}`)
}

function decodeFC (r: Reader): void {
  const sub = r.u32()
  if (sub <= 7) return // saturating truncations
  switch (sub) {
    case 8: r.u32(); r.u32(); return // memory.init data mem
    case 9: r.u32(); return // data.drop
    case 10: r.u32(); r.u32(); return // memory.copy
    case 11: r.u32(); return // memory.fill
    case 12: r.u32(); r.u32(); return // table.init
    case 13: r.u32(); return // elem.drop
    case 14: r.u32(); r.u32(); return // table.copy
    case 15: case 16: case 17: r.u32(); return // table.grow/size/fill
  }
  throw bad(`opcode 0xfc ${sub}`)
}

function decodeFD (r: Reader): void {
  const sub = r.u32()
  if (sub <= 11 || sub === 92 || sub === 93) { skipMemarg(r); return } // loads, store, load_zero
  if (sub === 12 || sub === 13) { r.skip(16); return } // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) { r.skip(1); return } // extract/replace lane
  if (sub >= 84 && sub <= 91) { skipMemarg(r); r.skip(1); return } // load/store lane
  if (sub <= 0x113) return // everything else, relaxed SIMD included, has no immediate
  throw bad(`opcode 0xfd ${sub}`)
}

function decodeFE (r: Reader): void {
  const sub = r.u32()
  if (sub === 3) { r.u8(); return } // atomic.fence
  if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) { skipMemarg(r); return }
  throw bad(`opcode 0xfe ${sub}`)
}

/** Copies a constant expression up to and including its final `end`, renumbering functions. */
function copyExpr (r: Reader, w: Writer, shift: (i: number) => number): void {
  const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
  let depth = 1
  while (depth > 0) {
    const start = r.pos
    decode(r, ins)
    if (ins.kind === K_BLOCK || ins.kind === K_LOOP) depth++
    else if (ins.kind === K_END) depth--
    copyInstr(r.b, start, r.pos, ins, w, shift)
  }
}

function copyInstr (b: Uint8Array, start: number, end: number, ins: Instr, w: Writer, shift: (i: number) => number): void {
  if (ins.idxPos < 0) {
    w.bytes(b.subarray(start, end))
    return
  }
  w.bytes(b.subarray(start, ins.idxPos))
  w.u32(shift(ins.idx))
}

// ---------------------------------------------------------------------------------------------
// The module

interface Section { id: number, body: Uint8Array, name?: string }

// Position of each known section id in the order the binary format requires.
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 }

/** Rewrites `bytes` for fuel and the memory cap. Throws FuelRewriteError. */
export function rewriteModule (bytes: Uint8Array, opts: RewriteOptions): Uint8Array {
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
  const sections: Section[] = []
  const r = new Reader(bytes, 8)
  while (!r.eof()) {
    const id = r.u8()
    const size = r.u32()
    const body = r.bytes(size)
    const s: Section = { id, body }
    if (id === 0) s.name = new Reader(body).name()
    else if (ORDER[id] === undefined) throw bad(`section id ${id}`)
    sections.push(s)
  }
  return new Rewrite(sections, cap).run()
}

/** What the first pass learns about a function body. */
interface BodyInfo {
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

/** Most instructions a function may run, callees included, without a check of its own. */
const WEIGHT_LIMIT = 10_000

class Rewrite {
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

  constructor (sections: Section[], cap: number) {
    this.sections = sections
    this.cap = cap
  }

  readonly shift = (i: number): number => (i >= this.refuelFunc ? i + 1 : i)

  find (id: number): Section | undefined {
    return this.sections.find((s) => s.id === id)
  }

  run (): Uint8Array {
    for (const s of this.sections) {
      if (s.id === 0 && s.name === FUEL_SECTION) {
        throw new FuelRewriteError('reserved-import', 'the module is already rewritten for fuel')
      }
    }
    this.readTypes()
    this.readFunctions()
    this.rewriteImports()
    this.refuelFunc = this.importedFuncs
    this.countGlobals()
    this.fuelGlobal = this.importedGlobals + this.definedGlobals
    this.prepareCode()

    const out: Section[] = []
    for (const s of this.sections) {
      switch (s.id) {
        case 1: out.push({ id: 1, body: this.typeSection() }); break
        case 2: out.push({ id: 2, body: this.importSection }); break
        case 3: out.push({ id: 3, body: this.functionSection() }); break
        case 4: out.push({ id: 4, body: this.tableSection(s.body) }); break
        case 5: out.push({ id: 5, body: this.memorySection(s.body) }); break
        case 6: out.push({ id: 6, body: this.globalSection(s.body) }); break
        case 7: out.push({ id: 7, body: this.exportSection(s.body) }); break
        case 8: out.push({ id: 8, body: this.startSection(s.body) }); break
        case 9: out.push({ id: 9, body: this.elementSection(s.body) }); break
        case 10: out.push({ id: 10, body: this.codeSection() }); break
        case 0: {
          if (s.name === 'name') {
            const body = this.nameSection(s.body)
            if (body !== undefined) out.push({ id: 0, body })
          } else if (!(s.name!.startsWith('.debug_') || s.name === 'sourceMappingURL' || s.name === 'external_debug_info')) {
            out.push(s)
          }
          break
        }
        default: out.push(s)
      }
    }
    // Sections the rewrite needs that the module lacks.
    if (this.find(1) === undefined) insertSection(out, { id: 1, body: this.typeSection() })
    if (this.find(2) === undefined) insertSection(out, { id: 2, body: this.importSection })
    if (this.find(6) === undefined) insertSection(out, { id: 6, body: this.globalSection(undefined) })
    out.push({ id: 0, body: this.marker(), name: FUEL_SECTION })

    const w = new Writer()
    w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
    for (const s of out) {
      w.u8(s.id)
      w.u32(s.body.length)
      w.bytes(s.body)
    }
    return w.result().slice()
  }

  readTypes (): void {
    const s = this.find(1)
    if (s === undefined) return
    const r = new Reader(s.body)
    const n = r.u32()
    for (let i = 0; i < n; i++) {
      const form = r.u8()
      if (form !== 0x60) throw unsupported(`GC type definitions (form 0x${form.toString(16)})`)
      let start = r.pos
      const params = r.u32()
      for (let j = 0; j < params; j++) skipValType(r)
      this.typeParams.push(s.body.subarray(start, r.pos))
      start = r.pos
      const results = r.u32()
      for (let j = 0; j < results; j++) skipValType(r)
      this.typeResults.push(s.body.subarray(start, r.pos))
      this.paramCounts.push(params)
    }
    this.typeCount = n
  }

  typeSection (): Uint8Array {
    this.refuelType = this.typeCount
    const w = new Writer()
    w.u32(this.typeCount + 1 + this.cloned.length)
    const s = this.find(1)
    if (s !== undefined) {
      const r = new Reader(s.body)
      r.u32()
      w.bytes(s.body.subarray(r.pos))
    }
    w.bytes(new Uint8Array([0x60, 0x00, 0x01, 0x7f])) // () -> i32
    for (const f of this.cloned) { // (params, i32) -> (results, i32)
      const t = this.funcTypes[f]
      w.u8(0x60)
      for (const vec of [this.typeParams[t], this.typeResults[t]]) {
        const r = new Reader(vec)
        w.u32(r.u32() + 1)
        w.bytes(vec.subarray(r.pos))
        w.u8(0x7f)
      }
    }
    return w.result()
  }

  readFunctions (): void {
    const s = this.find(3)
    if (s === undefined) return
    const r = new Reader(s.body)
    const n = r.u32()
    for (let i = 0; i < n; i++) {
      const t = r.u32()
      if (t >= this.typeCount) throw bad(`function ${i} has type ${t}, out of range`)
      this.funcTypes.push(t)
    }
  }

  importSection: Uint8Array = new Uint8Array()

  rewriteImports (): void {
    this.refuelType = this.typeCount
    const s = this.find(2)
    const w = new Writer()
    let n = 0
    const entries = new Writer()
    if (s !== undefined) {
      const r = new Reader(s.body)
      n = r.u32()
      for (let i = 0; i < n; i++) {
        const start = r.pos
        const mod = r.name()
        const field = r.name()
        if (mod === REFUEL_MODULE) {
          throw new FuelRewriteError('reserved-import',
            `the module imports "${mod}"."${field}": the import module "${REFUEL_MODULE}" is reserved for the scheduler`)
        }
        const kind = r.u8()
        if (kind === 2) {
          const headerEnd = r.pos
          const limits = capMemory(readLimits(r), this.cap, `imported memory "${mod}"."${field}"`)
          entries.bytes(s.body.subarray(start, headerEnd))
          writeLimits(entries, limits)
          continue
        }
        switch (kind) {
          case 0: r.u32(); this.importedFuncs++; break
          case 1: skipValType(r); readLimits(r); break
          case 3: skipValType(r); r.u8(); this.importedGlobals++; break
          case 4: r.u8(); r.u32(); break
          default: throw bad(`import kind ${kind}`)
        }
        entries.bytes(s.body.subarray(start, r.pos))
      }
      if (!r.eof()) throw bad('trailing bytes in the import section')
    }
    w.u32(n + 1)
    w.bytes(entries.result())
    w.name(REFUEL_MODULE)
    w.name(REFUEL_NAME)
    w.u8(0)
    w.u32(this.refuelType)
    this.importSection = w.result()
  }

  countGlobals (): void {
    const s = this.find(6)
    if (s !== undefined) this.definedGlobals = new Reader(s.body).u32()
  }

  tableSection (body: Uint8Array): Uint8Array {
    const r = new Reader(body)
    const n = r.u32()
    const w = new Writer()
    w.u32(n)
    for (let i = 0; i < n; i++) {
      const start = r.pos
      const withInit = r.b[r.pos] === 0x40 // function references: 0x40 0x00 tabletype expr
      if (withInit) r.skip(2)
      skipValType(r)
      readLimits(r)
      w.bytes(body.subarray(start, r.pos))
      if (withInit) copyExpr(r, w, this.shift)
    }
    return w.result()
  }

  memorySection (body: Uint8Array): Uint8Array {
    const r = new Reader(body)
    const n = r.u32()
    const w = new Writer()
    w.u32(n)
    for (let i = 0; i < n; i++) writeLimits(w, capMemory(readLimits(r), this.cap, n > 1 ? `memory ${i}` : 'the memory'))
    return w.result()
  }

  globalSection (body: Uint8Array | undefined): Uint8Array {
    const w = new Writer()
    w.u32(this.definedGlobals + 1)
    if (body !== undefined) {
      const r = new Reader(body)
      const n = r.u32()
      for (let i = 0; i < n; i++) {
        const start = r.pos
        skipValType(r)
        r.u8() // mutability
        w.bytes(body.subarray(start, r.pos))
        copyExpr(r, w, this.shift)
      }
    }
    w.bytes(new Uint8Array([0x7f, 0x01, 0x41, 0x00, 0x0b])) // (mut i32) (i32.const 0)
    return w.result()
  }

  exportSection (body: Uint8Array): Uint8Array {
    const r = new Reader(body)
    const n = r.u32()
    const w = new Writer()
    w.u32(n)
    for (let i = 0; i < n; i++) {
      const start = r.pos
      r.name()
      const kind = r.u8()
      w.bytes(body.subarray(start, r.pos))
      const idx = r.u32()
      w.u32(kind === 0 ? this.shift(idx) : idx)
    }
    return w.result()
  }

  startSection (body: Uint8Array): Uint8Array {
    const w = new Writer()
    w.u32(this.shift(new Reader(body).u32()))
    return w.result()
  }

  elementSection (body: Uint8Array): Uint8Array {
    const r = new Reader(body)
    const n = r.u32()
    const w = new Writer()
    w.u32(n)
    for (let i = 0; i < n; i++) {
      const flags = r.u32()
      if (flags > 7) throw bad(`element segment flags ${flags}`)
      w.u32(flags)
      const start = r.pos
      if (flags === 2 || flags === 6) r.u32() // table index
      w.bytes(body.subarray(start, r.pos))
      if ((flags & 1) === 0) copyExpr(r, w, this.shift) // offset of an active segment
      if ((flags & 3) !== 0) { // element kind or reference type
        const s = r.pos
        if ((flags & 4) === 0) r.u8()
        else skipValType(r)
        w.bytes(body.subarray(s, r.pos))
      }
      const count = r.u32()
      w.u32(count)
      for (let j = 0; j < count; j++) {
        if ((flags & 4) === 0) w.u32(this.shift(r.u32()))
        else copyExpr(r, w, this.shift)
      }
    }
    return w.result()
  }

  /** First pass over every body, then the decisions: which get checks, which get clones. */
  prepareCode (): void {
    const s = this.find(10)
    if (s === undefined) {
      if (this.funcTypes.length > 0) throw bad('functions without a code section')
      return
    }
    const r = new Reader(s.body)
    const n = r.u32()
    if (n !== this.funcTypes.length) throw bad('function and code sections disagree')
    for (let i = 0; i < n; i++) {
      const size = r.u32()
      const end = r.pos + size
      this.bodies.push(new Reader(s.body, r.pos, end))
      this.infos.push(this.analyze(new Reader(s.body, r.pos, end), this.paramCounts[this.funcTypes[i]] ?? 0))
      r.pos = end
    }
    this.decideChecks(this.infos)
    this.cloneBase = this.importedFuncs + 1 + n
    for (let i = 0; i < n; i++) {
      const info = this.infos[i]
      const self = this.importedFuncs + i
      // Self-recursive functions pass the fuel along as a parameter and a result instead of
      // through the global: the global's load-subtract-store at every entry is a dependency chain
      // through memory that costs ~60 % on naive fib. Only where every exit can carry the extra
      // result: no branch to the function's label and no tail call to another function.
      if (info.checked && !info.branchesToFunc && info.sites.some((c) => c.target === self) &&
        info.tailTargets.every((t) => t === self) && info.locals + 1 < 50000) {
        info.cloneIndex = this.cloneBase + this.cloned.length
        this.cloned.push(i)
      }
    }
  }

  functionSection (): Uint8Array {
    const w = new Writer()
    w.u32(this.funcTypes.length + this.cloned.length)
    for (const t of this.funcTypes) w.u32(t)
    for (let k = 0; k < this.cloned.length; k++) w.u32(this.typeCount + 1 + k)
    return w.result()
  }

  codeSection (): Uint8Array {
    const n = this.infos.length
    const w = new Writer()
    w.u32(n + this.cloned.length)
    for (let i = 0; i < n; i++) {
      const f = new Writer()
      const info = this.infos[i]
      if (info.cloneIndex >= 0) {
        // The original index stays a plain entry point: it passes the global's fuel to the clone.
        const params = this.paramCounts[this.funcTypes[i]] ?? 0
        f.u32(0)
        for (let p = 0; p < params; p++) { f.u8(0x20); f.u32(p) }
        f.u8(0x23); f.u32(this.fuelGlobal)
        f.u8(0x10); f.u32(info.cloneIndex)
        f.u8(0x24); f.u32(this.fuelGlobal)
        f.u8(0x0b)
      } else {
        this.emitBody(new Reader(this.bodies[i].b, this.bodies[i].pos, this.bodies[i].end), info, f, -1)
      }
      w.sized(f)
    }
    for (const i of this.cloned) {
      const f = new Writer()
      this.emitBody(new Reader(this.bodies[i].b, this.bodies[i].pos, this.bodies[i].end), this.infos[i], f, this.importedFuncs + i)
      w.sized(f)
    }
    return w.result()
  }

  /**
   * Which functions need an entry check, and what each check charges. A function needs one when it
   * may recurse: it is in a cycle of direct calls, or makes indirect calls (call_indirect, call_ref),
   * which may lead anywhere. Other functions are bounded but for their loops, which have their own
   * checks, so their callers charge for them: a checked function's entry, or a loop, charges its own
   * instructions plus the weight of the unchecked functions it calls directly. A function whose
   * weight grows past WEIGHT_LIMIT (deep trees of calls) gets a check too.
   */
  decideChecks (infos: BodyInfo[]): void {
    const n = infos.length
    const base = this.importedFuncs
    const checked = infos.map((f) => f.indirect)
    // Tarjan's strongly connected components, iteratively; components come out callees first.
    const index = new Int32Array(n).fill(-1)
    const low = new Int32Array(n)
    const onStack = new Uint8Array(n)
    const stack: number[] = []
    const order: number[] = [] // reverse topological: callees before callers
    let counter = 0
    for (let root = 0; root < n; root++) {
      if (index[root] >= 0) continue
      const work: Array<[number, number]> = [[root, 0]]
      index[root] = low[root] = counter++
      stack.push(root); onStack[root] = 1
      while (work.length > 0) {
        const top = work[work.length - 1]
        const v = top[0]
        const sites = infos[v].sites
        if (top[1] < sites.length) {
          const u = sites[top[1]++].target - base
          if (u < 0 || u >= n) continue
          if (u === v) { checked[v] = true; continue }
          if (index[u] < 0) {
            index[u] = low[u] = counter++
            stack.push(u); onStack[u] = 1
            work.push([u, 0])
          } else if (onStack[u] === 1) {
            low[v] = Math.min(low[v], index[u])
          }
          continue
        }
        work.pop()
        if (work.length > 0) {
          const parent = work[work.length - 1][0]
          low[parent] = Math.min(low[parent], low[v])
        }
        if (low[v] === index[v]) {
          const component: number[] = []
          let u: number
          do {
            u = stack.pop()!
            onStack[u] = 0
            component.push(u)
          } while (u !== v)
          if (component.length > 1) for (const c of component) checked[c] = true
          order.push(...component)
        }
      }
    }
    const weight = new Float64Array(n)
    for (const f of order) {
      const info = infos[f]
      let entry = info.entryCost
      for (const site of info.sites) {
        const g = site.target - base
        if (g < 0 || g >= n || checked[g] || g === f) continue
        if (site.loop >= 0) info.loopCost[site.loop] += weight[g]
        else entry += weight[g]
      }
      if (entry > WEIGHT_LIMIT) checked[f] = true
      info.entryCost = entry
      info.checked = checked[f]
      weight[f] = checked[f] ? 0 : entry
      this.touches[f] = checked[f] || info.loopCost.length > 0 || info.indirect ||
        info.sites.some((site) => site.target - base >= 0 && site.target - base < n && this.touches[site.target - base])
    }
    // A loop "calls" when something it calls may change F; calls to bounded leaves (and imports,
    // which do not re-enter the module) leave F alone, so such loops keep the fuel in L.
    for (const info of infos) {
      for (const site of info.sites) {
        const g = site.target - base
        if (g < 0 || g >= n || !this.touches[g]) continue
        for (let l = site.loop; l >= 0 && !info.loopCalls[l]; l = info.loopParent[l]) info.loopCalls[l] = true
      }
    }
  }

  /**
   * First pass over a body: each loop's cost (instructions directly in it), whether it calls
   * anything and its enclosing loop; the cost outside loops; the direct calls and where they are.
   */
  analyze (r: Reader, params: number): BodyInfo {
    const b = r.b
    const groups = r.u32()
    let locals = params
    for (let i = 0; i < groups; i++) {
      locals += r.u32()
      skipValType(r)
    }
    const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
    const info: BodyInfo = {
      locals, params, entryCost: 0, calls: false, indirect: false, checked: false,
      loopCost: [], loopCalls: [], loopParent: [], loopParams: [], sites: [],
      tailTargets: [], branchesToFunc: false, cloneIndex: -1,
    }
    const { loopCost, loopCalls, loopParent, loopParams } = info
    const stack: number[] = [] // per open frame: its loop number, or -1 for other blocks
    let current = -1 // innermost loop
    let depth = 1
    while (depth > 0) {
      const start = r.pos
      decode(r, ins)
      if (current >= 0) loopCost[current]++
      else info.entryCost++
      const op = b[start]
      if (op === 0x0c || op === 0x0d || op === 0xd5 || op === 0xd6) {
        if (new Reader(b, start + 1, r.pos).u32() === depth - 1) info.branchesToFunc = true
      } else if (op === 0x0e || op === 0x1f) {
        const tr = new Reader(b, start + 1, r.pos)
        if (op === 0x0e) {
          const n = tr.u32()
          for (let i = 0; i <= n; i++) if (tr.u32() === depth - 1) info.branchesToFunc = true
        } else {
          skipBlockType(tr)
          const n = tr.u32()
          for (let i = 0; i < n; i++) {
            if (tr.u8() <= 1) tr.u32()
            if (tr.u32() === depth - 1) info.branchesToFunc = true
          }
        }
      }
      switch (ins.kind) {
        case K_BLOCK: stack.push(-1); depth++; break
        case K_LOOP: {
          const id = loopCost.length
          loopCost.push(0)
          loopCalls.push(false)
          loopParent.push(current)
          loopParams.push(this.blockHasParams(new Reader(b, start + 1, r.pos)))
          stack.push(id)
          current = id
          depth++
          break
        }
        case K_END: {
          depth--
          if (depth > 0) {
            const top = stack.pop()!
            if (top >= 0) {
              current = loopParent[top]
              if (loopCalls[top] && current >= 0) loopCalls[current] = true
            }
          }
          break
        }
        case K_CALL: case K_FUNC:
          if (b[start] === 0x12) info.tailTargets.push(ins.idx)
          else if (b[start] === 0x13 || b[start] === 0x15) info.tailTargets.push(-1)
          // A call followed by `unreachable` (asc's and clang's abort paths) never comes back.
          if (r.pos < r.end && b[r.pos] === 0x00) break
          info.calls = true
          // Direct calls mark their loops once it is known whether the callee touches the fuel.
          if (ins.kind === K_FUNC) {
            info.sites.push({ target: ins.idx, loop: current })
          } else {
            info.indirect = true
            if (current >= 0) loopCalls[current] = true
          }
          break
      }
    }
    if (r.pos !== r.end) throw bad('function body does not end at its size')
    return info
  }

  /**
   * Second pass: copies the body with the checks.
   *
   * The fuel lives in the global F between functions and in the added local L inside one. `dirty`
   * says L may hold consumption that F lacks: F is written back from L before anything reads F
   * (calls, the entry of a loop that calls, function exits). Writing L back is only right if L is
   * current on every path that reaches the write, so in a function with call-free loops L is kept
   * current everywhere: loaded from F at the entry and after every call that may change F (and at
   * exception handlers), not just before the loops. Loading it only before each loop was wrong
   * when a loop sits in a branch: after the merge, the path that skipped the loop wrote its stale
   * L (0 at first) to F, which then asked for a refuel at the next check, once per call.
   * `dirty` over-approximates; an extra write-back of a current L is harmless.
   *
   * With `self` (a function index), this writes the fuel-passing clone of that function: L is an
   * added last parameter, returned as an added last result, passed along on self-calls; F is only
   * written before and read after calls to other functions.
   */
  emitBody (r: Reader, info: BodyInfo, w: Writer, self: number): void {
    const b = r.b
    const bodyStart = r.pos
    const groups = r.u32()
    const localsStart = r.pos
    for (let i = 0; i < groups; i++) {
      r.u32()
      skipValType(r)
    }
    const localsEnd = r.pos
    const codeStart = r.pos
    const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
    const { loopCost, loopCalls, loopParams, locals } = info
    if (!info.checked && loopCost.length === 0) {
      // Bounded straight-line code: only function indices change.
      w.bytes(b.subarray(bodyStart, localsEnd))
      r.pos = codeStart
      while (r.pos < r.end) {
        const start = r.pos
        decode(r, ins)
        copyInstr(b, start, r.pos, ins, w, this.shift)
      }
      return
    }
    if (locals >= 50000) throw unsupported('functions with 50000 locals or more')
    const clone = self >= 0
    const L = clone ? info.params : locals // the added parameter or local
    const F = this.fuelGlobal
    const store = (): void => { if (!clone) { w.u8(0x20); w.u32(L); w.u8(0x24); w.u32(F) } }
    const reload = (): void => { if (!clone) { w.u8(0x23); w.u32(F); w.u8(0x21); w.u32(L) } }

    if (clone) {
      w.bytes(b.subarray(bodyStart, localsEnd))
    } else {
      w.u32(groups + 1)
      w.bytes(b.subarray(localsStart, localsEnd))
      w.u32(1)
      w.u8(0x7f)
    }
    // Whether L must be kept current everywhere (see above): only call-free loops read it unchecked.
    const keepL = !clone && loopCalls.some((c) => !c)
    let dirty = false
    if (clone) {
      this.checkInline(w, info.entryCost, L, 0x20, L)
    } else if (info.checked) {
      this.checkFromGlobal(w, info.entryCost, L)
    } else if (keepL) {
      reload()
    }
    interface Frame { loop: number, synth: number, cfl: boolean, entryDirty: boolean, catchTarget: boolean }
    const frames: Frame[] = [{ loop: -1, synth: 0, cfl: false, entryDirty: false, catchTarget: false }] // frames[0]: the function
    // Frames reached by a try_table catch read F: an exception from a call leaves L stale, so L is
    // reloaded there, and every other path to them writes L back first.
    const readsF = (f: Frame): boolean => f === frames[0] || f.catchTarget || (f.loop >= 0 && loopCalls[f.loop])
    // Maps a label index to the rewritten one (crossing added blocks) and says whether a branch
    // there reaches a place that reads F.
    let targetReadsF = false
    const label = (d: number): number => {
      if (d >= frames.length) throw bad('branch to a label out of range')
      let extra = 0
      for (let i = 0; i < d; i++) extra += frames[frames.length - 1 - i].synth
      if (readsF(frames[frames.length - 1 - d])) targetReadsF = true
      return d + extra
    }
    r.pos = codeStart
    let loop = 0
    while (r.pos < r.end) {
      const start = r.pos
      const op = b[start]
      decode(r, ins)
      switch (ins.kind) {
        case K_LOOP: {
          const id = loop++
          const callFree = !loopCalls[id]
          if (!callFree) {
            if (dirty) store()
            w.bytes(b.subarray(start, r.pos))
            if (clone) this.checkInline(w, loopCost[id], L, 0x20, L)
            else this.checkInline(w, loopCost[id], L, 0x23, F)
            dirty = false
            frames.push({ loop: id, synth: 0, cfl: false, entryDirty: false, catchTarget: false })
            continue
          }
          // A call-free loop: L is current here (keepL), it counts there.
          dirty = true
          for (const f of frames) f.cfl = true
          if (loopParams[id]) {
            w.bytes(b.subarray(start, r.pos))
            this.checkInline(w, loopCost[id], L, 0x20, L)
            frames.push({ loop: id, synth: 0, cfl: true, entryDirty: true, catchTarget: false })
          } else {
            // block bt; loop; block; loop bt  <check: br_if 1 to the refuel path>
            w.u8(0x02); w.bytes(b.subarray(start + 1, r.pos))
            w.u8(0x03); w.u8(0x40)
            w.u8(0x02); w.u8(0x40)
            w.bytes(b.subarray(start, r.pos))
            w.u8(0x20); w.u32(L)
            w.u8(0x41); w.s32(clampCost(loopCost[id]))
            w.u8(0x6b) // i32.sub
            w.u8(0x22); w.u32(L)
            w.u8(0x41); w.u8(0x00)
            w.u8(0x48) // i32.lt_s
            w.u8(0x0d); w.u8(0x01) // br_if 1
            frames.push({ loop: id, synth: 3, cfl: true, entryDirty: true, catchTarget: false })
          }
          continue
        }
        case K_BLOCK: {
          if (op === 0x1f) { // try_table: catch labels are resolved outside the new frame
            targetReadsF = false
            const t = new Writer()
            const tr = new Reader(b, start + 1, r.pos)
            skipBlockType(tr)
            t.bytes(b.subarray(start, tr.pos))
            const n = tr.u32()
            t.u32(n)
            for (let i = 0; i < n; i++) {
              const k = tr.u8()
              t.u8(k)
              if (k <= 1) t.u32(tr.u32())
              const d = tr.u32()
              t.u32(label(d))
              frames[frames.length - 1 - d].catchTarget = true
            }
            if (targetReadsF && dirty) { store(); dirty = false }
            w.bytes(t.result())
          } else {
            w.bytes(b.subarray(start, r.pos))
          }
          frames.push({ loop: -1, synth: 0, cfl: false, entryDirty: dirty, catchTarget: false })
          continue
        }
        case K_END: {
          if (frames.length === 1) { // the function's end
            if (dirty) store()
            if (clone) { w.u8(0x20); w.u32(L) } // the added result
            w.u8(0x0b)
            continue
          }
          if (op === 0x18) { // delegate: leaves the try, then names a label outside it
            const f = frames.pop()!
            targetReadsF = false
            const d = label(new Reader(b, start + 1, r.pos).u32())
            if (targetReadsF && dirty) { store(); dirty = false }
            w.u8(0x18); w.u32(d)
            if (f.cfl) frames[frames.length - 1].cfl = true
            continue
          }
          const f = frames.pop()!
          if (f.catchTarget && f.loop < 0) {
            // paths from inside write L back (branches: see readsF); exceptions leave F current
            if (dirty) store()
            w.u8(0x0b)
            if (keepL) reload()
            dirty = false
            if (f.cfl) frames[frames.length - 1].cfl = true
            continue
          }
          w.u8(0x0b)
          if (f.synth === 3) {
            // end of the original loop; then: br 2 (done); end; call refuel; i32.const cost; i32.add;
            // local.set L; br 0; end; unreachable; end. The cost is added back because re-entering
            // the loop charges it again: an iteration always runs after a refuel, whatever the budget.
            w.u8(0x0c); w.u8(0x02)
            w.u8(0x0b)
            w.u8(0x10); w.u32(this.refuelFunc)
            w.u8(0x41); w.s32(clampCost(loopCost[f.loop]))
            w.u8(0x6a) // i32.add
            w.u8(0x21); w.u32(L)
            w.u8(0x0c); w.u8(0x00)
            w.u8(0x0b)
            w.u8(0x00)
            w.u8(0x0b)
          }
          // Any path here may carry the frame's entry state or a call-free loop's consumption.
          if (f.cfl) frames[frames.length - 1].cfl = true
          if (f.cfl || f.entryDirty) dirty = true
          continue
        }
        case K_CALL: case K_FUNC: {
          if (op === 0x10 && !this.touches[ins.idx - this.importedFuncs] && ins.idx !== self) {
            // a call to an import or a bounded leaf: F stays as it is
            copyInstr(b, start, r.pos, ins, w, this.shift)
            continue
          }
          if (clone) {
            if (ins.kind === K_FUNC && ins.idx === self) {
              w.u8(0x20); w.u32(L)
              w.u8(op); w.u32(info.cloneIndex)
              if (op === 0x10) { w.u8(0x21); w.u32(L) }
            } else {
              w.u8(0x20); w.u32(L); w.u8(0x24); w.u32(F)
              copyInstr(b, start, r.pos, ins, w, this.shift)
              w.u8(0x23); w.u32(F); w.u8(0x21); w.u32(L)
            }
            continue
          }
          if (dirty) store()
          dirty = false
          copyInstr(b, start, r.pos, ins, w, this.shift)
          // the callee may have used or refilled F (return_call does not come back)
          if (keepL && op !== 0x12 && op !== 0x13 && op !== 0x15) reload()
          continue
        }
      }
      switch (op) {
        case 0x05: { // else: control comes from the frame's entry
          const top = frames[frames.length - 1]
          dirty ||= top.entryDirty || top.cfl
          break
        }
        case 0x07: case 0x19: { // catch, catch_all: an exception from a call leaves L stale, F current
          copyInstr(b, start, r.pos, ins, w, this.shift)
          if (keepL) reload()
          dirty = false
          continue
        }
        case 0x08: case 0x0a: // throw, throw_ref: a handler reloads L from F
          if (dirty) store()
          dirty = false
          break
        case 0x0f: // return
          if (dirty) store()
          dirty = false
          if (clone) { w.u8(0x20); w.u32(L) }
          break
        case 0x20: case 0x21: case 0x22: { // local.get/set/tee: the clone's added parameter shifts locals
          if (!clone) break
          const idx = new Reader(b, start + 1, r.pos).u32()
          w.u8(op); w.u32(idx >= info.params ? idx + 1 : idx)
          continue
        }
        case 0x0c: case 0x0d: case 0x09: case 0xd5: case 0xd6: { // br br_if rethrow br_on_null br_on_non_null
          targetReadsF = false
          const d = label(new Reader(b, start + 1, r.pos).u32())
          if ((targetReadsF || op === 0x09) && dirty) { store(); dirty = false } // rethrow: as throw
          w.u8(op); w.u32(d)
          continue
        }
        case 0x0e: { // br_table
          targetReadsF = false
          const tr = new Reader(b, start + 1, r.pos)
          const n = tr.u32()
          const t = new Writer()
          t.u32(n)
          for (let i = 0; i <= n; i++) t.u32(label(tr.u32()))
          if (targetReadsF && dirty) { store(); dirty = false }
          w.u8(op)
          w.bytes(t.result())
          continue
        }
      }
      copyInstr(b, start, r.pos, ins, w, this.shift)
    }
  }

  /** Whether a loop's block type (bytes after the opcode) takes parameters. */
  blockHasParams (r: Reader): boolean {
    const t = r.b[r.pos]
    if (t === 0x40 || t === 0x63 || t === 0x64 || (t & 0x40) !== 0) return false // empty or one result
    const idx = r.u32()
    return (this.paramCounts[idx] ?? 0) > 0
  }

  checkFromGlobal (w: Writer, cost: number, L: number): void {
    this.checkInline(w, cost, L, 0x23, this.fuelGlobal)
  }

  /**
   * `(global|local).get; i32.const cost; i32.sub; local.tee L; [global.set F]; i32.const 0; i32.lt_s;
   * if; call refuel; local.tee L; global.set F; end` — for function entries and loops that call.
   */
  checkInline (w: Writer, cost: number, L: number, getOp: number, from: number): void {
    const F = this.fuelGlobal
    w.u8(getOp); w.u32(from)
    w.u8(0x41); w.s32(clampCost(cost))
    w.u8(0x6b) // i32.sub
    w.u8(0x22); w.u32(L) // local.tee L
    if (getOp === 0x23) {
      w.u8(0x24); w.u32(F) // global.set F
      w.u8(0x20); w.u32(L) // local.get L
    }
    w.u8(0x41); w.u8(0x00) // i32.const 0
    w.u8(0x48) // i32.lt_s
    w.u8(0x04); w.u8(0x40) // if
    w.u8(0x10); w.u32(this.refuelFunc) // call refuel
    w.u8(0x22); w.u32(L) // local.tee L
    w.u8(0x24); w.u32(F) // global.set F
    w.u8(0x0b) // end
  }

  /** Renumbers functions in the name section; a malformed one is dropped, as engines ignore it. */
  nameSection (body: Uint8Array): Uint8Array | undefined {
    try {
      const r = new Reader(body)
      r.name() // "name"
      const w = new Writer()
      w.name('name')
      while (!r.eof()) {
        const id = r.u8()
        const size = r.u32()
        const end = r.pos + size
        const sub = new Reader(body, r.pos, end)
        const out = new Writer()
        if (id === 1) {
          const n = sub.u32()
          const entries = new Writer()
          let count = 0
          const named = new Map<number, Uint8Array>()
          const refuel = (): void => {
            entries.u32(this.refuelFunc)
            entries.name(`${REFUEL_MODULE}.${REFUEL_NAME}`)
            count++
          }
          for (let i = 0; i < n; i++) {
            const idx = sub.u32()
            const name = sub.bytes(sub.u32())
            if (count === i && idx >= this.refuelFunc) refuel()
            entries.u32(this.shift(idx))
            entries.u32(name.length)
            entries.bytes(name)
            count++
            named.set(idx, name)
          }
          if (count === n) refuel()
          // the clones are named after their originals
          for (const f of this.cloned) {
            const name = named.get(this.importedFuncs + f)
            if (name === undefined) continue
            entries.u32(this.infos[f].cloneIndex)
            entries.u32(name.length)
            entries.bytes(name)
            count++
          }
          out.u32(count)
          out.bytes(entries.result())
        } else if (id === 3) {
          // Label names count the function's blocks, which the rewrite adds to: drop them.
          sub.pos = end
          r.pos = end
          continue
        } else if (id === 2) {
          const n = sub.u32()
          const entries = new Writer()
          let count = 0
          const clones = new Map<number, Writer>()
          for (let i = 0; i < n; i++) {
            const idx = sub.u32()
            const m = sub.u32()
            const f = idx - this.importedFuncs
            const info = f >= 0 && f < this.infos.length ? this.infos[f] : undefined
            const kept = new Writer() // the original index: all its locals, or a wrapper's parameters
            const cloned = new Writer() // a clone: the added parameter shifts the locals
            let keptCount = 0
            let clonedCount = 0
            for (let j = 0; j < m; j++) {
              const local = sub.u32()
              const name = sub.bytes(sub.u32())
              if (info === undefined || info.cloneIndex < 0 || local < info.params) {
                kept.u32(local); kept.u32(name.length); kept.bytes(name); keptCount++
              }
              if (info !== undefined && info.cloneIndex >= 0) {
                cloned.u32(local >= info.params ? local + 1 : local); cloned.u32(name.length); cloned.bytes(name); clonedCount++
              }
            }
            entries.u32(this.shift(idx)); entries.u32(keptCount); entries.bytes(kept.result()); count++
            if (info !== undefined && info.cloneIndex >= 0) {
              const c = new Writer()
              c.u32(clonedCount); c.bytes(cloned.result())
              clones.set(info.cloneIndex, c)
            }
          }
          for (const f of this.cloned) {
            const c = clones.get(this.infos[f].cloneIndex)
            if (c === undefined) continue
            entries.u32(this.infos[f].cloneIndex); entries.bytes(c.result()); count++
          }
          out.u32(count)
          out.bytes(entries.result())
        } else {
          out.bytes(sub.bytes(size))
        }
        if (sub.pos !== end) throw bad('name subsection size')
        w.u8(id)
        w.sized(out)
        r.pos = end
      }
      return w.result()
    } catch (err) {
      if (err instanceof FuelRewriteError) return undefined
      throw err
    }
  }

  marker (): Uint8Array {
    const w = new Writer()
    w.name(FUEL_SECTION)
    w.u32(REWRITE_VERSION)
    w.u32(this.cap)
    return w.result()
  }
}

function clampCost (cost: number): number {
  return Math.max(1, Math.min(cost, 0x3fffffff))
}

function insertSection (out: Section[], s: Section): void {
  const rank = ORDER[s.id]
  const at = out.findIndex((o) => o.id !== 0 && ORDER[o.id] > rank)
  if (at < 0) out.push(s)
  else out.splice(at, 0, s)
}
