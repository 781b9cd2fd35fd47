// Checks and small edits of a module's bytes before it is compiled, beside the fuel rewrite: the
// signatures of the `wasmos` imports and of `_start` (a wrong one is a one-line error before
// anything runs, not a raw engine message), table sizes bounded like memory (a few hundred bytes
// can declare gigabytes of tables, which V8 would allocate and die of), the start function
// turned into an export so that the host can call it where it can be preempted, and active data
// segments that lie close together written as one (V8 keeps a few words per segment in every
// instance: compilers such as AssemblyScript emit one segment per constant).
import { WasmosError } from './errors.ts'

/** Bytes a table entry costs the engine: the bound on table entries is the memory cap / this. */
export const TABLE_ENTRY_BYTES = 8
/**
 * Most table entries of one program whatever its memory cap: tables live on V8's own heap (about
 * 4 GiB), so that the default number of processes, each at this bound, stays well inside it.
 */
export const MAX_TABLE_ENTRIES = 1 << 20
/** Changes whenever the edits below change their output: cached modules made with others are redone. */
export const BOUNDS_VERSION = 2
/** The export the start function becomes (a name no compiler emits). */
export const START_EXPORT = 'wasmos:start'

interface Section { id: number, start: number, end: number }

class Reader {
  readonly b: Uint8Array
  pos: number
  constructor (b: Uint8Array, pos = 0) { this.b = b; this.pos = pos }
  u8 (): number {
    if (this.pos >= this.b.length) throw new RangeError('truncated')
    return this.b[this.pos++]
  }

  u32 (): number {
    let result = 0
    let shift = 0
    for (;;) {
      const byte = this.u8()
      result += (byte & 0x7f) * 2 ** shift
      shift += 7
      if ((byte & 0x80) === 0) return result
      if (shift > 63) throw new RangeError('bad LEB128')
    }
  }

  name (): string {
    const len = this.u32()
    const s = new TextDecoder().decode(this.b.subarray(this.pos, this.pos + len))
    this.pos += len
    return s
  }
}

function leb (n: number): number[] {
  const out: number[] = []
  do {
    let b = n % 128
    n = Math.floor(n / 128)
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return out
}

function sections (bytes: Uint8Array): Section[] {
  const r = new Reader(bytes, 8)
  const out: Section[] = []
  while (r.pos < bytes.length) {
    const id = r.u8()
    const size = r.u32()
    out.push({ id, start: r.pos, end: r.pos + size })
    r.pos += size
  }
  return out
}

function rebuild (bytes: Uint8Array, parts: Array<{ id: number, body: Uint8Array } | Section>): Uint8Array {
  const chunks: Uint8Array[] = [bytes.subarray(0, 8)]
  for (const p of parts) {
    const body = 'body' in p ? p.body : bytes.subarray(p.start, p.end)
    chunks.push(new Uint8Array([p.id, ...leb(body.length)]), body)
  }
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0))
  let at = 0
  for (const c of chunks) { out.set(c, at); at += c.length }
  return out
}

/** The export section with the start function `func` added as START_EXPORT. */
function withStartExport (bytes: Uint8Array, exp: Section | undefined, func: number): Uint8Array {
  const r = new Reader(bytes, exp?.start ?? 0)
  const n = exp === undefined ? 0 : r.u32()
  const entries = exp === undefined ? new Uint8Array(0) : bytes.subarray(r.pos, exp.end)
  const head = [...leb(n + 1)]
  const tail = [...leb(START_EXPORT.length), ...new TextEncoder().encode(START_EXPORT), 0, ...leb(func)]
  const body = new Uint8Array(head.length + entries.length + tail.length)
  body.set(head, 0)
  body.set(entries, head.length)
  body.set(tail, head.length + entries.length)
  return body
}

/** Moves the start function (if any) to the export START_EXPORT: the host calls it before `_start`. */
export function exportStart (bytes: Uint8Array): Uint8Array {
  return boundModule(bytes, null)
}

/**
 * Refuses a module whose tables together start above `maxEntries` entries, and gives every table a
 * maximum so that `table.grow` cannot take them past it either (it returns -1, as the spec says).
 */
