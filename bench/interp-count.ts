// Bench by instruction count: runs each kernel on the native (wasm2c) build of the interpreter
// under valgrind's cachegrind and prints the x86 instructions executed by `run(n)`, in millions
// (a run with n = 1 is subtracted: decoding, compiling, instantiating). Unlike wall time this is
// deterministic and insensitive to other jobs on the machine: use it to compare two versions.
// The build is interp-native.ts's: bare metal's rewrite of wasm2c's C unless
// INTERP_NATIVE_REWRITE says otherwise (none, base, thread or both).
// Usage: node bench/interp-count.ts   (needs valgrind, wasm2c and gcc or clang)
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { buildKernel } from './interp.ts'
import { buildNative, NATIVE_BIN } from './interp-native.ts'

const root = join(import.meta.dirname, '..')
const KERNELS = [
  { name: 'fib', src: join(root, 'bench', 'kernels', 'fib.ts'), n: 22 },
  { name: 'sieve', src: join(root, 'bench', 'kernels', 'sieve.ts'), n: 200_000 },
  { name: 'sha256', src: join(root, 'bench', 'kernels', 'sha256.ts'), n: 1 << 16 },
  { name: 'msgpack', src: join(root, 'bench', 'interp-kernels', 'msgpack.ts'), n: 5_000 },
]

function count (wasm: string, n: number): number {
  const r = execFileSync('sh', ['-c', 'valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$0" "$1" "$2" 2>&1 >/dev/null', NATIVE_BIN, wasm, String(n)],
    { encoding: 'utf8' })
  const m = /I\s+refs:\s+([\d,]+)/.exec(r)
  if (m === null) throw new Error(`no instruction count from valgrind:\n${r}`)
  return Number(m[1].replaceAll(',', ''))
}

await import('../scripts/build.d/40-interp.ts')
if (!buildNative()) throw new Error('wasm2c and a C compiler are needed for the native build')
console.log('| kernel | instructions (millions) |')
console.log('|---|---|')
for (const k of KERNELS) {
  const wasm = buildKernel(k.name, k.src)
  const mi = (count(wasm, k.n) - count(wasm, 1)) / 1e6
  console.log(`| ${k.name}(${k.n}) | ${mi.toFixed(2)} |`)
}
