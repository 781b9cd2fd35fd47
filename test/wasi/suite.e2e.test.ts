// WebAssembly/wasi-testsuite (the wasm32-wasip1 tests in ../shared/wasi-testsuite) under the
// shipped `wasmos run`, with the suite's own rules (see suite.ts): every test must pass. The
// runner itself is checked on operation-based specifications and on tests that must fail.
import { expect, test } from 'vitest'
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI } from '../helpers.ts'
import { cliCommand, DEFAULT_SUITE, findTests, runSuite } from './suite.ts'

test('wasi-testsuite: every test passes', async () => {
  expect(existsSync(DEFAULT_SUITE), `${DEFAULT_SUITE} is missing`).toBe(true)
  const tests = findTests(DEFAULT_SUITE)
  expect(tests.length).toBe(26)
  const outcomes = await runSuite(DEFAULT_SUITE, cliCommand(CLI))
  const failed = outcomes.filter((o) => !o.ok).map((o) => `${o.name}: ${o.why}`)
  console.log(`wasi: ${outcomes.length - failed.length} passed, ${failed.length} failed`)
  expect(failed).toEqual([])
  expect(outcomes.filter((o) => o.ok).length).toBe(26)
  expect(outcomes.map((o) => o.name)).toContain(join('c', 'wasm32-wasip1', 'pwrite-with-append.wasm'))
})

test('the runner: operation-based specifications, and tests that must fail do', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasi-suite-self-'))
  const as = join(DEFAULT_SUITE, 'assemblyscript', 'wasm32-wasip1')
  const cases: Array<[string, string, unknown]> = [
    ['ops-ok', 'fd_write-to-stdout', { operations: [{ type: 'run' }, { type: 'read', payload: 'hello' }, { type: 'wait' }] }],
    ['ops-exit', 'proc_exit-failure', { operations: [{ type: 'run' }, { type: 'wait', exit_code: 33 }] }],
    ['bad-stdout', 'fd_write-to-stdout', { stdout: 'goodbye' }],
    ['extra-stdout', 'fd_write-to-stdout', {}],
    ['bad-exit', 'proc_exit-success', { exit_code: 3 }],
    ['bad-proposal', 'proc_exit-success', { proposals: ['http'], operations: [{ type: 'run' }, { type: 'wait' }] }]
  ]
  for (const [name, wasm, spec] of cases) {
    copyFileSync(join(as, `${wasm}.wasm`), join(dir, `${name}.wasm`))
    writeFileSync(join(dir, `${name}.json`), JSON.stringify(spec))
  }
  const outcomes = await runSuite(dir, cliCommand(CLI))
  const by = new Map(outcomes.map((o) => [o.name.split('/').pop()!.replace(/\.wasm$/, ''), o]))
  expect(by.get('ops-ok')?.ok, by.get('ops-ok')?.why).toBe(true)
  expect(by.get('ops-exit')?.ok, by.get('ops-exit')?.why).toBe(true)
  expect(by.get('bad-stdout')?.why).toMatch(/stdout "hello", expected "goodbye"/)
  expect(by.get('extra-stdout')?.why).toMatch(/stdout has more: "hello"/)
  expect(by.get('bad-exit')?.why).toMatch(/exit 0, expected 3/)
  expect(by.get('bad-proposal')?.why).toMatch(/proposal http is not supported/)
})
