// WebAssembly/wasi-testsuite (the wasm32-wasip1 tests in ../shared/wasi-testsuite) under the
// shipped `wasmos run`, with the suite's own rules (see suite.ts): every test must pass.
import { expect, test } from 'vitest'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { CLI } from '../helpers.ts'
import { cliCommand, DEFAULT_SUITE, findTests, runSuite } from './suite.ts'

test('wasi-testsuite: every test passes', async () => {
  expect(existsSync(DEFAULT_SUITE), `${DEFAULT_SUITE} is missing`).toBe(true)
  const tests = findTests(DEFAULT_SUITE)
  expect(tests.length).toBe(26)
  const outcomes = await runSuite(DEFAULT_SUITE, cliCommand(CLI))
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.why}`)
  expect(failed).toEqual([])
  expect(outcomes.filter((o) => o.ok).length).toBe(26)
  expect(outcomes.map((o) => o.name)).toContain(join('c', 'wasm32-wasip1', 'pwrite-with-append.wasm'))
})
