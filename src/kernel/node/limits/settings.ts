// Parsing of the per-program limits given on the command line: `--max-memory <size>`,
// `--cpu-limit <duration>` and `--slice <duration>`, with their defaults. One-line errors with a
// code, for the CLI to print.
import { PAGE_SIZE } from './rewrite/index.ts'

/** Default memory cap: 256 MiB. */
export const DEFAULT_MAX_MEMORY_PAGES = 4096
/** Largest cap a 32-bit memory can have: 4 GiB. */
export const MAX_MEMORY_PAGES = 65536
/** Default target length of a slice. */
export const DEFAULT_SLICE_MS = 10
/**
 * Starting fuel of a slice before the scheduler adapts it to DEFAULT_SLICE_MS: of the order of what
 * the bench kernels (bench/fuel.ts) burn in a millisecond; each program's budget then adapts.
 */
export const DEFAULT_SLICE_FUEL = 20_000_000

export class LimitError extends Error {
  readonly code = 'bad-limit'

  constructor (message: string) {
    super(message)
    this.name = 'LimitError'
  }
}

const SIZE_UNITS: Record<string, number> = {
  '': 1, b: 1, k: 1024, kb: 1000, kib: 1024, m: 1 << 20, mb: 1e6, mib: 1 << 20, g: 1 << 30, gb: 1e9, gib: 1 << 30,
}

/** `256MiB`, `1g`, `65536` (bytes), `512 KiB` → whole 64 KiB pages, rounded up. */
export function parseMemorySize (text: string, flag = '--max-memory'): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m === null ? undefined : SIZE_UNITS[m[2].toLowerCase()]
  if (m === null || unit === undefined) {
    throw new LimitError(`${flag}: "${text}" is not a size (examples: 256MiB, 1GiB, 65536)`)
  }
  const pages = Math.ceil(Number(m[1]) * unit / PAGE_SIZE)
  if (pages < 1) throw new LimitError(`${flag}: ${text} is less than one 64 KiB page`)
  if (pages > MAX_MEMORY_PAGES) throw new LimitError(`${flag}: ${text} is above 4 GiB, the most a 32-bit memory can hold`)
  return pages
}

const TIME_UNITS: Record<string, number> = { '': 1000, s: 1000, ms: 1, m: 60_000, min: 60_000 }

/** `30` or `30s` (seconds), `500ms`, `2m` → milliseconds. */
export function parseDuration (text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text)
  const unit = m === null ? undefined : TIME_UNITS[m[2].toLowerCase()]
  if (m === null || unit === undefined) {
    throw new LimitError(`${flag}: "${text}" is not a duration (examples: 30, 30s, 500ms, 2m)`)
  }
  const ms = Number(m[1]) * unit
  if (!(ms > 0)) throw new LimitError(`${flag}: the duration must be more than 0`)
  return ms
}
