// The store (functions, tables, memories, globals shared by instances), instantiation, segments.

import {
  Module, Func, FuncType, Limits, GlobalType, ConstExpr,
  CE_CONST, CE_REF_NULL, CE_REF_FUNC, SEG_ACTIVE, SEG_PASSIVE,
  K_FUNC, K_TABLE, K_MEMORY, NO_MAX,
} from './module'

export const PAGE: u64 = 65536

export class FuncInst {
  addr: i32 = 0
  type: FuncType
  typeId: i32 = 0
  hostId: i32 = -1 // >= 0: a host function, the embedder's own number
  inst: Instance | null = null
  func: Func | null = null
  // func's internal code (a raw pointer: func keeps it) and frame sizes, copied here so that calls
  // and returns read them without going through func
  code: usize = 0
  numParams: i32 = 0
  numLocals: i32 = 0
  maxStack: i32 = 0
  constructor (type: FuncType) { this.type = type }
}

export class Memory {
  addr: i32 = 0
  buf: ArrayBuffer
  pages: u32
  max: u64 // declared maximum (NO_MAX if none)
  limit: u32 // the kernel's maximum, pages
  constructor (pages: u32, max: u64, limit: u32) {
    this.pages = pages
    this.max = max
    this.limit = limit
    this.buf = new ArrayBuffer(<i32>(<u64>pages * PAGE))
  }

  get base (): usize { return changetype<usize>(this.buf) }
  get byteLength (): u64 { return <u64>this.pages * PAGE }
  // Returns the old size in pages, or -1.
  grow (delta: u32): i32 {
    const old = this.pages
    const n = <u64>old + <u64>delta
    if (n > 65536 || n > this.max || n > <u64>this.limit) return -1
    if (delta == 0) return <i32>old
    const nb = new ArrayBuffer(<i32>(n * PAGE))
    memory.copy(changetype<usize>(nb), changetype<usize>(this.buf), <usize>(<u64>old * PAGE))
    this.buf = nb
    this.pages = <u32>n
    return <i32>old
  }
}

export class Table {
  addr: i32 = 0
  elems: Array<i64>
  type: u8
  max: u64
  limit: u32
  constructor (type: u8, size: u32, max: u64, limit: u32) {
    this.type = type
    this.max = max
    this.limit = limit
    this.elems = new Array<i64>(<i32>size)
  }

  grow (delta: u32, init: i64): i32 {
    const old = <u32>this.elems.length
    const n = <u64>old + <u64>delta
    if (n > this.max || n > <u64>this.limit) return -1
    for (let i: u32 = 0; i < delta; i++) this.elems.push(init)
    return <i32>old
  }
}

export class Global {
  addr: i32 = 0
  value: u64 = 0
  type: GlobalType
  constructor (type: GlobalType, value: u64) { this.type = type; this.value = value }
}

export class Instance {
  module: Module
  funcs: Array<FuncInst> = []
  tables: Array<Table> = []
  mem: Memory | null = null
  globals: Array<Global> = []
  elems: Array<StaticArray<i64>> = []
  datas: Array<Uint8Array> = []
  typeIds: StaticArray<i32> // store-wide id of each of the module's types, for call_indirect
  constructor (m: Module) { this.module = m; this.typeIds = new StaticArray<i32>(m.types.length) }

  // Guest memory for the embedder (the kernel copies messages in and out): the address in the
  // interpreter's own memory of guest bytes [addr, addr + len), or 0 when out of bounds. Valid
  // until the guest next runs (memory.grow moves it).
  memoryPtr (addr: u32, len: u32): usize {
    const m = this.mem
    if (m === null || <u64>addr + <u64>len > m.byteLength) return 0
    return m.base + <usize>addr
  }

  readMemory (addr: u32, dst: usize, len: u32): bool {
    const p = this.memoryPtr(addr, len)
    if (p == 0) return false
    memory.copy(dst, p, len)
    return true
  }

  writeMemory (addr: u32, src: usize, len: u32): bool {
    const p = this.memoryPtr(addr, len)
    if (p == 0) return false
    memory.copy(p, src, len)
    return true
  }
}

// An external value: kind (K_*) and address in the store.
export class Extern {
  kind: u8
  addr: i32
  constructor (kind: u8, addr: i32) { this.kind = kind; this.addr = addr }
}

