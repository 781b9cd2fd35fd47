// Rewriting a recording's frames and sealing it again, as someone who knows the format could:
// the replay tests use it to make recordings that are sound files but say something else.
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { Packr, Unpackr } from 'msgpackr'

export const packr = new Packr({ useRecords: false, variableMapSize: true })
export const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })

/** Reads the recording at `path`, lets `edit` change its frames, writes it sealed to `out`. */
export function forge (path: string, out: string, edit: (frames: unknown[][]) => void): void {
  const frames = unpackr.unpackMultiple(readFileSync(path)) as unknown[][]
  assert.equal(frames.at(-1)?.[0], 'e')
  frames.pop()
  edit(frames)
  const body = Buffer.concat(frames.map((f) => packr.pack(f)))
  writeFileSync(out, Buffer.concat([body, packr.pack(['e', createHash('sha256').update(body).digest()])]))
}
