// The fourth pass's fusions give V8's results, whole and in slices of 1 to 4 instructions: a
// global read and bumped (OP_GGET_ADD), ch in 3-address form (OP_CHX3), a stack binop stored to a
// local, returns reading a slot (OP_RETL), loads from a slot plus a constant (OP_LDLC) and from
// two locals (OP_LDLL, OP_LDLLR), a constant stored at two locals (OP_STLLC), three copies in a
// row (OP_COPY3), a loop's step and test (OP_AJ, OP_AJ64), an indexed address (OP_GIDX) and a
// sigma added in place (OP_SIGMA_ADD), a global plus a local pushed (OP_GADDL); out of bounds
// they trap like V8, and each costs one internal instruction; so do a sum returned at the end
// (OP_RET_ADD), a fib call, two adds in a row (OP_ADD3) and a loop rotated with the length read
// at its top, maj added and stored (OP_MAJX_SET), three copies and an add (OP_COPY3_ADD), and a
// byte put or got at buf[pos++] (OP_PUTB, OP_GETB), W[t] (OP_SHL_LDGLR) and calls (OP_CALL_FAST).
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Interp, ST_TRAP } from '../spec/interp.ts'
import { wat, instantiate, funcAddr, start } from './wat.ts'
import { agreeWithV8, trapsLikeV8, fuelCounter, sameGetter } from './fused-harness.ts'

