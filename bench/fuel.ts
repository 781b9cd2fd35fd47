// Benchmark of the fuel rewrite: slowdown of rewritten compute kernels against the originals in
// one run (median of several repetitions, original and rewritten interleaved), and what the
// rewrite itself costs at start-up (rewrite, cache hit, and binaryen's load time for comparison).
// Run: node bench/fuel.ts [--reps N] [--json] [--quick]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildFuelFixtures } from './fuel-fixtures.ts'
import { BenchError, benchFlags, median, report, round, table, target } from './report.ts'
import { rewriteCached } from '../src/kernel/node/limits/cache.ts'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../src/kernel/node/limits/rewrite/index.ts'

const flags = benchFlags({ reps: '' })
const reps = flags.reps !== '' ? Number(flags.reps) : flags.quick ? 3 : 11
if (!Number.isInteger(reps) || reps < 1) throw new BenchError('bad-option', `--reps must be a positive integer, got ${flags.reps}`)
const SLICE = 10_000_000 // fuel per slice: a few ms of work, as the scheduler would give

const cases: Array<{ kernel: string, n: number }> = flags.quick
  ? [{ kernel: 'fib', n: 27 }, { kernel: 'sieve', n: 2_000_000 }, { kernel: 'sha256', n: 1_000_000 }]
  : [{ kernel: 'fib', n: 32 }, { kernel: 'sieve', n: 20_000_000 }, { kernel: 'sha256', n: 8_000_000 }]

const env = { abort: () => { throw new BenchError('abort', 'a kernel aborted') } }
const kernels = buildFuelFixtures().kernels

interface Row { kernel: string, originalMs: number, rewrittenMs: number, slowdownPct: number, slicesPerRun: number }
const rows: Row[] = []
for (const c of cases) {
  const original = new Uint8Array(readFileSync(kernels[c.kernel]))
  const rewritten = rewriteModule(original, { maxMemoryPages: 4096 })
  let refuels = 0
  const refuel = (): number => { refuels++; return SLICE }
  const a = new WebAssembly.Instance(new WebAssembly.Module(original), { env }).exports.run as (n: number) => number
  const b = new WebAssembly.Instance(new WebAssembly.Module(new Uint8Array(rewritten)), { env, [REFUEL_MODULE]: { [REFUEL_NAME]: refuel } })
    .exports.run as (n: number) => number
  if (a(c.n) !== b(c.n)) throw new BenchError('mismatch', `${c.kernel}: the rewritten kernel disagrees with the original`)
  refuels = 0
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < reps; i++) {
    let t = performance.now(); a(c.n); ta.push(performance.now() - t)
    t = performance.now(); b(c.n); tb.push(performance.now() - t)
  }
  const ma = median(ta)
  const mb = median(tb)
  rows.push({ kernel: `${c.kernel}(${c.n})`, originalMs: round(ma), rewrittenMs: round(mb), slowdownPct: round((mb / ma - 1) * 100), slicesPerRun: round(refuels / reps) })
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

// The target: each kernel at most 15 % slower rewritten.
const targets = rows.map((r) => target(`${r.kernel} rewritten, slowdown`, { value: r.slowdownPct, unit: '%' }, '<=', 15, '≤ 15 %',
  { measure: 'original', value: r.originalMs, unit: 'ms' }))

report(flags, { bench: 'fuel', reps, slice: SLICE, rows, startup, binaryenImportMs: round(binaryenMs), targets }, () => [
  `fuel rewrite: compute kernels, median of ${reps} runs, slice ${SLICE} fuel${flags.quick ? ' (quick)' : ''}`,
  table(['kernel', 'original ms', 'rewritten ms', 'slowdown', 'slices/run'], rows.map((r) => [
    r.kernel, r.originalMs.toFixed(1), r.rewrittenMs.toFixed(1), `${r.slowdownPct.toFixed(1)} %`, r.slicesPerRun.toFixed(0),
  ])),
  '',
  table(['start-up', 'module bytes', 'rewrite ms', 'cache hit ms'], startup.map((s) => [
    s.kernel, String(s.bytes), s.rewriteMs.toFixed(3), s.cacheHitMs.toFixed(3),
  ])),
  `binaryen.js import alone (fresh process): ${binaryenMs.toFixed(0)} ms`,
].join('\n'))
