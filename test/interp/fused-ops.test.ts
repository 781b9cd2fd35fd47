// The call-path and sha256 fusions give V8's results: calls inside a module (OP_CALL_IN), jumps
// that land on a `return` turned into the return, sha256's ch and maj (OP_CHX, OP_MAJX), with
// operands aliased or not, indexed reads (OP_LDIDX, OP_LDIDXR), copies in a row (OP_COPY2) and
// a byte buffer's reads and writes (OP_LDGL, OP_STGL), run whole and in slices of 1 to 4.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Interp, ST_DONE } from '../spec/interp.ts'
import { wat, instantiate, funcAddr, start, rand, v8Exports, result32, runSliced } from './wat.ts'

// bytes 960..1215, all different, where idx reads
const DATA = Array.from({ length: 256 }, (_, k) => '\\' + ((k * 37 + 11) & 255).toString(16).padStart(2, '0')).join('')

const MODULE = String.raw`(module
  ;; sha256's ch as asc emits it: (f & e) ^ (~e & g)
  (func (export "ch") (param i32 i32 i32) (result i32)
    local.get 1 local.get 0 i32.and
    local.get 0 i32.const -1 i32.xor local.get 2 i32.and
    i32.xor)
  ;; the same shape with another constant, and with one local three times
  (func (export "chk") (param i32 i32 i32) (result i32)
    local.get 2 local.get 1 i32.and
    local.get 0 i32.const 0x5a5a1234 i32.xor local.get 0 i32.and
    i32.xor)
  (func (export "maj") (param i32 i32 i32) (result i32)
    local.get 0 local.get 1 i32.and
    local.get 0 local.get 2 i32.and
    local.get 1 local.get 2 i32.and
    i32.xor i32.xor)
  ;; maj-shaped with all six operands distinct, plus an add so the result is used by another op
  (func (export "maj6") (param i32 i32 i32) (result i32) (local i32 i32 i32)
    local.get 0 i32.const 7 i32.rotl local.set 3
    local.get 1 i32.const 13 i32.mul local.set 4
    local.get 2 i32.const 99 i32.sub local.set 5
    local.get 0 local.get 3 i32.and
    local.get 1 local.get 4 i32.and
    local.get 2 local.get 5 i32.and
    i32.xor i32.xor
    local.get 0 i32.add)
  ;; an if/else closing the function: the else's jump becomes a return
  (func $fib (export "fib") (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else
      local.get 0 i32.const 1 i32.sub call $fib
      local.get 0 i32.const 2 i32.sub call $fib
      i32.add
    end)
  ;; a br to the function's block, which ends with the return (two results)
  (func $two (param i32) (result i32 i32)
    block (result i32 i32)
      local.get 0 local.get 0 i32.const 3 i32.mul
      local.get 0 i32.const 1 i32.and
      br_if 0
      drop drop
      local.get 0 i32.const 5 i32.add local.get 0
      br 0
    end)
  (func (export "two") (param i32) (result i32)
    local.get 0 call $two i32.sub)
  ;; indexed reads with a global base (sha256's schedule: w[i - 7]), OP_LDIDX
  (memory 1)
  (global $w (mut i32) (i32.const 256))
  (data (i32.const 960) "${DATA}")
  (func (export "idx") (param i32) (result i32)
    i32.const 1000 global.set $w
    global.get $w local.get 0 i32.const 7 i32.sub i32.const 2 i32.shl i32.add i32.load
    global.get $w local.get 0 i32.const 3 i32.add i32.const 1 i32.shl i32.add i32.load offset=5
    i32.xor
    global.get $w local.get 0 i32.const 2 i32.shl i32.add i32.load offset=2
    i32.add)
  ;; sha256's schedule: an indexed read teed into a local, then its sigma (OP_LDIDXR, OP_SIGMA_S);
  ;; and one written to the local holding the index
  (func (export "sched") (param i32) (result i32) (local i32)
    i32.const 1000 global.set $w
    global.get $w local.get 0 i32.const 15 i32.sub i32.const 2 i32.shl i32.add i32.load
    local.tee 1 i32.const 7 i32.rotr local.get 1 i32.const 18 i32.rotr i32.xor
    local.get 1 i32.const 3 i32.shr_u i32.xor
    global.get $w local.get 0 i32.const 2 i32.shl i32.add i32.load offset=1
    local.set 0
    local.get 0 i32.add local.get 1 i32.add)
  ;; sha256's register rotation: copies in a row (OP_COPY2), each reading what the one before wrote
  (func (export "rot") (param i32 i32 i32) (result i32) (local i32 i32 i32)
    local.get 0 local.set 3
    local.get 3 local.set 4
    local.get 1 local.set 0
    local.get 2 local.set 1
    local.get 0 local.set 2
    local.get 4 local.set 5
    local.get 0 i32.const 3 i32.mul local.get 1 i32.const 5 i32.mul i32.add
    local.get 2 i32.const 7 i32.mul i32.add local.get 3 i32.const 11 i32.mul i32.add
    local.get 4 i32.const 13 i32.mul i32.add local.get 5 i32.const 17 i32.mul i32.add)
  ;; msgpack's put and get: a byte buffer at a global base, the position in a global (OP_LDGL,
  ;; OP_STGL); "bufrw" writes its argument's bytes and a word at 1000 + k, then reads only those
  (global $buf (mut i32) (i32.const 1000))
  (global $pos (mut i32) (i32.const 0))
  (func $put (param i32) (local i32)
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 1 i32.add local.get 0 i32.store8)
  (func $get (result i32) (local i32)
    global.get $pos local.tee 0 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 0 i32.add i32.load8_u)
  (func (export "bufrw") (param i32) (result i32) (local i32 i32)
    i32.const 0 global.set $pos
    local.get 0 call $put local.get 0 i32.const 8 i32.shr_u call $put
    local.get 0 i32.const 16 i32.shr_u call $put
    local.get 0 i32.const 255 i32.and local.set 1
    global.get $buf local.get 1 i32.add local.get 0 i32.store offset=3
    i32.const 0 global.set $pos
    call $get call $get i32.const 8 i32.shl i32.or call $get i32.const 16 i32.shl i32.or
    global.get $buf local.get 1 i32.add i32.load offset=3 i32.xor
    global.get $buf local.get 1 i32.add i32.load8_u offset=4 i32.add)
  ;; the same reads and writes at a base out of bounds (above 64 KiB): traps
  (func (export "bufoob") (param i32 i32) (result i32) (local i32)
    local.get 0 global.set $buf
    i32.const 0 local.set 2
    local.get 1 if
      global.get $buf local.get 2 i32.add local.get 0 i32.store8
      i32.const 0 return
    end
    global.get $buf local.get 2 i32.add i32.load)
  ;; sigmas under a pending local (3-address, OP_SIGMA3_*), and one whose rotates go through a
  ;; local (not fused: the local is written)
  (func (export "sig3") (param i32 i32 i32) (result i32) (local i32)
    local.get 1
    local.get 0 i32.const 6 i32.rotr local.get 0 i32.const 11 i32.rotr i32.xor local.get 0 i32.const 25 i32.rotr i32.xor
    i32.add
    local.get 2
    local.get 1 i32.const 7 i32.rotr local.get 1 i32.const 18 i32.rotr i32.xor local.get 1 i32.const 3 i32.shr_u i32.xor
    i32.add
    local.get 0
    local.get 2 i32.const 7 i32.rotr local.get 2 i32.const 18 i32.rotr local.tee 3 i32.xor local.get 2 i32.const 3 i32.shr_u i32.xor
    i32.add local.get 3 i32.add
    i32.xor i32.add)
  ;; sha256's round reads K[i] and W[i]: the index teed into a local, then global + local loaded
  ;; in 3-address form (OP_LDGLR), also as load8_u, also read into the index's own local
  (func (export "kw") (param i32) (result i32) (local i32 i32)
    i32.const 1000 global.set $buf
    local.get 0 i32.const 63 i32.and i32.const 2 i32.shl local.tee 1 global.get $buf i32.add i32.load
    local.get 1 i32.const 3 i32.shl local.tee 2 global.get $buf i32.add i32.load8_u offset=1
    i32.xor
    local.get 2 global.get $buf i32.add i32.load offset=2 local.set 2
    local.get 2 i32.add)
  (func (export "kwoob") (param i32) (result i32) (local i32)
    local.get 0 global.set $buf
    i32.const 8 local.tee 1 global.get $buf i32.add i32.load)
  (func (export "kwoob8") (param i32) (result i32) (local i32)
    local.get 0 global.set $buf
    i32.const 8 local.tee 1 global.get $buf i32.add i32.load8_u offset=3)
  (func (export "sigb") (param i32 i32 i32) (result i32) (local i32)
    local.get 2
    local.get 1 i32.const 6 i32.rotr local.get 1 i32.const 11 i32.rotr i32.xor local.get 1 i32.const 25 i32.rotr i32.xor
    i32.add)
  ;; the same, the index out of bounds: traps
  (func (export "idxoob") (param i32) (result i32)
    global.get $w local.get 0 i32.const 16 i32.sub i32.const 2 i32.shl i32.add i32.load)
  ;; a jump to a return that is not the function's last instruction
  (func (export "early") (param i32) (result i32) (local i32)
    block
      local.get 0 i32.eqz
      if (result i32) i32.const 11 else local.get 0 i32.const 1 i32.shl end
      local.set 1
      local.get 0 i32.const 100 i32.gt_u
      if local.get 1 return end
    end
    local.get 1 i32.const 1 i32.add)
)`

