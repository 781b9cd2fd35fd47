// The fifth pass's fusions give V8's results, whole and in slices of 1 to 4 instructions:
// msgpack's byte read at buf[pos++] into a slot (OP_GETBR), pos bumped and buf + pos pushed
// (OP_GGET_GADDL, also when the push became a load and runs on its own), a loop's step, length
// read and test (OP_ALJ), and sha256's sigma0 + maj stored (OP_SIGMA_MAJ), two groups of copies
// and an add (OP_COPY3_ADD2), h + sigma1(e) (OP_SIGMA3_ADD) and ch then two or three adds
// (OP_CHX3_ADD3), a sigma added in place and the add after it (OP_SIGMAS_ADD2); out of bounds
// the first part runs and the access traps like V8; each saves the internal instructions it runs.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { wat } from './wat.ts'
import { agreeWithV8, trapsLikeV8, fuelCounter, sameGetter } from './fused-harness.ts'

const MODULE = String.raw`(module
  (memory 1)
  (data (i32.const 900) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\81\92\a3\b4\c5\d6\e7\f8")
  (global $pos (mut i32) (i32.const 0))
  (global $buf (mut i32) (i32.const 900))
  ;; msgpack's name loop: sum = sum * 31 + buf[pos++] (OP_GETBR), the buffer at base b
  (func (export "getbr") (param i32 i32 i32) (result i32) (local i32 i32 i32)
    local.get 0 global.set $buf
    local.get 1 global.set $pos
    loop
      local.get 4 local.get 2 i32.lt_s if
        global.get $pos local.tee 5 i32.const 1 i32.add global.set $pos
        local.get 5 global.get $buf i32.add i32.load8_u
        local.get 3 i32.const 31 i32.mul i32.add local.set 3
        local.get 4 i32.const 1 i32.add local.set 4
        br 1
      end
    end
    i32.const 900 global.set $buf
    local.get 3 global.get $pos i32.const 16 i32.shl i32.xor)
  ;; msgpack's digits: buf[pos++] = 48 + v % 10, the value computed on the stack (OP_GGET_GADDL),
  ;; and pos bumped before a 32-bit read at buf + pos (the push made an OP_LDGL: the bump alone)
  (func (export "digits") (param i32 i32) (result i32) (local i32)
    local.get 0 global.set $buf
    i32.const 2 global.set $pos
    global.get $pos local.tee 2 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 2 i32.add local.get 1 i32.const 10 i32.rem_u i32.const 48 i32.add i32.store8
    global.get $pos local.tee 2 i32.const 2 i32.add global.set $pos
    global.get $buf local.get 2 i32.add local.get 1 i32.const 100 i32.div_u i32.const 48 i32.add i32.store8
    global.get $pos i32.const 4 i32.sub global.set $pos
    global.get $pos local.tee 2 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 2 i32.add i32.load
    i32.const 900 global.set $buf)
  ;; putStr's loop: i < the length stored 4 bytes before s (rotated with the read, OP_ALJ); the
  ;; body moves s by d each time, so that the repeated read may leave the memory
  (func (export "alj") (param i32 i32 i32) (result i32) (local i32 i32)
    local.get 0 i32.const 4 i32.sub local.get 2 i32.store
    loop
      local.get 3 local.get 0 i32.const 20 i32.sub i32.load offset=16 i32.lt_s if
        local.get 4 local.get 3 i32.add i32.const 7 i32.mul local.set 4
        local.get 0 local.get 1 i32.add local.set 0
        local.get 3 i32.const 1 i32.add local.set 3
        br 1
      end
    end
    local.get 4 local.get 3 i32.const 24 i32.shl i32.xor)
  ;; sha256's t2 = sigma0(a) + maj(a, b, c) (OP_SIGMA_MAJ), then with aliased maj operands
  (func (export "t2") (param i32 i32 i32) (result i32) (local i32 i32)
    local.get 0 i32.const 2 i32.rotr local.get 0 i32.const 13 i32.rotr i32.xor local.get 0 i32.const 22 i32.rotr i32.xor
    local.get 0 local.get 1 i32.and local.get 0 local.get 2 i32.and local.get 1 local.get 2 i32.and i32.xor i32.xor
    i32.add local.set 3
    local.get 3 i32.const 6 i32.rotr local.get 3 i32.const 11 i32.rotr i32.xor local.get 3 i32.const 25 i32.rotr i32.xor
    local.get 3 local.get 3 i32.and local.get 3 local.get 0 i32.and local.get 0 local.get 3 i32.and i32.xor i32.xor
    i32.add local.set 4
    local.get 3 local.get 4 i32.xor)
  ;; sha256's register rotation, both halves (OP_COPY3_ADD2): copies reading what the previous
  ;; group wrote, then a third group on its own
  (func (export "rot6") (param i32 i32 i32 i32) (result i32) (local i32 i32 i32 i32 i32)
    local.get 2 local.set 7
    local.get 1 local.set 2
    local.get 0 local.set 1
    local.get 3 local.get 8 i32.add local.set 0
    local.get 0 local.set 3
    local.get 7 local.set 4
    local.get 1 local.set 5
    local.get 8 local.get 2 i32.add local.set 6
    local.get 6 local.set 8
    local.get 5 local.set 7
    local.get 4 local.set 5
    local.get 3 local.get 7 i32.add local.set 4
    local.get 0 local.get 1 i32.xor local.get 2 i32.add local.get 3 i32.xor local.get 4 i32.add
    local.get 5 i32.xor local.get 6 i32.add local.get 7 i32.xor local.get 8 i32.add)
  ;; sha256's h + sigma1(e), the sigma under a pending local (OP_SIGMA3_ADD); then with a second
  ;; add after it (the first add becomes part of an OP_ADD3: the sigma runs alone)
  (func (export "sigadd") (param i32 i32 i32) (result i32)
    local.get 2
    local.get 1 i32.const 6 i32.rotr local.get 1 i32.const 11 i32.rotr i32.xor local.get 1 i32.const 25 i32.rotr i32.xor
    i32.add)
  (func (export "sigadd3") (param i32 i32 i32) (result i32) (local i32)
    local.get 2
    local.get 1 i32.const 6 i32.rotr local.get 1 i32.const 11 i32.rotr i32.xor local.get 1 i32.const 25 i32.rotr i32.xor
    i32.add local.get 0 i32.add local.set 3
    local.get 3 local.get 1 i32.xor)
  ;; sha256's t1 = w + k + h + sigma1(e) + ch(e, f, g): the sigma and add (OP_SIGMA3_ADD), ch and
  ;; the two adds after it (OP_CHX3_ADD3), the last add
  (func (export "t1") (param i32 i32 i32 i32 i32 i32) (result i32) (local i32)
    local.get 5 local.get 4 local.get 3
    local.get 0 i32.const 6 i32.rotr local.get 0 i32.const 11 i32.rotr i32.xor local.get 0 i32.const 25 i32.rotr i32.xor
    i32.add
    local.get 1 local.get 0 i32.and local.get 0 i32.const -1 i32.xor local.get 2 i32.and i32.xor
    i32.add i32.add i32.add local.set 6
    local.get 6 local.get 0 i32.xor)
  ;; the same without w: no add of slots after the OP_ADD3 (OP_CHX3_ADD3 runs two parts)
  (func (export "t1b") (param i32 i32 i32 i32 i32 i32) (result i32) (local i32)
    local.get 4 local.get 3
    local.get 0 i32.const 6 i32.rotr local.get 0 i32.const 11 i32.rotr i32.xor local.get 0 i32.const 25 i32.rotr i32.xor
    i32.add
    local.get 1 local.get 0 i32.and local.get 0 i32.const -1 i32.xor local.get 2 i32.and i32.xor
    i32.add i32.add local.set 6
    local.get 6 local.get 5 i32.xor)
  ;; sha256's schedule: a + (b + sigma0(c)) (OP_SIGMAS_ADD2), then sigma0 added in place alone
  (func (export "sched") (param i32 i32 i32) (result i32) (local i32)
    local.get 0 i32.const 3 i32.mul
    local.get 1 i32.const 5 i32.mul
    local.get 2 i32.const 7 i32.mul local.tee 3
    i32.const 7 i32.rotr local.get 3 i32.const 18 i32.rotr i32.xor local.get 3 i32.const 3 i32.shr_u i32.xor
    i32.add i32.add
    local.get 0
    local.get 1 i32.const 9 i32.mul local.tee 3
    i32.const 7 i32.rotr local.get 3 i32.const 18 i32.rotr i32.xor local.get 3 i32.const 3 i32.shr_u i32.xor
    i32.add
    i32.xor)
  (func (export "pos") (result i32) global.get $pos)
)`

