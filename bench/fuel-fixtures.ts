// Builds the modules the fuel tests and bench use: the hand-written WAT fixtures in programs/wat
// (Debian's wat2wasm) and the AssemblyScript compute kernels in bench/kernels (asc -O3, stub
// runtime), into build/fuel/. Each output is rebuilt only when its source is newer.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs'
import { basename, join } from 'node:path'

const root = join(import.meta.dirname, '..')
export const WAT_DIR = join(root, 'programs', 'wat')
export const KERNEL_DIR = join(root, 'bench', 'kernels')
export const FIXTURE_OUT = join(root, 'build', 'fuel', 'wat')
export const KERNEL_OUT = join(root, 'build', 'fuel', 'kernels')

function stale (src: string, out: string): boolean {
  return !existsSync(out) || statSync(out).mtimeMs < statSync(src).mtimeMs
}

/** Runs a compiler writing to a temporary name, then renames, so no half-written output stays. */
function build (file: string, args: string[], out: string): void {
  const tmp = `${out}.${process.pid}.tmp`
  try {
    execFileSync(file, [...args, '-o', tmp], { stdio: ['ignore', 'ignore', 'pipe'] })
  } catch (err) {
    const stderr = (err as { stderr?: Buffer }).stderr?.toString().trim() ?? ''
    throw new Error(`building ${basename(out)} failed: ${stderr || String(err)}`)
  }
  renameSync(tmp, out)
}

/** Builds what is stale; returns the paths of the fixtures and kernels by name. */
export function buildFuelFixtures (): { wat: Record<string, string>, kernels: Record<string, string> } {
  mkdirSync(FIXTURE_OUT, { recursive: true })
  mkdirSync(KERNEL_OUT, { recursive: true })
  const wat: Record<string, string> = {}
  for (const f of readdirSync(WAT_DIR).filter((n) => n.endsWith('.wat')).sort()) {
    const name = basename(f, '.wat')
    const out = join(FIXTURE_OUT, `${name}.wasm`)
    if (stale(join(WAT_DIR, f), out)) {
      build('wat2wasm', ['--debug-names', '--enable-tail-call', join(WAT_DIR, f)], out)
    }
    wat[name] = out
  }
  const kernels: Record<string, string> = {}
  const asc = join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js')
  for (const f of readdirSync(KERNEL_DIR).filter((n) => n.endsWith('.ts')).sort()) {
    const name = basename(f, '.ts')
    const out = join(KERNEL_OUT, `${name}.wasm`)
    if (stale(join(KERNEL_DIR, f), out)) {
      build(process.execPath, [asc, join(KERNEL_DIR, f), '-O3', '--runtime', 'stub'], out)
    }
    kernels[name] = out
  }
  return { wat, kernels }
}
