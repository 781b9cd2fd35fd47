// The sixth pass's fusions give V8's results, whole and in slices of 1 to 4 instructions: a call
// that pushes its last argument itself (OP_CALL_AC: a local, a local plus or minus a constant;
// 32-bit arguments only, an i64 local stays a push), `if (local < c) return local` (OP_RETL_LTC),
// a rotated loop's step and test when the sum is the compare's second operand (OP_AJ, mirrored)
// a byte or word read at two locals tested by a branch (OP_LDLLJ), two masked rotations of
// locals or'ed (OP_ROTOR), a local times a constant plus a constant (OP_MULADD) and either stored
// as a byte with the store (OP_MADST8, OP_SHRST8 for local >>> c; OP_STLMA with the address at two
// locals too), and the sieve's strided store with
// its loop's step and test (OP_STAJ64), division and remainder by a constant that cannot trap
// (OP_DIVLC, OP_DIVSC), a multiply by a constant and the add consuming it (OP_MULADD3), a shift left or'ed into the value below
// (OP_SHLOR); out of bounds the reads and the stores trap like V8, a call at a limit traps with the argument pushed, and each fusion saves the
// internal instructions it runs.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Interp, ST_TRAP } from '../spec/interp.ts'
import { wat, instantiate, funcAddr, start, v8Exports } from './wat.ts'
import { agreeWithV8, trapsLikeV8, fuelCounter, sameBytes } from './fused-harness.ts'

