// The seventh pass's fusions give V8's results, whole and in slices of 1 to 4 instructions: a
// rotated loop's step and test run with its next iteration's body (OP_ALJ_CPY: putStr's byte
// copy to buf[pos++]; OP_AJ_GETMA: the name loop's sum = sum * 31 + buf[pos++]), a select of two
// constants (OP_SELCC), a byte got at buf[pos++] into a local (OP_GETB made OP_GETBR by the
// local.tee) and or'ed shifted into the value below (OP_GETB with the OP_SHLOR after it, and the
// next OP_GETB in the same case), a byte of local >>> c or a constant put at buf[pos++]
// (OP_GGET_GADDL with the store after it, and the next OP_GGET_GADDL in the same case), a byte
// read at the sum of two globals (OP_GG_LD8, also into a local), the stack's top plus or xor a
// local to a local (OP_SLSET), a call whose last two arguments are constants (OP_CALL_AC), and a
// rotated loop without its exit jump to the next instruction; out of
// bounds each traps like V8 after the same bytes and the same pos, and each saves the internal
// instructions it runs. The functions are msgpack's (bench/interp-kernels/msgpack.ts as asc -O3
// compiles it), with buf and pos set by the caller.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { wat } from './wat.ts'
import { agreeWithV8, trapsLikeV8, fuelCounter, sameGetter, sameBytes, type After } from './fused-harness.ts'

// bytes 880..1135, all different, where the strings and the encoded values are read
const DATA = Array.from({ length: 256 }, (_, k) => '\\' + ((k * 37 + 11) & 255).toString(16).padStart(2, '0')).join('')

