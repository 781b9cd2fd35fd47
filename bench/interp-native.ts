// Builds the native bench driver: the interpreter (build/interp/spec.wasm) turned into C by
// wabt's wasm2c, rewritten by bare-metal/rewrite.mjs as the bare-metal build does (threaded
// dispatch, loads and stores at a fixed base; INTERP_NATIVE_REWRITE=none|base|thread|both picks
// the rewrites, default both), compiled together with bench/interp-native.c and the wasm2c
// runtime by gcc -O2 like the bare-metal build (bare-metal/Makefile), or clang when there is no
// gcc. Returns false (and builds nothing) when wasm2c or a C compiler is missing.
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
const RT = '/usr/share/wabt/wasm2c'
const REWRITE = join(root, 'bare-metal', 'rewrite.mjs')

/**
 * Which of bare-metal/rewrite.mjs's rewrites the build applies to wasm2c's C: `none` (wasm2c's C
 * as it is), `base` (loads and stores at a fixed address), `thread` (threaded dispatch) or `both`
 * (bare metal's build). Chosen by INTERP_NATIVE_REWRITE, for comparing them (README.md).
 */
export type Rewrite = 'none' | 'base' | 'thread' | 'both'
const REWRITES: Rewrite[] = ['none', 'base', 'thread', 'both']
export const DEFAULT_REWRITE: Rewrite = 'both'
const env = process.env.INTERP_NATIVE_REWRITE ?? DEFAULT_REWRITE
if (!(REWRITES as string[]).includes(env)) {
  process.stderr.write(`wasmos: INTERP_NATIVE_REWRITE must be one of ${REWRITES.join(', ')}, not ${JSON.stringify(env)}\n`)
  process.exit(2)
}
export const NATIVE_REWRITE = env as Rewrite
export const NATIVE_BIN = join(dir, `interp-bench-${NATIVE_REWRITE}`)

// The fixed address of the linear memory: below 2 GiB, so that it fits an x86 address
// displacement as bare metal's 1 GiB does, and above valgrind's own mappings (at 0x58000000), so
// that interp-count.ts can run the same binary. interp-native.c's bench_mmap puts wasm2c's 8 GiB
// reservation there.
const MEM_BASE = '0x70000000ull'

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
  const newest = Math.max(statSync(spec).mtimeMs, statSync(driver).mtimeMs, statSync(import.meta.filename).mtimeMs, statSync(REWRITE).mtimeMs)
  if (existsSync(NATIVE_BIN) && statSync(NATIVE_BIN).mtimeMs > newest) return true
  const out = join(dir, NATIVE_REWRITE)
  mkdirSync(out, { recursive: true })
  execFileSync('wasm2c', [spec, '-n', 'spec', '-o', join(out, 'spec.c')], { stdio: 'inherit' })
  const base = NATIVE_REWRITE === 'base' || NATIVE_REWRITE === 'both'
  const opts = [...(NATIVE_REWRITE === 'thread' || NATIVE_REWRITE === 'both' ? [] : ['--no-thread']), ...(base ? ['--base=BENCH_MEM_BASE'] : [])]
  if (NATIVE_REWRITE !== 'none') execFileSync(process.execPath, [REWRITE, join(out, 'spec.c'), ...opts], { stdio: 'inherit' })
  const cflags = [...(NATIVE_CC === 'gcc' ? ['-O2', '-falign-labels=32'] : ['-O2']), '-fno-pic', '-fno-pie', '-w', '-I', out, '-I', RT,
    ...(base ? [`-DBENCH_MEM_BASE=${MEM_BASE}`] : [])]
  // With a fixed base the runtime's one mmap (the linear memory's reservation) goes to the
  // driver's bench_mmap, which places it at BENCH_MEM_BASE.
  const rt = join(out, 'wasm-rt-impl.o')
  execFileSync(NATIVE_CC, [...cflags, ...(base ? ['-Dmmap=bench_mmap'] : []), '-c', join(RT, 'wasm-rt-impl.c'), '-o', rt], { stdio: 'inherit' })
  execFileSync(NATIVE_CC, [...cflags, '-no-pie', join(out, 'spec.c'), rt, driver, '-lm', '-o', NATIVE_BIN], { stdio: 'inherit' })
  return true
}