export function capTables (bytes: Uint8Array, maxEntries: number): Uint8Array {
  return boundModule(bytes, maxEntries, false)
}

/** The table section with every table capped so that all of them stay within `maxEntries`. */
function cappedTables (bytes: Uint8Array, sec: Section, maxEntries: number): Uint8Array {
  const r = new Reader(bytes, sec.start)
  const n = r.u32()
  const tables: Array<{ head: Uint8Array, min: number, max: number | null, wide: boolean }> = []
  for (let i = 0; i < n; i++) {
    const at = r.pos
    const first = r.u8()
    if (first === 0x40) throw new WasmosError('ERR_BAD_MODULE', 'tables with initialisers are not supported')
    if (first === 0x63 || first === 0x64) r.u32() // (ref null? ht): heap type, a type index or an abstract type
    const head = bytes.slice(at, r.pos)
    const flags = r.u8()
    const min = r.u32()
    const max = (flags & 1) !== 0 ? r.u32() : null
    tables.push({ head, min, max, wide: (flags & 4) !== 0 })
  }
  const total = tables.reduce((s, t) => s + t.min, 0)
  if (total > maxEntries) {
    throw new WasmosError('ERR_BAD_MODULE', `its tables need ${total} entries, more than the ${maxEntries} allowed (${TABLE_ENTRY_BYTES} bytes each count against --max-memory)`)
  }
  const spare = Math.floor((maxEntries - total) / Math.max(1, tables.length))
  const body: number[] = [...leb(tables.length)]
  for (const t of tables) {
    const cap = t.min + spare
    body.push(...t.head, t.wide ? 5 : 1, ...leb(t.min), ...leb(t.max === null ? cap : Math.min(t.max, cap)))
  }
  return new Uint8Array(body)
}

/** A section as its id and body (the size is written from the body's length). */
export interface SectionBody { id: number, body: Uint8Array }

/** Zero bytes two data segments may have between them and still be written as one. */
const DATA_GAP = 1024

function sleb (n: number): number[] {
  const out: number[] = []
  for (;;) {
    const b = n & 0x7f
    n >>= 7
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) { out.push(b); return out }
    out.push(b | 0x80)
  }
}

function readSleb32 (r: Reader): number {
  let result = 0
  let shift = 0
  let byte: number
  do {
    byte = r.u8()
    result |= (byte & 0x7f) << shift
    shift += 7
  } while ((byte & 0x80) !== 0 && shift < 35)
  if ((byte & 0x80) !== 0) throw new RangeError('bad LEB128')
  return shift < 32 && (byte & 0x40) !== 0 ? result | (-1 << shift) : result
}

/** Whether the code may name a data segment (memory.init, data.drop: 0xfc 8 and 0xfc 9); never wrong when it says no. */
function mayNameSegments (code: Uint8Array): boolean {
  for (let i = code.indexOf(0xfc); i >= 0; i = code.indexOf(0xfc, i + 1)) {
    const r = new Reader(code, i + 1)
    try {
      const op = r.u32()
      if (op === 8 || op === 9) return true
    } catch {
      return true
    }
  }
  return false
}

/** Whether the module imports a memory (then its contents before instantiation are not all zero). */
function importsMemory (imports: Uint8Array): boolean {
  const r = new Reader(imports)
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    r.name()
    r.name()
    const kind = r.u8()
    if (kind === 2) return true
    if (kind === 0) r.u32()
    else if (kind === 1) {
      const t = r.u8()
      if (t === 0x63 || t === 0x64) r.u32()
      const flags = r.u8()
      r.u32()
      if ((flags & 1) !== 0) r.u32()
    } else if (kind === 3) {
      const t = r.u8()
      if (t === 0x63 || t === 0x64) r.u32()
      r.u8()
    } else if (kind === 4) { r.u8(); r.u32() } else return true
  }
  return false
}

/**
 * The data section with its active segments joined where they lie within DATA_GAP of each other
 * (the gap written as zeros), and the new count; null when that could be seen: a segment that is
 * passive, at a computed offset, or overlapping another, code that names segments, or a memory
 * that is imported. Otherwise the memory holds the same bytes afterwards, and instantiation fails
 * exactly when it did (a segment past the end of the memory), since the memory starts zeroed and
 * nobody sees it before instantiation succeeds.
 */