const MODULE = String.raw`(module
  (memory 1)
  (global $buf (mut i32) (i32.const 0))
  (global $pos (mut i32) (i32.const 0))
  (data (i32.const 880) "${DATA}")
  (func (export "pos") (result i32) global.get $pos)
  (func (export "peek") (param i32) (result i32) local.get 0 i32.load8_u)
  ;; putStr(s, extra) with s's length stored at s - 4 (asc's header), buf and pos set first
  (func (export "puts") (param i32 i32 i32 i32 i32) (result i32) (local i32 i32 i32)
    local.get 3 global.set $buf
    local.get 4 global.set $pos
    local.get 0 i32.const 4 i32.sub local.get 2 i32.store
    local.get 0 i32.const 20 i32.sub i32.load offset=16
    i32.const 4 i32.const 0 local.get 1 i32.const 0 i32.ge_s select
    i32.add i32.const 160 i32.or local.set 6
    global.get $pos local.tee 7 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 7 i32.add local.get 6 i32.store8
    loop
      local.get 5 local.get 0 i32.const 20 i32.sub i32.load offset=16 i32.lt_s
      if
        local.get 0 local.get 5 i32.add i32.load8_u local.set 6
        global.get $pos local.tee 7 i32.const 1 i32.add global.set $pos
        global.get $buf local.get 7 i32.add local.get 6 i32.store8
        local.get 5 i32.const 1 i32.add local.set 5
        br 1
      end
    end
    global.get $pos local.get 6 i32.xor)
  ;; the name loop: sum = sum * 31 + get(), slen times
  (func (export "name") (param i32 i32 i32 i32) (result i32) (local i32 i32)
    local.get 0 global.set $buf
    local.get 1 global.set $pos
    i32.const 0 local.set 4
    loop
      local.get 4 local.get 2 i32.lt_s
      if
        global.get $pos local.tee 5 i32.const 1 i32.add global.set $pos
        local.get 5 global.get $buf i32.add i32.load8_u
        local.get 3 i32.const 31 i32.mul i32.add local.set 3
        local.get 4 i32.const 1 i32.add local.set 4
        br 1
      end
    end
    local.get 3)
  (func $getInt (result i32) (local i32 i32)
    global.get $pos local.tee 0 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 0 i32.add i32.load8_u
    local.tee 0 i32.const 128 i32.lt_u
    if local.get 0 return end
    local.get 0 i32.const 224 i32.ge_u
    if local.get 0 i32.const 256 i32.sub return end
    global.get $pos local.tee 0 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 0 i32.add i32.load8_u i32.const 24 i32.shl
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 1 i32.add i32.load8_u i32.const 16 i32.shl i32.or
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 1 i32.add i32.load8_u i32.const 8 i32.shl i32.or
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 1 i32.add i32.load8_u i32.or)
  ;; two values read (the first byte stored first: small, negative or a 0xce marker)
  (func (export "getint") (param i32 i32 i32) (result i32)
    local.get 0 global.set $buf
    local.get 1 global.set $pos
    local.get 0 local.get 1 i32.add local.get 2 i32.store8
    call $getInt call $getInt i32.const 7 i32.mul i32.xor)
  (func $putInt (param i32) (local i32)
    local.get 0 i32.const 0 i32.ge_s local.tee 1 local.get 0 i32.const 128 i32.lt_s i32.and i32.eqz
    if
      local.get 0 i32.const 0 i32.lt_s local.get 0 i32.const -32 i32.ge_s i32.and i32.eqz
      if
        local.get 1
        if
          global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
          global.get $buf local.get 1 i32.add i32.const 206 i32.store8
        else
          global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
          global.get $buf local.get 1 i32.add i32.const 210 i32.store8
        end
        global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
        global.get $buf local.get 1 i32.add local.get 0 i32.const 24 i32.shr_u i32.store8
        global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
        global.get $buf local.get 1 i32.add local.get 0 i32.const 16 i32.shr_u i32.store8
        global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
        global.get $buf local.get 1 i32.add local.get 0 i32.const 8 i32.shr_u i32.store8
      end
    end
    global.get $pos local.tee 1 i32.const 1 i32.add global.set $pos
    global.get $buf local.get 1 i32.add local.get 0 i32.store8)
  (func (export "putint") (param i32 i32 i32) (result i32)
    local.get 1 global.set $buf
    local.get 2 global.set $pos
    local.get 0 call $putInt
    global.get $pos)
  ;; the decoder's fields: a byte read at buf + pos into a local (OP_GG_LD8 with the local.set), pos
  ;; bumped by a length read, then a value got and added or xor'ed into the sum (OP_SLSET); at the
  ;; end a byte read at buf + pos pushed (OP_GG_LD8 alone)
  (func (export "fields") (param i32 i32 i32) (result i32) (local i32 i32 i32 i32)
    local.get 0 global.set $buf
    local.get 1 global.set $pos
    loop
      local.get 4 local.get 2 i32.lt_s
      if
        global.get $pos local.tee 5 i32.const 1 i32.add global.set $pos
        global.get $buf global.get $pos i32.add i32.load8_u local.set 6
        global.get $pos local.get 5 global.get $buf i32.add i32.load8_u i32.const 3 i32.and i32.add global.set $pos
        local.get 6 i32.const 1 i32.and
        if
          call $getInt local.get 3 i32.add local.set 3
        else
          call $getInt local.get 3 i32.xor local.set 3
        end
        local.get 4 i32.const 1 i32.add local.set 4
        br 1
      end
    end
    global.get $buf global.get $pos i32.add i32.load8_u local.get 3 i32.add)
  ;; calls whose last two arguments are constants (OP_CALL_AC from the first's slot), the
  ;; difference wrapping; and one whose first constant is not an argument
  (func $lin (param i32 i32) (result i32) local.get 0 i32.const 3 i32.mul local.get 1 i32.sub)
  (func $one (param i32) (result i32) local.get 0 i32.const 5 i32.xor)
  (func (export "callcc") (param i32) (result i32)
    i32.const 7 i32.const -5 call $lin
    i32.const -2147483648 i32.const 2147483647 call $lin i32.add
    i32.const 2147483647 i32.const -2147483648 call $lin i32.add
    local.get 0 i32.const 11 call $lin i32.add
    i32.const 100 i32.const 9 call $one i32.sub i32.add)
  ;; select of two constants by a compare, by a local, and by a value computed into a slot
  (func (export "sel") (param i32 i32) (result i32)
    i32.const 4 i32.const 0 local.get 0 i32.const 0 i32.ge_s select
    i32.const -7 i32.const 99 local.get 1 select i32.add
    local.get 0
    i32.const 5 i32.const 6 local.get 0 local.get 1 i32.and select
    i32.mul i32.add)
)`