const bytes = wat(MODULE)
// one instance, its memory and globals shared by the calls like the interpreter's whole run
const fresh = (): Record<string, (...a: number[]) => number> => v8Exports(bytes)
const v8 = fresh()

// (kw reads the data before bufrw writes over it in the shared V8 instance)
const CASES: [string, number][] = [['ch', 3], ['chk', 3], ['maj', 3], ['maj6', 3], ['fib', 1], ['two', 1], ['early', 1], ['idx', 1], ['sched', 1], ['rot', 3], ['kw', 1], ['bufrw', 1], ['sig3', 3], ['sigb', 3]]

test('fused ch/maj, calls and returns agree with V8, whole and in slices', () => {
  const r = rand(12345)
  const whole = new Interp()
  const wi = instantiate(whole, bytes)
  for (const [name, arity] of CASES) {
    for (let n = 0; n < 40; n++) {
      let args = Array.from({ length: arity }, () => r() | 0)
      if (name === 'fib') args = [n % 16]
      if (name === 'early' || name === 'two') args = [n < 20 ? n * 7 : r() | 0]
      // idx reads below the global base too (i - 7 < 0), from 1000 - 28 to 1000 + 4 * 39 + 2
      if (name === 'idx' || name === 'sched') args = [n]
      if (name === 'kw') args = [n * 3 + 1]
      const want = BigInt(v8[name](...args) >>> 0)
      const big = args.map((a) => BigInt(a >>> 0))
      assert.equal(start(whole, funcAddr(whole, wi, name), big), ST_DONE, `${name} whole`)
      assert.equal(result32(whole), want, `${name}(${args}) whole`)
      assert.equal(runSliced(bytes, name, big, 1 + n % 4), want, `${name}(${args}) in slices of ${1 + n % 4}`)
    }
  }
})

