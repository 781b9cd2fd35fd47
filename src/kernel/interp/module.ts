// Decoder, validator and compiler for WebAssembly 2.0 binaries (no SIMD).
// One pass over each function body both validates it (the algorithm of the spec's appendix)
// and emits the interpreter's internal code: i32 words with every immediate already decoded and
// every branch resolved to (target, arity, stack height), so execution never reads LEB128 or
// searches for a block's end. The code is in register form where that pays (operands addressed
// by frame slot, local.get and constants folded into the instructions that use them; see
// Decoder.flush and README.md). AssemblyScript has no exceptions: errors are kept in `err` and
// every loop checks it.

export const T_I32: u8 = 0x7f
export const T_I64: u8 = 0x7e
export const T_F32: u8 = 0x7d
export const T_F64: u8 = 0x7c
export const T_V128: u8 = 0x7b
export const T_FUNCREF: u8 = 0x70
export const T_EXTERNREF: u8 = 0x6f
export const T_ANY: u8 = 0 // unknown operand in unreachable code

export const K_FUNC: u8 = 0
export const K_TABLE: u8 = 1
export const K_MEMORY: u8 = 2
export const K_GLOBAL: u8 = 3

export const NO_MAX: u64 = 0xffffffffffffffff

// Internal opcodes beyond the single-byte wasm ones: 0xFC-prefixed ops map to FC_BASE + subop.
export const FC_BASE: i32 = 0xe0
export const OP_JMP: i32 = 0xf8 // target
export const OP_JMP_IF: i32 = 0xf9 // target: br_if with nothing to move
export const OP_JMP_IFZ: i32 = 0x04 // target: `if`
export const OP_BR: i32 = 0x0c // target arity height
export const OP_BR_IF: i32 = 0x0d // target arity height
export const OP_BR_TABLE: i32 = 0x0e // n, (target arity height) * (n + 1)
export const OP_SELECT: i32 = 0x1b
// Fused instructions (superinstructions), op = base + binopIndex(wasm op) for i32 binops. The
// numbering is dense so that the dispatch switch compiles to a single br_table.
export const FUSE_SC: i32 = 0x100 // <stack> op const c          : c
export const FUSE_LC: i32 = 0x115 // local a op const c          : a c
export const FUSE_LL: i32 = 0x12a // local a op local b          : a b
export const FUSE_LOAD: i32 = 0x13f // load from local a + offset : a offset (base + wasm op - 0x28)
export const FUSE_LCS: i32 = 0x145 // local y = local a op const c : a c y
export const FUSE_LLS: i32 = 0x15a // local y = local a op local b : a b y
// compare (binop index 0..9) and jump: if true (T) / if false (F)  : a c|b target
export const FUSE_JLC_T: i32 = 0x16f
export const FUSE_JLC_F: i32 = 0x179
export const FUSE_JLL_T: i32 = 0x183
export const FUSE_JLL_F: i32 = 0x18d
export const FUSE_SL: i32 = 0x197 // <stack> op local b         : b
export const OP_COPY: i32 = 0x1ac // local.get a; local.set b    : a b
// the same for i64 binops (binopIndex64), local operands only
export const FUSE64_LL: i32 = 0x1ad
export const FUSE64_SL: i32 = 0x1c2
export const FUSE64_LLS: i32 = 0x1d7
export const FUSE64_JLL_T: i32 = 0x1ec
export const FUSE64_JLL_F: i32 = 0x1f6
export const FUSE_EXT: i32 = 0x200 // local.get a; i64.extend_i32_s (+1: _u)   : a
// register form (Decoder.flush): operands and results are frame slots given as immediates
export const OP_LDR: i32 = 0x202 // + wasm op - 0x28: load        : addr offset dst
export const OP_STR: i32 = 0x210 // + wasm op - 0x36: store       : addr value offset
export const OP_STRC: i32 = 0x219 // + wasm op - 0x36: store of an i32 constant : addr c offset
// register form: set the value stack pointer to a slot; store a constant into a slot
export const OP_SETSP: i32 = 0x222 // slot
export const OP_SETC: i32 = 0x223 // slot c
export const OP_SETC64: i32 = 0x224 // slot lo hi
export const OP_JZ: i32 = 0x225 // slot target
export const OP_JNZ: i32 = 0x226 // slot target
export const OP_GGET: i32 = 0x227 // global dst
export const OP_GSET: i32 = 0x228 // global src
export const OP_EQZ: i32 = 0x229 // src dst (i32.eqz; +1: i64.eqz)
export const OP_EQZ64: i32 = 0x22a
export const OP_EXT_S: i32 = 0x22b // src dst (i64.extend_i32_s; +1: _u)
export const OP_EXT_U: i32 = 0x22c
// stores (+ wasm op - 0x36) of an i32 constant / of a local, the address on the stack
export const FUSE_STC: i32 = 0x22d // c offset
export const FUSE_STL: i32 = 0x236 // v offset
export const FUSE_LDSS: i32 = 0x23f // i32.add of the two top; load (+ wasm op - 0x28, to 0x2d) : offset
export const OP_GSET_ADD: i32 = 0x245 // global g = local a + c (i32)  : g a c
// i64 binop (binopIndex64) of a local/slot and a sign-extended i32 slot (`i64.extend_i32_s` of
// the second operand folded in), 3-address : a b y; compare-and-jump forms : a b target
export const FUSE64_LXS: i32 = 0x246
export const FUSE64_JLX_T: i32 = 0x25b
export const FUSE64_JLX_F: i32 = 0x265
// i32 x rotr c1 ^ x rotr c2 ^ x rotr|shr_u c3 (sha256's sigma functions), pushed : x c1 c2 c3
export const OP_SIGMA_R: i32 = 0x26f
export const OP_SIGMA_S: i32 = 0x270
export const OP_MAX: i32 = 0x271

// Where an operand of the validator's stack is at run time (register form, see Decoder.flush).
const V_TEMP: u8 = 0 // in its own slot: numLocals + depth
const V_LOCAL: u8 = 1 // not yet copied: still the value of local vx
const V_CONST: u8 = 2 // not yet stored: the constant vx

// For `c op x` written as `x op' c`: the mirrored binop index, or -1 (not commutative).
function mirrorIndex(k: i32): i32 {
  if (k == 0 || k == 1 || k == 10 || (k >= 12 && k <= 15)) return k
  if (k >= 2 && k <= 9) return k <= 5 ? (k <= 3 ? k + 2 : k - 2) : (k <= 7 ? k + 2 : k - 2)
  return -1
}

// Index of a fusable i64 binop in 0..20 (compares first, like binopIndex).
export function binopIndex64(op: i32): i32 {
  if (op >= 0x51 && op <= 0x5a) return op - 0x51
  if (op >= 0x7c && op <= 0x7e) return op - 0x7c + 10
  if (op >= 0x83 && op <= 0x8a) return op - 0x83 + 13
  return -1
}

// Index of a fusable i32 binop (compare, add/sub/mul, bitwise, shifts, rotates) in 0..20.
export function binopIndex(op: i32): i32 {
  if (op >= 0x46 && op <= 0x4f) return op - 0x46
  if (op >= 0x6a && op <= 0x6c) return op - 0x6a + 10
  if (op >= 0x71 && op <= 0x78) return op - 0x71 + 13
  return -1
}

export class FuncType {
  params: StaticArray<u8>
  results: StaticArray<u8>
  key: string
  constructor(params: StaticArray<u8>, results: StaticArray<u8>) {
    this.params = params
    this.results = results
    let k = ''
    for (let i = 0; i < params.length; i++) k += String.fromCharCode(params[i])
    k += ':'
    for (let i = 0; i < results.length; i++) k += String.fromCharCode(results[i])
    this.key = k
  }
}

export class Limits {
  min: u32 = 0
  max: u64 = NO_MAX
}

export class TableType {
  elem: u8 = T_FUNCREF
  limits: Limits = new Limits()
}

export class GlobalType {
  type: u8 = T_I32
  mutable: bool = false
}

export class Import {
  module: string = ''
  name: string = ''
  kind: u8 = 0
  typeIdx: u32 = 0
  table: TableType | null = null
  mem: Limits | null = null
  global: GlobalType | null = null
}

export class Export {
  name: string = ''
  kind: u8 = 0
  index: u32 = 0
}

// Constant expression, already checked: one of the ops below with its value.
export const CE_CONST: u8 = 0 // value holds the bits
export const CE_REF_NULL: u8 = 1
export const CE_REF_FUNC: u8 = 2 // value = function index
export const CE_GLOBAL: u8 = 3 // value = global index

export class ConstExpr {
  op: u8 = CE_CONST
  value: u64 = 0
}

export const SEG_ACTIVE: u8 = 0
export const SEG_PASSIVE: u8 = 1
export const SEG_DECLARATIVE: u8 = 2

export class ElemSeg {
  mode: u8 = SEG_ACTIVE
  table: u32 = 0
  offset: ConstExpr = new ConstExpr()
  type: u8 = T_FUNCREF
  inits: Array<ConstExpr> = []
}

export class DataSeg {
  mode: u8 = SEG_ACTIVE
  offset: ConstExpr = new ConstExpr()
  bytes: Uint8Array = new Uint8Array(0)
}

export class Func {
  typeIdx: u32 = 0
  type: FuncType | null = null
  numParams: i32 = 0
  numResults: i32 = 0
  numLocals: i32 = 0 // including parameters
  maxStack: i32 = 0 // slots: locals + deepest operand stack
  code: StaticArray<i32> = new StaticArray<i32>(0)
}

export class Module {
  types: Array<FuncType> = []
  imports: Array<Import> = []
  funcTypes: Array<u32> = [] // type index of every function, imports first
  numImportedFuncs: i32 = 0
  tables: Array<TableType> = [] // imports first
  numImportedTables: i32 = 0
  mems: Array<Limits> = []
  numImportedMems: i32 = 0
  globals: Array<GlobalType> = []
  numImportedGlobals: i32 = 0
  globalInits: Array<ConstExpr> = [] // defined globals only
  exports: Array<Export> = []
  start: i32 = -1
  elems: Array<ElemSeg> = []
  datas: Array<DataSeg> = []
  dataCount: i32 = -1
  funcs: Array<Func> = [] // defined functions only
  declaredRefs: Set<u32> = new Set<u32>()
}

