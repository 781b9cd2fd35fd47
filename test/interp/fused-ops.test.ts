// The call-path and sha256 fusions give V8's results: calls inside a module (OP_CALL_IN), jumps
// that land on a `return` turned into the return, sha256's ch and maj (OP_CHX, OP_MAJX), with
// operands aliased or not, indexed reads (OP_LDIDX, OP_LDIDXR), copies in a row (OP_COPY2) and
// a byte buffer's reads and writes (OP_LDGL, OP_STGL), run whole and in slices of 1 to 4.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { wat, v8Exports } from './wat.ts'
import { agreeWithV8, trapsLikeV8, fuelCounter } from './fused-harness.ts'

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

function args (name: string, n: number, r: () => number): number[] {
  if (name === 'fib') return [n % 16]
  if (name === 'early' || name === 'two') return [n < 20 ? n * 7 : r() | 0]
  // idx reads below the global base too (i - 7 < 0), from 1000 - 28 to 1000 + 4 * 39 + 2
  if (name === 'idx' || name === 'sched') return [n]
  if (name === 'kw') return [n * 3 + 1]
  return Array.from({ length: ['ch', 'chk', 'maj', 'maj6', 'rot', 'sig3', 'sigb'].includes(name) ? 3 : 1 }, () => r() | 0)
}

// (kw reads the data before bufrw writes over it in the shared instances)
const CASES = ['ch', 'chk', 'maj', 'maj6', 'fib', 'two', 'early', 'idx', 'sched', 'rot', 'kw', 'bufrw', 'sig3', 'sigb']

test('fused ch/maj, calls and returns agree with V8, whole and in slices', { timeout: 180_000 }, () => {
  agreeWithV8(bytes, CASES, args, { seed: 12345, runs: 40, instances: 'shared' })
})

test('ch, maj and sigma are fused: one internal instruction each', () => {
  const fuel = fuelCounter(bytes)
  // nine or eleven wasm instructions, four or five internal ones unfused
  for (const name of ['ch', 'chk', 'maj']) assert.equal(fuel(name, [1n, 2n, 3n]), 2n, `${name}: fuel`)
  // a sigma under a pending local: two internal instructions, the sigma and the add (one
  // OP_SIGMA3_ADD) and the return of the sum's slot (seven with the sigma unfused)
  assert.equal(fuel('sigb', [1n, 2n, 3n]), 2n, 'sigb: fuel')
})

test('an indexed read out of bounds traps like V8', () => {
  // idx sets the base to 1000 in both
  assert.notEqual(v8Exports(bytes).idx(10), 0, 'idx reads the data, not zeros')
  trapsLikeV8(bytes, [['idx', [10]], ['idxoob', [16 + 65536 / 4]], ['idxoob', [16]]], [1n << 40n, 1n])
  const fuel = fuelCounter(bytes)
  // eight wasm instructions, four internal ones unfused: one, plus the return
  assert.equal(fuel('idxoob', [16n]), 2n, 'idxoob: fuel')
  // sched: eight internal instructions, the two indexed reads into locals and the sigma one
  // each (five, five and five unfused)
  assert.equal(fuel('sched', [30n]), 8n, 'sched: fuel')
})

test('a buffer read or write out of bounds traps like V8, and in bounds does not', () => {
  const cases: [string, number[]][] = []
  for (const name of ['kwoob', 'kwoob8']) {
    for (const base of [65536 - 12, 65536 - 11, 65536 - 9, 65536 - 8, 65536 - 7, 0x7fffffff, -8]) cases.push([name, [base]])
  }
  for (const write of [0, 1]) {
    for (const base of [65536 - 4, 65536 - 1, 65536, 0x7fffffff, -1]) cases.push(['bufoob', [base, write]])
  }
  trapsLikeV8(bytes, cases, [1n << 40n])
})
