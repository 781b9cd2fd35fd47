// A decoded WebAssembly module: value types, external kinds, sections, compiled functions.

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

export const NO_MAX: u64 = u64.MAX_VALUE

export class FuncType {
  params: StaticArray<u8>
  results: StaticArray<u8>
  key: string
  constructor (params: StaticArray<u8>, results: StaticArray<u8>) {
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
