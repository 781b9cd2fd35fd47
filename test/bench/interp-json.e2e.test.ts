// bench/interp.ts --json --quick: one JSON object on stdout, every kernel's results agreeing, a nativeSlowdown per kernel
// and the targets (each kernel within 8× of V8, the geometric mean within 6×).
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { expect, test } from 'vitest'
import { NODE, ROOT } from '../helpers.ts'

test('bench/interp.ts --json --quick prints one JSON object with nativeSlowdown per kernel', () => {
  const stdout = execFileSync(NODE, [join(ROOT, 'bench', 'interp.ts'), '--json', '--quick'], { cwd: ROOT, encoding: 'utf8', timeout: 170_000 })
  const report = JSON.parse(stdout) as {
    bench: string
    quick: boolean
    nativeCompiler: string | null
    resultsAgree: boolean
    kernels: Array<{ name: string, n: number, v8Ms: number, interpOnV8Ms: number, nativeMs: number | null, nativeSlowdown: number | null }>
    targets: Array<{ measure: string, checked: number, target: string, met: boolean }>
  }
  expect(report.bench).toBe('interp')
  expect(report.quick).toBe(true)
  expect(report.resultsAgree).toBe(true)
  expect(report.kernels.map((k) => k.name)).toEqual(['fib', 'sieve', 'sha256', 'msgpack'])
  for (const k of report.kernels) {
    expect(k.v8Ms).toBeGreaterThan(0)
    expect(k.interpOnV8Ms).toBeGreaterThan(0)
    if (report.nativeCompiler === null) {
      expect(k.nativeSlowdown).toBeNull()
    } else {
      expect(typeof k.nativeSlowdown).toBe('number')
      expect(k.nativeSlowdown).toBeGreaterThan(0)
      // the ratio of the (rounded) times given
      expect(Math.abs(k.nativeSlowdown! - k.nativeMs! / k.v8Ms) / k.nativeSlowdown!).toBeLessThan(0.1)
    }
  }
  // the targets: each kernel within 8× of V8, then the geometric mean of the slowdowns within 6×
  if (report.nativeCompiler === null) {
    expect(report.targets).toEqual([])
  } else {
    expect(report.targets.map((t) => t.target)).toEqual(['≤ 8× V8', '≤ 8× V8', '≤ 8× V8', '≤ 8× V8', '≤ 6× V8'])
    const geo = Math.exp(report.kernels.reduce((a, k) => a + Math.log(k.nativeMs! / k.v8Ms), 0) / report.kernels.length)
    const mean = report.targets[4]
    expect(mean.measure).toMatch(/geometric mean/)
    expect(Math.abs(mean.checked - geo) / geo).toBeLessThan(0.01)
    expect(mean.met).toBe(mean.checked <= 6)
  }
})
