// Differential test of the interpreter's compiler (register form: pending local.get/constants,
// 3-address instructions, fused compare-and-jump, the stack pointer kept only where needed)
// against V8: random but valid functions mixing expressions, local.tee of locals that are still
// pending lower on the stack, globals, loads and stores, blocks and ifs with results, br_if
// carrying values, loops, calls and select. Every function runs on both engines, once to the
// end and once in slices of a few instructions (suspending anywhere mid-expression); results,
// globals and memory must agree.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Interp, ST_DONE } from '../spec/interp.ts'
import { wat, instantiate, funcAddr, start } from './wat.ts'

// xorshift32: the same programs on every run
function rng (seed: number): () => number {
  let s = seed >>> 0 || 1
  return () => {
    s ^= s << 13; s >>>= 0
    s ^= s >>> 17
    s ^= s << 5; s >>>= 0
    return s
  }
}

const I32_LOCALS = [0, 2, 3]
const I64_LOCALS = [1, 4, 5]
const COUNTERS = [6, 7, 8, 9] // loop counters: never written by anything else

class Gen {
  r: () => number
  loops = 0
  constructor (r: () => number) { this.r = r }
  n (k: number): number { return this.r() % k }
  pick<T>(a: T[]): T { return a[this.n(a.length)] }

  c32 (): string {
    return String(this.pick([0, 1, -1, 2, 7, 31, 32, 255, 0x7fffffff, -0x80000000, this.r() | 0, this.n(100)]))
  }

  c64 (): string {
    return this.pick(['0', '1', '-1', '63', '0x7fffffffffffffff', '-0x8000000000000000', String(this.r()), `${this.r()}${this.n(1000)}`])
  }

  addr (d: number, mask: number): string {
    // sometimes base + index, both computed: the add folds into the load or store
    if (this.n(3) === 0) return `(i32.add (i32.and ${this.i32(d)} (i32.const ${mask & 0x7c})) (i32.and ${this.i32(d)} (i32.const ${mask & 0x78})))`
    return `(i32.and ${this.i32(d)} (i32.const ${mask}))`
  }

  i32 (d: number): string {
    const k = d <= 0 ? this.n(3) : this.n(22)
    switch (k) {
      case 0: return `(i32.const ${this.c32()})`
      case 1: return `(local.get ${this.pick(I32_LOCALS)})`
      case 2: return '(global.get $g0)'
      case 3: case 4: case 5: {
        const op = this.pick(['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr',
          'eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'])
        return `(i32.${op} ${this.i32(d - 1)} ${this.i32(d - 1)})`
      }
      case 6: return `(i32.${this.pick(['div_u', 'rem_u'])} ${this.i32(d - 1)} (i32.or ${this.i32(d - 1)} (i32.const 1)))`
      case 7: return `(i32.eqz ${this.i32(d - 1)})`
      case 8: return `(i32.wrap_i64 ${this.i64(d - 1)})`
      case 9: return `(i64.${this.pick(['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'ge_u', 'le_s'])} ${this.i64(d - 1)} ${this.i64(d - 1)})`
      case 10: return `(local.tee ${this.pick(I32_LOCALS)} ${this.i32(d - 1)})`
      case 11: return `(${this.pick(['i32.load', 'i32.load8_u', 'i32.load8_s', 'i32.load16_u'])} offset=${this.n(8)} ${this.addr(d - 1, 0xfc)})`
      case 12: return `(if (result i32) ${this.i32(d - 1)} (then ${this.i32(d - 1)}) (else ${this.i32(d - 1)}))`
      case 13: return `(block (result i32) ${this.stmt(d - 1)} ${this.i32(d - 1)})`
      case 14: return `(block (result i32) (drop (br_if 0 ${this.i32(d - 1)} ${this.i32(d - 1)})) ${this.stmt(d - 1)} ${this.i32(d - 1)})`
      case 15: return `(select ${this.i32(d - 1)} ${this.i32(d - 1)} ${this.i32(d - 1)})`
      case 16: return `(call $h ${this.i32(d - 1)} ${this.i64(d - 1)})`
      case 17: return `(i32.${this.pick(['clz', 'ctz', 'popcnt', 'extend8_s'])} ${this.i32(d - 1)})`
      case 18: return `(i32.eqz (i64.eqz ${this.i64(d - 1)}))`
      // an i64 local compared with an extended i32 (FUSE64_LXS, and its jump forms under if/br_if)
      case 19: return this.cmpX(d - 1)
      case 20: {
        // sha256's sigma shape (OP_SIGMA_R/S); shift counts beyond 31 wrap
        const x = this.pick(I32_LOCALS)
        const c = () => this.pick(['2', '13', '22', '7', '18', '3', '31', '33', '-5'])
        return `(i32.xor (i32.xor (i32.rotr (local.get ${x}) (i32.const ${c()})) (i32.rotr (local.get ${x}) (i32.const ${c()}))) (i32.${this.pick(['rotr', 'shr_u'])} (local.get ${x}) (i32.const ${c()})))`
      }
      default: return `(i32.add (local.get ${this.pick(I32_LOCALS)}) (local.tee ${this.pick(I32_LOCALS)} ${this.i32(d - 1)}))`
    }
  }