class Ctrl {
  op: u8 = 0 // 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0 function
  params: StaticArray<u8> = new StaticArray<u8>(0)
  results: StaticArray<u8> = new StaticArray<u8>(0)
  height: i32 = 0
  unreachable: bool = false
  fixups: Array<i32> = [] // code positions waiting for this label's end address
  loopPc: i32 = 0
  ifFix: i32 = -1 // position of the `if`'s false target
  ifAlso: Array<i32> = [] // other positions waiting for the same target (Decoder.rotateLoop)
}

const EMPTY: StaticArray<u8> = new StaticArray<u8>(0)

function isValType(b: u8): bool {
  return b == T_I32 || b == T_I64 || b == T_F32 || b == T_F64 || b == T_FUNCREF || b == T_EXTERNREF
}
function isRef(t: u8): bool {
  return t == T_FUNCREF || t == T_EXTERNREF || t == T_ANY
}

// Valid UTF-8 per the Unicode standard (no overlongs, surrogates or > U+10FFFF).
export function validUtf8(b: Uint8Array, start: i32, end: i32): bool {
  let i = start
  while (i < end) {
    const c = <u32>b[i]
    if (c < 0x80) { i++; continue }
    let n = 0
    let cp: u32 = 0
    let lo: u32 = 0
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; lo = 0x80 }
    else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; lo = 0x800 }
    else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; lo = 0x10000 }
    else return false
    if (i + n >= end) return false
    for (let k = 1; k <= n; k++) {
      if (i + k >= end) return false
      const d = <u32>b[i + k]
      if ((d & 0xc0) != 0x80) return false
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < lo || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false
    i += n + 1
  }
  return true
}

export class Decoder {
  b: Uint8Array
  pos: i32 = 0
  end: i32
  err: string | null = null
  m: Module = new Module()
  // compiler state
  vals: Array<u8> = []
  // register form: for each operand of `vals`, where it is (V_*) and the local or constant
  vk: Array<u8> = []
  vx: Array<i64> = []
  npending: i32 = 0 // operands not in their slot (V_LOCAL / V_CONST)
  rsp: i32 = 0 // what the run-time stack pointer is (slot index), -1 if unknown
  lastDst: i32 = -1 // code position of the destination slot of the last 3-address instruction
  keepRsp: bool = false // the instruction just compiled set rsp itself
  lastPush: bool = false // the last instruction is a binop of locals/constants pushing its result
  ctrls: Array<Ctrl> = []
  code: Array<i32> = []
  maxVals: i32 = 0
  numLocals: i32 = 0
  localTypes: Array<u8> = []
  hasDataCountSection: bool = false
  // peephole state: start of the last two instructions, and the last branch target position
  // (never fuse across it)
  last: i32 = -1
  last2: i32 = -1
  last3: i32 = -1 // and the three before (only for OP_SIGMA_*)
  last4: i32 = -1
  last5: i32 = -1
  barrier: i32 = 0

  constructor(b: Uint8Array) {
    this.b = b
    this.end = b.length
  }

  fail(msg: string): void {
    if (this.err === null) this.err = msg
  }

  byte(): u8 {
    if (this.pos >= this.end) {
      this.fail('unexpected end')
      return 0
    }
    return unchecked(this.b[this.pos++])
  }

  u32(): u32 {
    let result: u32 = 0
    let shift: u32 = 0
    while (true) {
      if (this.pos >= this.end) { this.fail('unexpected end'); return 0 }
      const b = <u32>unchecked(this.b[this.pos++])
      if (shift == 28) {
        if (b & 0x80) { this.fail('integer representation too long'); return 0 }
        if (b & 0x70) { this.fail('integer too large'); return 0 }
      }
      result |= (b & 0x7f) << shift
      if (!(b & 0x80)) return result
      shift += 7
    }
  }