test('ch, maj and sigma are fused: one internal instruction each', () => {
  const i = new Interp()
  const iid = instantiate(i, bytes)
  for (const name of ['ch', 'chk', 'maj']) {
    const before = i.x.fuel_used()
    assert.equal(start(i, funcAddr(i, iid, name), [1n, 2n, 3n]), ST_DONE)
    // nine or eleven wasm instructions, four or five internal ones unfused
    assert.equal(i.x.fuel_used() - before, 2n, `${name}: fuel`)
  }
  // a sigma under a pending local: two internal instructions, the sigma and the add (one
  // OP_SIGMA3_ADD) and the return of the sum's slot (seven with the sigma unfused)
  const before = i.x.fuel_used()
  assert.equal(start(i, funcAddr(i, iid, 'sigb'), [1n, 2n, 3n]), ST_DONE)
  assert.equal(i.x.fuel_used() - before, 2n, 'sigb: fuel')
})

test('an indexed read out of bounds traps like V8', () => {
  const v8 = fresh()
  const i = new Interp()
  const iid = instantiate(i, bytes)
  // idx sets the base to 1000 in both
  assert.notEqual(v8.idx(10), 0, 'idx reads the data, not zeros')
  assert.equal(start(i, funcAddr(i, iid, 'idx'), [10n]), ST_DONE)
  assert.throws(() => v8.idxoob(16 + 65536 / 4), /out of bounds/)
  assert.notEqual(start(i, funcAddr(i, iid, 'idxoob'), [BigInt(16 + 65536 / 4)]), ST_DONE)
  assert.match(i.trapReason(), /out of bounds memory access/)
  const before = i.x.fuel_used()
  assert.equal(start(i, funcAddr(i, iid, 'idxoob'), [16n]), ST_DONE)
  assert.equal(BigInt.asUintN(32, i.x.result(0)), BigInt(v8.idxoob(16) >>> 0))
  // eight wasm instructions, four internal ones unfused: one, plus the return
  assert.equal(i.x.fuel_used() - before, 2n, 'idxoob: fuel')
  // sched: eight internal instructions, the two indexed reads into locals and the sigma one
  // each (five, five and five unfused)
  const b2 = i.x.fuel_used()
  assert.equal(start(i, funcAddr(i, iid, 'sched'), [30n]), ST_DONE)
  assert.equal(i.x.fuel_used() - b2, 8n, 'sched: fuel')
})

