// Shared helpers of the fuel tests: the built fixtures, inline WAT through Debian's wat2wasm, and
// instantiation with a refuel import.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFuelFixtures } from '../../bench/fuel-fixtures.ts'

const built = buildFuelFixtures()

export function fixture (name: string): Uint8Array {
  const path = built.wat[name]
  if (path === undefined) throw new Error(`no fixture ${name}`)
  return new Uint8Array(readFileSync(path))
}

export function kernel (name: string): Uint8Array {
  const path = built.kernels[name]
  if (path === undefined) throw new Error(`no kernel ${name}`)
  return new Uint8Array(readFileSync(path))
}

/** Compiles WAT text with wat2wasm (all features it knows, names kept). */
export function wat (text: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-fuel-'))
  try {
    writeFileSync(join(dir, 'm.wat'), text)
    execFileSync('wat2wasm', ['--enable-all', '--debug-names', join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')],
      { stdio: ['ignore', 'ignore', 'pipe'] })
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The text form of a module (wasm2wat), to look at what the rewrite produced. */
export function toWat (bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-fuel-'))
  try {
    writeFileSync(join(dir, 'm.wasm'), bytes)
    return execFileSync('wasm2wat', ['--enable-tail-call', '--enable-exceptions', join(dir, 'm.wasm')], { encoding: 'utf8' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export type Exports = Record<string, (...args: number[]) => number>

export function instantiate (bytes: Uint8Array, imports: WebAssembly.Imports = {}): Exports {
  const instance = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports)
  return instance.exports as unknown as Exports
}

/** A synchronous refuel import that counts its calls and gives `budget` each time. */
export function counter (budget: number, limit = Infinity): { refuel: () => number, calls: number } {
  const c = {
    calls: 0,
    refuel: (): number => {
      c.calls++
      if (c.calls > limit) throw new Error('out of fuel')
      return budget
    },
  }
  return c
}
