// Build step: compiles every C program (programs/<name>/main.c) with Debian's clang and wasm-ld
// into programs/build/<name>.wasm. Programs in folders named wasi-* are WASI programs built
// against wasi-libc (--target=wasm32-wasi); the others use the wasmos ABI alone, with the C SDK
// (programs/sdk/c) and no libc. A program is rebuilt when it or the SDK changed. clang, lld and
// wasi-libc (and libclang-rt-14-dev-wasm32 for WASI) are required: a missing one fails the build.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { newest, wantedPrograms } from '../newest.ts'

const root = join(import.meta.dirname, '..', '..')
const programs = join(root, 'programs')
const out = join(programs, 'build')
const sdk = join(programs, 'sdk', 'c')
mkdirSync(out, { recursive: true })

const sdkTime = newest(sdk)
// `--programs a,b` limits the step to the C programs among those named.
const wanted = wantedPrograms()
const todo = readdirSync(programs, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(programs, e.name, 'main.c')))
  .map((e) => e.name)
  .filter((name) => wanted === null || wanted.has(name))
  .filter((name) => {
    const target = join(out, `${name}.wasm`)
    return !existsSync(target) || statSync(target).mtimeMs < Math.max(sdkTime, newest(join(programs, name)))
  })

for (const name of todo) {
  const wasi = name.startsWith('wasi-')
  const args = wasi
    ? ['--target=wasm32-wasi', '-O2', '-Wall', '-Wextra', '-Werror', '-I', sdk, '-Wl,--strip-debug']
    : ['--target=wasm32', '-O2', '-mbulk-memory', '-nostdlib', '-Wall', '-Wextra', '-Werror', '-I', sdk,
        '-Wl,--no-entry', '-Wl,--export=_start', '-Wl,--strip-debug']
  const r = spawnSync('clang', [...args, '-o', join(out, `${name}.wasm`), join(programs, name, 'main.c')], { encoding: 'utf8' })
  if (r.error != null) {
    throw new Error(`build: C program ${name}: cannot run clang (${r.error.message}); install Debian's clang, lld and wasi-libc`)
  }
  if (r.status !== 0) {
    console.error(r.stderr)
    throw new Error(`build: C program ${name} failed to compile`)
  }
}
