// The sections other than code and names: split, renumbered where they name functions, with the
// refuel import, the fuel global and the clones' types and functions added.
import { Reader, Writer } from './bytes.ts'
import { REFUEL_MODULE, REFUEL_NAME } from './constants.ts'
import { bad, FuelRewriteError, unsupported } from './errors.ts'
import { copyExpr } from './instructions.ts'
import { capMemory } from './memory.ts'
import type { ModuleState, Section } from './state.ts'
import { readLimits, skipValType, writeLimits } from './types.ts'

// Position of each known section id in the order the binary format requires.
const ORDER: Record<number, number> = { 1: 1, 2: 2, 3: 3, 4: 4, 5: 5, 13: 6, 6: 7, 7: 8, 8: 9, 9: 10, 12: 11, 10: 12, 11: 13 }

/** Splits a module (after its 8-byte header) into its sections; custom sections get their name. */
export function readSections (bytes: Uint8Array): Section[] {
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
  return sections
}

/** Inserts a section the module lacks where the binary format's order puts it. */
export function insertSection (out: Section[], s: Section): void {
  const rank = ORDER[s.id]
  const at = out.findIndex((o) => o.id !== 0 && ORDER[o.id] > rank)
  if (at < 0) out.push(s)
  else out.splice(at, 0, s)
}

export function readTypes (m: ModuleState): void {
  const s = m.find(1)
  if (s === undefined) return
  const r = new Reader(s.body)
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    const form = r.u8()
    if (form !== 0x60) throw unsupported(`GC type definitions (form 0x${form.toString(16)})`)
    let start = r.pos
    const params = r.u32()
    for (let j = 0; j < params; j++) skipValType(r)
    m.typeParams.push(s.body.subarray(start, r.pos))
    start = r.pos
    const results = r.u32()
    for (let j = 0; j < results; j++) skipValType(r)
    m.typeResults.push(s.body.subarray(start, r.pos))
    m.paramCounts.push(params)
  }
  m.typeCount = n
}

export function typeSection (m: ModuleState): Uint8Array {
  m.refuelType = m.typeCount
  const w = new Writer()
  w.u32(m.typeCount + 1 + m.cloned.length)
  const s = m.find(1)
  if (s !== undefined) {
    const r = new Reader(s.body)
    r.u32()
    w.bytes(s.body.subarray(r.pos))
  }
  w.bytes(new Uint8Array([0x60, 0x00, 0x01, 0x7f])) // () -> i32
  for (const f of m.cloned) { // (params, i32) -> (results, i32)
    const t = m.funcTypes[f]
    w.u8(0x60)
    for (const vec of [m.typeParams[t], m.typeResults[t]]) {
      const r = new Reader(vec)
      w.u32(r.u32() + 1)
      w.bytes(vec.subarray(r.pos))
      w.u8(0x7f)
    }
  }
  return w.result()
}

export function readFunctions (m: ModuleState): void {
  const s = m.find(3)
  if (s === undefined) return
  const r = new Reader(s.body)
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    const t = r.u32()
    if (t >= m.typeCount) throw bad(`function ${i} has type ${t}, out of range`)
    m.funcTypes.push(t)
  }
}

export function rewriteImports (m: ModuleState): void {
  m.refuelType = m.typeCount
  const s = m.find(2)
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
        const limits = capMemory(readLimits(r), m.cap, `imported memory "${mod}"."${field}"`)
        entries.bytes(s.body.subarray(start, headerEnd))
        writeLimits(entries, limits)
        continue
      }
      switch (kind) {
        case 0: r.u32(); m.importedFuncs++; break
        case 1: skipValType(r); readLimits(r); break
        case 3: skipValType(r); r.u8(); m.importedGlobals++; break
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
  w.u32(m.refuelType)
  m.importSection = w.result()
}

export function countGlobals (m: ModuleState): void {
  const s = m.find(6)
  if (s !== undefined) m.definedGlobals = new Reader(s.body).u32()
}

export function tableSection (m: ModuleState, body: Uint8Array): Uint8Array {
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
    if (withInit) copyExpr(r, w, m.shift)
  }
  return w.result()
}

export function globalSection (m: ModuleState, body: Uint8Array | undefined): Uint8Array {
  const w = new Writer()
  w.u32(m.definedGlobals + 1)
  if (body !== undefined) {
    const r = new Reader(body)
    const n = r.u32()
    for (let i = 0; i < n; i++) {
      const start = r.pos
      skipValType(r)
      r.u8() // mutability
      w.bytes(body.subarray(start, r.pos))
      copyExpr(r, w, m.shift)
    }
  }
  w.bytes(new Uint8Array([0x7f, 0x01, 0x41, 0x00, 0x0b])) // (mut i32) (i32.const 0)
  return w.result()
}

export function exportSection (m: ModuleState, body: Uint8Array): Uint8Array {
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
    w.u32(kind === 0 ? m.shift(idx) : idx)
  }
  return w.result()
}

export function startSection (m: ModuleState, body: Uint8Array): Uint8Array {
  const w = new Writer()
  w.u32(m.shift(new Reader(body).u32()))
  return w.result()
}

export function elementSection (m: ModuleState, body: Uint8Array): Uint8Array {
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
    if ((flags & 1) === 0) copyExpr(r, w, m.shift) // offset of an active segment
    if ((flags & 3) !== 0) { // element kind or reference type
      const s = r.pos
      if ((flags & 4) === 0) r.u8()
      else skipValType(r)
      w.bytes(body.subarray(s, r.pos))
    }
    const count = r.u32()
    w.u32(count)
    for (let j = 0; j < count; j++) {
      if ((flags & 4) === 0) w.u32(m.shift(r.u32()))
      else copyExpr(r, w, m.shift)
    }
  }
  return w.result()
}

export function functionSection (m: ModuleState): Uint8Array {
  const w = new Writer()
  w.u32(m.funcTypes.length + m.cloned.length)
  for (const t of m.funcTypes) w.u32(t)
  for (let k = 0; k < m.cloned.length; k++) w.u32(m.typeCount + 1 + k)
  return w.result()
}
