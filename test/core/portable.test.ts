// Portability of the kernel core: the same scenario suite, compiled by asc together with
// src/kernel/core, runs as wasm and must pass and trace exactly as the TypeScript build does.
import { onTestFinished, test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { compileAsc } from '../asc.ts'
import * as ts from './scenarios.ts'

interface Suite {
  scenarioCount (): number
  scenarioName (i: number): string
  runScenario (i: number): string
  scenarioTrace (): string
}

test('core (wasm, compiled by asc) runs the same scenarios as the TypeScript build', async () => {
  const { error, stderr, outputs } = await compileAsc([
    join(import.meta.dirname, 'scenarios.ts'), '--outFile', 'scenarios.wasm',
    '--runtime', 'incremental', '--bindings', 'raw', '--exportRuntime', '-O2'
  ])
  assert.equal(error, null, stderr)
  // The bindings asc wrote beside the module, imported from a directory of their own.
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-core-'))
  onTestFinished(() => rmSync(dir, { recursive: true, force: true }))
  for (const [name, bytes] of outputs) writeFileSync(join(dir, basename(name)), bytes)
  const { instantiate } = await import(pathToFileURL(join(dir, 'scenarios.js')).href) as {
    instantiate: (m: WebAssembly.Module, i: object) => Promise<Suite>
  }
  const wasm = await instantiate(await WebAssembly.compile(readFileSync(join(dir, 'scenarios.wasm'))), {})
  assert.equal(wasm.scenarioCount(), ts.scenarioCount())
  for (let i = 0; i < ts.scenarioCount(); i++) {
    const name = ts.scenarioName(i)
    assert.equal(wasm.scenarioName(i), name)
    assert.equal(wasm.runScenario(i), '', `wasm build: ${name}`)
    const wasmTrace = wasm.scenarioTrace()
    assert.equal(ts.runScenario(i), '', `TypeScript build: ${name}`)
    assert.equal(wasmTrace, ts.scenarioTrace(), `traces differ: ${name}`)
    assert.ok(wasmTrace.length > 20, `trace of ${name} is not empty`)
  }
})
