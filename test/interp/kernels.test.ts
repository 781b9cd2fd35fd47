// The bench's compute kernels (AssemblyScript compiled by asc: real toolchain output, with a
// start function, a heap and memory.grow) give the same results on the interpreter as on V8,
// whether run in one go or preempted every few thousand instructions.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { Interp, ST_DONE, ST_FUEL, ST_RUN, K_FUNC, T_I32 } from '../spec/interp.ts'
import { KERNELS, buildKernel, interpRun } from '../../bench/interp.ts'

const SIZES: Record<string, number[]> = {
  fib: [0, 1, 2, 15, 20],
  sieve: [0, 2, 100, 50_000],
  sha256: [0, 1, 55, 56, 64, 1000, 20_000],
  msgpack: [0, 1, 200, 3000],
}

function v8 (bytes: Uint8Array<ArrayBuffer>, n: number): number {
  const inst = new WebAssembly.Instance(new WebAssembly.Module(bytes), { env: { abort: () => { throw new Error('abort') } } })
  return (inst.exports.run as (n: number) => number)(n) >>> 0
}

for (const k of KERNELS) {
  test(`${k.name}: same results as V8`, () => {
    const bytes = new Uint8Array(readFileSync(buildKernel(k.name, k.src)))
    for (const n of SIZES[k.name]) {
      assert.equal(interpRun(new Interp(), bytes, n).result, v8(bytes, n), `${k.name}(${n})`)
    }
  })
}

test('sha256 preempted every 5000 instructions gives the same digest', () => {
  const k = KERNELS.find((x) => x.name === 'sha256')!
  const bytes = new Uint8Array(readFileSync(buildKernel(k.name, k.src)))
  const i = new Interp()
  const mid = i.load(bytes) as number
  const abort = i.hostFunc([T_I32, T_I32, T_I32, T_I32], [], 1)
  const iid = i.instantiate(mid, i.imports(mid).map(() => ({ kind: K_FUNC, addr: abort }))) as number
  assert.equal(i.x.initialize(iid), 0)
  const start = i.x.start_func(iid)
  if (start >= 0) {
    i.x.reset_call()
    let st = i.x.call(start)
    while (st === ST_RUN || st === ST_FUEL) st = i.x.run(5000n)
    assert.equal(st, ST_DONE)
  }
  i.x.reset_call()
  i.x.push_arg(10_000n)
  let st = i.x.call(i.exportOf(iid, 'run')!.addr)
  let slices = 0
  while (st === ST_RUN || st === ST_FUEL) {
    st = i.x.run(5000n)
    slices++
  }
  assert.equal(st, ST_DONE)
  assert.ok(slices > 10)
  assert.equal(Number(BigInt.asUintN(32, i.x.result(0))), v8(bytes, 10_000))
})