const MODULE = String.raw`(module
  (memory 1)
  (data (i32.const 900) "\01\02\03\04\05\06\07\08\09\0a\0b\0c\0d\0e\0f\10\81\92\a3\b4\c5\d6\e7\f8")
  (global $pos (mut i32) (i32.const 0))
  (global $buf (mut i32) (i32.const 900))
  ;; pos++ and pos-- read into a local (OP_GGET_ADD), the local then used
  (func (export "bump") (param i32) (result i32) (local i32 i32)
    local.get 0 i32.const 7 i32.and global.set $pos
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $pos local.tee 2 i32.const 3 i32.sub global.set $pos
    global.get $buf local.get 1 i32.add i32.load8_u
    global.get $buf local.get 2 i32.add i32.load8_u i32.const 8 i32.shl i32.or
    global.get $pos i32.const 16 i32.shl i32.or)
  ;; sha256's round: h + sigma1(e) + ch(e, f, g) + k, ch under pending operands (OP_CHX3), the sum
  ;; added on the stack and stored to a local (the stack binop's 3-address form)
  (func (export "round") (param i32 i32 i32) (result i32) (local i32 i32)
    local.get 0 i32.const 0x5be0cd19 i32.xor local.set 3
    local.get 3
    local.get 0 i32.const 6 i32.rotr local.get 0 i32.const 11 i32.rotr i32.xor local.get 0 i32.const 25 i32.rotr i32.xor
    i32.add
    local.get 1 local.get 0 i32.and
    local.get 0 i32.const -1 i32.xor local.get 2 i32.and
    i32.xor
    i32.add
    local.get 2 i32.const 0x428a2f98 i32.add
    i32.add
    local.set 4
    local.get 4 local.get 3 i32.xor)
  ;; ch whose operands are the slots below it (not locals), and its result teed
  (func (export "chslots") (param i32 i32 i32) (result i32) (local i32)
    local.get 2
    local.get 0 i32.const 3 i32.mul
    local.get 1 i32.const 5 i32.add
    i32.and
    local.get 0 i32.const 3 i32.mul i32.const 0x1234 i32.xor local.get 2 i32.const 7 i32.mul i32.and
    i32.xor
    local.tee 3 i32.add local.get 3 i32.xor)
  ;; returns: of a local with values below, of a computed slot, of a pending local at the end
  ;; with and without a branch to the function's label
  (func (export "ret") (param i32) (result i32) (local i32)
    local.get 0 i32.const 3 i32.mul
    local.get 0 i32.const 10 i32.lt_u if local.get 0 return end
    local.get 0 i32.const 20 i32.lt_u if local.get 0 i32.const 5 i32.add return end
    local.set 1
    local.get 0 i32.const 30 i32.lt_u if i32.const 77 return end
    local.get 1)
  (func (export "retbr") (param i32) (result i32) (local i32)
    local.get 0 i32.const 9 i32.add local.set 1
    local.get 0
    local.get 0 i32.const 1 i32.and br_if 0
    drop
    local.get 1)
  ;; a sum falling through to the function's end returns at once (OP_RET_ADD); a branch to the
  ;; end with a value lands on the return after it
  (func (export "retadd") (param i32) (result i32)
    local.get 0 i32.const 3 i32.mul
    local.get 0 i32.const 1 i32.and br_if 0
    local.get 0 i32.const 7 i32.mul i32.add)
  (func $fib (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else
      local.get 0 i32.const 1 i32.sub call $fib
      local.get 0 i32.const 2 i32.sub call $fib
      i32.add
    end)
  (func (export "fib") (param i32) (result i32) local.get 0 call $fib)
  ;; an if/else closing the function, a local in the then-branch (made a return of the local)
  ;; and one in the else-branch
  (func (export "ifret") (param i32) (result i32) (local i32)
    local.get 0 i32.const 5 i32.mul local.set 1
    local.get 0 i32.const 50 i32.gt_s
    if (result i32) local.get 1 else local.get 0 i32.const 2 i32.sub local.set 1 local.get 1 end)
  ;; a length before the data (s - 20 + 16) and a table at a constant (i + 8), also wrapping
  (func (export "ldlc") (param i32) (result i32)
    local.get 0 i32.const 20 i32.sub i32.load offset=16
    local.get 0 i32.const 8 i32.add i32.load8_u offset=2
    i32.add)
  ;; loads from two locals, pushed and into a local
  (func (export "ldll") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.add i32.load8_u
    local.get 0 local.get 1 i32.add i32.load offset=3 local.set 2
    local.get 1 local.get 0 i32.add i32.load8_u offset=1 local.set 1
    local.get 2 i32.xor local.get 1 i32.add)
  ;; a constant stored at two locals (the sieve's composite[j] = 1), then read back
  (func (export "stllc") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.add i32.const 0x5a i32.store8 offset=1
    local.get 0 local.get 1 i32.add i32.const 0x12345678 i32.store offset=4
    local.get 0 local.get 1 i32.add i32.load offset=1)
  ;; loops whose step and test become one OP_AJ: i < n (local), i < 40 (constant), i > n counting
  ;; down by a negative step, a test of the stepped local against itself, and the sieve's i64 step
  ;; j += i with the test j < i64(n) (OP_AJ64)
  (func (export "loops") (param i32) (result i32) (local i32 i32 i64 i32)
    local.get 0 i32.const 15 i32.and local.set 4
    block loop
      local.get 1 local.get 4 i32.lt_s i32.eqz br_if 1
      local.get 2 local.get 1 i32.add i32.const 3 i32.mul local.set 2
      local.get 1 i32.const 1 i32.add local.set 1
      br 0
    end end
    i32.const 0 local.set 1
    loop
      local.get 1 i32.const 40 i32.lt_s if
        local.get 2 local.get 1 i32.xor local.set 2
        local.get 1 i32.const 3 i32.add local.set 1
        br 1
      end
    end
    local.get 4 i32.const 50 i32.add local.set 1
    loop
      local.get 1 local.get 4 i32.gt_s if
        local.get 2 i32.const 7 i32.add local.set 2
        local.get 1 i32.const -2 i32.add local.set 1
        br 1
      end
    end
    loop
      local.get 1 local.get 1 i32.lt_s if
        local.get 1 i32.const 1 i32.add local.set 1
        br 1
      end
    end
    local.get 4 i64.extend_i32_s local.set 3
    loop
      local.get 3 local.get 0 i32.const 255 i32.and i64.extend_i32_s i64.lt_s if
        local.get 2 local.get 3 i32.wrap_i64 i32.add local.set 2
        local.get 3 local.get 4 i32.const 1 i32.add i64.extend_i32_s i64.add local.set 3
        br 1
      end
    end
    local.get 2 local.get 1 i32.add local.get 3 i32.wrap_i64 i32.xor)
  ;; sha256's schedule: W[t] = ... + sigma0 + ... + sigma1, its address pushed first (OP_GIDX), the
  ;; sigmas added to the stack's top in place (OP_SIGMA_ADD), W[t] read back (OP_LDIDX)
  (global $w (mut i32) (i32.const 2000))
  (func (export "sched2") (param i32 i32) (result i32)
    global.get $w local.get 0 i32.const 2 i32.shl i32.add
    local.get 1 i32.const 3 i32.mul
    local.get 1 i32.const 7 i32.rotr local.get 1 i32.const 18 i32.rotr i32.xor local.get 1 i32.const 3 i32.shr_u i32.xor
    i32.add
    local.get 0 i32.const 17 i32.rotr local.get 0 i32.const 19 i32.rotr i32.xor local.get 0 i32.const 10 i32.rotr i32.xor
    i32.add
    i32.store
    global.get $w local.get 0 i32.const 2 i32.shl i32.add i32.load
    global.get $w local.get 0 i32.const 1 i32.add i32.const 2 i32.shl i32.add i32.load i32.xor)
  ;; msgpack's put(v >>> 8): the buffer's address pushed in one (OP_GADDL), the value computed on
  ;; top, then stored; also out of bounds (buf above 64 KiB)
  (func (export "gaddl") (param i32 i32) (result i32) (local i32)
    local.get 0 i32.const 0x3ff i32.and i32.const 8192 i32.add global.set $buf
    local.get 1 i32.const 7 i32.and local.set 2
    global.get $buf local.get 2 i32.add local.get 1 i32.const 8 i32.shr_u i32.store8
    global.get $buf local.get 2 i32.add local.get 1 i32.const 16 i32.shr_u i32.store16 offset=2
    global.get $buf local.get 2 i32.add i32.load8_u
    global.get $buf local.get 2 i32.add i32.load16_u offset=2 i32.const 8 i32.shl i32.xor
    i32.const 900 global.set $buf)
  ;; sha256's add chains under a pending local, in 3-address form: two adds in a row are one
  ;; (OP_ADD3), the first's sum in the slot above the second's
  (func (export "adds") (param i32 i32 i32) (result i32) (local i32)
    local.get 2
    local.get 0
    local.get 1 i32.const 5 i32.rotl
    local.get 2 i32.const 3 i32.mul
    local.get 2 local.get 1 i32.xor
    i32.add i32.add i32.add local.set 3
    local.get 0 local.get 3 i32.add local.get 1 i32.add
    i32.xor local.get 3 i32.add)
  ;; a loop over an array's length read at its top (msgpack's putStr): rotated with the read
  (func (export "lenloop") (param i32) (result i32) (local i32 i32)
    local.get 0 i32.const 4 i32.sub local.get 0 i32.const 15 i32.and i32.store
    loop
      local.get 1 local.get 0 i32.const 20 i32.sub i32.load offset=16 i32.lt_s if
        local.get 2 local.get 1 i32.add i32.const 3 i32.mul local.set 2
        local.get 1 i32.const 1 i32.add local.set 1
        br 1
      end
    end
    local.get 2)
  ;; sha256's t2 = sigma0(a) + maj(a, b, c), stored to a local (OP_MAJX_SET)
  (func (export "t2") (param i32 i32 i32) (result i32) (local i32)
    local.get 0 i32.const 2 i32.rotr local.get 0 i32.const 13 i32.rotr i32.xor local.get 0 i32.const 22 i32.rotr i32.xor
    local.get 0 local.get 1 i32.and local.get 0 local.get 2 i32.and local.get 1 local.get 2 i32.and i32.xor i32.xor
    i32.add local.set 3
    local.get 3 local.get 0 i32.xor)
  ;; sha256's register rotation: three copies, then a sum of locals the copies wrote, stored to
  ;; one they read (OP_COPY3_ADD), twice
  (func (export "rot3") (param i32 i32 i32) (result i32) (local i32 i32 i32)
    local.get 0 local.set 3
    local.get 1 local.set 0
    local.get 2 local.set 1
    local.get 0 local.get 3 i32.add local.set 2
    local.get 2 local.set 4
    local.get 3 local.set 5
    local.get 4 local.set 3
    local.get 5 local.get 3 i32.add local.set 4
    local.get 0 local.get 1 i32.xor local.get 2 i32.add local.get 3 i32.xor local.get 4 i32.add local.get 5 i32.xor)
  ;; msgpack's put and get, buf[pos++] (OP_PUTB, OP_GETB); out of bounds the bump happens and
  ;; the access traps
  (func (export "putb") (param i32 i32) (result i32) (local i32)
    local.get 0 global.set $buf
    i32.const 3 global.set $pos
    global.get $pos local.tee 2 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 2 i32.add local.get 1 i32.store8
    i32.const 3 global.set $pos
    global.get $pos local.tee 2 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 2 i32.add i32.load8_u
    global.get $pos i32.const 8 i32.shl i32.or
    i32.const 900 global.set $buf)
  (func (export "getb") (param i32) (result i32) (local i32)
    local.get 0 global.set $buf
    i32.const 5 global.set $pos
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 1 i32.add i32.load8_u
    i32.const 900 global.set $buf)
  (func (export "pos") (result i32) global.get $pos)
  ;; calls (OP_CALL_FAST): a callee's extra locals start at zero although the slots held values
  (func $h (param i32) (result i32) (local i32 i32 i64)
    local.get 1 local.get 2 i32.add local.get 3 i32.wrap_i64 i32.add local.get 0 i32.add
    local.get 0 local.set 1 local.get 0 local.set 2 local.get 0 i64.extend_i32_u local.set 3)
  (func (export "zl") (param i32) (result i32)
    local.get 0 call $h local.get 0 i32.const 1 i32.add call $h i32.add
    local.get 0 i32.const 7 i32.mul call $h i32.xor)
  ;; unbounded recursion: the call stack is exhausted (the fast call gives way to OP_CALL_IN)
  (func $deep (param i32) (result i32) (local i32 i32 i32 i32)
    local.get 0 i32.const 1 i32.add call $deep local.get 1 i32.add)
  (func (export "deep") (param i32) (result i32) local.get 0 call $deep)
  ;; sha256's W[t]: t << 2 teed into a local, then read at a global base plus it (OP_SHL_LDGLR)
  (func (export "wt") (param i32 i32) (result i32) (local i32)
    local.get 0 global.set $w
    local.get 1 i32.const 2 i32.shl local.tee 2 global.get $w i32.add i32.load
    local.get 2 i32.add
    i32.const 2000 global.set $w)
  ;; the simplest such loops, to count an iteration's instructions
  (func (export "count") (param i32) (result i32) (local i32 i32)
    loop
      local.get 1 local.get 0 i32.lt_s if
        local.get 2 local.get 1 i32.add local.set 2
        local.get 1 i32.const 1 i32.add local.set 1
        br 1
      end
    end
    local.get 2)
  (func (export "count64") (param i32) (result i32) (local i64 i32 i32)
    i32.const 1 local.set 3
    loop
      local.get 1 local.get 0 i64.extend_i32_s i64.lt_s if
        local.get 2 i32.const 5 i32.add local.set 2
        local.get 1 local.get 3 i64.extend_i32_s i64.add local.set 1
        br 1
      end
    end
    local.get 2)
  ;; three copies in a row, each reading what the one before wrote, twice
  (func (export "copy3") (param i32 i32 i32) (result i32) (local i32 i32 i32 i32)
    local.get 0 local.set 3
    local.get 3 local.set 4
    local.get 1 local.set 0
    local.get 2 local.set 5
    local.get 5 local.set 6
    local.get 0 local.set 2
    local.get 0 i32.const 3 i32.mul local.get 2 i32.const 5 i32.mul i32.add
    local.get 3 i32.const 7 i32.mul i32.add local.get 4 i32.const 11 i32.mul i32.add
    local.get 5 i32.const 13 i32.mul i32.add local.get 6 i32.const 17 i32.mul i32.add)
)`

