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

test('bench/scale.ts --json --quick prints one JSON object with every level and the four targets', () => {
  const report = JSON.parse(execFileSync(NODE, [BENCH, '--json', '--quick'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 })) as {
    bench: string
    quick: boolean
    base: { rttUs: number, bareInstanceUs: number }
    rows: Array<{ processes: number, alive: number, rttRatio: number }>
    targets: Array<{ measure: string, met: boolean }>
  }
  expect(report.bench).toBe('scale')
  expect(report.quick).toBe(true)
  expect(report.base.rttUs).toBeGreaterThan(0)
  expect(report.base.bareInstanceUs).toBeGreaterThan(0)
  expect(report.rows.map((r) => r.processes)).toEqual([10, 100, 1000])
  for (const r of report.rows) expect(r.alive).toBe(r.processes)
  expect(report.targets).toHaveLength(4)
})