test('a buffer read or write out of bounds traps like V8, and in bounds does not', () => {
  for (const name of ['kwoob', 'kwoob8']) {
    for (const base of [65536 - 12, 65536 - 11, 65536 - 9, 65536 - 8, 65536 - 7, 0x7fffffff, -8]) {
      const i = new Interp()
      const iid = instantiate(i, bytes)
      let want: number | 'trap'
      try { want = fresh()[name](base) >>> 0 } catch { want = 'trap' }
      const st = start(i, funcAddr(i, iid, name), [BigInt(base >>> 0)])
      if (want === 'trap') {
        assert.notEqual(st, ST_DONE, `${name}(${base}) traps`)
        assert.match(i.trapReason(), /out of bounds memory access/)
      } else {
        assert.equal(st, ST_DONE, `${name}(${base})`)
        assert.equal(BigInt.asUintN(32, i.x.result(0)), BigInt(want), `${name}(${base})`)
      }
    }
  }
  for (const write of [0, 1]) {
    for (const base of [65536 - 4, 65536 - 1, 65536, 0x7fffffff, -1]) {
      const i = new Interp()
      const iid = instantiate(i, bytes)
      let want: number | 'trap'
      try { want = fresh().bufoob(base, write) >>> 0 } catch { want = 'trap' }
      const st = start(i, funcAddr(i, iid, 'bufoob'), [BigInt(base >>> 0), BigInt(write)])
      if (want === 'trap') {
        assert.notEqual(st, ST_DONE, `bufoob(${base}, ${write}) traps`)
        assert.match(i.trapReason(), /out of bounds memory access/)
      } else {
        assert.equal(st, ST_DONE, `bufoob(${base}, ${write})`)
        assert.equal(BigInt.asUintN(32, i.x.result(0)), BigInt(want), `bufoob(${base}, ${write})`)
      }
    }
  }
})