const bytes = wat(MODULE)

// arguments: in bounds for the memory accesses (around the data at 900), random otherwise
function args (name: string, n: number, r: () => number): number[] {
  if (name === 'ldlc') return [920 + (n % 8)]
  if (name === 'ldll') return [880 + n % 16, 20 + (n % 5)]
  if (name === 'stllc') return [1000 + n * 9, n % 7]
  if (name === 'ret' || name === 'retbr' || name === 'ifret') return [n < 35 ? n : r() | 0]
  if (name === 'loops') return [n < 20 ? n * 13 : r() | 0]
  if (name === 'count' || name === 'count64') return [n - 3]
  if (name === 'sched2') return [n % 64, r() | 0]
  if (name === 'gaddl') return [r() | 0, r() | 0]
  if (name === 'fib') return [n % 14]
  if (name === 'putb') return [12000 + (r() & 0xfff), r() | 0]
  if (name === 'wt') return [880 + n, n % 7]
  if (name === 'zl') return [r() | 0]
  if (name === 'lenloop') return [3004 + n * 9]
  if (name === 'retadd') return [n < 10 ? n : r() | 0]
  return Array.from({ length: name === 'bump' ? 1 : 3 }, () => r() | 0)
}

const CASES = ['bump', 'round', 'chslots', 'ret', 'retbr', 'ifret', 'ldlc', 'ldll', 'stllc', 'copy3', 'loops', 'count', 'count64', 'sched2', 'gaddl', 'retadd', 'fib', 'adds', 'lenloop', 't2', 'rot3', 'putb', 'wt', 'zl']