const bytes = wat(MODULE)

// arguments: in bounds for the memory accesses (around the data at 900), random otherwise
function args (name: string, n: number, r: () => number): number[] {
  if (name === 'getbr') return [880 + n % 8, n % 13, n % 11]
  if (name === 'digits') return [1000 + n * 7, r() | 0]
  if (name === 'alj') return [2000 + n * 5, 0, n % 12]
  if (name === 'rot6') return [r() | 0, r() | 0, r() | 0, r() | 0]
  if (name === 't1' || name === 't1b') return Array.from({ length: 6 }, () => r() | 0)
  return [r() | 0, r() | 0, r() | 0]
}

const CASES = ['getbr', 'digits', 'alj', 't2', 'rot6', 'sigadd', 'sigadd3', 't1', 't1b', 'sched']

test('the fused instructions agree with V8, whole and in slices', { timeout: 180_000 }, () => {
  agreeWithV8(bytes, CASES, args, { seed: 777, runs: 40, instances: 'fresh', after: sameGetter('pos') })
})

test('out of bounds the first part runs and the access traps like V8', () => {
  trapsLikeV8(bytes, [
    ['getbr', [65530, 0, 6]], ['getbr', [65530, 0, 7]], ['getbr', [-3, 0, 2]], ['getbr', [-3, 0, 4]], ['getbr', [0x7fffffff, 1, 1]],
    ['digits', [65530, 1234]], ['digits', [65531, 1234]], ['digits', [65532, 1234]], ['digits', [65534, 1234]], ['digits', [-2, 5]], ['digits', [-7, 5]],
    ['alj', [65528, 8, 5]], ['alj', [65528, 9, 5]], ['alj', [65520, 13, 5]], ['alj', [8, -4, 3]], ['alj', [8, -5, 3]], ['alj', [8, -9, 3]],
  ], [1n << 40n, 1n, 3n], sameGetter('pos'))
})

