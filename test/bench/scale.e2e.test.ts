// bench/scale.ts: one level in its own process starts that many idle processes beside the
// pingpong pair and keeps them all alive while the round trip is measured; the whole bench with
// --json --quick prints one JSON object with a row per level and its targets.
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { NODE, ROOT } from '../helpers.ts'

const BENCH = join(ROOT, 'bench', 'scale.ts')

test('a level of 500 idle processes: all running during the round trip, memory and spawn time measured', () => {
  const level = JSON.parse(execFileSync(NODE, [BENCH, '--level', '500', '--quick'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })) as
    { processes: number, alive: number, spawnUs: number, rssKiBPerProcess: number, rttUs: number, rttP99Us: number }
  expect(level.processes).toBe(500)
  expect(level.alive).toBe(500)
  expect(level.spawnUs).toBeGreaterThan(0)
  // A wasm memory is at least a page (64 KiB), touched only where used; the host's share is small.
  expect(level.rssKiBPerProcess).toBeGreaterThan(0)
  expect(level.rssKiBPerProcess).toBeLessThan(1024)
  expect(level.rttUs).toBeGreaterThan(0)
  expect(level.rttP99Us).toBeGreaterThanOrEqual(level.rttUs)
})

test('the engine\'s floor of a level: the same module instantiated and run to its first wait by V8 alone, all kept', () => {
  const level = JSON.parse(execFileSync(NODE, [BENCH, '--level', '500', '--via', 'engine'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 })) as
    { processes: number, alive: number, spawnUs: number, spawnCpuUs: number, rssKiBPerProcess: number }
  expect(level.processes).toBe(500)
  expect(level.alive).toBe(500)
  expect(level.spawnUs).toBeGreaterThan(0)
  expect(level.spawnCpuUs).toBeGreaterThan(0)
  // Each instance keeps its memory and its suspended stack: some resident memory per process.
  expect(level.rssKiBPerProcess).toBeGreaterThan(0)
})

test('bench/scale.ts --json --quick prints one JSON object with every level and the four targets', () => {
  const report = JSON.parse(execFileSync(NODE, [BENCH, '--json', '--quick'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 })) as {
    bench: string
    quick: boolean
    base: { rttUs: number, bareInstanceUs: number }
    rows: Array<{ processes: number, alive: number, rttRatio: number, engineSpawnUs: number }>
    targets: Array<{ measure: string, met: boolean, comparison: { measure: string, value: number } | null }>
  }
  expect(report.bench).toBe('scale')
  expect(report.quick).toBe(true)
  expect(report.base.rttUs).toBeGreaterThan(0)
  expect(report.base.bareInstanceUs).toBeGreaterThan(0)
  expect(report.rows.map((r) => r.processes)).toEqual([10, 100, 1000])
  for (const r of report.rows) expect(r.alive).toBe(r.processes)
  for (const r of report.rows) expect(r.engineSpawnUs).toBeGreaterThan(0)
  expect(report.targets).toHaveLength(4)
  // The spawn target is compared with the engine's floor at the same count.
  const spawn = report.targets.find((t) => t.measure.startsWith('time per spawn'))
  expect(spawn?.comparison?.measure).toMatch(/^the engine's floor/)
  expect(spawn?.comparison?.value).toBe(report.rows[report.rows.length - 1].engineSpawnUs)
})
