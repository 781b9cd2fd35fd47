// Test helpers: assemble WebAssembly text with wabt's wat2wasm, and run calls to completion on
// the interpreter built to wasm (build/interp/spec.wasm).
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Interp, ST_DONE, ST_FUEL, ST_RUN } from '../spec/interp.ts'

await import('../../scripts/build.d/40-interp.ts')

export function wat (text: string): Uint8Array<ArrayBuffer> {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-wat-'))
  try {
    writeFileSync(join(dir, 'm.wat'), text)
    execFileSync('wat2wasm', [join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')], { stdio: ['ignore', 'ignore', 'pipe'] })
    return new Uint8Array(readFileSync(join(dir, 'm.wasm')))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Loads, links (imports by "module.name" from `imports`) and initializes; returns the instance.
export function instantiate (i: Interp, bytes: Uint8Array, imports: Record<string, { kind: number, addr: number }> = {}): number {
  const mid = i.load(bytes)
  if (typeof mid === 'string') throw new Error(`load: ${mid}`)
  const externs = i.imports(mid).map((imp) => {
    const e = imports[`${imp.module}.${imp.name}`]
    if (e === undefined) throw new Error(`no import ${imp.module}.${imp.name}`)
    return e
  })
  const iid = i.instantiate(mid, externs)
  if (typeof iid === 'string') throw new Error(`instantiate: ${iid}`)
  if (i.x.initialize(iid) !== 0) throw new Error(`initialize: ${i.lastError()}`)
  const startFn = i.x.start_func(iid)
  if (startFn >= 0 && start(i, startFn, []) !== ST_DONE) throw new Error('start function did not finish')
  return iid
}

export function funcAddr (i: Interp, iid: number, name: string): number {
  const e = i.exportOf(iid, name)
  if (e === undefined) throw new Error(`no export ${name}`)
  return e.addr
}

// Starts a call; returns the first status that is not "keep running".
export function start (i: Interp, addr: number, args: bigint[], fuel = 1n << 40n): number {
  i.x.reset_call()
  for (const a of args) i.x.push_arg(a)
  let st = i.x.call(addr)
  while (st === ST_RUN || st === ST_FUEL) st = i.x.run(fuel)
  return st
}
