// Assembles the rewritten module: each section rewritten in the original order, the sections the
// rewrite needs added where the format puts them, debug info dropped, the marker section last.
import { Writer } from './bytes.ts'
import { FUEL_SECTION, REWRITE_VERSION } from './constants.ts'
import { codeSection } from './emit.ts'
import { memorySection } from './memory.ts'
import { nameSection } from './names.ts'
import {
  elementSection, exportSection, functionSection, globalSection, insertSection, startSection, tableSection, typeSection,
} from './sections.ts'
import type { ModuleState, Section } from './state.ts'

/** Edits of the sections about to be written (ids and bodies; a custom section's body has its name). */
export type FinishSections = (sections: Section[]) => Section[] | null

/** Writes the module once every pass has filled in `m`; `finish` may edit the sections first. */
export function encodeModule (m: ModuleState, finish?: FinishSections): Uint8Array {
  const out: Section[] = []
  for (const s of m.sections) {
    switch (s.id) {
      case 1: out.push({ id: 1, body: typeSection(m) }); break
      case 2: out.push({ id: 2, body: m.importSection }); break
      case 3: out.push({ id: 3, body: functionSection(m) }); break
      case 4: out.push({ id: 4, body: tableSection(m, s.body) }); break
      case 5: out.push({ id: 5, body: memorySection(s.body, m.cap) }); break
      case 6: out.push({ id: 6, body: globalSection(m, s.body) }); break
      case 7: out.push({ id: 7, body: exportSection(m, s.body) }); break
      case 8: out.push({ id: 8, body: startSection(m, s.body) }); break
      case 9: out.push({ id: 9, body: elementSection(m, s.body) }); break
      case 10: out.push({ id: 10, body: codeSection(m) }); break
      case 0: {
        if (s.name === 'name') {
          const body = nameSection(m, s.body)
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
  if (m.find(1) === undefined) insertSection(out, { id: 1, body: typeSection(m) })
  if (m.find(2) === undefined) insertSection(out, { id: 2, body: m.importSection })
  if (m.find(6) === undefined) insertSection(out, { id: 6, body: globalSection(m, undefined) })
  out.push({ id: 0, body: marker(m.cap), name: FUEL_SECTION })
  const sections = finish?.(out) ?? out

  // Sized exactly, so that the module is written once and needs no trimming copy.
  let size = 8
  for (const s of sections) size += 1 + lebSize(s.body.length) + s.body.length
  const w = new Writer(size)
  w.bytes(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
  for (const s of sections) {
    w.u8(s.id)
    w.u32(s.body.length)
    w.bytes(s.body)
  }
  return w.buf.length === w.len ? w.buf : w.result().slice()
}

function lebSize (n: number): number {
  let size = 1
  while (n >= 128) { n = Math.floor(n / 128); size++ }
  return size
}

/** The "wasmos.fuel" custom section: the rewrite's version and the memory cap. */
function marker (cap: number): Uint8Array {
  const w = new Writer()
  w.name(FUEL_SECTION)
  w.u32(REWRITE_VERSION)
  w.u32(cap)
  return w.result()
}
