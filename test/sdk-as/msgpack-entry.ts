// Test entry for programs/sdk/as/msgpack.ts: exports flat functions over one Writer and one
// Reader so that msgpack.test.ts can drive the codec from JS and compare with msgpackr.
// Bytes and strings cross through `input` (JS writes at inputPtr) and come back by pointer.
import { Reader, Writer } from '../../programs/sdk/as/msgpack'

const w = new Writer(4) // small on purpose, so that growing is exercised
let r = new Reader(new Uint8Array(0))
let input = new Uint8Array(0)
// Keep the last decoded string/bytes alive (incremental runtime) until JS has read them.
let lastStr = ''
let lastBin = new Uint8Array(0)

/** A buffer of `len` bytes for JS to fill; returns its address. */
export function inputAlloc (len: i32): usize {
  input = new Uint8Array(len)
  return input.dataStart
}

// ---- Writer
export function wReset (): void { w.reset() }
export function wPtr (): usize { return w.dataStart }
export function wLen (): i32 { return w.length }
/** Copies through toBytes() into `lastBin` (tests toBytes). */
export function wToBytes (): usize { lastBin = w.toBytes(); return lastBin.dataStart }
export function wArray (n: u32): void { w.arrayHeader(n) }
export function wMap (n: u32): void { w.mapHeader(n) }
export function wNil (): void { w.nil() }
export function wBool (v: bool): void { w.bool(v) }
export function wU64 (v: u64): void { w.u64(v) }
export function wI64 (v: i64): void { w.i64(v) }
export function wU32 (v: u32): void { w.u32(v) }
export function wI32 (v: i32): void { w.i32(v) }
export function wU16 (v: u16): void { w.u16(v) }
export function wU8 (v: u8): void { w.u8(v) }
export function wF64 (v: f64): void { w.f64(v) }
export function wF32 (v: f32): void { w.f32(v) }
/** The string whose `units` UTF-16 code units JS put in `input`. */
export function wStr (units: i32): void { w.str(String.UTF16.decodeUnsafe(input.dataStart, <usize> units << 1)) }
export function wBin (len: i32): void { w.bin(input.subarray(0, len)) }
export function wBinRaw (len: i32): void { w.binRaw(input.dataStart, len) }
export function wRaw (len: i32): void { w.raw(input.subarray(0, len)) }
/** Writes [1, "two", [true, nil], {"k": -5}] chained, as a program would. */
export function wChained (): void {
  w.arrayHeader(4).u8(1).str('two').arrayHeader(2).bool(true).nil().mapHeader(1).str('k').i32(-5)
}

// ---- Reader
/** Reads the first `len` bytes of `input`, through a copy-free view (raw) or a Uint8Array. */
export function rOpen (len: i32, raw: bool): void {
  r = raw ? Reader.fromRaw(input.dataStart, len) : new Reader(input.subarray(0, len))
}
export function rError (): bool { return r.error }
export function rRemaining (): i32 { return r.remaining }
export function rArray (): u32 { return r.arrayHeader() }
export function rMap (): u32 { return r.mapHeader() }
export function rIsNil (): bool { return r.isNil() }
export function rNil (): void { r.nil() }
export function rBool (): bool { return r.bool() }
export function rU64 (): u64 { return r.u64() }
export function rI64 (): i64 { return r.i64() }
export function rU32 (): u32 { return r.u32() }
export function rI32 (): i32 { return r.i32() }
export function rU16 (): u16 { return r.u16() }
export function rU8 (): u8 { return r.u8() }
export function rF64 (): f64 { return r.f64() }
/** Decodes a str; returns the String's address (its UTF-16 byte length is at address - 4). */
export function rStr (): usize { lastStr = r.str(); return changetype<usize>(lastStr) }
/** Decodes a bin; returns the bytes' address, their length from lastLen(). */
export function rBin (): usize { lastBin = r.bin(); return lastBin.dataStart }
export function lastLen (): i32 { return lastBin.length }
export function rSkip (): void { r.skip() }
