// Benchmark of the fuel rewrite: slowdown of rewritten compute kernels against the originals in
// one run, and what the rewrite itself costs at start-up (rewrite, cache hit, and binaryen's load
// time for comparison). Both versions are warmed up (optimized by V8) before timing; then each
// repetition times the two back to back, in alternating order, and the slowdown is the median of
// the pairs' ratios, so a busy moment of a shared machine falls on both alike. With
// --instructions, also the instructions each run executes, counted under valgrind's cachegrind
// (independent of the machine's load; takes minutes).
// Run: node bench/fuel.ts [--reps N] [--json] [--quick] [--instructions]
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFuelFixtures } from './fuel-fixtures.ts'
import { BenchError, benchFlags, median, report, requireTool, round, table, target } from './report.ts'
import { rewriteCached } from '../src/kernel/node/limits/cache.ts'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../src/kernel/node/limits/rewrite/index.ts'

// --child FILE,N,WARM,RUNS: what --instructions counts in a child under cachegrind (warm up, then
// RUNS runs of N); --instructions: a flag, taken out before the common flags are parsed.
const childAt = process.argv.indexOf('--child')
const child = childAt >= 0 ? process.argv.splice(childAt, 2)[1] : null
const instructionsAt = process.argv.indexOf('--instructions')
if (instructionsAt >= 0) process.argv.splice(instructionsAt, 1)
const flags = benchFlags({ reps: '' })
const reps = flags.reps !== '' ? Number(flags.reps) : flags.quick ? 3 : 11
if (!Number.isInteger(reps) || reps < 1) throw new BenchError('bad-option', `--reps must be a positive integer, got ${flags.reps}`)
const SLICE = 10_000_000 // fuel per slice: a few ms of work, as the scheduler would give

// `warm`: the size the warm-up runs use (the stub runtime never frees, so the timed instance must
// not have run big warm-ups: a rewritten module's memory is capped).
const cases: Array<{ kernel: string, n: number, warm: number }> = flags.quick
  ? [{ kernel: 'fib', n: 27, warm: 22 }, { kernel: 'sieve', n: 2_000_000, warm: 200_000 }, { kernel: 'sha256', n: 1_000_000, warm: 100_000 }]
  : [{ kernel: 'fib', n: 32, warm: 27 }, { kernel: 'sieve', n: 20_000_000, warm: 1_000_000 }, { kernel: 'sha256', n: 8_000_000, warm: 400_000 }]

const env = { abort: () => { throw new BenchError('abort', 'a kernel aborted') } }

if (child !== null) {
  const [file, n, warm, runs] = child.split(',')
  const module = new WebAssembly.Module(readFileSync(file))
  await warmUp(module, Number(warm), 1000)
  const run = instance(module, () => SLICE)
  let sum = 0
  for (let i = 0; i < Number(runs); i++) sum += run(Number(n))
  process.stdout.write(`${sum}\n`)
  process.exit(0)
}

const kernels = buildFuelFixtures().kernels

type Run = (n: number) => number
/** A kernel's `run`, from a fresh instance of `module`. */
function instance (module: WebAssembly.Module, refuel: () => number): Run {
  return new WebAssembly.Instance(module, { env, [REFUEL_MODULE]: { [REFUEL_NAME]: refuel } }).exports.run as Run
}
/**
 * Runs throwaway instances until V8 has optimized the code (a module's code is shared by its
 * instances). Optimizing happens on background threads, hence the pauses; under valgrind, which
 * runs one thread at a time and slowly, they must be long for the counts to be of optimized code.
 */
async function warmUp (module: WebAssembly.Module, n: number, pauseMs = 50): Promise<void> {
  for (let k = 0; k < 3; k++) {
    const run = instance(module, () => SLICE)
    for (let i = 0; i < 20; i++) run(n)
    await new Promise((resolve) => setTimeout(resolve, pauseMs))
  }
}

interface Row { kernel: string, originalMs: number, rewrittenMs: number, slowdownPct: number, slicesPerRun: number }
const rows: Row[] = []
for (const c of cases) {
  const original = new WebAssembly.Module(readFileSync(kernels[c.kernel]))
  const rewritten = new WebAssembly.Module(new Uint8Array(rewriteModule(new Uint8Array(readFileSync(kernels[c.kernel])), { maxMemoryPages: 4096 })))
  let refuels = 0
  const refuel = (): number => { refuels++; return SLICE }
  await warmUp(original, c.warm)
  await warmUp(rewritten, c.warm)
  const a = instance(original, refuel)
  const b = instance(rewritten, refuel)
  if (a(c.n) !== b(c.n)) throw new BenchError('mismatch', `${c.kernel}: the rewritten kernel disagrees with the original`)
  refuels = 0
  const ta: number[] = []
  const tb: number[] = []
  const ratios: number[] = []
  for (let i = 0; i < reps; i++) {
    // fresh instances: the stub runtime never frees, and the rewritten module's memory is capped
    const time = (module: WebAssembly.Module): number => {
      const f = instance(module, refuel)
      const t = performance.now(); f(c.n); return performance.now() - t
    }
    let x: number, y: number
    if (i % 2 === 0) { x = time(original); y = time(rewritten) } else { y = time(rewritten); x = time(original) }
    ta.push(x); tb.push(y); ratios.push(y / x)
  }
  rows.push({ kernel: `${c.kernel}(${c.n})`, originalMs: round(median(ta)), rewrittenMs: round(median(tb)), slowdownPct: round((median(ratios) - 1) * 100), slicesPerRun: round(refuels / reps) })
}