test('the fused instructions agree with V8, whole and in slices', { timeout: 180_000 }, () => {
  // (the stores depend on what earlier calls stored: sliced below, in instances of their own)
  agreeWithV8(bytes, CASES, args, { seed: 4242, runs: 40, instances: 'shared', notSliced: ['stllc'] })
  agreeWithV8(bytes, ['stllc'], (_, n) => [2000 + n * 13, n % 11], { seed: 1, runs: 40, instances: 'fresh' })
})

test('the fused loads and stores trap out of bounds like V8', () => {
  trapsLikeV8(bytes, [
    ['ldlc', [0]], ['ldlc', [19]], ['ldlc', [4]], ['ldlc', [65536 + 3]], ['ldlc', [65536 - 10]], ['ldlc', [65536 - 11]], ['ldlc', [-8]],
    ['ldll', [65536 - 4, 0]], ['ldll', [65536 - 7, 0]], ['ldll', [65536 - 8, 1]], ['ldll', [-1, 1]], ['ldll', [0x7fffffff, 0x7fffffff]],
    ['stllc', [65536 - 8, 0]], ['stllc', [65536 - 9, 0]], ['stllc', [65536, 0]], ['stllc', [-5, 1]], ['stllc', [-6, 1]],
  ], [1n << 40n])
})

