// The official spec scripts, converted by Debian's wast2json (wabt) into JSON commands and binary
// modules under `outDir`, once per script (redone when the script is newer). Shared by the
// interpreter's spec runner and the fuel rewrite's spec comparison.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

export const SUITE = process.env.WASM_TESTSUITE ?? join(import.meta.dirname, '..', '..', '..', 'shared', 'wasm-testsuite')

/** The JSON of script `name` (without .wast), or undefined when this wabt cannot read it. */
export function convertWast (name: string, outDir: string, suite = SUITE): string | undefined {
  const dir = join(outDir, name)
  const json = join(dir, `${name}.json`)
  const wast = join(suite, `${name}.wast`)
  if (existsSync(json) && statSync(json).mtimeMs >= statSync(wast).mtimeMs) return json
  mkdirSync(dir, { recursive: true })
  try {
    execFileSync('wast2json', [wast, '-o', json], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch {
    return undefined
  }
  return json
}
