// Builds the native bench driver: the interpreter (build/interp/spec.wasm) turned into C by
// wabt's wasm2c, compiled together with bench/interp-native.c and the wasm2c runtime by gcc -O2
// like the bare-metal build (bare-metal/Makefile), or clang when there is no gcc. Returns false
// (and builds nothing) when wasm2c or a C compiler is missing.
//
// -fno-pic -fno-pie -no-pie as in the bare-metal build: a position-dependent jump table makes the
// dispatch one indirect `jmp` instead of a load, an add and a jump (8 % fewer instructions).
// gcc also gets -falign-labels=32: without it the time of the dispatch loop depends on where the
// ~600 cases happen to land, and two builds that execute the same instructions can differ by up
// to 2x (measured on the sieve). 16 was enough with fewer cases; with the fourth pass's, builds
// at 16 again differed by up to 2x on the sieve (paired runs), at 32 and 64 they did not.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const dir = join(root, 'build', 'interp', 'native')
export const NATIVE_BIN = join(dir, 'interp-bench')
const RT = '/usr/share/wabt/wasm2c'

function has (cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

// The C compiler used, for the bench's report.
export const NATIVE_CC = has('gcc') ? 'gcc' : 'clang'

export function buildNative (): boolean {
  if (!has('wasm2c') || !has(NATIVE_CC) || !existsSync(join(RT, 'wasm-rt-impl.c'))) return false
  const spec = join(root, 'build', 'interp', 'spec.wasm')
  const driver = join(root, 'bench', 'interp-native.c')
  const newest = Math.max(statSync(spec).mtimeMs, statSync(driver).mtimeMs, statSync(import.meta.filename).mtimeMs)
  if (existsSync(NATIVE_BIN) && statSync(NATIVE_BIN).mtimeMs > newest) return true
  mkdirSync(dir, { recursive: true })
  execFileSync('wasm2c', [spec, '-n', 'spec', '-o', join(dir, 'spec.c')], { stdio: 'inherit' })
  const cflags = [...(NATIVE_CC === 'gcc' ? ['-O2', '-falign-labels=32'] : ['-O2']), '-fno-pic', '-fno-pie', '-no-pie']
  execFileSync(NATIVE_CC, [...cflags, '-w', '-I', dir, '-I', RT, join(dir, 'spec.c'), join(RT, 'wasm-rt-impl.c'), driver, '-lm', '-o', NATIVE_BIN], { stdio: 'inherit' })
  return true
}
