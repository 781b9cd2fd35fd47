// Builds the native bench driver: the interpreter (build/interp/spec.wasm) turned into C by
// wabt's wasm2c, compiled with clang together with bench/interp-native.c and the wasm2c runtime.
// Returns false (and builds nothing) when wasm2c or clang is missing.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const dir = join(root, 'build', 'interp', 'native')
export const NATIVE_BIN = join(dir, 'interp-bench')
const RT = '/usr/share/wabt/wasm2c'

function has(cmd: string): boolean {
  try {
    execFileSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' })
    return true
  } catch {
    return false
  }
}

export function buildNative(): boolean {
  if (!has('wasm2c') || !has('clang') || !existsSync(join(RT, 'wasm-rt-impl.c'))) return false
  const spec = join(root, 'build', 'interp', 'spec.wasm')
  const driver = join(root, 'bench', 'interp-native.c')
  if (existsSync(NATIVE_BIN) && statSync(NATIVE_BIN).mtimeMs > Math.max(statSync(spec).mtimeMs, statSync(driver).mtimeMs)) return true
  mkdirSync(dir, { recursive: true })
  execFileSync('wasm2c', [spec, '-n', 'spec', '-o', join(dir, 'spec.c')], { stdio: 'inherit' })
  execFileSync('clang', ['-O2', '-w', '-I', dir, '-I', RT, join(dir, 'spec.c'), join(RT, 'wasm-rt-impl.c'), driver, '-lm', '-o', NATIVE_BIN], { stdio: 'inherit' })
  return true
}
