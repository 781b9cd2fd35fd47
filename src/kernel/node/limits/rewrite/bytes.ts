// Byte reading and writing for the fuel rewrite: LEB128, names, sized vectors.
import { bad, FuelRewriteError } from './errors.ts'

export class Reader {
  readonly b: Uint8Array
  pos: number
  readonly end: number

  constructor (b: Uint8Array, pos = 0, end = b.length) {
    if (end > b.length || pos > end) throw bad('a size runs past the end of its section')
    this.b = b
    this.pos = pos
    this.end = end
  }

  eof (): boolean { return this.pos >= this.end }

  u8 (): number {
    if (this.pos >= this.end) throw bad('unexpected end')
    return this.b[this.pos++]
  }

  /** Unsigned LEB128 up to 2^53. */
  u32 (): number {
    let result = 0
    let mul = 1
    for (let i = 0; i < 10; i++) {
      const byte = this.u8()
      result += (byte & 0x7f) * mul
      if ((byte & 0x80) === 0) return result
      mul *= 128
    }
    throw bad('LEB128 too long')
  }

  /** Skips any LEB128 (signed or not). */
  skipLeb (): void {
    for (let i = 0; i < 10; i++) {
      if ((this.u8() & 0x80) === 0) return
    }
    throw bad('LEB128 too long')
  }

  skip (n: number): void {
    if (this.pos + n > this.end) throw bad('unexpected end')
    this.pos += n
  }

  bytes (n: number): Uint8Array {
    const start = this.pos
    this.skip(n)
    return this.b.subarray(start, this.pos)
  }

  name (): string {
    const n = this.u32()
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.bytes(n))
    } catch (err) {
      if (err instanceof FuelRewriteError) throw err
      throw bad('a name is not valid UTF-8')
    }
  }
}

/**
 * The unsigned LEB128 at b[pos], for an immediate `decode` has already read (so it is complete and
 * in bounds): no Reader to allocate for every branch.
 */
export function u32At (b: Uint8Array, pos: number): number {
  let result = 0
  let mul = 1
  for (;;) {
    const byte = b[pos++]
    result += (byte & 0x7f) * mul
    if ((byte & 0x80) === 0) return result
    mul *= 128
  }
}

export class Writer {
  buf: Uint8Array
  len = 0

  /** `capacity`: the bytes expected, so that a large section is not copied at every doubling. */
  constructor (capacity = 256) {
    this.buf = new Uint8Array(Math.max(16, capacity))
  }

  private grow (n: number): void {
    if (this.len + n <= this.buf.length) return
    let size = this.buf.length * 2
    while (size < this.len + n) size *= 2
    const next = new Uint8Array(size)
    next.set(this.buf.subarray(0, this.len))
    this.buf = next
  }

  u8 (v: number): void {
    this.grow(1)
    this.buf[this.len++] = v
  }

  u32 (v: number): void {
    this.grow(10)
    do {
      let byte = v % 128
      v = Math.floor(v / 128)
      if (v !== 0) byte |= 0x80
      this.buf[this.len++] = byte
    } while (v !== 0)
  }

  s32 (v: number): void {
    this.grow(5)
    for (;;) {
      const byte = v & 0x7f
      v >>= 7
      if ((v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0)) {
        this.buf[this.len++] = byte
        return
      }
      this.buf[this.len++] = byte | 0x80
    }
  }

  bytes (b: Uint8Array): void {
    this.grow(b.length)
    this.buf.set(b, this.len)
    this.len += b.length
  }

  /** Copies b[start, end): most instructions are a few bytes, not worth a subarray each. */
  copy (b: Uint8Array, start: number, end: number): void {
    const n = end - start
    this.grow(n)
    if (n > 32) {
      this.buf.set(b.subarray(start, end), this.len)
      this.len += n
      return
    }
    const buf = this.buf
    let len = this.len
    for (let i = start; i < end; i++) buf[len++] = b[i]
    this.len = len
  }

  name (s: string): void {
    const b = new TextEncoder().encode(s)
    this.u32(b.length)
    this.bytes(b)
  }

  /** Writes `w` prefixed with its length. */
  sized (w: Writer): void {
    this.u32(w.len)
    this.bytes(w.result())
  }

  result (): Uint8Array { return this.buf.subarray(0, this.len) }
}