const bytes = wat(MODULE)

function args (name: string, n: number, r: () => number): number[] {
  if (name === 'puts') return [900 + n % 20, n % 3 === 0 ? -1 : r() % 10000, n % 13, 2000 + n * 17, n % 5]
  if (name === 'name') return [880 + n % 30, n % 7, n % 11, r() | 0]
  if (name === 'getint') return [880 + n * 5, n % 3, [5, 0x90, 0xce, 0xce, 0xf0, 0x7f][n % 6]]
  if (name === 'fields') return [880 + n * 3, n % 4, n % 9]
  if (name === 'putint') return [[r() | 0, n - 20, -(n * 1000), 0x7f, -32, -33, 128][n % 7], 3000 + n * 11, n % 4]
  if (name === 'callcc') return [r() | 0]
  return [r() | 0, n % 2 === 0 ? 0 : r() | 0]
}

const CASES = ['puts', 'name', 'getint', 'putint', 'sel', 'fields', 'callcc']

// pos and the bytes at the end of the memory, where the out-of-bounds cases write
const same = (from: number, to: number): After => {
  const p = sameGetter('pos')
  const b = sameBytes(from, to)
  return (i, iid, v, label) => { p(i, iid, v, label); b(i, iid, v, label) }
}

test('the fused instructions agree with V8, whole and in slices', { timeout: 180_000 }, () => {
  agreeWithV8(bytes, CASES, args, { seed: 99, runs: 36, instances: 'fresh', after: same(3000, 3060) })
})

test('out of bounds the bytes before it are written and the access traps like V8, whole and in slices', () => {
  trapsLikeV8(bytes, [
    // the string runs past the end of the memory, or the buffer does
    ['puts', [65530, -1, 10, 65500, 0]], ['puts', [65531, 7, 5, 65500, 0]], ['puts', [65533, -1, 3, 65500, 0]],
    ['puts', [900, -1, 10, 65530, 0]], ['puts', [900, 42, 10, 65520, 3]], ['puts', [900, -1, 1, 65535, 0]], ['puts', [900, -1, 2, 65535, 0]],
    ['puts', [900, -1, 8, 65536, 0]], ['puts', [900, -1, 8, -3, 0]],
    ['name', [65530, 0, 10, 5]], ['name', [65535, 0, 3, 5]], ['name', [65535, 1, 1, 5]], ['name', [-2, 0, 4, 1]],
    ['getint', [65534, 0, 0xce]], ['getint', [65532, 0, 0xce]], ['getint', [65530, 1, 0xce]], ['getint', [65535, 0, 0xce]], ['getint', [65535, 0, 0x05]],
    ['fields', [65530, 0, 9]], ['fields', [65533, 0, 2]], ['fields', [65535, 0, 1]], ['fields', [65534, 1, 1]], ['fields', [65535, 1, 0]], ['fields', [-1, 0, 0]],
    ['putint', [-12345678, 65533, 0]], ['putint', [12345678, 65530, 2]], ['putint', [300, 65535, 0]], ['putint', [5, 65535, 0]], ['putint', [5, 65535, 1]],
  ], [1n << 40n, 1n, 2n, 3n], same(65520, 65536))
})