test('a byte put or got at buf[pos++], or W[t] read, out of bounds: the first part runs, the access traps like V8', () => {
  trapsLikeV8(bytes, [['putb', [65532, 7]], ['putb', [65533, 7]], ['putb', [65540, 7]], ['putb', [-3, 7]], ['putb', [-4, 7]],
    ['getb', [65530]], ['getb', [65531]], ['getb', [-5]], ['getb', [-6]], ['getb', [0x7fffffff]],
    ['wt', [65532, 0]], ['wt', [65531, 0]], ['wt', [65528, 1]], ['wt', [65529, 1]], ['wt', [-4, 1]], ['wt', [-8, 1]], ['wt', [0, 0x40000000]]], [1n], sameGetter('pos'))
})

test('unbounded recursion exhausts the call stack, also in slices', () => {
  for (const fuel of [1n << 40n, 1n, 3n]) {
    const i = new Interp()
    const iid = instantiate(i, bytes)
    assert.equal(start(i, funcAddr(i, iid, 'deep'), [0n], fuel), ST_TRAP, 'a trap')
    assert.match(i.trapReason(), /call stack exhausted/)
  }
})

test('each fusion costs one internal instruction', () => {
  const fuel = fuelCounter(bytes)
  // the and and set of pos, two bumps (four unfused), two buffer reads, two shifts each or'ed
  // (OP_SHLOR, four unfused), the read of pos and the return
  assert.equal(fuel('bump', [3n]), 10n, 'bump')
  // a local read and returned: the multiply, the compare-and-jump and the return
  assert.equal(fuel('ret', [4n]), 3n, 'ret')
  // the then-branch of an if/else closing the function: the multiply, the compare-and-jump and
  // the return of the local (a push and a return unfused)
  assert.equal(fuel('ifret', [60n]), 3n, 'ifret')
  // two loads from a local plus a constant (two each unfused), the add and the return
  assert.equal(fuel('ldlc', [920n]), 4n, 'ldlc')
  // six copies in two instructions, then six multiplies and five adds, the last one returning
  assert.equal(fuel('copy3', [1n, 2n, 3n]), 13n, 'copy3')
  // two stores and a load at two locals (two each unfused) and the return
  assert.equal(fuel('stllc', [3000n, 1n]), 4n, 'stllc')
  // xor, sigma and add (one OP_SIGMA3_ADD), ch (four unfused), add, add of a constant, add
  // stored to the local (two unfused), xor, return
  assert.equal(fuel('round', [1n, 2n, 3n]), 8n, 'round')
  // three loads at two locals (two each unfused, three for those written to a local), xor, add,
  // return
  assert.equal(fuel('ldll', [900n, 3n]), 6n, 'ldll')
  // the address (three unfused), the multiply, two sigmas added in place (two each unfused), the
  // store, two indexed reads, the xor and the return
  assert.equal(fuel('sched2', [5n, 77n]), 9n, 'sched2')
  // the base set (three), the position, two addresses (two each unfused), a shift and its byte
  // store (OP_SHRST8), a shift and a store, a read (OP_LDGL), an address and a read, a shift, the
  // xor, the base reset (a constant to a slot, the slot to the global) and the return
  assert.equal(fuel('gaddl', [5n, 0x12345678n]), 17n, 'gaddl')
  // fib's instructions, less the exported wrapper's two (the call with its argument pushed,
  // OP_CALL_AC, and the return): a leaf is the compare-and-return of its local (OP_RETL_LTC);
  // any other call the compare (which jumps), two calls with their argument computed
  // (OP_CALL_AC) and the add-and-return (OP_RET_ADD)
  const f = (n: bigint): bigint => fuel('fib', [n]) - 2n
  assert.equal(f(1n), 1n, 'fib: a leaf')
  assert.equal(f(11n) - f(10n) - f(9n), 4n, 'fib: a call')
  // an iteration of a loop testing a length read at its top: the body's add, multiply and set,
  // the step, the read and the test, these three one OP_ALJ (seven with the jump back, unrotated)
  assert.equal(fuel('lenloop', [3005n]) - fuel('lenloop', [3004n]), 4n, 'lenloop')
  // two groups of three copies and an add (four unfused each; both one OP_COPY3_ADD2), five
  // xors and adds, the return
  assert.equal(fuel('rot3', [1n, 2n, 3n]), 7n, 'rot3')
  // pos set (two), a put (two unfused), pos set, a get (two unfused), the read of pos, shift
  // and or (OP_SHLOR), the base reset (two) and the return
  assert.equal(fuel('putb', [12000n, 77n]), 12n, 'putb')
  // the base set, the shift and read (two unfused), the add, the base reset (two), the return
  assert.equal(fuel('wt', [2000n, 3n]), 6n, 'wt')
  // sigma0 and maj added and stored (four unfused: one OP_SIGMA_MAJ), the xor and the return
  assert.equal(fuel('t2', [1n, 2n, 3n]), 3n, 't2')
  // an iteration: the body's add and the step and test (two unfused)
  assert.equal(fuel('count', [11n]) - fuel('count', [10n]), 2n, 'count')
  assert.equal(fuel('count64', [11n]) - fuel('count64', [10n]), 2n, 'count64')
})
