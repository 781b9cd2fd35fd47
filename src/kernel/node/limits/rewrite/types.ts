// Value types, block types and limits: skipped or copied as the binary format encodes them.
import { bad } from './errors.ts'
import type { Reader, Writer } from './bytes.ts'

/** Skips a value type (numeric, vector, abbreviated or full reference type). */
export function skipValType (r: Reader): void {
  const t = r.u8()
  if (t === 0x63 || t === 0x64) r.skipLeb() // (ref null? ht): heap type as s33
}

/** Skips a block type: 0x40, a value type, or a type index as s33. */
export function skipBlockType (r: Reader): void {
  const t = r.b[r.pos]
  if (t === 0x63 || t === 0x64) {
    r.pos++
    r.skipLeb()
  } else {
    r.skipLeb()
  }
}

/** Reads limits, returning them with their flags; max is undefined when absent. */
export interface Limits { flags: number, min: number, max: number | undefined, pageLog2?: number }

export function readLimits (r: Reader): Limits {
  const flags = r.u8()
  if (flags > 0x0f) throw bad(`limits flags 0x${flags.toString(16)}`)
  const min = r.u32()
  const max = (flags & 1) !== 0 ? r.u32() : undefined
  // custom-page-sizes proposal: flag 0x08 adds a page size exponent
  const pageLog2 = (flags & 0x08) !== 0 ? r.u32() : undefined
  return { flags, min, max, pageLog2 }
}

export function writeLimits (w: Writer, l: Limits): void {
  w.u8(l.flags)
  w.u32(l.min)
  if ((l.flags & 1) !== 0) w.u32(l.max ?? 0)
  if ((l.flags & 0x08) !== 0) w.u32(l.pageLog2 ?? 16)
}
