// Reading a WebAssembly binary: bytes, LEB128, floats, UTF-8 names, value types; first error kept.

import { T_I32, T_I64, T_F32, T_F64, T_FUNCREF, T_EXTERNREF } from './module'

export function isValType (b: u8): bool {
  return b == T_I32 || b == T_I64 || b == T_F32 || b == T_F64 || b == T_FUNCREF || b == T_EXTERNREF
}

// Valid UTF-8 per the Unicode standard (no overlongs, surrogates or > U+10FFFF).
export function validUtf8 (b: Uint8Array, start: i32, end: i32): bool {
  let i = start
  while (i < end) {
    const c = <u32>b[i]
    if (c < 0x80) { i++; continue }
    let n = 0
    let cp: u32 = 0
    let lo: u32 = 0
    if (c >= 0xc2 && c <= 0xdf) { n = 1; cp = c & 0x1f; lo = 0x80 } else if (c >= 0xe0 && c <= 0xef) { n = 2; cp = c & 0x0f; lo = 0x800 } else if (c >= 0xf0 && c <= 0xf4) { n = 3; cp = c & 0x07; lo = 0x10000 } else return false
    if (i + n >= end) return false
    for (let k = 1; k <= n; k++) {
      if (i + k >= end) return false
      const d = <u32>b[i + k]
      if ((d & 0xc0) != 0x80) return false
      cp = (cp << 6) | (d & 0x3f)
    }
    if (cp < lo || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false
    i += n + 1
  }
  return true
}

// The bytes being read and the position; base of the decoder's class chain (decode.ts).
export class Reader {
  b: Uint8Array
  pos: i32 = 0
  end: i32
  err: string | null = null

  constructor (b: Uint8Array) {
    this.b = b
    this.end = b.length
  }

  fail (msg: string): void {
    if (this.err === null) this.err = msg
  }

  byte (): u8 {
    if (this.pos >= this.end) {
      this.fail('unexpected end')
      return 0
    }
    return unchecked(this.b[this.pos++])
  }

  u32 (): u32 {
    let result: u32 = 0
    let shift: u32 = 0
    while (true) {
      if (this.pos >= this.end) { this.fail('unexpected end'); return 0 }
      const b = <u32>unchecked(this.b[this.pos++])
      if (shift == 28) {
        if (b & 0x80) { this.fail('integer representation too long'); return 0 }
        if (b & 0x70) { this.fail('integer too large'); return 0 }
      }
      result |= (b & 0x7f) << shift
      if (!(b & 0x80)) return result
      shift += 7
    }
  }

  // Signed LEB128 of `bits` (32, 33 or 64) into an i64.
  sleb (bits: i32): i64 {
    let result: i64 = 0
    let shift: i32 = 0
    const maxBytes = (bits + 6) / 7
    let n = 0
    while (true) {
      if (this.pos >= this.end) { this.fail('unexpected end'); return 0 }
      const b = <i64>unchecked(this.b[this.pos++])
      n++
      if (n == maxBytes) {
        if (b & 0x80) { this.fail('integer representation too long'); return 0 }
        // bits left over in the last byte must be copies of the sign bit
        const used = bits - shift // meaningful bits in this byte (<= 7)
        const mask = (<i64>0x7f >> used) << used & 0x7f
        const signSet = (b >> (used - 1)) & 1
        if (signSet ? (b & mask) != mask : (b & mask) != 0) { this.fail('integer too large'); return 0 }
      }
      result |= (b & 0x7f) << shift
      shift += 7
      if (!(b & 0x80)) {
        if (shift < 64 && (b & 0x40)) result |= -1 << shift
        return result
      }
    }
  }

  f32bits (): u32 {
    if (this.pos + 4 > this.end) { this.fail('unexpected end'); this.pos = this.end; return 0 }
    const v = load<u32>(this.b.dataStart + this.pos)
    this.pos += 4
    return v
  }

  f64bits (): u64 {
    if (this.pos + 8 > this.end) { this.fail('unexpected end'); this.pos = this.end; return 0 }
    const v = load<u64>(this.b.dataStart + this.pos)
    this.pos += 8
    return v
  }

  name (): string {
    const len = this.u32()
    if (this.err !== null) return ''
    if (<u64>this.pos + len > <u64>this.end) { this.fail('unexpected end'); return '' }
    const s = this.pos
    this.pos += len
    if (!validUtf8(this.b, s, s + len)) { this.fail('malformed UTF-8 encoding'); return '' }
    return String.UTF8.decodeUnsafe(this.b.dataStart + s, len)
  }

  count (): i32 {
    const n = this.u32()
    // every element takes at least one byte
    if (u64(n) > <u64>(this.end - this.pos)) { this.fail('unexpected end'); return 0 }
    return <i32>n
  }

  valType (): u8 {
    const t = this.byte()
    if (!isValType(t)) { this.fail('malformed value type'); return T_I32 }
    return t
  }

  refType (): u8 {
    const t = this.byte()
    if (t != T_FUNCREF && t != T_EXTERNREF) { this.fail('malformed reference type'); return T_FUNCREF }
    return t
  }
}