export class Store {
  funcs: Array<FuncInst> = []
  tables: Array<Table> = []
  mems: Array<Memory> = []
  globals: Array<Global> = []
  typeIds: Map<string, i32> = new Map<string, i32>()
  maxPages: u32 // kernel limit on any memory
  maxTableSize: u32 = 1 << 20
  err: string = ''

  // maxPages: the kernel's limit on every guest memory, at most 16383 pages (an AssemblyScript
  // ArrayBuffer holds < 1 GiB).
  constructor (maxPages: u32) { this.maxPages = maxPages > 16383 ? 16383 : maxPages }

  typeId (t: FuncType): i32 {
    if (this.typeIds.has(t.key)) return this.typeIds.get(t.key)
    const id = this.typeIds.size
    this.typeIds.set(t.key, id)
    return id
  }

  addFunc (f: FuncInst): i32 {
    f.addr = this.funcs.length
    f.typeId = this.typeId(f.type)
    this.funcs.push(f)
    return f.addr
  }

  // Host-provided externals (what an embedder offers as imports).
  hostFunc (type: FuncType, hostId: i32): i32 {
    const f = new FuncInst(type)
    f.hostId = hostId
    return this.addFunc(f)
  }

  hostTable (type: u8, min: u32, max: u64): i32 {
    const t = new Table(type, min, max, this.maxTableSize)
    t.addr = this.tables.length
    this.tables.push(t)
    return t.addr
  }

  hostMemory (min: u32, max: u64): i32 {
    const m = new Memory(min, max, this.maxPages)
    m.addr = this.mems.length
    this.mems.push(m)
    return m.addr
  }

  hostGlobal (type: u8, mutable: bool, value: u64): i32 {
    const gt = new GlobalType()
    gt.type = type
    gt.mutable = mutable
    const g = new Global(gt, value)
    g.addr = this.globals.length
    this.globals.push(g)
    return g.addr
  }

  fail (msg: string): Instance | null {
    this.err = msg
    return null
  }

  evalConst (inst: Instance, e: ConstExpr): u64 {
    if (e.op == CE_CONST) return e.value
    if (e.op == CE_REF_NULL) return 0
    if (e.op == CE_REF_FUNC) return <u64>inst.funcs[<i32>e.value].addr + 1
    return inst.globals[<i32>e.value].value
  }

  // Allocates an instance: checks and binds imports, creates its own tables, memory and
  // globals. Segments and the start function are left to `initialize` and the caller, because
  // they can trap (and the start function can call the host).
  instantiate (m: Module, imports: Array<Extern>): Instance | null {
    if (imports.length != m.imports.length) return this.fail('wrong number of imports')
    const inst = new Instance(m)
    for (let i = 0; i < m.types.length; i++) inst.typeIds[i] = this.typeId(m.types[i])
    for (let i = 0; i < m.imports.length; i++) {
      const imp = m.imports[i]
      const ext = imports[i]
      if (ext.kind != imp.kind) return this.fail('incompatible import type')
      const count = ext.kind == K_FUNC ? this.funcs.length : ext.kind == K_TABLE ? this.tables.length : ext.kind == K_MEMORY ? this.mems.length : this.globals.length
      if (ext.addr < 0 || ext.addr >= count) return this.fail('unknown import')
      if (imp.kind == K_FUNC) {
        const f = this.funcs[ext.addr]
        if (f.typeId != this.typeId(m.types[imp.typeIdx])) return this.fail('incompatible import type')
        inst.funcs.push(f)
      } else if (imp.kind == K_TABLE) {
        const t = this.tables[ext.addr]
        const tt = imp.table!
        if (t.type != tt.elem || !limitsMatch(<u32>t.elems.length, t.max, tt.limits)) return this.fail('incompatible import type')
        inst.tables.push(t)
      } else if (imp.kind == K_MEMORY) {
        const mem = this.mems[ext.addr]
        if (!limitsMatch(mem.pages, mem.max, imp.mem!)) return this.fail('incompatible import type')
        inst.mem = mem
      } else {
        const g = this.globals[ext.addr]
        const gt = imp.global!
        if (g.type.type != gt.type || g.type.mutable != gt.mutable) return this.fail('incompatible import type')
        inst.globals.push(g)
      }
    }
    for (let i = 0; i < m.funcs.length; i++) {
      const fi = new FuncInst(m.funcs[i].type!)
      fi.inst = inst
      fi.func = m.funcs[i]
      fi.code = changetype<usize>(m.funcs[i].code)
      fi.numParams = m.funcs[i].numParams
      fi.numLocals = m.funcs[i].numLocals
      fi.maxStack = m.funcs[i].maxStack
      this.addFunc(fi)
      inst.funcs.push(fi)
    }
    for (let i = m.numImportedTables; i < m.tables.length; i++) {
      const tt = m.tables[i]
      if (u64(tt.limits.min) > <u64>this.maxTableSize) return this.fail('table exceeds the kernel limit')
      const t = new Table(tt.elem, tt.limits.min, tt.limits.max, this.maxTableSize)
      t.addr = this.tables.length
      this.tables.push(t)
      inst.tables.push(t)
    }
    for (let i = m.numImportedMems; i < m.mems.length; i++) {
      const l = m.mems[i]
      if (l.min > this.maxPages) return this.fail('memory exceeds the kernel limit')
      const mem = new Memory(l.min, l.max, this.maxPages)
      mem.addr = this.mems.length
      this.mems.push(mem)
      inst.mem = mem
    }
    for (let i = 0; i < m.globalInits.length; i++) {
      const g = new Global(m.globals[m.numImportedGlobals + i], this.evalConst(inst, m.globalInits[i]))
      g.addr = this.globals.length
      this.globals.push(g)
      inst.globals.push(g)
    }
    for (let i = 0; i < m.elems.length; i++) {
      const s = m.elems[i]
      const refs = new StaticArray<i64>(s.inits.length)
      for (let j = 0; j < s.inits.length; j++) refs[j] = <i64>this.evalConst(inst, s.inits[j])
      inst.elems.push(refs)
    }
    for (let i = 0; i < m.datas.length; i++) inst.datas.push(m.datas[i].bytes)
    return inst
  }