  cmpX (d: number): string {
    return `(i64.${this.pick(['eq', 'ne', 'lt_s', 'lt_u', 'gt_s', 'gt_u', 'le_s', 'le_u', 'ge_s', 'ge_u'])} (local.get ${this.pick(I64_LOCALS)}) (i64.extend_i32_s ${this.i32(d)}))`
  }

  i64 (d: number): string {
    const k = d <= 0 ? this.n(3) : this.n(14)
    switch (k) {
      case 0: return `(i64.const ${this.c64()})`
      case 1: return `(local.get ${this.pick(I64_LOCALS)})`
      case 2: return '(global.get $g1)'
      case 3: case 4: case 5: {
        const op = this.pick(['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'])
        return `(i64.${op} ${this.i64(d - 1)} ${this.i64(d - 1)})`
      }
      case 6: return `(i64.extend_i32_${this.pick(['s', 'u'])} ${this.i32(d - 1)})`
      case 7: return `(local.tee ${this.pick(I64_LOCALS)} ${this.i64(d - 1)})`
      case 8: return `(${this.pick(['i64.load', 'i64.load32_u', 'i64.load8_s'])} offset=${this.n(8)} ${this.addr(d - 1, 0xf8)})`
      case 9: return `(if (result i64) ${this.i32(d - 1)} (then ${this.i64(d - 1)}) (else ${this.i64(d - 1)}))`
      case 10: return `(select ${this.i64(d - 1)} ${this.i64(d - 1)} ${this.i32(d - 1)})`
      case 11: return `(i64.add (local.get ${this.pick(I64_LOCALS)}) (local.tee ${this.pick(I64_LOCALS)} ${this.i64(d - 1)}))`
      case 12: {
        // an i64 local op an extended i32 (FUSE64_LXS)
        const op = this.pick(['add', 'sub', 'mul', 'and', 'or', 'xor', 'shl', 'shr_s', 'shr_u', 'rotl', 'rotr'])
        return `(i64.${op} (local.get ${this.pick(I64_LOCALS)}) (i64.extend_i32_s ${this.n(2) === 0 ? `(local.get ${this.pick(I32_LOCALS)})` : this.i32(d - 1)}))`
      }
      default: return `(i64.extend_i32_u (local.get ${this.pick(I32_LOCALS)}))`
    }
  }

  stmt (d: number): string {
    const k = d <= 0 ? this.n(4) : this.n(13)
    switch (k) {
      case 0: return `(local.set ${this.pick(I32_LOCALS)} ${this.i32(d - 1)})`
      case 1: return `(local.set ${this.pick(I64_LOCALS)} ${this.i64(d - 1)})`
      case 2: return `(global.set $g0 ${this.i32(d - 1)})`
      case 3: return this.n(2) === 0 ? 'nop' : `(global.set $g0 (i32.${this.pick(['add', 'sub'])} (local.get ${this.pick(I32_LOCALS)}) (i32.const ${this.c32()})))`
      case 4: return `(global.set $g1 ${this.i64(d - 1)})`
      case 5: return `(${this.pick(['i32.store', 'i32.store8', 'i32.store16'])} offset=${this.n(8)} ${this.addr(d - 1, 0xfc)} ${this.i32(d - 1)})`
      case 6: return `(i64.store offset=${this.n(8)} ${this.addr(d - 1, 0xf8)} ${this.i64(d - 1)})`
      case 7: return `(if ${this.i32(d - 1)} (then ${this.stmt(d - 1)} ${this.stmt(d - 1)}) (else ${this.stmt(d - 1)}))`
      case 8: return `(block ${this.stmt(d - 1)} (br_if 0 ${this.i32(d - 1)}) ${this.stmt(d - 1)})`
      case 9: {
        if (this.loops >= COUNTERS.length) return `(drop ${this.i64(d - 1)})`
        const c = COUNTERS[this.loops++]
        if (this.n(2) === 0) return this.whileLoop(c, d)
        return `(local.set ${c} (i32.const 0)) (loop ${this.stmt(d - 1)} ${this.stmt(d - 1)}
          (br_if 0 (i32.lt_u (local.tee ${c} (i32.add (local.get ${c}) (i32.const 1))) (i32.const ${1 + this.n(5)}))))`
      }
      case 10: return `(drop ${this.i32(d - 1)})`
      // compare-and-jump forms of FUSE64_LXS
      case 11: return this.n(2) === 0
        ? `(if ${this.cmpX(d - 1)} (then ${this.stmt(d - 1)}) (else ${this.stmt(d - 1)}))`
        : `(block ${this.stmt(d - 1)} (br_if 0 ${this.cmpX(d - 1)}) ${this.stmt(d - 1)})`
      default: return `${this.stmt(d - 1)} ${this.stmt(d - 1)}`
    }
  }

