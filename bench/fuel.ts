// Benchmark of the fuel rewrite (issue 7): slowdown of rewritten compute kernels against the
// originals in one run (median of several repetitions, original and rewritten interleaved), and
// what the rewrite itself costs at start-up (rewrite, cache hit, and binaryen's load time for
// comparison). Run: node bench/fuel.ts [--reps N] [--json]
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { buildFuelFixtures } from './fuel-fixtures.ts'
import { rewriteCached } from '../src/kernel/node/limits/cache.ts'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../src/kernel/node/limits/rewrite/index.ts'

const { values } = parseArgs({ options: { reps: { type: 'string', default: '7' }, json: { type: 'boolean', default: false } } })
const reps = Number(values.reps)
const SLICE = 10_000_000 // fuel per slice: a few ms of work, as the scheduler would give

const cases: Array<{ kernel: string, n: number }> = [
  { kernel: 'fib', n: 32 },
  { kernel: 'sieve', n: 20_000_000 },
  { kernel: 'sha256', n: 8_000_000 },
]

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]
const env = { abort: () => { throw new Error('abort') } }
const kernels = buildFuelFixtures().kernels

const rows = []
for (const c of cases) {
  const original = new Uint8Array(readFileSync(kernels[c.kernel]))
  const rewritten = rewriteModule(original, { maxMemoryPages: 4096 })
  let refuels = 0
  const refuel = (): number => { refuels++; return SLICE }
  const a = new WebAssembly.Instance(new WebAssembly.Module(original), { env }).exports.run as (n: number) => number
  const b = new WebAssembly.Instance(new WebAssembly.Module(rewritten), { env, [REFUEL_MODULE]: { [REFUEL_NAME]: refuel } })
    .exports.run as (n: number) => number
  if (a(c.n) !== b(c.n)) throw new Error(`${c.kernel}: the rewritten kernel disagrees with the original`)
  refuels = 0
  const ta: number[] = []
  const tb: number[] = []
  for (let i = 0; i < reps; i++) {
    let t = performance.now(); a(c.n); ta.push(performance.now() - t)
    t = performance.now(); b(c.n); tb.push(performance.now() - t)
  }
  const ma = median(ta)
  const mb = median(tb)
  rows.push({ kernel: `${c.kernel}(${c.n})`, originalMs: ma, rewrittenMs: mb, slowdownPct: (mb / ma - 1) * 100, slicesPerRun: refuels / reps })
}

// Start-up costs: rewriting each kernel, a cache hit, and importing binaryen (in a fresh process).
const home = mkdtempSync(join(tmpdir(), 'wasmos-fuel-bench-'))
const startup = []
try {
  for (const c of cases) {
    const bytes = new Uint8Array(readFileSync(kernels[c.kernel]))
    const tr: number[] = []
    for (let i = 0; i < reps; i++) {
      const t = performance.now(); rewriteModule(bytes, { maxMemoryPages: 4096 }); tr.push(performance.now() - t)
    }
    rewriteCached(bytes, { maxMemoryPages: 4096 }, { home })
    const th: number[] = []
    for (let i = 0; i < reps; i++) {
      const t = performance.now(); rewriteCached(bytes, { maxMemoryPages: 4096 }, { home }); th.push(performance.now() - t)
    }
    startup.push({ kernel: c.kernel, bytes: bytes.length, rewriteMs: median(tr), cacheHitMs: median(th) })
  }
} finally {
  rmSync(home, { recursive: true, force: true })
}
const binaryenMs = Number(execFileSync(process.execPath, ['--input-type=module', '-e',
  "const t = performance.now(); await import('binaryen'); console.log(performance.now() - t)"], { encoding: 'utf8' }))

if (values.json) {
  console.log(JSON.stringify({ reps, slice: SLICE, rows, startup, binaryenImportMs: binaryenMs }, null, 2))
} else {
  const table = (head: string[], body: string[][]): string => {
    const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => r[i].length)))
    return [head, ...body].map((r) => r.map((c, i) => (i === 0 ? c.padEnd(w[i]) : c.padStart(w[i]))).join('  ')).join('\n')
  }
  console.log(`fuel rewrite: compute kernels, median of ${reps} runs, slice ${SLICE} fuel (Node ${process.versions.node})`)
  console.log(table(['kernel', 'original ms', 'rewritten ms', 'slowdown', 'slices/run'], rows.map((r) => [
    r.kernel, r.originalMs.toFixed(1), r.rewrittenMs.toFixed(1), `${r.slowdownPct.toFixed(1)} %`, r.slicesPerRun.toFixed(0),
  ])))
  console.log()
  console.log(table(['start-up', 'module bytes', 'rewrite ms', 'cache hit ms'], startup.map((s) => [
    s.kernel, String(s.bytes), s.rewriteMs.toFixed(2), s.cacheHitMs.toFixed(2),
  ])))
  console.log(`binaryen.js import alone (fresh process): ${binaryenMs.toFixed(0)} ms`)
}
