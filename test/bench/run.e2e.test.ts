// npm run bench's runner: --json gives one JSON document keyed by bench name, every target with
// its value, comparison and verdict, and the run's own record under `meta` (date, Node, cores,
// load average), which `--markdown … --readme` turns into the README's generated blocks; unknown
// names and missing tools fail in one line.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { detailBegin, detailEnd } from '../../bench/markdown.ts'
import { SUMMARY_BEGIN, SUMMARY_END } from '../../bench/report.ts'
import { NODE, ROOT } from '../helpers.ts'

interface Target { measure: string, value: number, unit: string, comparison: { measure: string, value: number, unit: string } | null, checked: number, target: string, met: boolean }

test('bench/run.ts --quick --json fuel loader: one JSON object, each bench with its targets', () => {
  const r = spawnSync(NODE, [join(ROOT, 'bench', 'run.ts'), '--quick', '--json', 'fuel', 'loader'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 })
  expect(r.status, r.stderr).toBe(0)
  const { meta, ...doc } = JSON.parse(r.stdout) as Record<string, { bench: string, quick: boolean, wallMs: number, targets: Target[], rows: unknown[] }> & {
    meta: { date: string, node: string, cores: number, quick: boolean, wallMs: number, loadAverage: { start: number[], end: number[] } }
  }
  expect(Object.keys(doc)).toEqual(['fuel', 'loader'])
  expect(Date.now() - Date.parse(meta.date)).toBeGreaterThan(0)
  expect(Date.now() - Date.parse(meta.date)).toBeLessThan(170_000)
  expect(meta.quick).toBe(true)
  expect(meta.node).toMatch(/^\d+\.\d+\.\d+$/)
  expect(meta.cores).toBeGreaterThan(0)
  expect(meta.wallMs).toBeGreaterThanOrEqual(doc.fuel.wallMs + doc.loader.wallMs)
  for (const l of [meta.loadAverage.start, meta.loadAverage.end]) expect(l).toHaveLength(3)
  for (const [name, b] of Object.entries(doc)) {
    expect(b.bench).toBe(name)
    expect(b.quick).toBe(true)
    expect(b.wallMs).toBeGreaterThan(0)
    expect(b.targets.length).toBeGreaterThan(0)
    for (const t of b.targets) {
      expect(typeof t.measure).toBe('string')
      expect(Number.isFinite(t.value)).toBe(true)
      expect(typeof t.met).toBe('boolean')
      expect(t.target).not.toBe('')
    }
  }
  // the fuel bench: one slowdown target per kernel, against the original measured in the same run
  expect(doc.fuel.targets.map((t) => t.measure.split('(')[0])).toEqual(['fib', 'sieve', 'sha256'])
  for (const t of doc.fuel.targets) expect(t.comparison?.measure).toBe('original')
  // the loader bench: exec of the shipped CLI relative to node -e 0, timed in the same run
  const exec = doc.loader.targets.find((t) => t.measure.startsWith('wasmos exec'))!
  expect(exec.comparison?.measure).toBe('node -e 0')
  expect(Math.abs(exec.checked - exec.value / exec.comparison!.value)).toBeLessThan(0.01 * exec.checked)
  expect(exec.met).toBe(exec.checked <= 1.5)

  // The same document, saved, generates a README's blocks: caption with the run's date, every
  // target, each bench's figures.
  const work = mkdtempSync(join(tmpdir(), 'wasmos-bench-run-'))
  try {
    const readme = join(work, 'README.md')
    writeFileSync(join(work, 'bench.json'), r.stdout)
    writeFileSync(readme, ['# x', SUMMARY_BEGIN, SUMMARY_END, ...['fuel', 'loader'].flatMap((n) => [`## ${n}`, detailBegin(n), detailEnd(n)]), ''].join('\n'))
    const g = spawnSync(NODE, [join(ROOT, 'bench', 'run.ts'), '--markdown', join(work, 'bench.json'), '--readme', readme], { encoding: 'utf8' })
    expect(g.status, g.stderr).toBe(0)
    const text = readFileSync(readme, 'utf8')
    expect(text).toContain(`${SUMMARY_BEGIN}\nRun of ${meta.date.slice(0, 10)} `)
    expect(text).toMatch(/load average \(1, 5, 15 min\) [\d.]+ \/ [\d.]+ \/ [\d.]+ at the start, [\d.]+ \/ [\d.]+ \/ [\d.]+ at the end, 2 benches in \d+ s\. Run with `--quick`/)
    expect(text).toContain('| fuel | fib(')
    expect(text).toMatch(new RegExp(`${detailBegin('loader')}\\nruns: \\d+\\.\\n\\n\\| measure \\| ms \\| note \\|\\n\\|---\\|---\\|---\\|\\n\\| node -e 0 \\| `))
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
})

test('an unknown bench name is refused in one line', () => {
  const r = spawnSync(NODE, [join(ROOT, 'bench', 'run.ts'), '--json', 'no-such-bench'], { cwd: ROOT, encoding: 'utf8' })
  expect(r.status).toBe(2)
  expect(r.stdout).toBe('')
  expect(r.stderr.trim()).toMatch(/^wasmos: no bench named no-such-bench \(there are: kernel, fuel, loader/)
})

test('the net bench without wrk fails loudly, in one line, and prints no JSON', () => {
  const r = spawnSync(NODE, [join(ROOT, 'bench', 'net.ts'), '--quick', '--json'], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, PATH: '/nonexistent' } })
  expect(r.status).toBe(1)
  expect(r.stdout).toBe('')
  expect(r.stderr.trim()).toBe('bench: wrk is not installed (Debian package wrk); this bench needs it')
})
