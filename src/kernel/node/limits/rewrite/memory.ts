// The memory cap: every memory, defined or imported, gets a maximum of at most the cap.
import { Reader, Writer } from './bytes.ts'
import { PAGE_SIZE } from './constants.ts'
import { FuelRewriteError, unsupported } from './errors.ts'
import { type Limits, readLimits, writeLimits } from './types.ts'

/** Caps `l` at `capPages`; refuses a memory whose minimum is above the cap. */
export function capMemory (l: Limits, capPages: number, where: string): Limits {
  if (l.pageLog2 !== undefined && l.pageLog2 !== 16) throw unsupported('custom page sizes')
  if (l.min > capPages) {
    throw new FuelRewriteError('memory-too-large',
      `${where} needs at least ${formatPages(l.min)}, above the memory cap of ${formatPages(capPages)}`)
  }
  if (l.max === undefined || l.max > capPages) return { flags: l.flags | 1, min: l.min, max: capPages, pageLog2: l.pageLog2 }
  return l
}

/** The memory section with each memory capped. */
export function memorySection (body: Uint8Array, cap: number): Uint8Array {
  const r = new Reader(body)
  const n = r.u32()
  const w = new Writer()
  w.u32(n)
  for (let i = 0; i < n; i++) writeLimits(w, capMemory(readLimits(r), cap, n > 1 ? `memory ${i}` : 'the memory'))
  return w.result()
}

function formatPages (pages: number): string {
  const bytes = pages * PAGE_SIZE
  if (bytes >= 1 << 30 && bytes % (1 << 30) === 0) return `${bytes / (1 << 30)} GiB`
  if (bytes >= 1 << 20) return `${+(bytes / (1 << 20)).toFixed(2)} MiB`
  return `${bytes / 1024} KiB`
}
