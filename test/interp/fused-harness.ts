// The harness of the fused-instruction tests (fused-ops*.test.ts): each exported function of a
// module run on the interpreter against V8, whole and in fuel slices of 1 to 4, out-of-bounds
// cases checked to trap (or not) as in V8, and the internal instructions a call costs.
import assert from 'node:assert/strict'
import { Interp, ST_DONE, ST_TRAP } from '../spec/interp.ts'
import { instantiate, funcAddr, start, rand, v8Exports, result32 } from './wat.ts'

export type Exports = Record<string, (...a: number[]) => number>

/** Checks run after a call on the interpreter `i` (instance `iid`) and on V8's instance `v`, e.g. a global or bytes of memory. */
export type After = (i: Interp, iid: number, v: Exports, label: string) => void

export interface AgreeOptions {
  seed: number
  /** calls per function */
  runs: number
  /**
   * 'shared': one V8 instance and one interpreter instance take every call in the same order
   * (so a call may read what an earlier one stored), the sliced run in an instance of its own;
   * 'fresh': new instances for every call, on V8 and on both interpreter runs.
   */
  instances: 'shared' | 'fresh'
  /** functions whose result depends on earlier calls: not run sliced (shared instances only) */
  notSliced?: string[]
  /** run after the sliced call, on its interpreter instance and the call's V8 instance */
  after?: After
}

/** Every function of `names`, `runs` times with `args(name, n, r)`, gives V8's 32-bit result, whole and in slices of 1 + n % 4 instructions. */
export function agreeWithV8 (bytes: Uint8Array<ArrayBuffer>, names: string[], args: (name: string, n: number, r: () => number) => number[], o: AgreeOptions): void {
  const r = rand(o.seed)
  const shared = o.instances === 'shared'
  const sv = shared ? v8Exports(bytes) : undefined
  const sw = shared ? new Interp() : undefined
  const swi = sw === undefined ? -1 : instantiate(sw, bytes)
  for (const name of names) {
    for (let n = 0; n < o.runs; n++) {
      const a = args(name, n, r)
      const v = sv ?? v8Exports(bytes)
      const want = BigInt(v[name](...a) >>> 0)
      const big = a.map((x) => BigInt(x >>> 0))
      const whole = sw ?? new Interp()
      const wi = sw === undefined ? instantiate(whole, bytes) : swi
      assert.equal(start(whole, funcAddr(whole, wi, name), big), ST_DONE, `${name}(${a}) whole`)
      assert.equal(result32(whole), want, `${name}(${a}) whole`)
      if (o.notSliced?.includes(name) === true) continue
      const slice = 1 + n % 4
      const sliced = new Interp()
      const si = instantiate(sliced, bytes)
      assert.equal(start(sliced, funcAddr(sliced, si, name), big, BigInt(slice)), ST_DONE, `${name}(${a}) in slices of ${slice}`)
      assert.equal(result32(sliced), want, `${name}(${a}) in slices of ${slice}`)
      o.after?.(sliced, si, v, `${name}(${a}) in slices of ${slice}`)
    }
  }
}

/**
 * Each call of `cases`, in fresh instances for every fuel slice of `fuels`, traps as in V8
 * (with the spec's out-of-bounds reason) or gives V8's result; `after` then compares what the
 * call left behind (on the trapping path: what ran before the access).
 */
export function trapsLikeV8 (bytes: Uint8Array<ArrayBuffer>, cases: [string, number[]][], fuels: bigint[], after?: After): void {
  for (const [name, a] of cases) {
    for (const fuel of fuels) {
      const v = v8Exports(bytes)
      let want: number | 'trap'
      try { want = v[name](...a) >>> 0 } catch { want = 'trap' }
      const i = new Interp()
      const iid = instantiate(i, bytes)
      const label = `${name}(${a}) in slices of ${fuel}`
      const st = start(i, funcAddr(i, iid, name), a.map((x) => BigInt(x >>> 0)), fuel)
      if (want === 'trap') {
        assert.equal(st, ST_TRAP, `${label} traps`)
        assert.match(i.trapReason(), /out of bounds memory access/, label)
      } else {
        assert.equal(st, ST_DONE, label)
        assert.equal(result32(i), BigInt(want), label)
      }
      after?.(i, iid, v, label)
    }
  }
}

/** An instance of the module and a function giving the internal instructions (fuel) a call of it costs. */
export function fuelCounter (bytes: Uint8Array<ArrayBuffer>): (name: string, a: bigint[]) => bigint {
  const i = new Interp()
  const iid = instantiate(i, bytes)
  return (name, a) => {
    const before = i.x.fuel_used()
    assert.equal(start(i, funcAddr(i, iid, name), a), ST_DONE, name)
    return i.x.fuel_used() - before
  }
}

/** An `After` comparing a global read by the module's exported getter `name` (e.g. msgpack's pos). */
export function sameGetter (name: string): After {
  return (i, iid, v, label) => {
    assert.equal(start(i, funcAddr(i, iid, name), []), ST_DONE)
    assert.equal(Number(result32(i)), v[name]() >>> 0, `${label}: ${name}`)
  }
}

/** An `After` comparing the bytes at `from`..`to` - 1 through the module's exported `peek(addr)`. */
export function sameBytes (from: number, to: number): After {
  return (i, iid, v, label) => {
    for (let a = from; a < to; a++) {
      assert.equal(start(i, funcAddr(i, iid, 'peek'), [BigInt(a)]), ST_DONE)
      assert.equal(Number(result32(i)), v.peek(a), `${label}: byte ${a}`)
    }
  }
}