  // `loop (if <compare> (then ... (br 1)))`, whose br repeats the compare (Decoder.rotateLoop)
  whileLoop (c: number, d: number): string {
    const n = 1 + this.n(5)
    const next = `(local.set ${c} (i32.add (local.get ${c}) (i32.const 1)))`
    const br = this.n(2) === 0 ? '(br 1)' : `(block ${this.stmt(d - 1)} (br 2))`
    const els = this.n(2) === 0 ? '' : ` (else ${this.stmt(d - 1)})`
    switch (this.n(3)) {
      case 0: return `(local.set ${c} (i32.const 0)) (loop (if (i32.lt_u (local.get ${c}) (i32.const ${n}))
          (then ${this.stmt(d - 1)} ${next} ${br})${els}))`
      case 1: return `(local.set ${c} (i32.const ${n})) (loop (if (local.get ${c})
          (then ${this.stmt(d - 1)} (local.set ${c} (i32.sub (local.get ${c}) (i32.const 1))) ${br})${els}))`
      default: return `(local.set 10 (i64.const ${n})) (local.set ${c} (i32.const 0)) (loop (if (i64.gt_s (local.get 10) (i64.extend_i32_s (local.get ${c})))
          (then ${this.stmt(d - 1)} ${next} ${br})${els}))`
    }
  }

  func (name: string): string {
    this.loops = 0
    const body = [this.stmt(4), this.stmt(4), this.stmt(3)].join('\n    ')
    return `(func (export "${name}") (param i32 i64) (result i64) (local i32 i32 i64 i64 i32 i32 i32 i32 i64)
    ${body}
    (i64.add ${this.i64(3)} (i64.xor (i64.extend_i32_u (i32.add (local.get 2) (local.get 3)))
      (i64.add (local.get 4) (i64.extend_i32_s (local.get 0))))))`
  }
}

const FUNCS = 40

function program (seed: number): string {
  const g = new Gen(rng(seed))
  const funcs = []
  for (let k = 0; k < FUNCS; k++) funcs.push(g.func(`f${k}`))
  return `(module
  (memory (export "mem") 1)
  (global $g0 (mut i32) (i32.const 7))
  (global $g1 (mut i64) (i64.const 9))
  (func $h (param i32 i64) (result i32) (i32.xor (local.get 0) (i32.wrap_i64 (i64.rotl (local.get 1) (i64.const 7)))))
  (func (export "globals") (result i64) (i64.add (i64.extend_i32_u (global.get $g0)) (global.get $g1)))
  ${funcs.join('\n  ')})`
}

for (const seed of [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]) {
  test(`register form: random functions agree with V8 (seed ${seed})`, () => {
    const bytes = wat(program(seed))
    const v8 = new WebAssembly.Instance(new WebAssembly.Module(bytes)).exports as Record<string, CallableFunction> & { mem: WebAssembly.Memory }
    const whole = new Interp()
    const sliced = new Interp()
    const wi = instantiate(whole, bytes)
    const si = instantiate(sliced, bytes)
    const r = rng(seed * 7919)
    for (let k = 0; k < FUNCS; k++) {
      const a = r() | 0
      const b = (BigInt(r()) << 32n) | BigInt(r())
      const want = BigInt.asUintN(64, v8[`f${k}`](a, BigInt.asIntN(64, b)) as bigint)
      const args = [BigInt.asUintN(32, BigInt(a)), b]
      assert.equal(start(whole, funcAddr(whole, wi, `f${k}`), args), ST_DONE, `f${k}: ${whole.trapReason()}`)
      assert.equal(BigInt.asUintN(64, whole.x.result(0)), want, `f${k} (seed ${seed})`)
      assert.equal(start(sliced, funcAddr(sliced, si, `f${k}`), args, 3n + BigInt(k % 5)), ST_DONE, `f${k} sliced`)
      assert.equal(BigInt.asUintN(64, sliced.x.result(0)), want, `f${k} in slices (seed ${seed})`)
    }
    const globals = BigInt.asUintN(64, v8.globals() as bigint)
    for (const [i, iid] of [[whole, wi], [sliced, si]] as [Interp, number][]) {
      assert.equal(start(i, funcAddr(i, iid, 'globals'), []), ST_DONE)
      assert.equal(BigInt.asUintN(64, i.x.result(0)), globals, 'globals')
      assert.deepEqual(i.readMemory(iid, 0, 512), new Uint8Array(v8.mem.buffer, 0, 512), 'memory')
    }
  })
}
