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

/** A xorshift generator: the same seed gives the same arguments run after run. */
export function rand (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s ^= s << 13; s >>>= 0; s ^= s >>> 17; s ^= s << 5; s >>>= 0
    return s
  }
}

/** V8's instance of the module, the reference the interpreter's results are checked against. */
export function v8Exports (bytes: Uint8Array<ArrayBuffer>): Record<string, (...a: number[]) => number> {
  return new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, (...a: number[]) => number>
}

/** The first result of the call that ended, as an unsigned 32-bit value. */
export function result32 (i: Interp): bigint {
  return BigInt.asUintN(32, i.x.result(0))
}

/** Runs `name(args)` in a fresh instance, `slice` instructions of fuel at a time; returns its result. */
export function runSliced (bytes: Uint8Array, name: string, args: bigint[], slice: number): bigint {
  const i = new Interp()
  const iid = instantiate(i, bytes)
  if (start(i, funcAddr(i, iid, name), args, BigInt(slice)) !== ST_DONE) throw new Error(`${name} in slices of ${slice} did not finish: ${i.trapReason()}`)
  return result32(i)
}