test('each fusion saves the instructions it runs', () => {
  const fuel = fuelCounter(bytes)
  // an iteration of the name loop: the bump and read (OP_GETBR, two unfused), the multiply and
  // add (OP_MULADD3, two unfused), the step and test, all three one OP_AJ_GETMA (the seventh
  // pass, fused-ops-7.test.ts)
  assert.equal(fuel('getbr', [900n, 0n, 9n]) - fuel('getbr', [900n, 0n, 8n]), 1n, 'getbr')
  // an iteration of the length loop: the add, multiply and set (three), s moved, and the step,
  // read and test (OP_ALJ, three unfused)
  assert.equal(fuel('alj', [3000n, 0n, 9n]) - fuel('alj', [3000n, 0n, 8n]), 5n, 'alj')
  // the sigma and the add (OP_SIGMA3_ADD), the return of the sum's slot
  assert.equal(fuel('sigadd', [1n, 2n, 3n]), 2n, 'sigadd')
  // the sigma and add, ch and three adds to the local (OP_CHX3_ADD3), the xor and the return
  // (six unfused); without the last add, the same count; since the seventh pass the sigma's
  // case runs the OP_CHX3_ADD3 after it too (sha256's round chain, exec.ts): three
  assert.equal(fuel('t1', [1n, 2n, 3n, 4n, 5n, 6n]), 3n, 't1')
  assert.equal(fuel('t1b', [1n, 2n, 3n, 4n, 5n, 6n]), 3n, 't1b')
  // sigma0 and maj added and stored (OP_SIGMA_MAJ) twice, the xor and the return
  assert.equal(fuel('t2', [1n, 2n, 3n]), 4n, 't2')
})