function mergedData (list: SectionBody[]): { body: Uint8Array, count: number } | null {
  const data = list.find((s) => s.id === 11)
  if (data === undefined || !list.some((s) => s.id === 5)) return null
  const imports = list.find((s) => s.id === 2)
  const code = list.find((s) => s.id === 10)
  try {
    if (imports !== undefined && importsMemory(imports.body)) return null
    if (code !== undefined && mayNameSegments(code.body)) return null
    const r = new Reader(data.body)
    const n = r.u32()
    if (n < 2) return null
    const segs: Array<{ at: number, bytes: Uint8Array }> = []
    for (let i = 0; i < n; i++) {
      if (r.u32() !== 0 || r.u8() !== 0x41) return null
      const at = readSleb32(r) >>> 0
      if (r.u8() !== 0x0b) return null
      const len = r.u32()
      if (r.pos + len > data.body.length) return null
      segs.push({ at, bytes: data.body.subarray(r.pos, r.pos + len) })
      r.pos += len
    }
    if (r.pos !== data.body.length) return null
    segs.sort((a, b) => a.at - b.at)
    const groups: Array<{ at: number, end: number, parts: typeof segs }> = []
    for (const seg of segs) {
      const last = groups[groups.length - 1]
      const end = seg.at + seg.bytes.length
      if (last !== undefined && seg.at < last.end) return null
      if (last !== undefined && seg.at - last.end <= DATA_GAP) {
        last.parts.push(seg)
        last.end = end
      } else groups.push({ at: seg.at, end, parts: [seg] })
    }
    if (groups.length === n) return null
    const out: number[] = [...leb(groups.length)]
    for (const g of groups) {
      const bytes = new Uint8Array(g.end - g.at)
      for (const p of g.parts) bytes.set(p.bytes, p.at - g.at)
      out.push(0, 0x41, ...sleb(g.at | 0), 0x0b, ...leb(bytes.length))
      for (let i = 0; i < bytes.length; i++) out.push(bytes[i])
    }
    return { body: new Uint8Array(out), count: groups.length }
  } catch {
    return null
  }
}

/**
 * Both edits on a module's sections: tables capped at `maxEntries` (none when null) and, when
 * `moveStart`, the start function moved to START_EXPORT. Null when neither applies. Used on bytes
 * (`boundModule`) or by the fuel rewrite on the sections it is about to write, which saves a copy
 * of the whole module.
 */
export function boundSections (list: SectionBody[], maxEntries: number | null, moveStart = true): SectionBody[] | null {
  const tables = maxEntries === null ? undefined : list.find((s) => s.id === 4)
  const start = moveStart ? list.find((s) => s.id === 8) : undefined
  const exp = list.find((s) => s.id === 7)
  // As before: a start function is only moved where there is an export section to move it to.
  const move = start !== undefined && exp !== undefined
  const data = mergedData(list)
  if (tables === undefined && !move && data === null) return null
  const tableBody = tables === undefined ? undefined : cappedTables(tables.body, { id: 4, start: 0, end: tables.body.length }, maxEntries as number)
  const exportBody = move ? withStartExport(exp.body, { id: 7, start: 0, end: exp.body.length }, new Reader(start.body).u32()) : undefined
  const out: SectionBody[] = []
  for (const s of list) {
    if (move && s.id === 8) continue
    if (s === tables && tableBody !== undefined) out.push({ id: 4, body: tableBody })
    else if (s === exp && exportBody !== undefined) out.push({ id: 7, body: exportBody })
    else if (data !== null && s.id === 11) out.push({ id: 11, body: data.body })
    else if (data !== null && s.id === 12) out.push({ id: 12, body: new Uint8Array(leb(data.count)) })
    else out.push(s)
  }
  return out
}

/**
 * `boundSections` on a module's bytes, in one copy: the same bytes as
 * `exportStart(capTables(bytes, maxEntries))`; a module needing neither edit is returned as is.
 */
