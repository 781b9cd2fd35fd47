// For build steps: the newest modification time of anything under a directory, so a step can
// skip outputs that are already newer than all their inputs.
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export function newest (dir: string): number {
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs)
  }
  return t
}