  // Signed LEB128 of `bits` (32, 33 or 64) into an i64.
  sleb(bits: i32): i64 {
    let result: i64 = 0
    let shift: i32 = 0
    const maxBytes = (bits + 6) / 7
    let n = 0
    while (true) {
      if (this.pos >= this.end) { this.fail('unexpected end'); return 0 }
      const b = <i64>unchecked(this.b[this.pos++])
      n++
      if (n == maxBytes) {
        if (b & 0x80) { this.fail('integer representation too long'); return 0 }
        // bits left over in the last byte must be copies of the sign bit
        const used = bits - shift // meaningful bits in this byte (<= 7)
        const mask = (<i64>0x7f >> used) << used & 0x7f
        const signSet = (b >> (used - 1)) & 1
        if (signSet ? (b & mask) != mask : (b & mask) != 0) { this.fail('integer too large'); return 0 }
      }
      result |= (b & 0x7f) << shift
      shift += 7
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= -1 << shift
        return result
      }
    }
  }

  f32bits(): u32 {
    if (this.pos + 4 > this.end) { this.fail('unexpected end'); this.pos = this.end; return 0 }
    const v = load<u32>(this.b.dataStart + this.pos)
    this.pos += 4
    return v
  }

  f64bits(): u64 {
    if (this.pos + 8 > this.end) { this.fail('unexpected end'); this.pos = this.end; return 0 }
    const v = load<u64>(this.b.dataStart + this.pos)
    this.pos += 8
    return v
  }

  name(): string {
    const len = this.u32()
    if (this.err !== null) return ''
    if (<u64>this.pos + len > <u64>this.end) { this.fail('unexpected end'); return '' }
    const s = this.pos
    this.pos += len
    if (!validUtf8(this.b, s, s + len)) { this.fail('malformed UTF-8 encoding'); return '' }
    return String.UTF8.decodeUnsafe(this.b.dataStart + s, len)
  }

  count(): i32 {
    const n = this.u32()
    // every element takes at least one byte
    if (<u64>n > <u64>(this.end - this.pos)) { this.fail('unexpected end'); return 0 }
    return <i32>n
  }

  valType(): u8 {
    const t = this.byte()
    if (!isValType(t)) { this.fail('malformed value type'); return T_I32 }
    return t
  }

  refType(): u8 {
    const t = this.byte()
    if (t != T_FUNCREF && t != T_EXTERNREF) { this.fail('malformed reference type'); return T_FUNCREF }
    return t
  }

  limits(): Limits {
    const l = new Limits()
    const flag = this.byte()
    if (flag > 1) { this.fail('integer too large'); return l }
    l.min = this.u32()
    if (flag == 1) l.max = <u64>this.u32()
    return l
  }

  tableType(): TableType {
    const t = new TableType()
    t.elem = this.refType()
    t.limits = this.limits()
    if (t.limits.max != NO_MAX && <u64>t.limits.min > t.limits.max) this.fail('size minimum must not be greater than maximum')
    return t
  }

  memType(): Limits {
    const l = this.limits()
    if (l.min > 65536) this.fail('memory size must be at most 65536 pages (4GiB)')
    if (l.max != NO_MAX) {
      if (l.max > 65536) this.fail('memory size must be at most 65536 pages (4GiB)')
      if (<u64>l.min > l.max) this.fail('size minimum must not be greater than maximum')
    }
    return l
  }

  globalType(): GlobalType {
    const g = new GlobalType()
    g.type = this.valType()
    const m = this.byte()
    if (m > 1) this.fail('malformed mutability')
    g.mutable = m == 1
    return g
  }

  // Constant expression of type t; `declare` records ref.func targets as declared references.
  constExpr(t: u8): ConstExpr {
    const e = new ConstExpr()
    const op = this.byte()
    let type: u8 = 0
    const m = this.m
    switch (op) {
      case 0x41: e.value = <u64><u32><i32>this.sleb(32); type = T_I32; break
      case 0x42: e.value = <u64>this.sleb(64); type = T_I64; break
      case 0x43: e.value = <u64>this.f32bits(); type = T_F32; break
      case 0x44: e.value = this.f64bits(); type = T_F64; break
      case 0xd0: e.op = CE_REF_NULL; type = this.refType(); break
      case 0xd2: {
        e.op = CE_REF_FUNC
        const x = this.u32()
        if (x >= <u32>m.funcTypes.length) { this.fail('unknown function'); return e }
        m.declaredRefs.add(x)
        e.value = x
        type = T_FUNCREF
        break
      }
      case 0x23: {
        e.op = CE_GLOBAL
        const x = this.u32()
        if (x >= <u32>m.numImportedGlobals) { this.fail('unknown global'); return e }
        const g = m.globals[x]
        if (g.mutable) { this.fail('constant expression required'); return e }
        e.value = x
        type = g.type
        break
      }
      default:
        if (this.err === null && op != 0x0b) {
          // A known instruction that is not constant, or garbage.
          this.fail('constant expression required')
        } else this.fail('type mismatch')
        return e
    }
    if (this.err !== null) return e
    const end = this.byte()
    if (end != 0x0b) { this.fail(end == 0x41 || end == 0x42 || end == 0x23 || end == 0xd2 || end == 0xd0 || end == 0x43 || end == 0x44 ? 'type mismatch' : 'constant expression required'); return e }
    if (type != t) this.fail('type mismatch')
    return e
  }

  decode(): Module | null {
    const m = this.m
    if (this.end < 4 || load<u32>(this.b.dataStart) != 0x6d736100) { this.fail('magic header not detected'); return null }
    if (this.end < 8 || load<u32>(this.b.dataStart + 4) != 1) { this.fail('unknown binary version'); return null }
    this.pos = 8
    let lastOrder = 0
    let funcCount = -1
    let codeSeen = false
    while (this.pos < this.end && this.err === null) {
      const id = this.byte()
      const size = this.u32()
      if (this.err !== null) break
      if (<u64>this.pos + size > <u64>this.end) { this.fail('section size mismatch: unexpected end'); break }
      const sectionEnd = this.pos + <i32>size
      const savedEnd = this.end
      this.end = sectionEnd
      if (id == 0) {
        this.name()
        this.pos = sectionEnd
        this.end = savedEnd
        continue
      }
      let order = 0
      if (id >= 1 && id <= 9) order = id
      else if (id == 12) order = 10
      else if (id == 10) order = 11
      else if (id == 11) order = 12
      else { this.fail('malformed section id'); break }
      if (order <= lastOrder) { this.fail('unexpected content after last section'); break }
      lastOrder = order
      switch (id) {
        case 1: this.typeSection(); break
        case 2: this.importSection(); break
        case 3: funcCount = this.functionSection(); break
        case 4: { const n = this.count(); for (let i = 0; i < n && this.err === null; i++) m.tables.push(this.tableType()); break }
        case 5: {
          const n = this.count()
          for (let i = 0; i < n && this.err === null; i++) m.mems.push(this.memType())
          break
        }
        case 6: this.globalSection(); break
        case 7: this.exportSection(); break
        case 8: {
          const x = this.u32()
          if (x >= <u32>m.funcTypes.length) { this.fail('unknown function'); break }
          const t = m.types[m.funcTypes[x]]
          if (t.params.length != 0 || t.results.length != 0) this.fail('start function')
          m.start = <i32>x
          break
        }
        case 9: this.elemSection(); break
        case 12: m.dataCount = <i32>this.u32(); this.hasDataCountSection = true; break
        case 10: {
          codeSeen = true
          const n = this.count()
          if (n != (funcCount < 0 ? 0 : funcCount)) { this.fail('function and code section have inconsistent lengths'); break }
          for (let i = 0; i < n && this.err === null; i++) this.codeEntry(m.funcs[i])
          break
        }
        case 11: this.dataSection(); break
      }
      if (this.err !== null) break
      if (this.pos != sectionEnd) { this.fail('section size mismatch'); break }
      this.end = savedEnd
    }
    if (this.err === null && funcCount > 0 && !codeSeen) this.fail('function and code section have inconsistent lengths')
    if (this.err === null && m.dataCount >= 0 && m.dataCount != m.datas.length) this.fail('data count and data section have inconsistent lengths')
    if (this.err === null && m.mems.length > 1) this.fail('multiple memories')
    if (this.err !== null) return null
    return m
  }

  typeSection(): void {
    const n = this.count()
    for (let i = 0; i < n && this.err === null; i++) {
      if (this.byte() != 0x60) { this.fail('integer representation too long'); return }
      const np = this.count()
      const p = new StaticArray<u8>(np)
      for (let j = 0; j < np; j++) p[j] = this.valType()
      const nr = this.count()
      const r = new StaticArray<u8>(nr)
      for (let j = 0; j < nr; j++) r[j] = this.valType()
      this.m.types.push(new FuncType(p, r))
    }
  }

  importSection(): void {
    const m = this.m
    const n = this.count()
    for (let i = 0; i < n && this.err === null; i++) {
      const imp = new Import()
      imp.module = this.name()
      imp.name = this.name()
      imp.kind = this.byte()
      if (this.err !== null) return
      switch (imp.kind) {
        case K_FUNC: {
          imp.typeIdx = this.u32()
          if (imp.typeIdx >= <u32>m.types.length) { this.fail('unknown type'); return }
          m.funcTypes.push(imp.typeIdx)
          m.numImportedFuncs++
          break
        }
        case K_TABLE: imp.table = this.tableType(); m.tables.push(imp.table!); m.numImportedTables++; break
        case K_MEMORY: imp.mem = this.memType(); m.mems.push(imp.mem!); m.numImportedMems++; break
        case K_GLOBAL: imp.global = this.globalType(); m.globals.push(imp.global!); m.numImportedGlobals++; break
        default: this.fail('malformed import kind'); return
      }
      m.imports.push(imp)
    }
  }

  functionSection(): i32 {
    const m = this.m
    const n = this.count()
    for (let i = 0; i < n && this.err === null; i++) {
      const t = this.u32()
      if (t >= <u32>m.types.length) { this.fail('unknown type'); return 0 }
      m.funcTypes.push(t)
      const f = new Func()
      f.typeIdx = t
      f.type = m.types[t]
      f.numParams = f.type!.params.length
      f.numResults = f.type!.results.length
      m.funcs.push(f)
    }
    return n
  }

  globalSection(): void {
    const m = this.m
    const n = this.count()
    for (let i = 0; i < n && this.err === null; i++) {
      const g = this.globalType()
      const e = this.constExpr(g.type)
      m.globals.push(g)
      m.globalInits.push(e)
    }
  }

  exportSection(): void {
    const m = this.m
    const n = this.count()
    const seen = new Set<string>()
    for (let i = 0; i < n && this.err === null; i++) {
      const e = new Export()
      e.name = this.name()
      e.kind = this.byte()
      e.index = this.u32()
      if (this.err !== null) return
      if (seen.has(e.name)) { this.fail('duplicate export name'); return }
      seen.add(e.name)
      switch (e.kind) {
        case K_FUNC: if (e.index >= <u32>m.funcTypes.length) this.fail('unknown function'); else m.declaredRefs.add(e.index); break
        case K_TABLE: if (e.index >= <u32>m.tables.length) this.fail('unknown table'); break
        case K_MEMORY: if (e.index >= <u32>m.mems.length) this.fail('unknown memory'); break
        case K_GLOBAL: if (e.index >= <u32>m.globals.length) this.fail('unknown global'); break
        default: this.fail('malformed export kind')
      }
      m.exports.push(e)
    }
  }

  elemSection(): void {
    const m = this.m
    const n = this.count()
    for (let i = 0; i < n && this.err === null; i++) {
      const s = new ElemSeg()
      const flags = this.u32()
      if (flags > 7) { this.fail('malformed elements segment kind'); return }
      if ((flags & 1) == 0) {
        s.mode = SEG_ACTIVE
        if (flags & 2) s.table = this.u32()
        if (s.table >= <u32>m.tables.length) { this.fail('unknown table'); return }
        s.offset = this.constExpr(T_I32)
      } else s.mode = (flags & 2) ? SEG_DECLARATIVE : SEG_PASSIVE
      const exprs = (flags & 4) != 0
      if (flags & 3) {
        // explicit elemkind (0x00 = funcref) or reftype
        if (exprs) s.type = this.refType()
        else if (this.byte() != 0) { this.fail('malformed elements segment kind'); return }
      }
      const cnt = this.count()
      for (let j = 0; j < cnt && this.err === null; j++) {
        if (exprs) s.inits.push(this.constExpr(s.type))
        else {
          const e = new ConstExpr()
          e.op = CE_REF_FUNC
          const x = this.u32()
          if (x >= <u32>m.funcTypes.length) { this.fail('unknown function'); return }
          m.declaredRefs.add(x)
          e.value = x
          s.inits.push(e)
        }
      }
      if (this.err !== null) return
      if (s.mode == SEG_ACTIVE && m.tables[s.table].elem != s.type) { this.fail('type mismatch'); return }
      m.elems.push(s)
    }
  }

  dataSection(): void {
    const m = this.m
    const n = this.count()
    if (m.dataCount >= 0 && n != m.dataCount) { this.fail('data count and data section have inconsistent lengths'); return }
    for (let i = 0; i < n && this.err === null; i++) {
      const s = new DataSeg()
      const flags = this.u32()
      if (flags > 2) { this.fail('malformed data segment kind'); return }
      let mem: u32 = 0
      if (flags == 1) s.mode = SEG_PASSIVE
      else {
        if (flags == 2) mem = this.u32()
        if (mem >= <u32>m.mems.length) { this.fail('unknown memory ' + mem.toString()); return }
        s.offset = this.constExpr(T_I32)
      }
      const len = this.u32()
      if (this.err !== null) return
      if (<u64>this.pos + len > <u64>this.end) { this.fail('unexpected end of section or function'); return }
      s.bytes = this.b.slice(this.pos, this.pos + <i32>len)
      this.pos += <i32>len
      m.datas.push(s)
    }
  }

  // ---- function bodies ----

  emit(w: i32): void { this.code.push(w) }

  // Marks the start of an instruction (for the peephole optimizer).
  begin(): void {
    this.last5 = this.last4
    this.last4 = this.last3
    this.last3 = this.last2
    this.last2 = this.last
    this.last = this.code.length
    this.lastDst = -1
    this.lastPush = false
  }

  // Replaces the instructions from `from` on with a fused one; returns true.
  refuse(from: i32, op: i32, a: i32, b: i32, words: i32): bool {
    this.code.length = from
    this.code.push(op)
    if (words > 0) this.code.push(a)
    if (words > 1) this.code.push(b)
    this.last = from
    this.last2 = -1
    return true
  }

  // Fuses `local.get; i32.const; op`, `local.get; local.get; op` and `i32.const; op`.
  fuseBinop(op: i32): bool {
    const k = binopIndex(op)
    if (k < 0) return this.fuseBinop64(op)
    const code = this.code
    const l1 = this.last
    if (l1 < this.barrier || l1 < 0 || l1 >= code.length) return false
    const l2 = this.last2
    const ok2 = l2 >= this.barrier && l2 >= 0 && l2 + 2 == l1
    if (code[l1] == 0x41 && code.length == l1 + 2) {
      const c = code[l1 + 1]
      if (ok2 && code[l2] == 0x20) return this.refuse(l2, FUSE_LC + k, code[l2 + 1], c, 2)
      return this.refuse(l1, FUSE_SC + k, c, 0, 1)
    }
    if (code[l1] == 0x20 && code.length == l1 + 2) {
      if (ok2 && code[l2] == 0x20) return this.refuse(l2, FUSE_LL + k, code[l2 + 1], code[l1 + 1], 2)
      return this.refuse(l1, FUSE_SL + k, code[l1 + 1], 0, 1)
    }
    return false
  }

  // i64: `local.get; local.get; op` and `local.get; op`.
  fuseBinop64(op: i32): bool {
    const k = binopIndex64(op)
    if (k < 0) return false
    const code = this.code
    const l1 = this.last
    if (l1 < this.barrier || l1 < 0 || code.length != l1 + 2 || code[l1] != 0x20) return false
    const l2 = this.last2
    if (l2 >= this.barrier && l2 >= 0 && l2 + 2 == l1 && code[l2] == 0x20) return this.refuse(l2, FUSE64_LL + k, code[l2 + 1], code[l1 + 1], 2)
    return this.refuse(l1, FUSE64_SL + k, code[l1 + 1], 0, 1)
  }

  // Turns a preceding fused compare (local op const|local) into a compare-and-jump; the caller
  // then emits the target. Returns false when there is nothing to fuse.
  fuseCmpJump(ifTrue: bool): bool {
    const l1 = this.last
    const code = this.code
    if (l1 < 0 || l1 < this.barrier || code.length != l1 + 3) return false
    const op = code[l1]
    if (op >= FUSE_LC && op < FUSE_LC + 10) code[l1] = (ifTrue ? FUSE_JLC_T : FUSE_JLC_F) + op - FUSE_LC
    else if (op >= FUSE_LL && op < FUSE_LL + 10) code[l1] = (ifTrue ? FUSE_JLL_T : FUSE_JLL_F) + op - FUSE_LL
    else if (op >= FUSE64_LL && op < FUSE64_LL + 10) code[l1] = (ifTrue ? FUSE64_JLL_T : FUSE64_JLL_F) + op - FUSE64_LL
    else return false
    this.last2 = -1
    return true
  }

  // True (and drops it) when the previous instruction is an i32.eqz that can be folded into
  // the conditional jump being emitted.
  takeEqz(): bool {
    const l1 = this.last
    if (l1 < 0 || l1 < this.barrier || this.code.length != l1 + 1 || this.code[l1] != 0x45) return false
    this.code.length = l1
    this.last = this.last2
    this.last2 = -1
    return true
  }

  push(t: u8): void {
    this.vals.push(t)
    this.vk.push(V_TEMP)
    this.vx.push(0)
    if (this.vals.length > this.maxVals) this.maxVals = this.vals.length
  }

  // Pushes an operand that is not in its slot yet: a local's value or a constant.
  pushLazy(t: u8, kind: u8, x: i64): void {
    this.push(t)
    const d = this.vals.length - 1
    this.vk[d] = kind
    this.vx[d] = x
    this.npending++
  }

  // ---- register form ----
  // Each operand of the validator's stack has a fixed slot, numLocals + depth. local.get and
  // constants emit nothing: they are recorded as pending operands, and the instructions that
  // consume them take the local's slot or the constant as an immediate (3-address code that
  // does not touch the run-time stack pointer). Any other instruction first calls flush(),
  // which stores the pending operands in their slots and sets the stack pointer, so that
  // stack-based instructions find the state they expect.

  slotOf(d: i32): i32 {
    return this.vk[d] == V_LOCAL ? <i32>this.vx[d] : this.numLocals + d
  }

  is64(t: u8): bool { return t == T_I64 || t == T_F64 }

  // Stores pending operand d in its slot, without using the stack pointer.
  store1(d: i32): void {
    const k = this.vk[d]
    if (k == V_TEMP) return
    const slot = this.numLocals + d
    this.begin()
    if (k == V_LOCAL) { this.emit(OP_COPY); this.emit(<i32>this.vx[d]); this.emit(slot) }
    else if (this.is64(this.vals[d])) { this.emit(OP_SETC64); this.emit(slot); this.emit(<i32>this.vx[d]); this.emit(<i32>(this.vx[d] >> 32)) }
    else { this.emit(OP_SETC); this.emit(slot); this.emit(<i32>this.vx[d]) }
    this.vk[d] = V_TEMP
    this.npending--
  }

  flush(): void {
    const n = this.vals.length
    const base = this.numLocals
    if (this.npending > 0) {
      for (let d = 0; d < n; d++) {
        const k = this.vk[d]
        if (k == V_TEMP) continue
        if (this.rsp == base + d) {
          // on top of the run-time stack: push it (the stack-based peepholes know these)
          this.begin()
          if (k == V_LOCAL) { this.emit(0x20); this.emit(<i32>this.vx[d]) }
          else if (this.is64(this.vals[d])) { this.emit(0x42); this.emit(<i32>this.vx[d]); this.emit(<i32>(this.vx[d] >> 32)) }
          else { this.emit(0x41); this.emit(<i32>this.vx[d]) }
          this.vk[d] = V_TEMP
          this.npending--
          this.rsp++
        } else this.store1(d)
      }
    }
    this.syncSp(base + n)
  }

  // Sets the run-time stack pointer to slot `top` unless it is known to be there already.
  syncSp(top: i32): void {
    if (this.rsp == top) return
    this.begin()
    this.emit(OP_SETSP)
    this.emit(top)
    this.rsp = top
  }

  // Stores every pending operand in its slot (the stack pointer stays as it is).
  materialize(): void {
    if (this.npending == 0) return
    for (let d = 0; d < this.vals.length; d++) this.store1(d)
  }

  // 3-address i32.eqz, i64.eqz, i64.extend_i32_s/u on the top operand; false if not applicable.
  unop3(op: i32): bool {
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n <= c.height) return false
    const d = n - 1
    const t = this.vals[d]
    let r: i32 = 0
    let res: u8 = T_I32
    if (op == 0x45 && t == T_I32) r = OP_EQZ
    else if (op == 0x50 && t == T_I64) r = OP_EQZ64
    else if (op == 0xac && t == T_I32) { r = OP_EXT_S; res = T_I64 }
    else if (op == 0xad && t == T_I32) { r = OP_EXT_U; res = T_I64 }
    else return false
    if (this.vk[d] == V_CONST) this.store1(d)
    this.begin()
    if (this.vk[d] == V_TEMP && this.rsp == this.numLocals + n) {
      this.emit(op) // in place on top of the run-time stack
    } else if (r >= OP_EXT_S && this.vk[d] == V_LOCAL && this.rsp == this.numLocals + d) {
      this.emit(FUSE_EXT + r - OP_EXT_S); this.emit(<i32>this.vx[d])
      this.rsp++
    } else {
      this.emit(r); this.emit(this.slotOf(d)); this.emit(this.numLocals + d)
      this.lastDst = this.code.length - 1
    }
    this.pop()
    this.push(res)
    return true
  }

  // Conditional jump on the top operand (i32), jumping when it is non-zero (jumpIfTrue) or zero,
  // without the run-time stack: emits all but the target, before the caller validates. A
  // compare or eqz that just computed the condition becomes the jump. False if not applicable.
  condJump(jumpIfTrue: bool): bool {
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n <= c.height || this.vals[n - 1] != T_I32) return false
    const d = n - 1
    const code = this.code
    let moved: Array<i32> | null = null
    if (this.vk[d] == V_TEMP && this.lastDst >= 0 && this.lastDst == code.length - 1 && code[this.lastDst] == this.numLocals + d && this.last >= this.barrier) {
      const p = code[this.last]
      if ((p >= FUSE_LCS && p < FUSE_LCS + 10) || (p >= FUSE_LLS && p < FUSE_LLS + 10) || (p >= FUSE64_LLS && p < FUSE64_LLS + 10) || (p >= FUSE64_LXS && p < FUSE64_LXS + 10) || p == OP_EQZ) {
        // take it out: the operands below must reach their slots first (this does not touch
        // the compare's operands, which are locals or slots at depth >= d)
        moved = code.slice(this.last)
        code.length = this.last
      }
    } else if (this.vk[d] == V_TEMP && this.lastPush && code.length == this.last + 3 && this.rsp == this.numLocals + n && this.last >= this.barrier) {
      // a compare of locals/constants that pushed the condition: the same, without the push
      const p = code[this.last]
      if ((p >= FUSE_LC && p < FUSE_LC + 10) || (p >= FUSE_LL && p < FUSE_LL + 10) || (p >= FUSE64_LL && p < FUSE64_LL + 10)) {
        moved = code.slice(this.last)
        moved[0] = p >= FUSE64_LL ? p - FUSE64_LL + FUSE64_LLS : p >= FUSE_LL ? p - FUSE_LL + FUSE_LLS : p - FUSE_LC + FUSE_LCS
        code.length = this.last
        this.rsp--
      }
    }
    if (moved === null && this.vk[d] == V_TEMP && this.rsp == this.numLocals + n) {
      // the condition is on top of the run-time stack: the stack form pops it
      const inv = this.takeEqz()
      for (let e = 0; e < d; e++) this.store1(e)
      this.begin()
      this.emit(jumpIfTrue != inv ? OP_JMP_IF : OP_JMP_IFZ)
      this.rsp--
      this.last2 = -1
      this.keepRsp = true
      return true
    }
    for (let e = 0; e < d; e++) this.store1(e)
    if (this.vk[d] == V_CONST) this.store1(d)
    this.syncSp(this.numLocals + n - 1)
    this.begin()
    if (moved !== null) {
      const p = moved[0]
      if (p == OP_EQZ) { this.emit(jumpIfTrue ? OP_JZ : OP_JNZ); this.emit(moved[1]) }
      else {
        if (p >= FUSE64_LXS) this.emit((jumpIfTrue ? FUSE64_JLX_T : FUSE64_JLX_F) + p - FUSE64_LXS)
        else if (p >= FUSE64_LLS) this.emit((jumpIfTrue ? FUSE64_JLL_T : FUSE64_JLL_F) + p - FUSE64_LLS)
        else if (p >= FUSE_LLS) this.emit((jumpIfTrue ? FUSE_JLL_T : FUSE_JLL_F) + p - FUSE_LLS)
        else this.emit((jumpIfTrue ? FUSE_JLC_T : FUSE_JLC_F) + p - FUSE_LCS)
        this.emit(moved[1])
        this.emit(moved[2])
      }
    } else {
      this.emit(jumpIfTrue ? OP_JNZ : OP_JZ)
      this.emit(this.slotOf(d))
    }
    this.last2 = -1
    this.keepRsp = true
    return true
  }

  // 3-address i32/i64 binop on the two top operands; false when it does not apply.
  binop3(op: i32): bool {
    let k = binopIndex(op)
    let is64 = false
    if (k < 0) { k = binopIndex64(op); is64 = true }
    if (k < 0) return false
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n - c.height < 2) return false
    const want = is64 ? T_I64 : T_I32
    if (this.vals[n - 2] != want || this.vals[n - 1] != want) return false
    let a = n - 2
    let b = n - 1
    if (!is64 && this.vk[a] == V_CONST && this.vk[b] != V_CONST && mirrorIndex(k) >= 0) {
      k = mirrorIndex(k)
      a = n - 1
      b = n - 2
    }
    if (this.vk[a] == V_CONST) this.store1(a)
    if (is64 && this.vk[b] == V_CONST) this.store1(b)
    const dst = this.numLocals + n - 2
    const ka = this.vk[a]
    const kb = this.vk[b]
    // b was just sign-extended from an i32 slot into its own slot (OP_EXT_S src b): when the
    // result goes to a slot (the last form below), read the i32 slot instead and drop the extend
    let xs = -1
    const code = this.code
    const l = this.last
    if (is64 && kb == V_TEMP && ka != V_TEMP && l >= 0 && l >= this.barrier && code.length == l + 3 && code[l] == OP_EXT_S &&
        code[l + 2] == this.numLocals + b && this.lastDst == l + 2 && code[l + 1] != this.numLocals + b) {
      xs = code[l + 1]
      code.length = l
      this.last = -1
    }
    this.begin()
    // Where the result lands on top of the run-time stack, the stack forms are cheaper: their
    // operands on the stack need no immediates. Otherwise 3-address, with a destination slot.
    if (ka == V_TEMP && kb == V_TEMP && this.rsp == dst + 2 && op == 0x73 && this.sigma()) {
      this.rsp--
    } else if (ka == V_TEMP && kb == V_TEMP && this.rsp == dst + 2) {
      this.emit(op)
      this.rsp--
    } else if (ka == V_TEMP && kb != V_TEMP && this.rsp == dst + 1 && (kb == V_LOCAL || !is64)) {
      if (kb == V_LOCAL) { this.emit((is64 ? FUSE64_SL : FUSE_SL) + k); this.emit(<i32>this.vx[b]) }
      else { this.emit(FUSE_SC + k); this.emit(<i32>this.vx[b]) }
    } else if (ka == V_LOCAL && kb != V_TEMP && this.rsp == dst && (kb == V_LOCAL || !is64)) {
      if (kb == V_LOCAL) this.emit((is64 ? FUSE64_LL : FUSE_LL) + k)
      else this.emit(FUSE_LC + k)
      this.emit(<i32>this.vx[a]); this.emit(<i32>this.vx[b])
      this.lastPush = true
      this.rsp++
    } else {
      if (kb == V_CONST) {
        this.emit(FUSE_LCS + k); this.emit(this.slotOf(a)); this.emit(<i32>this.vx[b])
      } else if (is64 && kb == V_TEMP && xs >= 0) {
        this.emit(FUSE64_LXS + k); this.emit(this.slotOf(a)); this.emit(xs)
      } else {
        this.emit((is64 ? FUSE64_LLS : FUSE_LLS) + k); this.emit(this.slotOf(a)); this.emit(this.slotOf(b))
      }
      this.emit(dst)
      this.lastDst = this.code.length - 1
    }
    this.pop()
    this.pop()
    this.push(k < 10 ? T_I32 : want)
    return true
  }

  // At the last xor of `(x rotr c1 ^ x rotr c2) ^ x rotr|shr_u c3`, all pushed on the run-time
  // stack (begin() just ran for the xor): replaces the five instructions with one OP_SIGMA_*.
  sigma(): bool {
    const code = this.code
    // starts of: rotate c3, first xor, rotate c2, rotate c1
    const r3 = this.last2, x1 = this.last3, r2 = this.last4, r1 = this.last5
    if (r1 < 0 || r1 < this.barrier || r2 != r1 + 3 || x1 != r2 + 3 || r3 != x1 + 1 || code.length != r3 + 3) return false
    const ROTR = FUSE_LC + 20
    const c = code[r3]
    if ((c != ROTR && c != FUSE_LC + 18) || code[x1] != 0x73 || code[r1] != ROTR || code[r2] != ROTR) return false
    const x = code[r1 + 1]
    if (code[r2 + 1] != x || code[r3 + 1] != x) return false
    const c1 = code[r1 + 2], c2 = code[r2 + 2], c3 = code[r3 + 2]
    code.length = r1
    code.push(c == ROTR ? OP_SIGMA_R : OP_SIGMA_S)
    code.push(x); code.push(c1); code.push(c2); code.push(c3)
    this.last = r1
    this.last2 = -1
    this.last3 = -1
    this.last4 = -1
    this.last5 = -1
    this.lastPush = false
    return true
  }

  pop(): u8 {
    const c = this.ctrls[this.ctrls.length - 1]
    if (this.vals.length == c.height) {
      if (c.unreachable) return T_ANY
      this.fail('type mismatch')
      return T_ANY
    }
    if (this.vk.pop() != V_TEMP) this.npending--
    this.vx.pop()
    return this.vals.pop()
  }

  popT(t: u8): u8 {
    const a = this.pop()
    if (a != t && a != T_ANY && t != T_ANY) this.fail('type mismatch')
    return a == T_ANY ? t : a
  }

  pushCtrl(op: u8, params: StaticArray<u8>, results: StaticArray<u8>): Ctrl {
    const c = new Ctrl()
    c.op = op
    c.params = params
    c.results = results
    c.height = this.vals.length
    c.loopPc = this.code.length
    this.barrier = this.code.length
    this.ctrls.push(c)
    for (let i = 0; i < params.length; i++) this.push(params[i])
    return c
  }

  popCtrl(): Ctrl {
    const c = this.ctrls[this.ctrls.length - 1]
    for (let i = c.results.length - 1; i >= 0; i--) this.popT(c.results[i])
    if (this.vals.length != c.height) this.fail('type mismatch')
    this.ctrls.pop()
    return c
  }

  labelTypes(c: Ctrl): StaticArray<u8> {
    return c.op == 0x03 ? c.params : c.results
  }

  unreachable(): void {
    const c = this.ctrls[this.ctrls.length - 1]
    for (let d = c.height; d < this.vals.length; d++) if (this.vk[d] != V_TEMP) this.npending--
    this.vals.length = c.height
    this.vk.length = c.height
    this.vx.length = c.height
    c.unreachable = true
  }

  blockType(): FuncType | null {
    if (this.pos >= this.end) { this.fail('unexpected end'); return null }
    const b = this.b[this.pos]
    if (b == 0x40) { this.pos++; return new FuncType(EMPTY, EMPTY) }
    if (isValType(b)) {
      this.pos++
      const r = new StaticArray<u8>(1)
      r[0] = b
      return new FuncType(EMPTY, r)
    }
    const x = this.sleb(33)
    if (x < 0 || x >= <i64>this.m.types.length) { this.fail('unknown type'); return null }
    return this.m.types[<i32>x]
  }

  // Branch to label depth `d`: emits the target (or records a fixup), arity and height.
  emitTarget(d: u32): void {
    const c = this.ctrls[this.ctrls.length - 1 - <i32>d]
    if (c.op == 0x03) this.emit(c.loopPc)
    else {
      c.fixups.push(this.code.length)
      this.emit(-1)
    }
  }

  // `br` back to a loop that starts with `if <compare>`: rather than jumping to the compare,
  // repeat it inverted, jumping into the if's body when it holds and else on to the if's false
  // target, so that an iteration costs one conditional jump instead of a jump and a conditional
  // jump. Only when no value moves (a plain jump) and the compare reads locals, constants or
  // slots below the loop, which the loop body does not change. False if not applicable.
  rotateLoop(d: u32): bool {
    const i = this.ctrls.length - 1 - <i32>d
    const l = this.ctrls[i]
    if (l.op != 0x03 || l.params.length != 0 || this.vals.length != l.height || i + 1 >= this.ctrls.length) return false
    const f = this.ctrls[i + 1]
    if (f.op != 0x04) return false
    const code = this.code
    const p = l.loopPc
    if (p < 0 || p >= code.length) return false
    const op = code[p]
    let len = 4
    let inv = 0
    if (op >= FUSE_JLC_T && op < FUSE_JLC_T + 10) inv = op - FUSE_JLC_T + FUSE_JLC_F
    else if (op >= FUSE_JLC_F && op < FUSE_JLC_F + 10) inv = op - FUSE_JLC_F + FUSE_JLC_T
    else if (op >= FUSE_JLL_T && op < FUSE_JLL_T + 10) inv = op - FUSE_JLL_T + FUSE_JLL_F
    else if (op >= FUSE_JLL_F && op < FUSE_JLL_F + 10) inv = op - FUSE_JLL_F + FUSE_JLL_T
    else if (op >= FUSE64_JLL_T && op < FUSE64_JLL_T + 10) inv = op - FUSE64_JLL_T + FUSE64_JLL_F
    else if (op >= FUSE64_JLL_F && op < FUSE64_JLL_F + 10) inv = op - FUSE64_JLL_F + FUSE64_JLL_T
    else if (op >= FUSE64_JLX_T && op < FUSE64_JLX_T + 10) inv = op - FUSE64_JLX_T + FUSE64_JLX_F
    else if (op >= FUSE64_JLX_F && op < FUSE64_JLX_F + 10) inv = op - FUSE64_JLX_F + FUSE64_JLX_T
    else if (op == OP_JZ || op == OP_JNZ) { inv = op == OP_JZ ? OP_JNZ : OP_JZ; len = 3 }
    else return false
    // it must be the if's own jump: the instruction at the loop start ends with the if's target
    if (f.ifFix != p + len - 1) return false
    code.push(inv)
    for (let k = 1; k < len - 1; k++) code.push(code[p + k])
    code.push(p + len)
    code.push(OP_JMP)
    f.ifAlso.push(code.length)
    code.push(-1)
    return true
  }

  labelAt(d: u32): Ctrl | null {
    if (d >= <u32>this.ctrls.length) { this.fail('unknown label'); return null }
    return this.ctrls[this.ctrls.length - 1 - <i32>d]
  }

  emitBranch(op: i32, d: u32): void {
    const c = this.ctrls[this.ctrls.length - 1 - <i32>d]
    const arity = this.labelTypes(c).length
    const height = this.numLocals + c.height
    const cur = this.numLocals + this.vals.length
    if (op == OP_BR_IF) {
      if (cur - arity == height && this.fuseCmpJump(true)) {
        this.emitTarget(d)
        return
      }
      const inv = cur - arity == height && this.takeEqz()
      this.begin()
      if (inv) {
        this.emit(OP_JMP_IFZ)
        this.emitTarget(d)
        return
      }
    }
    if (cur - arity == height) {
      this.emit(op == OP_BR ? OP_JMP : OP_JMP_IF)
      this.emitTarget(d)
    } else {
      this.emit(op)
      this.emitTarget(d)
      this.emit(arity)
      this.emit(height)
    }
  }

  memarg(maxAlign: u32): u32 {
    const align = this.u32()
    const offset = this.u32()
    if (this.m.mems.length == 0) this.fail('unknown memory')
    if (align > maxAlign) this.fail('alignment must not be larger than natural')
    return offset
  }

  codeEntry(f: Func): void {
    const size = this.u32()
    if (this.err !== null) return
    if (<u64>this.pos + size > <u64>this.end) { this.fail('unexpected end'); return }
    const bodyEnd = this.pos + <i32>size
    const savedEnd = this.end
    this.end = bodyEnd
    const t = f.type!
    const localTypes = new Array<u8>()
    for (let i = 0; i < t.params.length; i++) localTypes.push(t.params[i])
    const ngroups = this.count()
    let total: u64 = 0
    for (let i = 0; i < ngroups && this.err === null; i++) {
      const n = this.u32()
      total += n
      if (total > 50000) { this.fail('too many locals'); return }
      const vt = this.valType()
      for (let k: u32 = 0; k < n; k++) localTypes.push(vt)
    }
    if (this.err !== null) return
    this.localTypes = localTypes
    this.numLocals = localTypes.length
    f.numLocals = localTypes.length
    this.vals = []
    this.vk = []
    this.vx = []
    this.npending = 0
    this.rsp = this.numLocals
    this.lastDst = -1
    this.last3 = -1
    this.last4 = -1
    this.last5 = -1
    this.ctrls = []
    this.code = []
    this.maxVals = 0
    this.pushCtrl(0, EMPTY, t.results)
    this.body(f)
    if (this.err !== null) return
    if (this.ctrls.length != 0) { this.fail('END opcode expected'); return }
    if (this.pos != bodyEnd) { this.fail('section size mismatch'); return }
    this.end = savedEnd
    f.maxStack = this.numLocals + this.maxVals + 1
    const code = new StaticArray<i32>(this.code.length)
    for (let i = 0; i < this.code.length; i++) unchecked(code[i] = this.code[i])
    f.code = code
  }

  local(): u8 {
    const x = this.u32()
    if (x >= <u32>this.numLocals) { this.fail('unknown local'); return T_I32 }
    this.emit(<i32>x)
    return this.localTypes[x]
  }

  // local.get, constants, local.set/tee, drop and the no-op conversions in register form;
  // false for every other instruction.
  lazy(op: i32): bool {
    if (op == 0x20) {
      const x = this.u32()
      if (x >= <u32>this.numLocals) { this.fail('unknown local'); return true }
      this.pushLazy(this.localTypes[x], V_LOCAL, <i64>x)
      return true
    }
    if (op == 0x41) { const v = this.sleb(32); this.pushLazy(T_I32, V_CONST, v); return true }
    if (op == 0x42) { const v = this.sleb(64); this.pushLazy(T_I64, V_CONST, v); return true }
    if (op == 0x43) { const v = this.f32bits(); this.pushLazy(T_F32, V_CONST, <i64>v); return true }
    if (op == 0x44) { const v = this.f64bits(); this.pushLazy(T_F64, V_CONST, <i64>v); return true }
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n <= c.height) return false
    const top = this.vals[n - 1]
    if (op == 0x21 || op == 0x22) return this.setLocal(op == 0x22)
    if (op == 0x1a) {
      if (this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n) {
        this.begin()
        this.emit(0x1a)
        this.rsp--
      }
      this.pop()
      return true
    }
    // i32.wrap_i64 and the reinterpretations keep the bits of the slot: only the type changes
    let to: u8 = 0
    if (op == 0xa7 && top == T_I64) to = T_I32
    else if (op == 0xbc && top == T_F32) to = T_I32
    else if (op == 0xbd && top == T_F64) to = T_I64
    else if (op == 0xbe && top == T_I32) to = T_F32
    else if (op == 0xbf && top == T_I64) to = T_F64
    if (to == 0) return false
    this.vals[n - 1] = to
    return true
  }

  // A global.get, load or extend of a local that pushed the value being stored in local x:
  // rewritten to write x directly. False if the last instruction is none of those.
  retargetPush(code: Array<i32>, x: i32): bool {
    const l = this.last
    const p = code[l]
    if (p == 0x23 && code.length == l + 2) code[l] = OP_GGET
    else if ((p == FUSE_LOAD || p == FUSE_LOAD + 1 || p == FUSE_LOAD + 5) && code.length == l + 3) code[l] = OP_LDR + p - FUSE_LOAD
    else if ((p == FUSE_EXT || p == FUSE_EXT + 1) && code.length == l + 2) code[l] = OP_EXT_S + p - FUSE_EXT
    else return false
    code.push(x)
    return true
  }

  // local.set / local.tee x of the top operand (which is in the current block, see lazy()).
  setLocal(tee: bool): bool {
    const x = this.u32()
    if (this.err !== null) return true
    if (x >= <u32>this.numLocals) { this.fail('unknown local'); return true }
    const t = this.localTypes[x]
    const n = this.vals.length
    const d = n - 1
    if (this.vals[d] != t) { this.fail('type mismatch'); return true }
    const k = this.vk[d]
    const code = this.code
    const slot = this.numLocals + d
    // operands still reading local x must be saved before it changes
    let refs = false
    for (let e = 0; e < d; e++) if (this.vk[e] == V_LOCAL && this.vx[e] == <i64>x) { refs = true; break }
    if (k == V_TEMP && !refs && this.lastDst >= 0 && this.lastDst == code.length - 1 && code[this.lastDst] == slot && this.last >= this.barrier) {
      // the instruction that computed the value writes the local directly
      code[this.lastDst] = <i32>x
      this.lastDst = -1
    } else if (k == V_TEMP && !refs && this.lastPush && code.length == this.last + 3 && this.rsp == slot + 1 && this.last >= this.barrier) {
      // the same for a binop that pushed it: its 3-address form
      const p = code[this.last]
      code[this.last] = p >= FUSE64_LL ? p - FUSE64_LL + FUSE64_LLS : p >= FUSE_LL ? p - FUSE_LL + FUSE_LLS : p - FUSE_LC + FUSE_LCS
      code.push(<i32>x)
      this.lastPush = false
      this.rsp--
    } else if (k == V_TEMP && !refs && this.rsp == slot + 1 && this.last >= this.barrier && this.last >= 0 && this.retargetPush(code, <i32>x)) {
      this.rsp--
    } else {
      if (refs) for (let e = 0; e < d; e++) if (this.vk[e] == V_LOCAL && this.vx[e] == <i64>x) this.store1(e)
      this.begin()
      if (k == V_TEMP) {
        if (this.rsp == slot + 1) {
          // on top of the run-time stack: the stack form keeps the stack pointer known
          this.emit(tee ? 0x22 : 0x21)
          this.emit(<i32>x)
          if (!tee) {
            this.rsp--
            this.pop()
          }
          return true
        }
        this.emit(OP_COPY); this.emit(slot); this.emit(<i32>x)
      } else if (k == V_LOCAL) {
        if (this.vx[d] != <i64>x) { this.emit(OP_COPY); this.emit(<i32>this.vx[d]); this.emit(<i32>x) }
      } else if (this.is64(t)) {
        this.emit(OP_SETC64); this.emit(<i32>x); this.emit(<i32>this.vx[d]); this.emit(<i32>(this.vx[d] >> 32))
      } else {
        this.emit(OP_SETC); this.emit(<i32>x); this.emit(<i32>this.vx[d])
      }
    }
    this.pop()
    if (tee) this.pushLazy(t, V_LOCAL, <i64>x)
    return true
  }

  body(f: Func): void {
    const m = this.m
    while (this.err === null) {
      if (this.pos >= this.end) { this.fail('unexpected end of section or function'); return }
      const op = <i32>this.byte()
      if (this.lazy(op)) continue
      if (op >= 0x45 && op <= 0xc4) {
        if (!this.binop3(op) && !this.unop3(op)) {
          this.flush()
          this.numeric(op)
          this.rsp = this.numLocals + this.vals.length
        }
        continue
      }
      // control, calls, globals and memory accesses handle the pending operands themselves;
      // everything else works on the run-time stack
      const own = op <= 0x05 || op == 0x0b || op == 0x0c || op == 0x0d || op == 0x0f || op == 0x10 || op == 0x11 || op == 0x23 || op == 0x24 || (op >= 0x28 && op <= 0x3e)
      if (!own) this.flush()
      if (op == 0x00 || !own && op != 0x21) this.begin()
      this.keepRsp = false
      switch (op) {
        case 0x00: this.emit(op); this.unreachable(); break
        case 0x01: this.keepRsp = true; break
        case 0x02: case 0x03: {
          // operands live across a label are in their slots, and at a label (loop start, block
          // end) the run-time stack pointer is at the top of the operands
          if (op == 0x03) this.flush()
          else this.materialize()
          const bt = this.blockType()
          if (bt === null) return
          for (let i = bt.params.length - 1; i >= 0; i--) this.popT(bt.params[i])
          this.pushCtrl(<u8>op, bt.params, bt.results)
          this.keepRsp = true
          break
        }
        case 0x04: {
          const bt = this.blockType()
          if (bt === null) return
          const cj = this.condJump(false)
          if (!cj) this.flush()
          this.popT(T_I32)
          for (let i = bt.params.length - 1; i >= 0; i--) this.popT(bt.params[i])
          const inv = !cj && this.takeEqz()
          const fused = cj || !inv && this.fuseCmpJump(false)
          const c = this.pushCtrl(0x04, bt.params, bt.results)
          if (!fused) {
            this.begin()
            this.emit(inv ? OP_JMP_IF : OP_JMP_IFZ)
          }
          c.ifFix = this.code.length
          this.emit(-1)
          this.keepRsp = cj
          break
        }
        case 0x05: {
          const c = this.ctrls[this.ctrls.length - 1]
          if (c.op != 0x04) { this.fail('else without if'); return }
          this.flush()
          this.popCtrl()
          const e = this.pushCtrl(0x05, c.params, c.results)
          e.fixups = c.fixups
          this.begin()
          this.emit(OP_JMP)
          e.fixups.push(this.code.length)
          this.emit(-1)
          this.code[c.ifFix] = this.code.length
          for (let i = 0; i < c.ifAlso.length; i++) this.code[c.ifAlso[i]] = this.code.length
          this.barrier = this.code.length
          break
        }
        case 0x0b: {
          this.flush()
          const c = this.popCtrl()
          if (this.err !== null) return
          if (c.op == 0x04) {
            // `if` without `else`: the missing branch passes the parameters through
            if (c.params.length != c.results.length) { this.fail('type mismatch'); return }
            for (let i = 0; i < c.params.length; i++) if (c.params[i] != c.results[i]) { this.fail('type mismatch'); return }
            this.code[c.ifFix] = this.code.length
            for (let i = 0; i < c.ifAlso.length; i++) this.code[c.ifAlso[i]] = this.code.length
          }
          for (let i = 0; i < c.fixups.length; i++) this.code[c.fixups[i]] = this.code.length
          this.barrier = this.code.length
          for (let i = 0; i < c.results.length; i++) this.push(c.results[i])
          if (this.ctrls.length == 0) {
            this.begin()
            this.emit(0x0f)
            return
          }
          break
        }
        case 0x0c: {
          const d = this.u32()
          const c = this.labelAt(d)
          if (c === null) return
          const lt = this.labelTypes(c)
          this.flush()
          for (let i = lt.length - 1; i >= 0; i--) this.popT(lt[i])
          for (let i = 0; i < lt.length; i++) this.push(lt[i])
          this.begin()
          if (!this.rotateLoop(d)) this.emitBranch(OP_BR, d)
          this.unreachable()
          break
        }
        case 0x0d: {
          const d = this.u32()
          const c = this.labelAt(d)
          if (c === null) return
          const lt = this.labelTypes(c)
          // a conditional jump that moves no values does not need the stack pointer
          const cj = this.vals.length - 1 - lt.length == c.height && this.condJump(true)
          if (!cj) this.flush()
          this.popT(T_I32)
          const got = new StaticArray<u8>(lt.length)
          for (let i = lt.length - 1; i >= 0; i--) got[i] = this.popT(lt[i])
          for (let i = 0; i < lt.length; i++) this.push(got[i])
          if (cj) this.emitTarget(d)
          else this.emitBranch(OP_BR_IF, d)
          this.keepRsp = cj
          break
        }
        case 0x0e: {
          const n = this.count()
          const depths = new Array<u32>()
          for (let i = 0; i <= n && this.err === null; i++) {
            const d = this.u32()
            if (this.labelAt(d) === null) return
            depths.push(d)
          }
          if (this.err !== null) return
          this.popT(T_I32)
          const dflt = this.ctrls[this.ctrls.length - 1 - <i32>depths[n]]
          const arity = this.labelTypes(dflt).length
          for (let i = 0; i <= n; i++) {
            const c = this.ctrls[this.ctrls.length - 1 - <i32>depths[i]]
            const lt = this.labelTypes(c)
            if (lt.length != arity) { this.fail('type mismatch'); return }
            // check the operands against each label's types without consuming them
            // (everything is in its slot: br_table comes after a flush)
            const saved = this.vals.slice()
            const cc = this.ctrls[this.ctrls.length - 1]
            const savedU = cc.unreachable
            for (let k = lt.length - 1; k >= 0; k--) this.popT(lt[k])
            this.vals = saved
            while (this.vk.length < saved.length) { this.vk.push(V_TEMP); this.vx.push(0) }
            cc.unreachable = savedU
          }
          this.emit(OP_BR_TABLE)
          this.emit(n)
          for (let i = 0; i <= n; i++) {
            const c = this.ctrls[this.ctrls.length - 1 - <i32>depths[i]]
            this.emitTarget(depths[i])
            this.emit(this.labelTypes(c).length)
            this.emit(this.numLocals + c.height)
          }
          this.unreachable()
          break
        }
        case 0x0f: {
          this.flush()
          const r = f.type!.results
          for (let i = r.length - 1; i >= 0; i--) this.popT(r[i])
          this.begin()
          this.emit(0x0f)
          this.unreachable()
          break
        }
        case 0x10: {
          const x = this.u32()
          if (x >= <u32>m.funcTypes.length) { this.fail('unknown function'); return }
          this.flush()
          const t = m.types[m.funcTypes[x]]
          for (let i = t.params.length - 1; i >= 0; i--) this.popT(t.params[i])
          for (let i = 0; i < t.results.length; i++) this.push(t.results[i])
          this.begin()
          this.emit(0x10)
          this.emit(<i32>x)
          break
        }
        case 0x11: {
          const y = this.u32()
          const x = this.u32()
          if (this.err !== null) return
          if (x >= <u32>m.tables.length) { this.fail('unknown table'); return }
          if (y >= <u32>m.types.length) { this.fail('unknown type'); return }
          if (m.tables[x].elem != T_FUNCREF) { this.fail('type mismatch'); return }
          this.flush()
          this.popT(T_I32)
          const t = m.types[y]
          for (let i = t.params.length - 1; i >= 0; i--) this.popT(t.params[i])
          for (let i = 0; i < t.results.length; i++) this.push(t.results[i])
          this.begin()
          this.emit(0x11)
          this.emit(<i32>y)
          this.emit(<i32>x)
          break
        }
        case 0x1a: this.pop(); this.emit(0x1a); break
        case 0x1b: {
          this.popT(T_I32)
          const a = this.pop()
          const b = this.pop()
          if (isRef(a) && a != T_ANY || isRef(b) && b != T_ANY) { this.fail('type mismatch'); return }
          if (a != b && a != T_ANY && b != T_ANY) { this.fail('type mismatch'); return }
          this.push(a == T_ANY ? b : a)
          this.emit(OP_SELECT)
          break
        }
        case 0x1c: {
          const n = this.u32()
          if (n != 1) { this.fail('invalid result arity'); return }
          const t = this.valType()
          this.popT(T_I32)
          this.popT(t)
          this.popT(t)
          this.push(t)
          this.emit(OP_SELECT)
          break
        }
        case 0x20: { this.emit(0x20); const t = this.local(); this.push(t); break }
        case 0x21: {
          const x = this.u32()
          if (x >= <u32>this.numLocals) { this.fail('unknown local'); return }
          this.popT(this.localTypes[x])
          const l1 = this.last
          const code = this.code
          if (l1 >= 0 && l1 >= this.barrier && code.length == l1 + 3) {
            const p = code[l1]
            if (p >= FUSE_LC && p < FUSE_LC + 21) { code[l1] = p - FUSE_LC + FUSE_LCS; code.push(<i32>x); break }
            if (p >= FUSE_LL && p < FUSE_LL + 21) { code[l1] = p - FUSE_LL + FUSE_LLS; code.push(<i32>x); break }
            if (p >= FUSE64_LL && p < FUSE64_LL + 21) { code[l1] = p - FUSE64_LL + FUSE64_LLS; code.push(<i32>x); break }
          }
          if (l1 >= 0 && l1 >= this.barrier && code.length == l1 + 2 && code[l1] == 0x20) {
            code[l1] = OP_COPY
            code.push(<i32>x)
            break
          }
          this.begin()
          this.emit(0x21)
          this.emit(<i32>x)
          break
        }
        case 0x22: { this.emit(0x22); const t = this.local(); this.popT(t); this.push(t); break }
        case 0x23: {
          const x = this.u32()
          if (x >= <u32>m.globals.length) { this.fail('unknown global'); return }
          this.begin()
          if (this.rsp == this.numLocals + this.vals.length) {
            this.emit(0x23)
            this.emit(<i32>x)
            this.push(m.globals[x].type)
            this.rsp++
          } else {
            this.emit(OP_GGET)
            this.emit(<i32>x)
            this.emit(this.numLocals + this.vals.length)
            this.push(m.globals[x].type)
            this.lastDst = this.code.length - 1
          }
          this.keepRsp = true
          break
        }
        case 0x24: {
          const x = this.u32()
          if (x >= <u32>m.globals.length) { this.fail('unknown global'); return }
          if (!m.globals[x].mutable) { this.fail('global is immutable'); return }
          const gt = m.globals[x].type
          const c = this.ctrls[this.ctrls.length - 1]
          const n = this.vals.length
          const code = this.code
          const l = this.last
          if (!c.unreachable && n > c.height && gt == T_I32 && this.vals[n - 1] == T_I32 && this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n &&
            this.lastPush && l >= this.barrier && code.length == l + 3 && (code[l] == FUSE_LC + 10 || code[l] == FUSE_LC + 11)) {
            // global = local +/- constant (a stack or heap pointer bump): one instruction
            const a = code[l + 1]
            const k = code[l + 2]
            const sub = code[l] == FUSE_LC + 11
            code[l] = OP_GSET_ADD
            code[l + 1] = <i32>x
            code[l + 2] = a
            code.push(sub ? -k : k)
            this.lastPush = false
            this.pop()
            this.rsp--
            this.keepRsp = true
            break
          }
          if (!c.unreachable && n > c.height && this.vals[n - 1] == gt && !(this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n)) {
            if (this.vk[n - 1] == V_CONST) this.store1(n - 1)
            this.begin()
            this.emit(OP_GSET)
            this.emit(<i32>x)
            this.emit(this.slotOf(n - 1))
            this.pop()
            this.keepRsp = true
            break
          }
          this.flush()
          this.popT(gt)
          this.begin()
          this.emit(0x24)
          this.emit(<i32>x)
          break
        }
        case 0x25: case 0x26: {
          const x = this.u32()
          if (x >= <u32>m.tables.length) { this.fail('unknown table'); return }
          const et = m.tables[x].elem
          if (op == 0x25) { this.popT(T_I32); this.push(et) } else { this.popT(et); this.popT(T_I32) }
          this.emit(op)
          this.emit(<i32>x)
          break
        }
        case 0x28: case 0x2a: case 0x34: case 0x35: this.load(op, 2); break
        case 0x29: case 0x2b: this.load(op, 3); break
        case 0x2c: case 0x2d: case 0x30: case 0x31: this.load(op, 0); break
        case 0x2e: case 0x2f: case 0x32: case 0x33: this.load(op, 1); break
        case 0x36: case 0x38: case 0x3e: this.store(op, 2); break
        case 0x37: case 0x39: this.store(op, 3); break
        case 0x3a: case 0x3c: this.store(op, 0); break
        case 0x3b: case 0x3d: this.store(op, 1); break
        case 0x3f: case 0x40: {
          if (this.byte() != 0) { this.fail('zero byte expected'); return }
          if (m.mems.length == 0) { this.fail('unknown memory'); return }
          if (op == 0x40) this.popT(T_I32)
          this.push(T_I32)
          this.emit(op)
          break
        }
        case 0x41: this.push(T_I32); this.emit(0x41); this.emit(<i32>this.sleb(32)); break
        case 0x42: {
          const v = this.sleb(64)
          this.push(T_I64); this.emit(0x42); this.emit(<i32>v); this.emit(<i32>(v >> 32))
          break
        }
        case 0x43: this.push(T_F32); this.emit(0x41); this.emit(<i32>this.f32bits()); break
        case 0x44: {
          const v = this.f64bits()
          this.push(T_F64); this.emit(0x42); this.emit(<i32>v); this.emit(<i32>(v >> 32))
          break
        }
        case 0xd0: { const t = this.refType(); this.push(t); this.emit(0xd0); break }
        case 0xd1: {
          const t = this.pop()
          if (!isRef(t)) { this.fail('type mismatch'); return }
          this.push(T_I32)
          this.emit(0xd1)
          break
        }
        case 0xd2: {
          const x = this.u32()
          if (x >= <u32>m.funcTypes.length) { this.fail('unknown function ' + x.toString()); return }
          if (!m.declaredRefs.has(x)) { this.fail('undeclared function reference'); return }
          this.push(T_FUNCREF)
          this.emit(0xd2)
          this.emit(<i32>x)
          break
        }
        case 0xfc: this.prefixed(); break
        default: this.fail('illegal opcode ' + op.toString(16)); return
      }
      if (!this.keepRsp) this.rsp = this.numLocals + this.vals.length
    }
  }

  load(op: i32, align: u32): void {
    const off = this.memarg(align)
    let t = T_I32
    if (op == 0x29 || (op >= 0x30 && op <= 0x35)) t = T_I64
    else if (op == 0x2a) t = T_F32
    else if (op == 0x2b) t = T_F64
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (!c.unreachable && n > c.height && this.vals[n - 1] == T_I32 && !(this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n)) {
      // register form: address slot, result in the address's slot (the stack form below when
      // the address is on top of the run-time stack)
      const a = n - 1
      if (this.vk[a] == V_LOCAL && this.rsp == this.numLocals + a && (op == 0x28 || op == 0x29 || op == 0x2d)) {
        this.begin()
        this.emit(FUSE_LOAD + op - 0x28); this.emit(<i32>this.vx[a]); this.emit(<i32>off)
        this.pop()
        this.push(t)
        this.rsp++
        this.keepRsp = true
        return
      }
      if (this.vk[a] == V_CONST) this.store1(a)
      this.begin()
      this.emit(OP_LDR + op - 0x28); this.emit(this.slotOf(a)); this.emit(<i32>off); this.emit(this.numLocals + a)
      this.lastDst = this.code.length - 1
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    const l0 = this.last
    if (!c.unreachable && n > c.height && op <= 0x2d && this.vals[n - 1] == T_I32 && this.npending == 0 && this.rsp == this.numLocals + n &&
      l0 >= 0 && l0 >= this.barrier && this.code.length == l0 + 1 && this.code[l0] == 0x6a) {
      // the address was just added on the stack (base + index): add and load in one
      this.code[l0] = FUSE_LDSS + op - 0x28
      this.emit(<i32>off)
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    this.flush()
    this.popT(T_I32)
    this.push(t)
    const l1 = this.last
    if ((op == 0x28 || op == 0x29 || op == 0x2d) && l1 >= 0 && l1 >= this.barrier && this.code.length == l1 + 2 && this.code[l1] == 0x20) {
      this.refuse(l1, FUSE_LOAD + op - 0x28, this.code[l1 + 1], <i32>off, 2)
      return
    }
    this.begin()
    this.emit(op)
    this.emit(<i32>off)
  }

  store(op: i32, align: u32): void {
    const off = this.memarg(align)
    let t = T_I32
    if (op == 0x37 || op == 0x3c || op == 0x3d || op == 0x3e) t = T_I64
    else if (op == 0x38) t = T_F32
    else if (op == 0x39) t = T_F64
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (!c.unreachable && n - c.height >= 2 && this.vals[n - 2] == T_I32 && this.vals[n - 1] == t) {
      // register form: address and value slots, or an i32 constant value
      const a = n - 2
      const v = n - 1
      const base = this.numLocals
      if (this.vk[a] == V_TEMP && this.vk[v] == V_TEMP && this.rsp == base + n) {
        // both on top of the run-time stack: the stack form
        this.begin()
        this.emit(op)
        this.emit(<i32>off)
        this.pop()
        this.pop()
        this.rsp -= 2
        this.keepRsp = true
        return
      }
      if (this.vk[a] == V_CONST) this.store1(a)
      const constVal = this.vk[v] == V_CONST && (op == 0x36 || op == 0x38 || op == 0x3a || op == 0x3b)
      if (this.vk[v] == V_CONST && !constVal) this.store1(v)
      if (this.vk[a] == V_TEMP && this.vk[v] != V_TEMP && this.rsp == base + n - 1) {
        // the address on top of the run-time stack, the value a local or a constant
        this.begin()
        this.emit((constVal ? FUSE_STC : FUSE_STL) + op - 0x36)
        this.emit(<i32>this.vx[v])
        this.emit(<i32>off)
        this.pop()
        this.pop()
        this.rsp--
        this.keepRsp = true
        return
      }
      this.begin()
      this.emit((constVal ? OP_STRC : OP_STR) + op - 0x36)
      this.emit(this.slotOf(a))
      this.emit(constVal ? <i32>this.vx[v] : this.slotOf(v))
      this.emit(<i32>off)
      this.pop()
      this.pop()
      this.keepRsp = true
      return
    }
    this.flush()
    this.popT(t)
    this.popT(T_I32)
    this.begin()
    this.emit(op)
    this.emit(<i32>off)
  }

  un(a: u8, r: u8): void { this.popT(a); this.push(r) }
  bin(a: u8, r: u8): void { this.popT(a); this.popT(a); this.push(r) }

  numeric(op: i32): void {
    const l1 = this.last
    if (op == 0xa7 || (op >= 0xbc && op <= 0xbf)) {
      // i32.wrap_i64 and the reinterpretations leave the slot's bits as they are: no code
    } else if ((op == 0xac || op == 0xad) && l1 >= 0 && l1 >= this.barrier && this.code.length == l1 + 2 && this.code[l1] == 0x20) {
      this.code[l1] = FUSE_EXT + op - 0xac
      this.last2 = -1
    } else if (!this.fuseBinop(op)) {
      this.begin()
      this.emit(op)
    }
    if (op == 0x45) this.un(T_I32, T_I32)
    else if (op <= 0x4f) this.bin(T_I32, T_I32)
    else if (op == 0x50) this.un(T_I64, T_I32)
    else if (op <= 0x5a) this.bin(T_I64, T_I32)
    else if (op <= 0x60) this.bin(T_F32, T_I32)
    else if (op <= 0x66) this.bin(T_F64, T_I32)
    else if (op <= 0x69) this.un(T_I32, T_I32)
    else if (op <= 0x78) this.bin(T_I32, T_I32)
    else if (op <= 0x7b) this.un(T_I64, T_I64)
    else if (op <= 0x8a) this.bin(T_I64, T_I64)
    else if (op <= 0x91) this.un(T_F32, T_F32)
    else if (op <= 0x98) this.bin(T_F32, T_F32)
    else if (op <= 0x9f) this.un(T_F64, T_F64)
    else if (op <= 0xa6) this.bin(T_F64, T_F64)
    else switch (op) {
      case 0xa7: this.un(T_I64, T_I32); break
      case 0xa8: case 0xa9: this.un(T_F32, T_I32); break
      case 0xaa: case 0xab: this.un(T_F64, T_I32); break
      case 0xac: case 0xad: this.un(T_I32, T_I64); break
      case 0xae: case 0xaf: this.un(T_F32, T_I64); break
      case 0xb0: case 0xb1: this.un(T_F64, T_I64); break
      case 0xb2: case 0xb3: this.un(T_I32, T_F32); break
      case 0xb4: case 0xb5: this.un(T_I64, T_F32); break
      case 0xb6: this.un(T_F64, T_F32); break
      case 0xb7: case 0xb8: this.un(T_I32, T_F64); break
      case 0xb9: case 0xba: this.un(T_I64, T_F64); break
      case 0xbb: this.un(T_F32, T_F64); break
      case 0xbc: this.un(T_F32, T_I32); break
      case 0xbd: this.un(T_F64, T_I64); break
      case 0xbe: this.un(T_I32, T_F32); break
      case 0xbf: this.un(T_I64, T_F64); break
      case 0xc0: case 0xc1: this.un(T_I32, T_I32); break
      default: this.un(T_I64, T_I64); break
    }
  }

  prefixed(): void {
    const m = this.m
    const sub = this.u32()
    if (this.err !== null) return
    if (sub > 17) { this.fail('illegal opcode fc ' + sub.toString()); return }
    const op = FC_BASE + <i32>sub
    switch (sub) {
      case 0: case 1: this.un(T_F32, T_I32); this.emit(op); return
      case 2: case 3: this.un(T_F64, T_I32); this.emit(op); return
      case 4: case 5: this.un(T_F32, T_I64); this.emit(op); return
      case 6: case 7: this.un(T_F64, T_I64); this.emit(op); return
      case 8: {
        const x = this.u32()
        if (this.byte() != 0) { this.fail('zero byte expected'); return }
        if (!this.hasDataCountSection) { this.fail('data count section required'); return }
        if (m.mems.length == 0) { this.fail('unknown memory 0'); return }
        if (x >= <u32>m.dataCount) { this.fail('unknown data segment ' + x.toString()); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op); this.emit(<i32>x)
        return
      }
      case 9: {
        const x = this.u32()
        if (!this.hasDataCountSection) { this.fail('data count section required'); return }
        if (x >= <u32>m.dataCount) { this.fail('unknown data segment ' + x.toString()); return }
        this.emit(op); this.emit(<i32>x)
        return
      }
      case 10: case 11: {
        if (this.byte() != 0) { this.fail('zero byte expected'); return }
        if (sub == 10 && this.byte() != 0) { this.fail('zero byte expected'); return }
        if (m.mems.length == 0) { this.fail('unknown memory 0'); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op)
        return
      }
      case 12: {
        const y = this.u32()
        const x = this.u32()
        if (this.err !== null) return
        if (x >= <u32>m.tables.length) { this.fail('unknown table ' + x.toString()); return }
        if (y >= <u32>m.elems.length) { this.fail('unknown elem segment ' + y.toString()); return }
        if (m.tables[x].elem != m.elems[y].type) { this.fail('type mismatch'); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op); this.emit(<i32>x); this.emit(<i32>y)
        return
      }
      case 13: {
        const x = this.u32()
        if (x >= <u32>m.elems.length) { this.fail('unknown elem segment ' + x.toString()); return }
        this.emit(op); this.emit(<i32>x)
        return
      }
      case 14: {
        const x = this.u32()
        const y = this.u32()
        if (this.err !== null) return
        if (x >= <u32>m.tables.length || y >= <u32>m.tables.length) { this.fail('unknown table'); return }
        if (m.tables[x].elem != m.tables[y].elem) { this.fail('type mismatch'); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op); this.emit(<i32>x); this.emit(<i32>y)
        return
      }
      default: {
        // 15 table.grow, 16 table.size, 17 table.fill
        const x = this.u32()
        if (x >= <u32>m.tables.length) { this.fail('unknown table ' + x.toString()); return }
        const et = m.tables[x].elem
        if (sub == 15) { this.popT(T_I32); this.popT(et); this.push(T_I32) }
        else if (sub == 16) this.push(T_I32)
        else { this.popT(T_I32); this.popT(et); this.popT(T_I32) }
        this.emit(op); this.emit(<i32>x)
      }
    }
  }
}
