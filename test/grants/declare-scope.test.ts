// The SDK's needs(iface, reason, scope): the asc transform writes the scope into the module's
// `wasmos.interfaces` section in its canonical spelling, and refuses a malformed scope at build time.
import { afterAll, expect, test } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { ROOT, wasmos } from '../helpers.ts'
import { DECLARED_SECTION, decodeDeclared } from '../../src/kernel/node/grants/declared.ts'
import { DeclareInterfaces } from '../../programs/sdk/as/transform/declare.ts'
import { tcp } from '../../src/interfaces/gen/tcp.ts'
import { env } from '../../src/interfaces/gen/env.ts'

mkdirSync(join(ROOT, 'build'), { recursive: true })
// Inside the repository, so that the source imports the SDK by a relative path, as programs do.
const dir = mkdtempSync(join(ROOT, 'build', 'declare-scope-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

async function compile (body: string): Promise<{ error: Error | null, stderr: string, wasm: string }> {
  const { default: asc } = await import('assemblyscript/asc')
  const src = join(dir, `m${Math.random().toString(36).slice(2)}.ts`)
  const wasm = src.replace(/\.ts$/, '.wasm')
  writeFileSync(src, `import { needs } from '../../programs/sdk/as/declare'\n${body}\nexport function _start (): void {}\n`)
  let stderr = ''
  const sink = { write (s: string | Uint8Array): boolean { stderr += typeof s === 'string' ? s : Buffer.from(s).toString(); return true } }
  const { error } = await asc.main([src, '--outFile', wasm, '--runtime', 'stub'], {
    stdout: sink as never, stderr: sink as never, transforms: [DeclareInterfaces as never]
  })
  return { error, stderr, wasm }
}

test('needs with a scope lands in the section, canonical; without one it stays whole', async () => {
  const r = await compile([
    "needs('tcp', 'to send your score', '127.0.0.1:7878')",
    "needs('env', 'credentials', 'AWS_*')",
    "needs('tcp', 'anything else')"
  ].join('\n'))
  expect(r.error, r.stderr).toBeNull()
  const mod = new WebAssembly.Module(readFileSync(r.wasm))
  const [section] = WebAssembly.Module.customSections(mod, DECLARED_SECTION)
  const declared = decodeDeclared(new Uint8Array(section), 'test')
  expect(declared.map((d) => [d.cid, d.reason, d.kind, d.scope])).toEqual([
    [tcp.cid, 'to send your score', 'send', '127.0.0.1:7878'],
    [env.cid, 'credentials', 'send', 'AWS_*'],
    [tcp.cid, 'anything else', 'send', null]
  ])
})

test('a malformed scope fails the build with the reason', async () => {
  const r = await compile("needs('tcp', 'why', '127.0.0.1:99999')")
  expect(r.error).not.toBeNull()
  expect(`${r.error?.message ?? ''}\n${r.stderr}`).toMatch(/bad port '99999'/)
})

test('wasmos inspect shows each declared scope, in text and JSON', async () => {
  const r = await compile([
    "needs('tcp', 'to send your score', '127.0.0.1:7878')",
    "needs('env', 'anything')"
  ].join('\n'))
  expect(r.error, r.stderr).toBeNull()
  const text = await wasmos(['inspect', r.wasm])
  expect(text.code, text.stderr).toBe(0)
  expect(text.stdout).toMatch(/send to tcp \(scope 127\.0\.0\.1:7878\) /)
  expect(text.stdout).toMatch(/send to env bafk/)
  const json = await wasmos(['inspect', '--json', r.wasm])
  const info = JSON.parse(json.stdout) as { interfaces: Array<{ name: string, scope: string | null }> }
  expect(info.interfaces.map((i) => [i.name, i.scope])).toEqual([['tcp', '127.0.0.1:7878'], ['env', null]])
})
