// Bench: the same compute kernels (AssemblyScript, asc -O3) run by V8 directly and by the
// kernel's WebAssembly interpreter, itself running as wasm on V8 and, when wabt's wasm2c and a C
// compiler are present, as the wasm2c-compiled C build run natively: wasm2c's C rewritten by
// bare-metal/rewrite.mjs (threaded dispatch, loads and stores at a fixed base) and compiled by
// gcc -O2 with aligned labels, as the bare-metal kernel builds it, so the native figures are the
// interpreter as bare metal runs it (interp-native.ts; INTERP_NATIVE_REWRITE=none measures
// wasm2c's C as it comes, src/kernel/interp/README.md compares them). Prints a table of times
// and slowdowns (or, with --json, one JSON object: per kernel the times in ms and
// `nativeSlowdown` = interpreter native time / V8 time, null without a native build,
// `nativeRewrite` = the rewrites applied, and the targets: each kernel within 8× of V8 natively,
// their geometric mean within 6×); checks that every engine computes the same result.
// Usage: node bench/interp.ts [--quick] [--json]   (--quick: smaller inputs, fewer repetitions)
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { Interp, ST_DONE, ST_FUEL, ST_HOST, ST_RUN, K_FUNC, T_I32 } from '../test/spec/interp.ts'
import { buildNative, NATIVE_BIN, NATIVE_CC, NATIVE_REWRITE } from './interp-native.ts'
import { target, targetTable, type TargetResult } from './report.ts'

const root = join(import.meta.dirname, '..')
const out = join(root, 'build', 'interp', 'kernels')
const quick = process.argv.includes('--quick')
const json = process.argv.includes('--json')

export const KERNELS: { name: string, src: string, n: number }[] = [
  { name: 'fib', src: join(root, 'bench', 'kernels', 'fib.ts'), n: quick ? 22 : 27 },
  { name: 'sieve', src: join(root, 'bench', 'kernels', 'sieve.ts'), n: quick ? 200_000 : 2_000_000 },
  { name: 'sha256', src: join(root, 'bench', 'kernels', 'sha256.ts'), n: quick ? 1 << 16 : 1 << 20 },
  { name: 'msgpack', src: join(root, 'bench', 'interp-kernels', 'msgpack.ts'), n: quick ? 5_000 : 50_000 },
]

export function buildKernel (name: string, src: string): string {
  const wasm = join(out, `${name}.wasm`)
  if (!existsSync(wasm) || statSync(wasm).mtimeMs < statSync(src).mtimeMs) {
    mkdirSync(out, { recursive: true })
    const tmp = `${wasm}.${process.pid}.tmp`
    execFileSync(join(root, 'node_modules', '.bin', 'asc'), [src, '-O3', '--runtime', 'stub', '-o', tmp], { stdio: ['ignore', process.stderr, process.stderr] })
    renameSync(tmp, wasm)
  }
  return wasm
}

function v8Run (bytes: Uint8Array<ArrayBuffer>, n: number): { result: number, ms: number } {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), {
    env: { abort: () => { throw new Error('abort') } },
  })
  const run = inst.exports.run as (n: number) => number
  const t0 = performance.now()
  const result = run(n) >>> 0
  return { result, ms: performance.now() - t0 }
}

// Runs kernel `run(n)` on the interpreter; env.abort is a host function that must not be called.
export function interpRun (i: Interp, bytes: Uint8Array, n: number): { result: number, ms: number } {
  const mid = i.load(bytes)
  if (typeof mid === 'string') throw new Error(`load: ${mid}`)
  const abort = i.hostFunc([T_I32, T_I32, T_I32, T_I32], [], 1)
  const iid = i.instantiate(mid, i.imports(mid).map(() => ({ kind: K_FUNC, addr: abort })))
  if (typeof iid === 'string') throw new Error(`instantiate: ${iid}`)
  if (i.x.initialize(iid) !== 0) throw new Error(i.lastError())
  const start = i.x.start_func(iid)
  if (start >= 0) {
    i.x.reset_call()
    let st = i.x.call(start)
    while (st === ST_RUN || st === ST_FUEL) st = i.x.run(1n << 40n)
    if (st !== ST_DONE) throw new Error('start function failed')
  }
  const run = i.exportOf(iid, 'run')!.addr
  const t0 = performance.now()
  i.x.reset_call()
  i.x.push_arg(BigInt(n))
  let st = i.x.call(run)
  while (st === ST_RUN || st === ST_FUEL) st = i.x.run(1n << 40n)
  const ms = performance.now() - t0
  if (st === ST_HOST) throw new Error('kernel aborted')
  if (st !== ST_DONE) throw new Error(`trap: ${i.trapReason()}`)
  return { result: Number(BigInt.asUintN(32, i.x.result(0))), ms }
}

