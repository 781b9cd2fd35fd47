// Build step: the interpreter's spec/test entry point (src/kernel/interp/spec-exports.ts) to build/interp/spec.wasm.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'src', 'kernel', 'interp')
const out = join(root, 'build', 'interp', 'spec.wasm')

const newestInput = Math.max(
  ...readdirSync(src).filter((f) => f.endsWith('.ts')).map((f) => statSync(join(src, f)).mtimeMs),
  statSync(import.meta.filename).mtimeMs
)
if (!existsSync(out) || statSync(out).mtimeMs < newestInput) {
  mkdirSync(join(root, 'build', 'interp'), { recursive: true })
  // write to a temporary name first: test files run in parallel and may build at the same time
  const tmp = `${out}.${process.pid}.tmp`
  execFileSync(join(root, 'node_modules', '.bin', 'asc'), [
    join(src, 'spec-exports.ts'), '-o', tmp, '-O3', '--runtime', 'incremental', '--noAssert',
  ], { stdio: ['ignore', 'inherit', 'inherit'] })
  renameSync(tmp, out)
}
