// Tests of the AssemblyScript msgpack codec (programs/sdk/as/msgpack.ts): compiles
// msgpack-entry.ts with asc under both runtimes programs use, then checks the encoder's bytes
// against msgpackr (or against the spec by hand where msgpackr does not emit the minimal form),
// decodes msgpackr's output, and feeds truncated and mistyped input that must set `error`
// without trapping or aborting.
import { beforeAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { fileURLToPath } from 'node:url'
import { Packr, Unpackr, FLOAT32_OPTIONS } from 'msgpackr'
import { compileAsc } from '../asc.ts'

const entry = fileURLToPath(new URL('./msgpack-entry.ts', import.meta.url))
const packr = new Packr({ useRecords: false, variableMapSize: true })
const unpackr = new Unpackr({ useRecords: false, int64AsType: 'bigint', mapsAsObjects: true })
const packF32 = new Packr({ useRecords: false, useFloat32: FLOAT32_OPTIONS.ALWAYS })

interface Exports {
  memory: WebAssembly.Memory
  [name: string]: ((...args: Array<number | bigint>) => number | bigint | undefined) | WebAssembly.Memory
}

/** A compiled instance of the entry and JS helpers to move bytes and strings in and out. */
class Codec {
  readonly x: Record<string, (...args: Array<number | bigint>) => number | bigint | undefined>
  readonly memory: WebAssembly.Memory

  constructor (instance: WebAssembly.Instance) {
    const exp = instance.exports as unknown as Exports
    this.memory = exp.memory
    this.x = exp as unknown as Record<string, (...args: Array<number | bigint>) => number | bigint | undefined>
  }

  call (name: string, ...args: Array<number | bigint>): number | bigint | undefined {
    const f = this.x[name]
    assert.equal(typeof f, 'function', `export ${name}`)
    return f(...args)
  }

  num (name: string, ...args: Array<number | bigint>): number {
    return Number(this.call(name, ...args))
  }

  /** Copies `bytes` into the entry's input buffer. */
  input (bytes: Uint8Array): void {
    const ptr = this.num('inputAlloc', bytes.length)
    new Uint8Array(this.memory.buffer, ptr, bytes.length).set(bytes)
  }

  /** The writer's bytes, both through dataStart/length and through toBytes(), which must agree. */
  written (): Uint8Array {
    // Call before touching memory.buffer: an allocation may grow (and detach) it.
    const len = this.num('wLen')
    const ptr = this.num('wPtr')
    const direct = new Uint8Array(this.memory.buffer, ptr, len).slice()
    const copyPtr = this.num('wToBytes')
    const copy = new Uint8Array(this.memory.buffer, copyPtr, len).slice()
    assert.deepEqual(copy, direct)
    return direct
  }

  /** Resets the writer, runs `fill`, returns the bytes. */
  encode (fill: () => void): Uint8Array {
    this.call('wReset')
    fill()
    return this.written()
  }

  putStr (s: string): void {
    const units = new Uint16Array(s.length)
    for (let i = 0; i < s.length; i++) units[i] = s.charCodeAt(i)
    this.input(new Uint8Array(units.buffer))
    this.call('wStr', s.length)
  }

  /** Opens a reader over `bytes`. */
  open (bytes: Uint8Array, raw = false): void {
    this.input(bytes)
    this.call('rOpen', bytes.length, raw ? 1 : 0)
  }

  error (): boolean {
    return this.num('rError') !== 0
  }

  readStr (): string {
    const ptr = this.num('rStr')
    const bytes = new DataView(this.memory.buffer).getUint32(ptr - 4, true)
    return String.fromCharCode(...new Uint16Array(this.memory.buffer.slice(ptr, ptr + bytes)))
  }

  readStrLong (): string {
    const ptr = this.num('rStr')
    const bytes = new DataView(this.memory.buffer).getUint32(ptr - 4, true)
    const units = new Uint16Array(this.memory.buffer.slice(ptr, ptr + bytes))
    let s = ''
    for (let i = 0; i < units.length; i += 4096) s += String.fromCharCode(...units.subarray(i, i + 4096))
    return s
  }

  readBin (): Uint8Array {
    const ptr = this.num('rBin')
    const len = this.num('lastLen')
    return new Uint8Array(this.memory.buffer, ptr, len).slice()
  }
}

async function compile (runtime: string): Promise<{ codec: Codec, wasm: Uint8Array, warnings: string }> {
  const { error, stderr: err, outputs } = await compileAsc([entry, '--runtime', runtime, '-O3', '--outFile', 'out.wasm'])
  assert.equal(error, null, `asc (${runtime}) failed: ${err}`)
  const wasm = outputs.get('out.wasm')
  assert.ok(wasm !== undefined, 'asc wrote no wasm')
  const bytes = wasm as Uint8Array<ArrayBuffer>
  const mod = new WebAssembly.Module(bytes)
  const imports = WebAssembly.Module.imports(mod).map(i => `${i.module}.${i.name}`)
  for (const name of imports) assert.equal(name, 'env.abort', `unexpected import ${name}`)
  const instance = new WebAssembly.Instance(mod, {
    env: { abort () { throw new Error('abort called: the codec must set error, not abort') } }
  })
  return { codec: new Codec(instance), wasm: bytes, warnings: err }
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const u8 = (h: string): Uint8Array => new Uint8Array(Buffer.from(h.replace(/\s/g, ''), 'hex'))

/** The minimal msgpack form of a non-negative integer beyond 32 bits (msgpackr picks int64 for BigInt). */
function uint64Bytes (v: bigint): Uint8Array {
  const b = new Uint8Array(9)
  b[0] = 0xcf
  new DataView(b.buffer).setBigUint64(1, v)
  return b
}

const UNSIGNED = [0, 1, 31, 32, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1]
const UNSIGNED_BIG = [2n ** 32n, 2n ** 53n, 2n ** 63n, 2n ** 64n - 1n]
const NEGATIVE = [-1, -32, -33, -128, -129, -32768, -32769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 53), -(2n ** 63n)]

/** A string of exactly `bytes` UTF-8 bytes mixing 1-, 2-, 3- and 4-byte characters. */
function utf8String (bytes: number): string {
  const parts = ['a', 'é', '€', '😀']
  let s = ''
  let n = 0
  for (let i = 0; ; i++) {
    const p = parts[i % parts.length]
    const size = Buffer.byteLength(p)
    if (n + size > bytes) break
    s += p
    n += size
  }
  return s + 'z'.repeat(bytes - n)
}

const STR_SIZES = [0, 1, 31, 32, 255, 256, 65535, 65536, 70000]
const BIN_SIZES = [0, 1, 31, 32, 255, 256, 65535, 65536, 70000]
const binOf = (n: number): Uint8Array => Uint8Array.from({ length: n }, (_, i) => (i * 7 + 3) & 0xff)

for (const runtime of ['stub', 'incremental']) {
  describe(`msgpack codec (--runtime ${runtime})`, () => {
    let c: Codec
    let warnings = ''
    beforeAll(async () => {
      const out = await compile(runtime)
      c = out.codec
      warnings = out.warnings
    })

    it('compiles without warnings about the codec and imports at most env.abort', () => {
      assert.ok(!warnings.includes('msgpack.ts'), warnings)
    })

    describe('Writer', () => {
      it('writes unsigned integers in the smallest form, like msgpackr', () => {
        for (const v of UNSIGNED) {
          const want = hex(packr.pack(v))
          assert.equal(hex(c.encode(() => c.call('wU64', BigInt(v)))), want, `u64 ${v}`)
          assert.equal(hex(c.encode(() => c.call('wI64', BigInt(v)))), want, `i64 ${v}`)
          if (v <= 0xffffffff) assert.equal(hex(c.encode(() => c.call('wU32', v))), want, `u32 ${v}`)
          if (v <= 0x7fffffff) assert.equal(hex(c.encode(() => c.call('wI32', v))), want, `i32 ${v}`)
          if (v <= 0xffff) assert.equal(hex(c.encode(() => c.call('wU16', v))), want, `u16 ${v}`)
          if (v <= 0xff) assert.equal(hex(c.encode(() => c.call('wU8', v))), want, `u8 ${v}`)
        }
        for (const v of UNSIGNED_BIG) {
          const want = uint64Bytes(v)
          assert.equal(hex(c.encode(() => c.call('wU64', v))), hex(want), `u64 ${v}`)
          assert.equal(unpackr.unpack(want), v) // the hand-made form is what msgpackr reads back
          if (v < 2n ** 63n) assert.equal(hex(c.encode(() => c.call('wI64', v))), hex(want), `i64 ${v}`)
        }
      })

      it('writes negative integers in the smallest form, like msgpackr', () => {
        for (const v of NEGATIVE) {
          const want = hex(packr.pack(typeof v === 'bigint' || v < -(2 ** 31) ? BigInt(v) : v))
          assert.equal(hex(c.encode(() => c.call('wI64', BigInt(v)))), want, `i64 ${v}`)
          if (typeof v === 'number' && v >= -(2 ** 31)) {
            assert.equal(hex(c.encode(() => c.call('wI32', v))), want, `i32 ${v}`)
          }
        }
        assert.equal(hex(c.encode(() => c.call('wI64', -1n))), 'ff')
        assert.equal(hex(c.encode(() => c.call('wI64', -33n))), 'd0df')
      })

      it('writes nil, booleans and floats', () => {
        assert.equal(hex(c.encode(() => c.call('wNil'))), hex(packr.pack(null)))
        assert.equal(hex(c.encode(() => c.call('wBool', 1))), hex(packr.pack(true)))
        assert.equal(hex(c.encode(() => c.call('wBool', 0))), hex(packr.pack(false)))
        for (const v of [1.5, -0.1, Math.PI, 1e300, -Infinity, Number.MIN_VALUE]) {
          assert.equal(hex(c.encode(() => c.call('wF64', v))), hex(packr.pack(v)), `f64 ${v}`)
        }
        // Integral doubles stay float64 (msgpackr would write an int): check by hand.
        assert.equal(hex(c.encode(() => c.call('wF64', 2))), 'cb4000000000000000')
        assert.equal(hex(c.encode(() => c.call('wF64', NaN))).slice(0, 6), 'cb7ff8')
        for (const v of [1.5, -0.25, 3.140625, 0.1]) {
          assert.equal(hex(c.encode(() => c.call('wF32', v))), hex(packF32.pack(v)), `f32 ${v}`)
        }
        assert.equal(hex(c.encode(() => c.call('wF32', 65504))), 'ca477fe000')
      })

      it('writes UTF-8 strings at every header boundary, like msgpackr', () => {
        for (const size of STR_SIZES) {
          const s = utf8String(size)
          assert.equal(Buffer.byteLength(s), size)
          const got = c.encode(() => c.putStr(s))
          assert.ok(Buffer.from(got).equals(packr.pack(s)), `str of ${size} bytes`)
        }
        assert.equal(hex(c.encode(() => c.putStr(''))), 'a0')
      })

      it('writes bin at every header boundary, like msgpackr, from a Uint8Array and from raw memory', () => {
        for (const size of BIN_SIZES) {
          const b = binOf(size)
          const want = packr.pack(b)
          c.input(b)
          assert.ok(Buffer.from(c.encode(() => c.call('wBin', size))).equals(want), `bin ${size}`)
          c.input(b)
          assert.ok(Buffer.from(c.encode(() => c.call('wBinRaw', size))).equals(want), `binRaw ${size}`)
        }
      })

      it('writes nested arrays and maps, like msgpackr', () => {
        const value = [1, 'two', [true, null], { k: -5 }]
        assert.equal(hex(c.encode(() => c.call('wChained'))), hex(packr.pack(value)))
        // Headers at their boundaries: 15/16 and 65535/65536 entries.
        for (const n of [0, 15, 16, 65535, 65536]) {
          const arr = Array.from({ length: n }, (_, i) => i & 0x7f)
          const got = c.encode(() => {
            c.call('wArray', n)
            for (const v of arr) c.call('wU8', v)
          })
          assert.ok(Buffer.from(got).equals(packr.pack(arr)), `array of ${n}`)
        }
        for (const n of [0, 15, 16, 65536]) {
          const obj: Record<string, number> = {}
          for (let i = 0; i < n; i++) obj[`k${i}`] = i & 0x7f
          const got = c.encode(() => {
            c.call('wMap', n)
            for (const [k, v] of Object.entries(obj)) { c.putStr(k); c.call('wU8', v) }
          })
          assert.ok(Buffer.from(got).equals(packr.pack(obj)), `map of ${n}`)
        }
      })

      it('copies raw pre-encoded bytes, and reset() starts over', () => {
        const inner = packr.pack({ a: [1, 2, 3], b: 'x' })
        c.call('wReset')
        c.call('wArray', 2)
        c.call('wU8', 9)
        c.input(inner)
        c.call('wRaw', inner.length)
        assert.deepEqual(unpackr.unpack(c.written()), [9, { a: [1, 2, 3], b: 'x' }])
        c.call('wReset')
        assert.equal(c.num('wLen'), 0)
        c.call('wNil')
        assert.equal(hex(c.written()), 'c0')
      })
    })

    describe('Reader', () => {
      it('reads integers msgpackr wrote, through every read width that fits', () => {
        const limits: Array<[string, bigint, bigint]> = [
          ['rU8', 0n, 255n], ['rU16', 0n, 65535n], ['rU32', 0n, 2n ** 32n - 1n], ['rU64', 0n, 2n ** 64n - 1n],
          ['rI32', -(2n ** 31n), 2n ** 31n - 1n], ['rI64', -(2n ** 63n), 2n ** 63n - 1n]
        ]
        const values: bigint[] = [...UNSIGNED.map(BigInt), ...UNSIGNED_BIG, ...NEGATIVE.map(v => BigInt(v)), 2n ** 31n - 1n]
        for (const v of values) {
          const bytes = v > 0xffffffffn ? uint64Bytes(v) : packr.pack(v >= -(2n ** 31n) ? Number(v) : v)
          for (const [fn, lo, hi] of limits) {
            for (const raw of [false, true]) {
              c.open(bytes, raw)
              const got = BigInt(c.call(fn) as number | bigint)
              const fits = v >= lo && v <= hi
              assert.equal(c.error(), !fits, `${fn} of ${v} (${hex(bytes)}) error`)
              // i64 results cross as signed BigInt; u64 as unsigned (BigInt.asUintN).
              const norm = fn === 'rU64' ? BigInt.asUintN(64, got) : fn === 'rU32' ? BigInt.asUintN(32, got) : got
              assert.equal(norm, fits ? v : 0n, `${fn} of ${v}`)
              assert.equal(c.num('rRemaining'), 0)
            }
          }
        }
        // Signed encodings of non-negative values are accepted by the unsigned reads.
        c.open(u8('d3 0000000000000005'))
        assert.equal(c.call('rU8'), 5)
        assert.equal(c.error(), false)
        c.open(u8('d0 7f'))
        assert.equal(c.call('rU64'), 127n)
      })

      it('reads nil, booleans and floats', () => {
        c.open(packr.pack([null, true, false, 1.5, -7, 2 ** 40]))
        assert.equal(c.num('rArray'), 6)
        assert.equal(c.num('rIsNil'), 1)
        assert.equal(c.num('rIsNil'), 1, 'isNil only peeks')
        c.call('rNil')
        assert.equal(c.num('rIsNil'), 0)
        assert.equal(c.num('rBool'), 1)
        assert.equal(c.num('rBool'), 0)
        assert.equal(c.num('rF64'), 1.5)
        assert.equal(c.num('rF64'), -7)
        assert.equal(c.num('rF64'), 2 ** 40)
        assert.equal(c.error(), false)
        assert.equal(c.num('rRemaining'), 0)
        c.open(packF32.pack(-0.25))
        assert.equal(c.num('rF64'), -0.25)
        c.open(uint64Bytes(2n ** 64n - 1n))
        assert.equal(c.num('rF64'), 2 ** 64)
        assert.equal(c.error(), false)
      })

      it('reads UTF-8 strings and bin of every size msgpackr wrote', () => {
        for (const size of STR_SIZES) {
          const s = utf8String(size)
          c.open(packr.pack(s), size % 2 === 0)
          assert.equal(c.readStrLong(), s, `str of ${size} bytes`)
          assert.equal(c.error(), false)
          assert.equal(c.num('rRemaining'), 0)
        }
        for (const size of BIN_SIZES) {
          const b = binOf(size)
          c.open(packr.pack(b), size % 2 === 1)
          assert.deepEqual(c.readBin(), b, `bin ${size}`)
          assert.equal(c.error(), false)
          assert.equal(c.num('rRemaining'), 0)
        }
        c.open(packr.pack('héllo'))
        assert.deepEqual(c.readBin(), new Uint8Array(Buffer.from('héllo')), 'bin() accepts a str')
      })

      it('reads nested arrays and maps msgpackr wrote', () => {
        const obj: Record<string, number> = {}
        for (let i = 0; i < 20; i++) obj[`key${i}`] = i * 1000
        c.open(packr.pack([7, ['€', [null]], obj, {}]))
        assert.equal(c.num('rArray'), 4)
        assert.equal(c.num('rU32'), 7)
        assert.equal(c.num('rArray'), 2)
        assert.equal(c.readStr(), '€')
        assert.equal(c.num('rArray'), 1)
        c.call('rNil')
        assert.equal(c.num('rMap'), 20)
        for (let i = 0; i < 20; i++) {
          assert.equal(c.readStr(), `key${i}`)
          assert.equal(c.num('rI32'), i * 1000)
        }
        assert.equal(c.num('rMap'), 0)
        assert.equal(c.error(), false)
        assert.equal(c.num('rRemaining'), 0)
      })

      it('sets error, without trapping, on every truncation of every kind of value', () => {
        const samples: Array<[string, Uint8Array]> = [
          ['rU64', uint64Bytes(2n ** 40n)], ['rI64', packr.pack(-(2n ** 40n))], ['rU32', packr.pack(70000)],
          ['rU16', packr.pack(300)], ['rU8', packr.pack(200)], ['rI32', packr.pack(-200)],
          ['rF64', packr.pack(1.5)], ['rF64', packF32.pack(1.5)], ['rBool', packr.pack(true)], ['rNil', packr.pack(null)],
          ['rStr', packr.pack('x'.repeat(40))], ['rStr', packr.pack('x'.repeat(300))], ['rStr', packr.pack('x'.repeat(70000))],
          ['rStr', packr.pack('abc')], ['rBin', packr.pack(binOf(10))], ['rBin', packr.pack(binOf(300))],
          ['rBin', packr.pack(binOf(70000))], ['rArray', packr.pack(new Array(20).fill(0))],
          ['rArray', packr.pack(new Array(70000).fill(0))], ['rMap', packr.pack(new Map(Array.from({ length: 20 }, (_, i) => [i, 0])))],
          ['rSkip', packr.pack([1, [2, 'three', { four: binOf(300) }], -70000, 1.5])]
        ]
        for (const [fn, full] of samples) {
          const cut = full.length > 400 ? [0, 1, 2, 3, 4, 5, full.length - 1] : Array.from({ length: full.length }, (_, i) => i)
          for (const len of cut) {
            c.open(full.subarray(0, len), len % 2 === 0)
            if (fn === 'rStr') c.num('rStr')
            else c.call(fn)
            assert.equal(c.error(), true, `${fn} of ${hex(full.subarray(0, 12))}… cut at ${len}`)
            assert.equal(c.num('rRemaining'), 0)
          }
          c.open(full)
          c.call(fn)
          assert.equal(c.error(), false, `${fn} of the whole value`)
        }
      })

      it('sets error on mistyped input and returns zero values from then on (sticky)', () => {
        const cases: Array<[string, unknown]> = [
          ['rStr', 5], ['rBin', 5], ['rU32', 'x'], ['rU8', -1], ['rU64', -1], ['rU8', 256], ['rU16', 65536],
          ['rI32', 2 ** 31], ['rI32', -(2 ** 31) - 1], ['rBool', null], ['rNil', false], ['rArray', { a: 1 }],
          ['rMap', [1]], ['rF64', 'x'], ['rF64', null], ['rArray', 'x'], ['rU32', 1.5], ['rStr', binOf(3)]
        ]
        for (const [fn, v] of cases) {
          // Integers beyond 32 bits as BigInt, or msgpackr would write a float.
          c.open(packr.pack(typeof v === 'number' && Number.isInteger(v) && (v < -(2 ** 31) || v > 0xffffffff) ? BigInt(v) : v))
          c.call(fn)
          assert.equal(c.error(), true, `${fn} of ${JSON.stringify(v)}`)
        }
        c.open(u8('cf 8000000000000000'))
        assert.equal(c.call('rI64'), 0n)
        assert.equal(c.error(), true, 'i64 of 2^63')
        c.open(u8('c1'))
        c.call('rSkip')
        assert.equal(c.error(), true, 'skip of the never-used 0xc1')
        // Sticky: after an error, a valid value reads as zero and the flag stays.
        c.open(packr.pack(['x', 42, 'hello']))
        assert.equal(c.num('rArray'), 3)
        assert.equal(c.num('rU32'), 0)
        assert.equal(c.error(), true)
        assert.equal(c.num('rU32'), 0)
        assert.equal(c.readStr(), '')
        assert.equal(c.num('rArray'), 0)
        assert.equal(c.error(), true)
      })

      it('rejects array and map headers that claim more entries than bytes remain', () => {
        c.open(u8('dd ffffffff 01 02'))
        assert.equal(c.num('rArray'), 0)
        assert.equal(c.error(), true)
        c.open(u8('83 01 02 03 04 05'))
        assert.equal(c.num('rMap'), 0)
        assert.equal(c.error(), true)
        c.open(u8('df 80000000'))
        assert.equal(c.num('rMap'), 0)
        assert.equal(c.error(), true)
        c.open(u8('c6 ffffffff 00'))
        c.num('rBin')
        assert.equal(c.error(), true)
        c.open(u8('c9 ffffffff 01'))
        c.call('rSkip')
        assert.equal(c.error(), true, 'ext32 of 4 GiB')
      })

      it('skip() passes over whole nested values, ext included, then reads what follows', () => {
        const nested = [1, -70000, 'str', binOf(300), [[], [[{}]], { a: [1.5, null, true, { b: 'x'.repeat(70000) }] }],
          new Date(1_700_000_000_000), new Date(1_700_000_000_123), 2n ** 60n, -(2n ** 60n), packF32.pack(0.5)]
        for (const v of nested) {
          c.open(packr.pack([v, 'after']))
          assert.equal(c.num('rArray'), 2)
          c.call('rSkip')
          assert.equal(c.readStr(), 'after', `after skipping ${hex(packr.pack(v).subarray(0, 8))}`)
          assert.equal(c.error(), false)
          assert.equal(c.num('rRemaining'), 0)
        }
        // Every ext form: fixext 1/2/4/8/16 and ext8/16/32.
        for (const h of ['d4 01 aa', 'd5 01 aabb', 'd6 01 00000000', 'd7 01 0000000000000000', 'd8 01' + ' 00'.repeat(16),
          'c7 03 01 aabbcc', 'c8 0003 01 aabbcc', 'c9 00000003 01 aabbcc']) {
          c.open(u8('92' + h.replace(/\s/g, '') + '07'))
          c.num('rArray')
          c.call('rSkip')
          assert.equal(c.num('rU8'), 7, h)
          assert.equal(c.error(), false, h)
        }
        // Deep nesting does not recurse: 100000 levels.
        const depth = 100_000
        const deep = new Uint8Array(depth + 2)
        deep.fill(0x91, 0, depth)
        deep[depth] = 0xc0
        deep[depth + 1] = 0x2a
        c.open(deep)
        c.call('rSkip')
        assert.equal(c.num('rU8'), 42)
        assert.equal(c.error(), false)
      })

      it('round-trips what the Writer wrote', () => {
        c.call('wReset')
        c.call('wArray', 5)
        c.call('wI64', -(2n ** 40n))
        c.putStr('😀 ok')
        c.call('wMap', 1)
        c.putStr('k')
        c.call('wF32', 0.5)
        c.input(binOf(40))
        c.call('wBin', 40)
        c.call('wU64', 2n ** 64n - 1n)
        const bytes = c.written()
        assert.deepEqual(unpackr.unpack(bytes), [-(2n ** 40n), '😀 ok', { k: 0.5 }, binOf(40), 2n ** 64n - 1n])
        c.open(bytes, true)
        assert.equal(c.num('rArray'), 5)
        assert.equal(c.call('rI64'), -(2n ** 40n))
        assert.equal(c.readStr(), '😀 ok')
        assert.equal(c.num('rMap'), 1)
        assert.equal(c.readStr(), 'k')
        assert.equal(c.num('rF64'), 0.5)
        assert.deepEqual(c.readBin(), binOf(40))
        assert.equal(BigInt.asUintN(64, c.call('rU64') as bigint), 2n ** 64n - 1n)
        assert.equal(c.error(), false)
        assert.equal(c.num('rRemaining'), 0)
      })
    })
  })
}