  // Runs the active segments in order; returns '' or the trap reason. Writes made before a
  // failing segment stay, as the spec says.
  initialize (inst: Instance): string {
    const m = inst.module
    for (let i = 0; i < m.elems.length; i++) {
      const s = m.elems[i]
      if (s.mode == SEG_ACTIVE) {
        const off = <u32>this.evalConst(inst, s.offset)
        const r = tableInit(inst, s.table, <u32>i, off, 0, <u32>s.inits.length)
        if (r.length > 0) return r
      }
      if (s.mode != SEG_PASSIVE) inst.elems[i] = new StaticArray<i64>(0)
    }
    for (let i = 0; i < m.datas.length; i++) {
      const s = m.datas[i]
      if (s.mode == SEG_ACTIVE) {
        const off = <u32>this.evalConst(inst, s.offset)
        const r = memoryInit(inst, <u32>i, off, 0, <u32>s.bytes.length)
        if (r.length > 0) return r
        inst.datas[i] = new Uint8Array(0)
      }
    }
    return ''
  }

  exportOf (inst: Instance, name: string): Extern | null {
    const ex = inst.module.exports
    for (let i = 0; i < ex.length; i++) {
      const e = ex[i]
      if (e.name != name) continue
      let addr = 0
      if (e.kind == K_FUNC) addr = inst.funcs[<i32>e.index].addr
      else if (e.kind == K_TABLE) addr = inst.tables[<i32>e.index].addr
      else if (e.kind == K_MEMORY) addr = inst.mem!.addr
      else addr = inst.globals[<i32>e.index].addr
      return new Extern(e.kind, addr)
    }
    return null
  }
}

function limitsMatch (size: u32, max: u64, want: Limits): bool {
  if (size < want.min) return false
  if (want.max == NO_MAX) return true
  return max != NO_MAX && max <= want.max
}

export const OOB_TABLE = 'out of bounds table access'
export const OOB_MEM = 'out of bounds memory access'

export function tableInit (inst: Instance, tableIdx: u32, segIdx: u32, dst: u32, src: u32, n: u32): string {
  const t = inst.tables[<i32>tableIdx]
  const seg = inst.elems[<i32>segIdx]
  if (<u64>src + n > <u64>seg.length || <u64>dst + n > <u64>t.elems.length) return OOB_TABLE
  for (let i: u32 = 0; i < n; i++) unchecked(t.elems[<i32>(dst + i)] = seg[<i32>(src + i)])
  return ''
}

export function memoryInit (inst: Instance, segIdx: u32, dst: u32, src: u32, n: u32): string {
  const mem = inst.mem!
  const seg = inst.datas[<i32>segIdx]
  if (<u64>src + n > <u64>seg.length || <u64>dst + n > mem.byteLength) return OOB_MEM
  memory.copy(mem.base + dst, seg.dataStart + src, n)
  return ''
}
