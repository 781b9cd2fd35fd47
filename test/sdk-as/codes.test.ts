// The SDKs' ABI numbers come from the kernel core: runs the build step that copies
// src/kernel/core/codes.ts into programs/sdk/as/gen/codes.ts and programs/sdk/c/gen/wasmos_codes.h,
// then compiles a module against each SDK (asc with abi.ts, clang with wasmos.h) and checks that
// every number it exports equals the core's.
import { beforeAll, describe, expect, it } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import asc from 'assemblyscript/asc'
import * as core from '../../src/kernel/core/codes.ts'

const root = join(import.meta.dirname, '..', '..')
/** What the SDKs name, and how (the AS SDK keeps unsigned types for flags and kinds). */
const NAMES = ['OK', 'DENIED', 'NO_HANDLER', 'BAD_POINTER', 'TOO_LARGE', 'QUEUE_FULL', 'UNKNOWN_MESSAGE',
  'ALREADY_HANDLED', 'BAD_REQUEST', 'SEND_ANSWER', 'SEND_WAIT_HANDLER', 'WAIT_BLOCK', 'KIND_ANSWER',
  'KIND_MESSAGE', 'KIND_ENDED', 'ANSWER_HEADER', 'MESSAGE_HEADER', 'ENDED_SIZE'] as const

const coreValue = (name: string): number => (core as unknown as Record<string, number>)[name]

let dir = ''
beforeAll(async () => {
  await import(pathToFileURL(join(root, 'scripts', 'build.d', '12-abi-codes.ts')).href)
  dir = mkdtempSync(join(tmpdir(), 'wasmos-codes-'))
  return () => rmSync(dir, { recursive: true, force: true })
})

/** Instantiates a module exporting `get_<NAME>` functions; returns their values. */
function values (bytes: Uint8Array<ArrayBuffer>): Record<string, number> {
  const imports = { wasmos: { send: () => 0, answer: () => 0, wait: () => 0 }, env: { abort: () => {} } }
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), imports)
  const got: Record<string, number> = {}
  for (const n of NAMES) got[n] = (inst.exports[`get_${n}`] as () => number)()
  return got
}

describe('ABI numbers in the SDKs', () => {
  it('the generated AssemblyScript copy declares every constant of codes.ts with its value', () => {
    const text = readFileSync(join(root, 'programs', 'sdk', 'as', 'gen', 'codes.ts'), 'utf8')
    for (const [name, value] of Object.entries(core)) {
      expect(text).toMatch(new RegExp(`^export const ${name}: \\w+ = ${value}$`, 'm'))
    }
  })

  it('abi.ts (what AssemblyScript programs import) has the core\'s values', async () => {
    const src = join(import.meta.dirname, 'codes-entry.ts')
    const out = join(dir, 'as-codes.wasm')
    const stderr: string[] = []
    const { error } = await asc.main([src, '--outFile', out, '--runtime', 'stub'],
      { stderr: { write: (s: string | Uint8Array) => { stderr.push(String(s)); return true } } })
    if (error != null) throw new Error(stderr.join(''))
    const got = values(new Uint8Array(readFileSync(out)))
    for (const n of NAMES) expect(got[n], n).toBe(coreValue(n))
  })

  it('wasmos.h (what C programs include) has the core\'s values', () => {
    const src = join(dir, 'c-codes.c')
    writeFileSync(src, '#include "wasmos.h"\n' +
      NAMES.map((n) => `__attribute__((export_name("get_${n}"))) int get_${n}(void) { return WASMOS_${n}; }`).join('\n') + '\n')
    const out = join(dir, 'c-codes.wasm')
    execFileSync('clang', ['--target=wasm32', '-O2', '-nostdlib', '-Wl,--no-entry', '-Wall', '-Werror',
      `-I${join(root, 'programs', 'sdk', 'c')}`, '-o', out, src], { stdio: 'pipe' })
    const got = values(new Uint8Array(readFileSync(out)))
    for (const n of NAMES) expect(got[n], n).toBe(coreValue(n))
  })
})
