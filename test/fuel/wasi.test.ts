// Real compiled programs (Rust, wasm32-wasi, shipped with @wasmer/wasi's tests) run rewritten
// under @wasmer/wasi and print what the originals print.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { init, WASI } from '@wasmer/wasi'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { counter } from './helpers.ts'

const dir = join(dirname(createRequire(import.meta.url).resolve('@wasmer/wasi')), '..', 'tests')
const have = existsSync(join(dir, 'envvar.wasm')) && existsSync(join(dir, 'pipe_reverse.wasm'))

async function run (bytes: Uint8Array, opts: { env?: Record<string, string>, stdin?: string }, imports: WebAssembly.Imports = {}): Promise<string> {
  const wasi = new WASI({ env: opts.env ?? {} })
  await wasi.instantiate(await WebAssembly.compile(bytes), imports)
  if (opts.stdin !== undefined) wasi.setStdinString(opts.stdin)
  wasi.start()
  return wasi.getStdoutString()
}

test('Rust WASI programs print the same output rewritten', async ({ skip }) => {
  skip(!have, '@wasmer/wasi test programs not installed')
  await init()
  const cases: Array<[string, { env?: Record<string, string>, stdin?: string }]> = [
    ['envvar.wasm', { env: { DOG: 'X', TEST: 'VALUE' } }],
    ['pipe_reverse.wasm', { stdin: 'Hello World!' }],
  ]
  for (const [file, opts] of cases) {
    const bytes = new Uint8Array(readFileSync(join(dir, file)))
    const fuel = counter(500)
    const expected = await run(bytes, opts)
    const actual = await run(rewriteModule(bytes, { maxMemoryPages: 4096 }), opts, { [REFUEL_MODULE]: { [REFUEL_NAME]: fuel.refuel } })
    assert.ok(expected.length > 0)
    assert.equal(actual, expected, file)
    assert.ok(fuel.calls > 1, `${file}: ${fuel.calls} refuels`)
  }
})