const MODULE = String.raw`(module
  (memory 1)
  (data (i32.const 900) "\01\00\00\00\00\02\00\00\00\00\00\03\ff\00\00\00\00\00\00\00\07")
  ;; a callee with an extra local, which starts at zero
  (func $add3 (param i32 i32 i32) (result i32) (local i32)
    local.get 3 local.get 0 i32.add local.get 1 i32.const 7 i32.mul i32.add local.get 2 i32.xor
    local.get 0 local.set 3)
  (func $f32 (param f32) (result i32) local.get 0 i32.reinterpret_f32)
  (func $i64 (param i64) (result i32)
    local.get 0 i64.const 32 i64.shr_u i32.wrap_i64 i32.const 3 i32.mul local.get 0 i32.wrap_i64 i32.xor)
  ;; the last argument a local, a local minus a constant, a local plus a constant
  (func (export "callac") (param i32 i32) (result i32)
    local.get 0 local.get 1 local.get 1 call $add3
    local.get 0 local.get 1 local.get 0 i32.const 5 i32.sub call $add3 i32.add
    local.get 1 local.get 0 local.get 1 i32.const -9 i32.add call $add3 i32.xor)
  ;; an f32 local (its low half pushed) and an i64 local (pushed whole, not fused)
  (func (export "callf32") (param i32) (result i32) (local f32)
    local.get 0 f32.reinterpret_i32 local.set 1
    local.get 1 call $f32)
  (func (export "calli64") (param i32 i32) (result i32) (local i64)
    local.get 0 i64.extend_i32_u i64.const 32 i64.shl local.get 1 i64.extend_i32_u i64.or local.set 2
    local.get 2 call $i64)
  ;; unbounded recursion, the argument pushed by the call
  (func $down (param i32) (result i32) local.get 0 i32.const 1 i32.add call $down)
  (func (export "down") (param i32) (result i32) local.get 0 call $down)
  ;; fib: its leaf is if (n < 2) return n
  (func $fib (param i32) (result i32)
    local.get 0 i32.const 2 i32.lt_s
    if (result i32) local.get 0
    else
      local.get 0 i32.const 1 i32.sub call $fib
      local.get 0 i32.const 2 i32.sub call $fib
      i32.add
    end)
  (func (export "fib") (param i32) (result i32) local.get 0 call $fib)
  ;; rotated loops whose test compares n with the step's sum: n > i (i counting up) and n < i
  ;; (i counting down)
  (func (export "up") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.gt_s if
      loop
        local.get 2 local.get 1 i32.const 3 i32.mul i32.add local.set 2
        local.get 1 i32.const 1 i32.add local.set 1
        local.get 0 local.get 1 i32.gt_s br_if 0
      end
    end
    local.get 2 local.get 1 i32.const 8 i32.shl i32.xor)
  (func (export "downto") (param i32 i32) (result i32) (local i32)
    local.get 0 local.get 1 i32.lt_s if
      loop
        local.get 2 local.get 1 i32.const 5 i32.mul i32.add local.set 2
        local.get 1 i32.const -1 i32.add local.set 1
        local.get 0 local.get 1 i32.lt_s br_if 0
      end
    end
    local.get 2 local.get 1 i32.const 8 i32.shl i32.xor)
  ;; bytes and words at p + i tested: br_if (jump if not zero, and with eqz if zero) and if
  (func (export "ldllj") (param i32 i32) (result i32) (local i32)
    block
      local.get 0 local.get 1 i32.add i32.load8_u br_if 0
      local.get 2 i32.const 1 i32.add local.set 2
    end
    block
      local.get 0 local.get 1 i32.add i32.load offset=4 i32.eqz br_if 0
      local.get 2 i32.const 16 i32.add local.set 2
    end
    local.get 0 local.get 1 i32.add i32.load8_u offset=2 if
      local.get 2 i32.const 256 i32.add local.set 2
    end
    local.get 0 local.get 1 i32.add i32.load offset=1 i32.eqz if
      local.get 2 i32.const 4096 i32.add local.set 2
    end
    local.get 2)
  ;; the sieve's inner test in a loop: count the zero bytes in [p, p + n)
  (func (export "zeros") (param i32 i32) (result i32) (local i32 i32)
    local.get 1 i32.const 0 i32.gt_s if
      loop
        block
          local.get 0 local.get 2 i32.add i32.load8_u br_if 0
          local.get 3 i32.const 1 i32.add local.set 3
        end
        local.get 2 i32.const 1 i32.add local.set 2
        local.get 1 local.get 2 i32.gt_s br_if 0
      end
    end
    local.get 3)
  ;; two masked rotations or'ed (OP_ROTOR): AssemblyScript's bswap<u32>, rotl and rotr mixed
  ;; over two locals, and with a rotation by 0 and by 32 + 8
  (func (export "bswap") (param i32 i32) (result i32)
    local.get 0 i32.const 0xff00ff00 i32.and i32.const 8 i32.rotl
    local.get 0 i32.const 0x00ff00ff i32.and i32.const 8 i32.rotr
    i32.or)
  (func (export "rotor") (param i32 i32) (result i32)
    local.get 0 i32.const 0x0ff0f00f i32.and i32.const 3 i32.rotr
    local.get 1 i32.const 0x7ffffff1 i32.and i32.const 29 i32.rotl
    i32.or
    local.get 1 i32.const -1 i32.and i32.const 0 i32.rotl
    local.get 0 i32.const 0x55555555 i32.and i32.const 40 i32.rotr
    i32.or
    i32.xor)
  ;; local * c1 + c2 pushed (OP_MULADD), stored at p + i: the sha256 kernel's input
  (func (export "fill") (param i32 i32) (result i32) (local i32 i32)
    local.get 1 i32.const 0 i32.gt_s if
      loop
        local.get 0 local.get 2 i32.add local.get 2 i32.const 7 i32.mul i32.const 3 i32.add i32.store8
        local.get 2 i32.const 1 i32.add local.set 2
        local.get 1 local.get 2 i32.gt_s br_if 0
      end
    end
    local.get 0 i32.load local.get 0 local.get 1 i32.add i32.const 4 i32.sub i32.load i32.xor)
  ;; msgpack's put(v >>> c): v's bytes, high first, stored at p .. p + 3 (OP_SHRST8)
  (func (export "puts") (param i32 i32) (result i32)
    local.get 0 local.get 1 i32.const 24 i32.shr_u i32.store8
    local.get 0 i32.const 1 i32.add local.get 1 i32.const 16 i32.shr_u i32.store8
    local.get 0 i32.const 2 i32.add local.get 1 i32.const 8 i32.shr_u i32.store8 offset=0
    local.get 0 i32.const 1 i32.add local.get 1 i32.const 0 i32.shr_u i32.store8 offset=2
    local.get 0 i32.load)
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load8_u)
  ;; the sieve's inner loop: for (j = start; j < n; j += step) p[j] = 1 (OP_STAJ64), j an i64
  (func (export "strided") (param i32 i32 i32 i32) (result i32) (local i64)
    local.get 2 i64.extend_i32_s local.set 4
    loop
      local.get 4 local.get 1 i64.extend_i32_s i64.lt_s if
        local.get 0 local.get 4 i32.wrap_i64 i32.add i32.const 1 i32.store8
        local.get 4 local.get 3 i64.extend_i32_s i64.add local.set 4
        br 1
      end
    end
    local.get 0 i32.load local.get 0 i32.load offset=4 i32.xor local.get 0 i32.load offset=8 i32.add)
  ;; division and remainder by constants (OP_DIVLC, OP_DIVSC), rem_s by -1 (0 even of INT_MIN)
  ;; and msgpack's digits, (a + b) / 1000 % 10
  (func (export "divs") (param i32 i32) (result i32)
    local.get 0 i32.const 7 i32.div_s
    local.get 0 i32.const 3 i32.div_u i32.xor
    local.get 1 i32.const -5 i32.rem_s i32.add
    local.get 1 i32.const 10 i32.rem_u i32.xor
    local.get 0 i32.const -1 i32.rem_s i32.add
    local.get 0 local.get 1 i32.add i32.const 1000 i32.div_s i32.const 10 i32.rem_s i32.add
    local.get 0 local.get 1 i32.xor i32.const -7 i32.div_u i32.const 3 i32.rem_u i32.add)
  ;; sum = sum * 31 + p[i] over n bytes, and y = x * -3 + y: a multiply by a constant and the add
  ;; consuming it, the result written to the multiplied local or to the added one (here on the
  ;; run-time stack; OP_MULADD3 in up and downto)
  (func (export "hash") (param i32 i32) (result i32) (local i32 i32 i32)
    local.get 1 i32.const 0 i32.gt_s if
      loop
        local.get 0 local.get 3 i32.add i32.load8_u local.set 4
        local.get 2 i32.const 31 i32.mul local.get 4 i32.add local.set 2
        local.get 3 i32.const 1 i32.add local.set 3
        local.get 1 local.get 3 i32.gt_s br_if 0
      end
    end
    local.get 2 local.set 4
    local.get 0 i32.const -3 i32.mul local.get 4 i32.add local.set 4
    local.get 4 i32.const 7 i32.mul local.get 1 i32.add local.set 4
    local.get 4 local.get 2 i32.xor)
  ;; a big-endian word read byte by byte: (b0 << 24) | (b1 << 16) | (b2 << 8) | b3 (OP_SHLOR)
  (func (export "be32") (param i32 i32) (result i32)
    local.get 0 i32.load8_u i32.const 24 i32.shl
    local.get 0 i32.load8_u offset=1 i32.const 16 i32.shl i32.or
    local.get 0 i32.load8_u offset=2 i32.const 8 i32.shl i32.or
    local.get 0 i32.load8_u offset=3 i32.or)
  ;; division by -1 is not fused: INT_MIN / -1 traps
  (func (export "divm1") (param i32 i32) (result i32) local.get 0 i32.const -1 i32.div_s local.get 1 i32.add))`

