// Portability of the kernel core: the same scenario suite, compiled by asc together with
// src/kernel/core, runs as wasm and must pass and trace exactly as the TypeScript build does.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import * as ts from './scenarios.ts'

interface Suite {
  scenarioCount (): number
  scenarioName (i: number): string
  runScenario (i: number): string
  scenarioTrace (): string
}

test('core (wasm, compiled by asc) runs the same scenarios as the TypeScript build', async () => {
  const { default: asc } = await import('assemblyscript/asc')
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-core-'))
  const out = join(dir, 'scenarios.wasm')
  const { error, stderr } = await asc.main([
    join(import.meta.dirname, 'scenarios.ts'), '--outFile', out,
    '--runtime', 'incremental', '--bindings', 'raw', '--exportRuntime', '-O2'
  ])
  assert.equal(error, null, stderr.toString())
  const { instantiate } = await import(pathToFileURL(join(dir, 'scenarios.js')).href) as {
    instantiate: (m: WebAssembly.Module, i: object) => Promise<Suite>
  }
  const wasm = await instantiate(await WebAssembly.compile(readFileSync(out)), {})
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
