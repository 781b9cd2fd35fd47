// The bare-metal kernel's native interfaces (src/kernel/bare-metal/natives/) in the real
// kernel.wasm on V8: a guest built with the SDK sends requests each must refuse, and the statuses
// it gets are the interfaces' named error codes (from interfaces/*.json) or the core's BAD_REQUEST.
import { beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import asc from 'assemblyscript/asc'
import { BAD_REQUEST, OK } from '../../src/kernel/core/codes.ts'
import { bootInV8, modulesOf } from './v8-stub.ts'

const root = join(import.meta.dirname, '..', '..')

/** The status code of error `name` of interface `iface`, as its definition says. */
function code (iface: string, name: string): number {
  const def = JSON.parse(readFileSync(join(root, 'interfaces', `${iface}.json`), 'utf8')) as { errors?: Array<{ name: string, code: number }> }
  const e = def.errors?.find((x) => x.name === name)
  if (e === undefined) throw new Error(`interfaces/${iface}.json has no error ${name}`)
  return e.code
}

let out = ''
let exitCode = -1

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-natives-'))
  try {
    const wasm = join(dir, 'probe.wasm')
    const stderr: string[] = []
    const { error } = await asc.main([
      join('test', 'bare-metal', 'fixtures', 'natives-probe.ts'), '--outFile', wasm, '--optimizeLevel', '3',
      '--runtime', 'incremental', '--exportStart', '_start', '--use', 'abort=programs/sdk/as/wasmos/abort', '--noAssert'
    ], { stderr: { write: (s: string | Uint8Array) => { stderr.push(String(s)); return true } } })
    if (error != null) throw new Error(`natives-probe.ts did not compile: ${stderr.join('')}`)
    const bytes = readFileSync(wasm)
    const booted = await bootInV8(await modulesOf([{
      name: 'probe', bytes, send: ['random', 'time', 'pci', 'io', 'interrupts', 'loader']
    }]))
    out = booted.out
    exitCode = booted.code
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}, 120_000)

/** The status the probe printed for `label`. */
function status (label: string): number {
  const m = new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: (-?\\d+)$`, 'm').exec(out)
  if (m == null) throw new Error(`the probe printed no "${label}" line; console:\n${out}`)
  return Number(m[1])
}

describe('bare-metal native interfaces', () => {
  it('answer with each interface\'s own named error codes', () => {
    expect(status('stdio.write fd 7')).toBe(code('stdio', 'bad_fd'))
    expect(status('random.bytes 70000')).toBe(code('random', 'too_many'))
    expect(status('registry.register 3 bytes')).toBe(code('registry', 'bad_digest'))
    expect(status('registry.unregister not handled')).toBe(code('registry', 'not_handler'))
    expect(status('process.wait 999')).toBe(code('process', 'not_child'))
    expect(status('process.spawn nosuch')).toBe(code('process', 'not_found'))
    expect(status('pci.info 0x1234')).toBe(code('pci', 'not_found'))
    expect(status('pci.read 0x1234')).toBe(code('pci', 'not_found'))
    expect(status('io.port_in width 3')).toBe(code('io', 'bad_width'))
    expect(status('io.port_in 0x60')).toBe(code('io', 'not_granted'))
    expect(status('io.mmio_read unaligned')).toBe(code('io', 'bad_width'))
    expect(status('io.mmio_read 0x1000')).toBe(code('io', 'not_granted'))
    expect(status('interrupts.next 3')).toBe(code('interrupts', 'not_listening'))
    expect(status('interrupts.listen 3')).toBe(code('interrupts', 'not_granted'))
    expect(status('loader.load bad cid')).toBe(code('loader', 'bad_cid'))
    expect(status('loader.load unknown cid')).toBe(code('loader', 'not_found'))
  })

  it('answer what they grant through the generated answer writers', () => {
    expect(status('random.bytes 16')).toBe(OK)
    expect(status('random.bytes 16 length')).toBe(16)
    expect(status('time.monotonic')).toBe(OK)
  })

  it('answer BAD_REQUEST to payloads that are no message of the interface', () => {
    expect(status('stdio index 9')).toBe(BAD_REQUEST)
    expect(status('stdio.write fd as text')).toBe(BAD_REQUEST)
    expect(status('time not an array')).toBe(BAD_REQUEST)
  })

  it('let the probe end normally', () => {
    expect(out).toMatch(/all programs ended/)
    expect(exitCode).toBe(0)
  })
})
