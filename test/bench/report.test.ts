// The benches' shared verdicts: a target compares the measured value, or its ratio to a comparison
// from the same run; a missing tool is an error with a code, not a skip.
import { describe, expect, test } from 'vitest'
import { BenchError, median, requireTool, table, target } from '../../bench/report.ts'

describe('target', () => {
  test('an absolute target: met or not by the value, the comparison only shown', () => {
    const fast = target('round trip', { value: 1.5, unit: 'µs' }, '<=', 2, '≤ 2 µs', { measure: 'workers', value: 20, unit: 'µs' })
    expect(fast).toMatchObject({ value: 1.5, checked: 1.5, met: true, comparison: { measure: 'workers', value: 20, unit: 'µs' } })
    expect(target('round trip', { value: 2.5, unit: 'µs' }, '<=', 2, '≤ 2 µs').met).toBe(false)
    expect(target('messages', { value: 2.1, unit: 'M/s' }, '>=', 2, '≥ 2 M/s').met).toBe(true)
    expect(target('messages', { value: 1.9, unit: 'M/s' }, '>=', 2, '≥ 2 M/s').met).toBe(false)
  })

  test('a relative target is checked on the ratio to its comparison', () => {
    const node = { measure: 'node -e 0', value: 40, unit: 'ms', relative: true }
    const ok = target('exec', { value: 56, unit: 'ms' }, '<=', 1.5, '≤ 1.5× node -e 0', node)
    expect(ok.checked).toBe(1.4)
    expect(ok.met).toBe(true)
    const slow = target('exec', { value: 64, unit: 'ms' }, '<=', 1.5, '≤ 1.5× node -e 0', node)
    expect(slow.checked).toBe(1.6)
    expect(slow.met).toBe(false)
    const rps = target('wasm req/s', { value: 4000, unit: 'req/s' }, '>=', 0.5, '≥ 50 %', { measure: 'node', value: 10000, unit: 'req/s', relative: true })
    expect(rps.met).toBe(false)
  })
})

test('requireTool finds an executable on PATH and refuses a missing one with a code', () => {
  requireTool('sh')
  let err: unknown
  try { requireTool('wasmos-no-such-tool-here', 'nothing') } catch (e) { err = e }
  expect(err).toBeInstanceOf(BenchError)
  expect((err as BenchError).code).toBe('missing-tool')
  expect((err as BenchError).message).toMatch(/wasmos-no-such-tool-here is not installed/)
})

test('median and table', () => {
  expect(median([5, 1, 3])).toBe(3)
  expect(() => median([])).toThrow(BenchError)
  expect(table(['a', 'bb'], [['xyz', '1'], ['q', '22']])).toBe('a    bb\nxyz   1\nq    22')
})