const bytes = wat(MODULE)

function args (name: string, n: number, r: () => number): number[] {
  if (name === 'fib') return [n % 3 === 0 ? -(r() % 50) : r() % 15]
  if (name === 'callf32') return [n % 2 === 0 ? r() | 0 : 0x7fc00000 + n]
  if (name === 'up' || name === 'downto') return [(r() % 60) - 30, (r() % 60) - 30]
  if (name === 'ldllj') return [880 + n % 9, n % 17]
  if (name === 'zeros') return [890 + n % 11, n % 25]
  if (name === 'fill') return [1000 + n * 3, 4 + n % 30]
  if (name === 'puts') return [1000 + n * 5, r() | 0]
  if (name === 'divs' || name === 'divm1') return n % 4 === 0 ? [-0x80000000, r() | 0] : [r() | 0, r() | 0]
  if (name === 'hash') return [880 + n % 40, n % 23]
  if (name === 'be32') return [890 + n % 20, 0]
  if (name === 'strided') return [2000 + n * 16, n % 13, n % 5, 1 + n % 3]
  return [r() | 0, r() | 0]
}

const CASES = ['callac', 'callf32', 'calli64', 'fib', 'up', 'downto', 'ldllj', 'zeros', 'bswap', 'rotor', 'fill', 'puts', 'strided', 'divs', 'hash', 'be32']

test('the fused instructions agree with V8, whole and in slices', { timeout: 180_000 }, () => {
  agreeWithV8(bytes, CASES, args, { seed: 4242, runs: 32, instances: 'shared' })
})

test('a read out of bounds traps like V8, whole and in slices', () => {
  const cases: [string, number[]][] = [[65535, 0], [65534, 1], [65531, 0], [65532, 0], [65530, 1], [-1, 0], [0, -3], [65535, 1]].map((a) => ['ldllj', a])
  trapsLikeV8(bytes, cases, [1n << 40n, 1n, 3n])
})

test('a strided store out of bounds traps like V8 after the bytes before it, whole and in slices', () => {
  trapsLikeV8(bytes, [[65530, 20, 0, 1], [65533, 9, 1, 2], [-2, 5, 0, 1], [65520, 40, 3, 7]].map((a) => ['strided', a]), [1n << 40n, 1n, 2n], sameBytes(65516, 65536))
})