export function boundModule (bytes: Uint8Array, maxEntries: number | null, moveStart = true): Uint8Array {
  const list = sections(bytes).map((s) => ({ id: s.id, body: bytes.subarray(s.start, s.end) }))
  const out = boundSections(list, maxEntries, moveStart)
  return out === null ? bytes : rebuild(bytes, out)
}

const I32 = 0x7f
const I64 = 0x7e
const EXPECTED: Record<string, { params: number[], results: number[] }> = {
  send: { params: [I32, I32, I32, I32, I32], results: [I32] },
  answer: { params: [I64, I32, I32, I32], results: [I32] },
  wait: { params: [I32, I32, I32, I32, I32], results: [I32] }
}
const TYPE_NAMES: Record<number, string> = { 0x7f: 'i32', 0x7e: 'i64', 0x7d: 'f32', 0x7c: 'f64', 0x7b: 'v128', 0x70: 'funcref', 0x6f: 'externref' }

function show (t: { params: number[], results: number[] }): string {
  const list = (xs: number[]): string => xs.map((x) => TYPE_NAMES[x] ?? 'ref').join(', ')
  return `(${list(t.params)}) -> (${list(t.results)})`
}

function sameType (a: { params: number[], results: number[] }, b: { params: number[], results: number[] }): boolean {
  return a.params.length === b.params.length && a.results.length === b.results.length &&
    a.params.every((p, i) => p === b.params[i]) && a.results.every((p, i) => p === b.results[i])
}

/**
 * Checks the `wasmos` imports and `_start` against their signatures (DESIGN.md); throws a one-line
 * error naming the first that differs. Modules using GC type forms are left to the engine.
 */
export function checkSignatures (bytes: Uint8Array, source: string): void {
  const list = sections(bytes)
  const types: Array<{ params: number[], results: number[] }> = []
  const typeSec = list.find((s) => s.id === 1)
  if (typeSec !== undefined) {
    const r = new Reader(bytes, typeSec.start)
    const n = r.u32()
    for (let i = 0; i < n; i++) {
      if (r.u8() !== 0x60) return
      const vals = (): number[] => {
        const count = r.u32()
        const out: number[] = []
        for (let j = 0; j < count; j++) {
          const t = r.u8()
          if (t === 0x63 || t === 0x64) { r.u32(); out.push(0) } else out.push(t)
        }
        return out
      }
      const params = vals()
      types.push({ params, results: vals() })
    }
  }
  const funcTypes: number[] = []
  const importSec = list.find((s) => s.id === 2)
  if (importSec !== undefined) {
    const r = new Reader(bytes, importSec.start)
    const n = r.u32()
    for (let i = 0; i < n; i++) {
      const module = r.name()
      const name = r.name()
      const kind = r.u8()
      if (kind !== 0) return // tables, memories, globals, tags: the engine and loadProgram judge them
      const t = r.u32()
      funcTypes.push(t)
      const want = module === 'wasmos' ? EXPECTED[name] : undefined
      if (want !== undefined && types[t] !== undefined && !sameType(types[t], want)) {
        throw new WasmosError('ERR_BAD_MODULE', `${source}: imports wasmos.${name} as ${show(types[t])}, but it is ${show(want)}`)
      }
    }
  }
  const funcSec = list.find((s) => s.id === 3)
  if (funcSec !== undefined) {
    const r = new Reader(bytes, funcSec.start)
    const n = r.u32()
    for (let i = 0; i < n; i++) funcTypes.push(r.u32())
  }
  const exportSec = list.find((s) => s.id === 7)
  if (exportSec === undefined) return
  const r = new Reader(bytes, exportSec.start)
  const n = r.u32()
  for (let i = 0; i < n; i++) {
    const name = r.name()
    const kind = r.u8()
    const index = r.u32()
    if (name !== '_start' || kind !== 0) continue
    const t = types[funcTypes[index]]
    if (t !== undefined && (t.params.length !== 0 || t.results.length !== 0)) {
      throw new WasmosError('ERR_BAD_MODULE', `${source}: _start is ${show(t)}, but it must take and return nothing`)
    }
  }
}
