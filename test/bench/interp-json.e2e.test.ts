// bench/interp.ts --json --quick: one JSON object on stdout, every kernel's results agreeing and a nativeSlowdown per kernel.
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
})
