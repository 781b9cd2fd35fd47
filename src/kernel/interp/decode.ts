// Decoder of WebAssembly 2.0 binaries (no SIMD) into a validated, compiled Module, or `err`.

import {
  CE_GLOBAL, CE_REF_FUNC, CE_REF_NULL, ConstExpr, DataSeg, ElemSeg, Export, Func, FuncType, GlobalType, Import,
  K_FUNC, K_GLOBAL, K_MEMORY, K_TABLE, Limits, Module, NO_MAX, SEG_ACTIVE, SEG_DECLARATIVE, SEG_PASSIVE,
  T_F32, T_F64, T_FUNCREF, T_I32, T_I64, TableType,
} from './module'
import { BodyCompiler } from './body'

// One object decodes a module: the class chain Reader → Validator → Compiler → BodyCompiler →
// Decoder splits it by concern over files (AssemblyScript has no partial classes); no method is
// overridden, so every call stays direct.
export class Decoder extends BodyCompiler {
  limits (): Limits {
    const l = new Limits()
    const flag = this.byte()
    if (flag > 1) { this.fail('integer too large'); return l }
    l.min = this.u32()
    if (flag == 1) l.max = <u64>this.u32()
    return l
  }

  tableType (): TableType {
    const t = new TableType()
    t.elem = this.refType()
    t.limits = this.limits()
    if (t.limits.max != NO_MAX && u64(t.limits.min) > t.limits.max) this.fail('size minimum must not be greater than maximum')
    return t
  }

  memType (): Limits {
    const l = this.limits()
    if (l.min > 65536) this.fail('memory size must be at most 65536 pages (4GiB)')
    if (l.max != NO_MAX) {
      if (l.max > 65536) this.fail('memory size must be at most 65536 pages (4GiB)')
      if (u64(l.min) > l.max) this.fail('size minimum must not be greater than maximum')
    }
    return l
  }

  globalType (): GlobalType {
    const g = new GlobalType()
    g.type = this.valType()
    const m = this.byte()
    if (m > 1) this.fail('malformed mutability')
    g.mutable = m == 1
    return g
  }

  // Constant expression of type t; `declare` records ref.func targets as declared references.
  constExpr (t: u8): ConstExpr {
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

  decode (): Module | null {
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

  typeSection (): void {
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

  importSection (): void {
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

  functionSection (): i32 {
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

  globalSection (): void {
    const m = this.m
    const n = this.count()
    for (let i = 0; i < n && this.err === null; i++) {
      const g = this.globalType()
      const e = this.constExpr(g.type)
      m.globals.push(g)
      m.globalInits.push(e)
    }
  }

  exportSection (): void {
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

  elemSection (): void {
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

  dataSection (): void {
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
}