function nativeRun (wasm: string, n: number): { result: number, ms: number } | undefined {
  if (!existsSync(NATIVE_BIN)) return undefined
  const outp = execFileSync(NATIVE_BIN, [wasm, String(n)], { encoding: 'utf8' }).trim().split(/\s+/)
  return { result: Number(outp[0]) >>> 0, ms: Number(outp[1]) }
}

function best<T extends { ms: number }> (k: number, f: () => T): T {
  let b = f()
  for (let j = 1; j < k; j++) {
    const r = f()
    if (r.ms < b.ms) b = r
  }
  return b
}

/** One kernel's measurements: best times in ms, and slowdowns relative to V8. */
interface KernelResult {
  name: string
  n: number
  result: number
  v8Ms: number
  interpOnV8Ms: number
  interpOnV8Slowdown: number
  nativeMs: number | null
  nativeSlowdown: number | null
}

/**
 * The targets: each kernel natively within 8× of V8, and their geometric mean within 6× (the
 * geometric mean of the native times over that of the V8 times is that of the slowdowns). None
 * without a native build: the bench runner then reports the missing build as an error.
 */
export function interpTargets (kernels: KernelResult[]): TargetResult[] {
  if (kernels.length === 0 || kernels.some((k) => k.nativeMs === null)) return []
  const geo = (xs: number[]): number => Math.exp(xs.reduce((a, x) => a + Math.log(x), 0) / xs.length)
  return [
    ...kernels.map((k) => target(`${k.name}(${k.n}), interpreter native vs V8`, { value: k.nativeMs!, unit: 'ms' }, '<=', 8, '≤ 8× V8',
      { measure: 'V8', value: k.v8Ms, unit: 'ms', relative: true })),
    target(`geometric mean of the ${kernels.length} kernels, interpreter native vs V8`, { value: geo(kernels.map((k) => k.nativeMs!)), unit: 'ms' },
      '<=', 6, '≤ 6× V8', { measure: 'V8', value: geo(kernels.map((k) => k.v8Ms)), unit: 'ms', relative: true }),
  ]
}

if (import.meta.main) {
  await import('../scripts/build.d/40-interp.ts')
  const native = buildNative()
  // repetitions: the best of k runs
  const reps = quick ? { v8: 3, interp: 1, native: 2 } : { v8: 5, interp: 3, native: 3 }
  const kernels: KernelResult[] = []
  let mismatch = false
  for (const k of KERNELS) {
    const wasm = buildKernel(k.name, k.src)
    const bytes = new Uint8Array(readFileSync(wasm))
    const v = best(reps.v8, () => v8Run(bytes, k.n))
    const i = best(reps.interp, () => interpRun(new Interp({ maxPages: 1024 }), bytes, k.n))
    const nat = native ? best(reps.native, () => nativeRun(wasm, k.n)!) : undefined
    if (i.result !== v.result || (nat !== undefined && nat.result !== v.result)) {
      mismatch = true
      console.error(`${k.name}: results differ: V8 ${v.result}, interpreter ${i.result}, native ${nat?.result}`)
    }
    const round = (x: number): number => Math.round(x * 1000) / 1000
    kernels.push({
      name: k.name,
      n: k.n,
      result: v.result,
      v8Ms: round(v.ms),
      interpOnV8Ms: round(i.ms),
      interpOnV8Slowdown: round(i.ms / v.ms),
      nativeMs: nat ? round(nat.ms) : null,
      nativeSlowdown: nat ? round(nat.ms / v.ms) : null
    })
  }
  const targets = interpTargets(kernels)
  if (json) {
    console.log(JSON.stringify({ bench: 'interp', quick, nativeCompiler: native ? NATIVE_CC : null, nativeRewrite: native ? NATIVE_REWRITE : null, resultsAgree: !mismatch, kernels, targets }, null, 2))
  } else {
    const f = (ms: number): string => `${ms.toFixed(1)} ms`
    const rows = [
      `| kernel | V8 | interpreter on V8 | slowdown | interpreter native (wasm2c, rewrite ${NATIVE_REWRITE}, ${NATIVE_CC} -O2) | slowdown |`,
      '|---|---|---|---|---|---|',
      ...kernels.map((k) => `| ${k.name}(${k.n}) | ${f(k.v8Ms)} | ${f(k.interpOnV8Ms)} | ${k.interpOnV8Slowdown.toFixed(1)}× | ` +
        `${k.nativeMs !== null ? f(k.nativeMs) : 'n/a'} | ${k.nativeSlowdown !== null ? `${k.nativeSlowdown.toFixed(1)}×` : 'n/a'} |`),
    ]
    console.log(rows.join('\n'))
    if (targets.length > 0) console.log(`\n${targetTable(targets)}`)
  }
  if (mismatch) process.exitCode = 1
}