// Start-up costs: rewriting each kernel, a cache hit, and importing binaryen (in a fresh process).
const home = mkdtempSync(join(tmpdir(), 'wasmos-fuel-bench-'))
const startup: Array<{ kernel: string, bytes: number, rewriteMs: number, cacheHitMs: number }> = []
try {
  for (const c of cases) {
    const bytes = new Uint8Array(readFileSync(kernels[c.kernel]))
    const tr: number[] = []
    // the rewrite takes well under a millisecond here: many runs for a stable median
    for (let i = 0; i < reps * 20; i++) {
      const t = performance.now(); rewriteModule(bytes, { maxMemoryPages: 4096 }); tr.push(performance.now() - t)
    }
    rewriteCached(bytes, { maxMemoryPages: 4096 }, { home })
    const th: number[] = []
    for (let i = 0; i < reps * 4; i++) {
      const t = performance.now(); rewriteCached(bytes, { maxMemoryPages: 4096 }, { home }); th.push(performance.now() - t)
    }
    startup.push({ kernel: c.kernel, bytes: bytes.length, rewriteMs: round(median(tr)), cacheHitMs: round(median(th)) })
  }
} finally {
  rmSync(home, { recursive: true, force: true })
}
const binaryenMs = Number(execFileSync(process.execPath, ['--input-type=module', '-e',
  "const t = performance.now(); await import('binaryen'); console.log(performance.now() - t)"], { cwd: join(import.meta.dirname, '..'), encoding: 'utf8' }))

// Instructions per run, counted by cachegrind: a child counts a warm-up and `runs` runs, another
// the same warm-up and none; their difference over `runs` leaves out start-up and compiling.
interface Count { kernel: string, original: number, rewritten: number, overheadPct: number }
const counts: Count[] = []
if (instructionsAt >= 0) {
  requireTool('valgrind')
  const sizes: Record<string, { n: number, warm: number, runs: number }> = flags.quick
    ? { fib: { n: 22, warm: 18, runs: 10 }, sieve: { n: 200_000, warm: 50_000, runs: 10 }, sha256: { n: 100_000, warm: 20_000, runs: 10 } }
    : { fib: { n: 27, warm: 22, runs: 30 }, sieve: { n: 2_000_000, warm: 200_000, runs: 10 }, sha256: { n: 1_000_000, warm: 100_000, runs: 8 } }
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-fuel-count-'))
  const refs = (file: string, n: number, warm: number, runs: number): number => {
    const r = spawnSync('valgrind', ['--tool=cachegrind', '--cache-sim=no', '--cachegrind-out-file=/dev/null',
      process.execPath, import.meta.filename, '--child', `${file},${n},${warm},${runs}`], { encoding: 'utf8', maxBuffer: 1 << 24 })
    const m = /I\s+refs:\s+([\d,]+)/.exec(r.stderr)
    if (r.status !== 0 || m === null) throw new BenchError('cachegrind', `cachegrind of ${file} failed: ${r.stderr.trim().split('\n').slice(-3).join(' ')}`)
    return Number(m[1].replaceAll(',', ''))
  }
  try {
    for (const c of cases) {
      const { n, warm, runs } = sizes[c.kernel]
      const files = { original: kernels[c.kernel], rewritten: join(dir, `${c.kernel}.wasm`) }
      writeFileSync(files.rewritten, rewriteModule(new Uint8Array(readFileSync(files.original)), { maxMemoryPages: 4096 }))
      const perRun = (file: string): number => (refs(file, n, warm, runs) - refs(file, n, warm, 0)) / runs
      const original = perRun(files.original)
      const rewritten = perRun(files.rewritten)
      counts.push({ kernel: `${c.kernel}(${n})`, original: Math.round(original), rewritten: Math.round(rewritten), overheadPct: round((rewritten / original - 1) * 100) })
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// The target: each kernel at most 15 % slower rewritten.
const targets = rows.map((r) => target(`${r.kernel} rewritten, slowdown`, { value: r.slowdownPct, unit: '%' }, '<=', 15, '≤ 15 %',
  { measure: 'original', value: r.originalMs, unit: 'ms' }))

report(flags, { bench: 'fuel', reps, slice: SLICE, rows, startup, binaryenImportMs: round(binaryenMs), ...(counts.length > 0 ? { instructions: counts } : {}), targets }, () => [
  `fuel rewrite: compute kernels, median of ${reps} runs (slowdown: median of the paired ratios), slice ${SLICE} fuel${flags.quick ? ' (quick)' : ''}`,
  table(['kernel', 'original ms', 'rewritten ms', 'slowdown', 'slices/run'], rows.map((r) => [
    r.kernel, r.originalMs.toFixed(1), r.rewrittenMs.toFixed(1), `${r.slowdownPct.toFixed(1)} %`, r.slicesPerRun.toFixed(0),
  ])),
  '',
  table(['start-up', 'module bytes', 'rewrite ms', 'cache hit ms'], startup.map((s) => [
    s.kernel, String(s.bytes), s.rewriteMs.toFixed(3), s.cacheHitMs.toFixed(3),
  ])),
  `binaryen.js import alone (fresh process): ${binaryenMs.toFixed(0)} ms`,
  ...(counts.length > 0
    ? ['', table(['instructions per run (cachegrind)', 'original', 'rewritten', 'overhead'], counts.map((c) => [
        c.kernel, String(c.original), String(c.rewritten), `${c.overheadPct.toFixed(1)} %`,
      ]))]
    : []),
].join('\n'))