test('a filled byte stored out of bounds traps like V8 after the bytes before it, whole and in slices', () => {
  trapsLikeV8(bytes, [[65530, 10], [65535, 2], [65536, 1], [-1, 3]].map((a) => ['fill', a]), [1n << 40n, 1n, 2n, 3n], sameBytes(65526, 65536))
})

test('a byte stored out of bounds traps like V8 after the bytes before it, whole and in slices', () => {
  trapsLikeV8(bytes, [65532, 65533, 65534, 65535, -1].map((p) => ['puts', [p, 0x12345678]]), [1n << 40n, 1n, 2n], sameBytes(65528, 65536))
})

test('INT_MIN / -1 still traps like V8', () => {
  const i = new Interp()
  const iid = instantiate(i, bytes)
  assert.equal(start(i, funcAddr(i, iid, 'divm1'), [0x80000000n, 1n]), ST_TRAP)
  assert.match(i.trapReason(), /integer overflow/)
  assert.throws(() => v8Exports(bytes).divm1(-0x80000000, 1))
})

test('a call with its argument pushed traps at the depth and stack limits, also in slices', () => {
  for (const limits of [{ maxDepth: 50 }, { stackSlots: 300 }, {}]) {
    for (const fuel of [1n << 40n, 1n, 2n, 3n]) {
      const i = new Interp(limits)
      const iid = instantiate(i, bytes)
      assert.equal(start(i, funcAddr(i, iid, 'down'), [0n], fuel), ST_TRAP, 'a trap')
      assert.match(i.trapReason(), /call stack exhausted/)
    }
  }
})

test('each fusion saves the instructions it runs', () => {
  const fuel = fuelCounter(bytes)
  // fib, less the wrapper's two instructions (the call with its argument, OP_CALL_AC, and the
  // return): a leaf is one instruction (OP_RETL_LTC), any other call four (the compare, two calls
  // with their argument and the add-and-return)
  const f = (n: bigint): bigint => fuel('fib', [n]) - 2n
  assert.equal(f(0n), 1n, 'fib: a leaf')
  assert.equal(f(-7n), 1n, 'fib: a negative leaf')
  assert.equal(f(2n) - 2n * f(0n), 4n, 'fib: a call')
  // an iteration: the multiply, add and set (OP_MULADD3) and the step and test (OP_AJ)
  assert.equal(fuel('up', [20n, 3n]) - fuel('up', [19n, 3n]), 2n, 'up')
  assert.equal(fuel('downto', [3n, 20n]) - fuel('downto', [4n, 20n]), 2n, 'downto')
  // an iteration on a nonzero byte: the read and jump (OP_LDLLJ), the step and test; on a zero
  // byte also the count's add
  assert.equal(fuel('zeros', [900n, 1n]) - fuel('zeros', [900n, 0n]), 2n, 'zeros: a nonzero byte')
  assert.equal(fuel('zeros', [901n, 1n]) - fuel('zeros', [900n, 0n]), 3n, 'zeros: a zero byte')
  // bswap: the rotations or'ed (OP_ROTOR, five unfused) and the return; rotor: two of them, the
  // xor and the return
  assert.equal(fuel('bswap', [1n, 2n]), 2n, 'bswap')
  assert.equal(fuel('rotor', [1n, 2n]), 4n, 'rotor')
  // an iteration of the fill loop: the address, the value and its store (OP_STLMA, four
  // unfused) and the step and test, which OP_STLMA's case runs too since the seventh pass
  assert.equal(fuel('fill', [1000n, 9n]) - fuel('fill', [1000n, 8n]), 1n, 'fill')
  // four bytes: the first's shift and store (3-address, its address a local), then three
  // addresses and three shifts with their stores (OP_SHRST8, six unfused), the read and the return
  assert.equal(fuel('puts', [1000n, 0x12345678n]), 10n, 'puts')
  // divs: nine divisions or remainders by constants (one each; two each unfused), the add and
  // the xor the stack forms divide, five adds and xors combining them and the last add returned
  assert.equal(fuel('divs', [100n, 200n]), 17n, 'divs')
  // be32: four byte reads, the first shift, two shifts or'ed (OP_SHLOR), the last or, the return
  assert.equal(fuel('be32', [900n, 0n]), 9n, 'be32')
  // an iteration of the strided store: the store, step and test (OP_STAJ64; three unfused)
  assert.equal(fuel('strided', [3000n, 20n, 0n, 1n]) - fuel('strided', [3000n, 19n, 0n, 1n]), 1n, 'strided')
})