test('each fusion saves the instructions it runs', () => {
  const fuel = fuelCounter(bytes)
  // a byte copied: one OP_ALJ_CPY (three unfused: the read, the put and the step and test)
  assert.equal(fuel('puts', [900n, 0xffffffffn, 9n, 2000n, 0n]) - fuel('puts', [900n, 0xffffffffn, 8n, 2000n, 0n]), 1n, 'puts: a byte')
  // a byte of the name: one OP_AJ_GETMA (three unfused: the get, the multiply-add, the step and test)
  assert.equal(fuel('name', [900n, 0n, 9n, 1n]) - fuel('name', [900n, 0n, 8n, 1n]), 1n, 'name: a byte')
  // the wrapper's four (buf, pos, the length stored), the header: the length read, the compare,
  // the select (OP_SELCC), the add, the or into the local (nine unfused: the constants stored,
  // the stack pointer set, the select on the stack, the add, the or and the set), the put; with
  // no bytes the loop's test, then pos read, the xor and the return
  assert.equal(fuel('puts', [900n, 0xffffffffn, 0n, 2000n, 0n]), 15n, 'puts: no bytes')
  // the wrapper's four (buf, pos, the byte stored), then per small value the call, the get into
  // the local (OP_GETBR: four unfused with the compare) and compare-and-jump, and the return;
  // the multiply, the xor and the return
  assert.equal(fuel('getint', [900n, 0n, 5n]), 15n, 'getint: small')
  // per large value, five more: the second compare, the first byte and its shift, three bytes
  // each or'ed in shifted (OP_GETB with its OP_SHLOR, and the next OP_GETB run by the same
  // case: six unfused) and the last or
  assert.equal(fuel('getint', [900n, 0n, 0xcen]) - fuel('getint', [900n, 0n, 5n]), 10n, 'getint: large')
  // a large value: four more tests and jumps, the marker's put (OP_GGET_GADDL with the store
  // after it: two unfused), a jump and the three shifted bytes (one OP_GGET_GADDL running the
  // next two: six unfused)
  assert.equal(fuel('putint', [0x12345678n, 3000n, 0n]) - fuel('putint', [5n, 3000n, 0n]), 8n, 'putint: large')
  // a byte and the loop's exit: the read, the put and the step and test (OP_ALJ_CPY) that falls
  // through to the end (the rotated loop's jump to the next instruction is gone)
  assert.equal(fuel('puts', [900n, 0xffffffffn, 1n, 2000n, 0n]) - fuel('puts', [900n, 0xffffffffn, 0n, 2000n, 0n]), 3n, 'puts: one byte')
  // no fields: buf, pos, the loop's test, the byte at buf + pos pushed (OP_GG_LD8: three
  // unfused), the add and the return
  assert.equal(fuel('fields', [900n, 0n, 0n]), 6n, 'fields: none')
  // a field holding a small value (at 940: bytes 900 and 896 were written above): pos bumped,
  // the byte at buf + pos to a local (OP_GG_LD8 with the local.set: four unfused), pos read, the
  // length read, masked and added, pos set, the test and jump, the call and its three (the get
  // into the local, the compare-and-jump, the return), the value xor'ed into the sum (OP_SLSET:
  // two unfused) and the loop's step and test
  assert.equal(fuel('fields', [940n, 0n, 1n]) - fuel('fields', [940n, 0n, 0n]), 15n, 'fields: one')
  // callcc: three calls with two constants (the first pushed, then the call pushing the second:
  // OP_CALL_AC; three unfused) and each callee's three, then a local and a constant pushed and
  // the call, two constants and the one-argument call (not fused: the first is no argument),
  // their callees, the four adds, the sub and the return
  assert.equal(fuel('callcc', [3n]), 31n, 'callcc')
  // three selects (OP_SELCC), the compare, the and, two adds, the multiply and the return
  assert.equal(fuel('sel', [1n, 2n]), 9n, 'sel')
})
