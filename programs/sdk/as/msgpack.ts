// msgpack encoder and decoder for wasmos programs written in AssemblyScript.
// Every message payload is msgpack: a message is `[message index, ...params]`, an answer is the
// array of the answer's fields. The Writer always emits the smallest (canonical) form of each
// value, so equal values give equal bytes. The Reader never traps or aborts on bad input: a type
// mismatch or a truncated buffer sets the sticky `error` flag and reads return zero values, so a
// program can decode a whole message and check `error` once at the end.
// No host imports: it compiles with `--runtime stub` as well as `--runtime incremental`.

// ---- Writer

/** Builds one msgpack value (usually an array) in a growable buffer. */
export class Writer {
  private buf: ArrayBuffer
  private pos: i32 = 0

  constructor (initialCapacity: i32 = 64) {
    this.buf = new ArrayBuffer(initialCapacity > 8 ? initialCapacity : 8)
  }

  /** Length back to 0; the buffer is kept for the next message. */
  reset (): void {
    this.pos = 0
  }

  /** Number of encoded bytes. */
  get length (): i32 {
    return this.pos
  }

  /** Pointer to the encoded bytes; valid until the next write (the buffer may move when it grows). */
  get dataStart (): usize {
    return changetype<usize>(this.buf)
  }

  /** A copy of the encoded bytes. */
  toBytes (): Uint8Array {
    const out = new Uint8Array(this.pos)
    memory.copy(out.dataStart, changetype<usize>(this.buf), <usize>this.pos)
    return out
  }

  /** Makes room for `n` more bytes and returns where they go. */
  @inline
  private room (n: i32): usize {
    const need = this.pos + n
    if (need > this.buf.byteLength) this.grow(need)
    return changetype<usize>(this.buf) + <usize>this.pos
  }

  private grow (need: i32): void {
    let cap = this.buf.byteLength << 1
    if (cap < need) cap = need
    const nb = new ArrayBuffer(cap)
    memory.copy(changetype<usize>(nb), changetype<usize>(this.buf), <usize>this.pos)
    this.buf = nb
  }

  @inline
  private put1 (b: u8): void {
    store<u8>(this.room(1), b)
    this.pos += 1
  }

  @inline
  private put2 (tag: u8, v: u16): void {
    const p = this.room(3)
    store<u8>(p, tag)
    store<u16>(p + 1, bswap<u16>(v))
    this.pos += 3
  }

  @inline
  private put4 (tag: u8, v: u32): void {
    const p = this.room(5)
    store<u8>(p, tag)
    store<u32>(p + 1, bswap<u32>(v))
    this.pos += 5
  }

  @inline
  private put8 (tag: u8, v: u64): void {
    const p = this.room(9)
    store<u8>(p, tag)
    store<u64>(p + 1, bswap<u64>(v))
    this.pos += 9
  }

  /** A header with a 1-byte tag + 8-bit length. */
  @inline
  private put1len (tag: u8, v: u8): void {
    const p = this.room(2)
    store<u8>(p, tag)
    store<u8>(p + 1, v)
    this.pos += 2
  }

  arrayHeader (n: u32): Writer {
    if (n < 16) this.put1(<u8> (0x90 | n))
    else if (n <= 0xffff) this.put2(0xdc, <u16> n)
    else this.put4(0xdd, n)
    return this
  }

  mapHeader (n: u32): Writer {
    if (n < 16) this.put1(<u8> (0x80 | n))
    else if (n <= 0xffff) this.put2(0xde, <u16> n)
    else this.put4(0xdf, n)
    return this
  }

  nil (): Writer {
    this.put1(0xc0)
    return this
  }

  bool (v: bool): Writer {
    this.put1(v ? 0xc3 : 0xc2)
    return this
  }

  u64 (v: u64): Writer {
    if (v < 0x80) this.put1(<u8> v)
    else if (v <= 0xff) this.put1len(0xcc, <u8> v)
    else if (v <= 0xffff) this.put2(0xcd, <u16> v)
    else if (v <= 0xffffffff) this.put4(0xce, <u32> v)
    else this.put8(0xcf, v)
    return this
  }

  i64 (v: i64): Writer {
    if (v >= 0) return this.u64(<u64> v)
    if (v >= -32) this.put1(<u8> v) // negative fixint: 0xe0..0xff
    else if (v >= -128) this.put1len(0xd0, <u8> v)
    else if (v >= -32768) this.put2(0xd1, <u16> v)
    else if (v >= -2147483648) this.put4(0xd2, <u32> v)
    else this.put8(0xd3, <u64> v)
    return this
  }

  u32 (v: u32): Writer { return this.u64(<u64> v) }
  u16 (v: u16): Writer { return this.u64(<u64> v) }
  u8 (v: u8): Writer { return this.u64(<u64> v) }
  i32 (v: i32): Writer { return this.i64(<i64> v) }

  /** Always float64, so the reader's type never depends on the value. */
  f64 (v: f64): Writer {
    this.put8(0xcb, reinterpret<u64>(v))
    return this
  }

  f32 (v: f32): Writer {
    this.put4(0xca, reinterpret<u32>(v))
    return this
  }

  /** A string as UTF-8 (lone surrogates as WTF-8, like String.UTF8.encode). */
  str (v: string): Writer {
    const n = String.UTF8.byteLength(v)
    this.strHeader(<u32> n)
    const p = this.room(n)
    String.UTF8.encodeUnsafe(changetype<usize>(v), v.length, p)
    this.pos += n
    return this
  }

  /** A str header for `n` bytes of UTF-8 that the caller writes next (with raw/rawPtr). */
  strHeader (n: u32): Writer {
    if (n < 32) this.put1(<u8> (0xa0 | n))
    else if (n <= 0xff) this.put1len(0xd9, <u8> n)
    else if (n <= 0xffff) this.put2(0xda, <u16> n)
    else this.put4(0xdb, n)
    return this
  }

  /** A bin header for `n` bytes that the caller writes next (with raw/rawPtr). */
  binHeader (n: u32): Writer {
    if (n <= 0xff) this.put1len(0xc4, <u8> n)
    else if (n <= 0xffff) this.put2(0xc5, <u16> n)
    else this.put4(0xc6, n)
    return this
  }

  bin (v: Uint8Array): Writer {
    return this.binRaw(v.dataStart, v.length)
  }

  binRaw (ptr: usize, len: i32): Writer {
    this.binHeader(<u32> len)
    return this.rawPtr(ptr, len)
  }

  /** Already-encoded msgpack bytes, copied as they are. */
  raw (v: Uint8Array): Writer {
    return this.rawPtr(v.dataStart, v.length)
  }

  /** `len` bytes at `ptr`, copied as they are. */
  rawPtr (ptr: usize, len: i32): Writer {
    if (len <= 0) return this
    const p = this.room(len)
    memory.copy(p, ptr, <usize> len)
    this.pos += len
    return this
  }
}

// ---- Reader

// The kinds an integer read can find (see Reader.int).
const INT_NONE: i32 = 0 // not an integer: error
const INT_POS: i32 = 1 // value is the u64 in `iv`
const INT_NEG: i32 = 2 // value is the (negative) i64 in `iv`

/** Reads msgpack values one after another from a byte range. */
export class Reader {
  /** Set on the first type mismatch or truncation; from then on every read returns a zero value. */
  error: bool = false
  private ptr: usize
  private end: usize
  /** Keeps the source alive under a collecting runtime; null for fromRaw. */
  private src: Uint8Array | null
  /** The integer last read by int(). */
  private iv: u64 = 0

  constructor (bytes: Uint8Array) {
    this.src = bytes
    this.ptr = bytes.dataStart
    this.end = bytes.dataStart + <usize> bytes.length
  }

  /** Reads `len` bytes at `ptr` in place, without copying; the memory must outlive the reader. */
  static fromRaw (ptr: usize, len: i32): Reader {
    const r = new Reader(new Uint8Array(0))
    r.src = null
    r.ptr = ptr
    const n: i32 = len > 0 ? len : 0
    r.end = ptr + <usize> n
    return r
  }

  /** Reads `len` bytes at `ptr` in place from now on, with `error` cleared: reuses this reader. */
  reset (ptr: usize, len: i32): Reader {
    this.src = null
    this.error = false
    this.ptr = ptr
    const n: i32 = len > 0 ? len : 0
    this.end = ptr + <usize> n
    return this
  }

  /** Bytes not read yet (0 once `error` is set). */
  get remaining (): i32 {
    return this.error ? 0 : <i32> (this.end - this.ptr)
  }

  /** Pointer to the next unread byte. */
  get position (): usize {
    return this.ptr
  }

  @inline
  private fail (): void {
    this.error = true
    this.ptr = this.end
  }

  /** True when `n` more bytes are there; sets `error` otherwise. */
  @inline
  private has (n: usize): bool {
    if (this.end - this.ptr >= n) return true
    this.fail()
    return false
  }

  /** The next tag byte without consuming it; 0xc1 (never used by msgpack) when there is none. */
  @inline
  private peek (): u8 {
    return this.ptr < this.end && !this.error ? load<u8>(this.ptr) : 0xc1
  }

  @inline
  private be8 (): u8 {
    const v = load<u8>(this.ptr)
    this.ptr += 1
    return v
  }

  @inline
  private be16 (): u16 {
    const v = bswap<u16>(load<u16>(this.ptr))
    this.ptr += 2
    return v
  }

  @inline
  private be32 (): u32 {
    const v = bswap<u32>(load<u32>(this.ptr))
    this.ptr += 4
    return v
  }

  @inline
  private be64 (): u64 {
    const v = bswap<u64>(load<u64>(this.ptr))
    this.ptr += 8
    return v
  }

  /** A header whose count follows the tag as a big-endian integer of `size` bytes. */
  private count (size: i32): u32 {
    if (!this.has(<usize> size)) return 0
    if (size == 1) return this.be8()
    if (size == 2) return this.be16()
    return this.be32()
  }

  /** Checks that `n` values (each at least one byte) can still follow. */
  private plausible (n: u64): u32 {
    if (n > <u64> (this.end - this.ptr)) {
      this.fail()
      return 0
    }
    return <u32> n
  }

  arrayHeader (): u32 {
    const t = this.peek()
    if (this.error || !this.has(1)) return 0
    let n: u32 = 0
    if ((t & 0xf0) == 0x90) { this.ptr += 1; n = t & 0x0f } else if (t == 0xdc) { this.ptr += 1; n = this.count(2) } else if (t == 0xdd) { this.ptr += 1; n = this.count(4) } else { this.fail(); return 0 }
    return this.plausible(<u64> n)
  }

  mapHeader (): u32 {
    const t = this.peek()
    if (this.error || !this.has(1)) return 0
    let n: u32 = 0
    if ((t & 0xf0) == 0x80) { this.ptr += 1; n = t & 0x0f } else if (t == 0xde) { this.ptr += 1; n = this.count(2) } else if (t == 0xdf) { this.ptr += 1; n = this.count(4) } else { this.fail(); return 0 }
    this.plausible(<u64> n << 1)
    return this.error ? 0 : n
  }

  /** Whether the next value is nil, without consuming it. */
  isNil (): bool {
    return this.peek() == 0xc0
  }

  nil (): void {
    if (this.peek() == 0xc0) this.ptr += 1
    else this.fail()
  }

  bool (): bool {
    const t = this.peek()
    if (t == 0xc2 || t == 0xc3) {
      this.ptr += 1
      return t == 0xc3
    }
    this.fail()
    return false
  }

  /** Reads any integer encoding into `iv`; returns INT_POS, INT_NEG or INT_NONE (with `error` set). */
  private int (): i32 {
    const t = this.peek()
    if (this.error || !this.has(1)) return INT_NONE
    if (t < 0x80) { this.ptr += 1; this.iv = t; return INT_POS }
    if (t >= 0xe0) { this.ptr += 1; this.iv = <u64> <i64> <i8> t; return INT_NEG }
    let size: usize = 0
    if (t == 0xcc || t == 0xd0) size = 1
    else if (t == 0xcd || t == 0xd1) size = 2
    else if (t == 0xce || t == 0xd2) size = 4
    else if (t == 0xcf || t == 0xd3) size = 8
    else { this.fail(); return INT_NONE }
    if (!this.has(1 + size)) return INT_NONE
    this.ptr += 1
    if (t >= 0xd0) { // signed
      let v: i64
      if (size == 1) v = <i64> <i8>this.be8()
      else if (size == 2) v = <i64> <i16>this.be16()
      else if (size == 4) v = <i64> <i32>this.be32()
      else v = <i64>this.be64()
      this.iv = <u64> v
      return v < 0 ? INT_NEG : INT_POS
    }
    if (size == 1) this.iv = this.be8()
    else if (size == 2) this.iv = this.be16()
    else if (size == 4) this.iv = this.be32()
    else this.iv = this.be64()
    return INT_POS
  }

  /** An unsigned integer no larger than `max`. */
  private uint (max: u64): u64 {
    const k = this.int()
    if (k == INT_POS && this.iv <= max) return this.iv
    if (k != INT_NONE) this.fail()
    return 0
  }

  /** A signed integer in [min, max]. */
  private sint (min: i64, max: i64): i64 {
    const k = this.int()
    if (k == INT_NONE) return 0
    const v = <i64>this.iv
    if (k == INT_POS ? (this.iv <= <u64> max) : (v >= min)) return v
    this.fail()
    return 0
  }

  u64 (): u64 { return this.uint(u64.MAX_VALUE) }
  u32 (): u32 { return <u32>this.uint(<u64> u32.MAX_VALUE) }
  u16 (): u16 { return <u16>this.uint(<u64> u16.MAX_VALUE) }
  u8 (): u8 { return <u8>this.uint(<u64> u8.MAX_VALUE) }
  i64 (): i64 { return this.sint(i64.MIN_VALUE, i64.MAX_VALUE) }
  i32 (): i32 { return <i32>this.sint(<i64> i32.MIN_VALUE, <i64> i32.MAX_VALUE) }

  /** A float32, float64 or any integer, as f64. */
  f64 (): f64 {
    const t = this.peek()
    if (t == 0xcb) {
      if (!this.has(9)) return 0
      this.ptr += 1
      return reinterpret<f64>(this.be64())
    }
    if (t == 0xca) {
      if (!this.has(5)) return 0
      this.ptr += 1
      return <f64> reinterpret<f32>(this.be32())
    }
    const k = this.int()
    if (k == INT_POS) return <f64>this.iv
    if (k == INT_NEG) return <f64> <i64>this.iv
    return 0
  }

  /** Length of a str (or, when `orBin`, bin) value whose bytes start at `ptr` afterwards; -1 on error. */
  private bytesHeader (orBin: bool): i64 {
    const t = this.peek()
    if (this.error || !this.has(1)) return -1
    let n: u32 = 0
    if ((t & 0xe0) == 0xa0) { this.ptr += 1; n = t & 0x1f } else if (t == 0xd9 || (orBin && t == 0xc4)) { this.ptr += 1; n = this.count(1) } else if (t == 0xda || (orBin && t == 0xc5)) { this.ptr += 1; n = this.count(2) } else if (t == 0xdb || (orBin && t == 0xc6)) { this.ptr += 1; n = this.count(4) } else { this.fail(); return -1 }
    if (this.error || !this.has(<usize> n)) return -1
    return <i64> n
  }

  /** A str value (fixstr, str8/16/32) decoded from UTF-8. */
  str (): string {
    const n = this.bytesHeader(false)
    if (n < 0) return ''
    const s = String.UTF8.decodeUnsafe(this.ptr, <usize> n)
    this.ptr += <usize> n
    return s
  }

  /** A bin value (bin8/16/32; a str is accepted as its bytes), copied out. */
  bin (): Uint8Array {
    const n = this.bytesHeader(true)
    if (n < 0) return new Uint8Array(0)
    const out = new Uint8Array(<i32> n)
    memory.copy(out.dataStart, this.ptr, <usize> n)
    this.ptr += <usize> n
    return out
  }

  /**
   * The length of a bin (or str) value, leaving `position` at its first byte so the caller can
   * use the bytes in place; advance with skipBytes(n). -1 on error.
   */
  binHeader (): i32 {
    const n = this.bytesHeader(true)
    if (n < 0) return -1
    return <i32> n
  }

  /** Advances over `n` raw bytes (after binHeader). */
  skipBytes (n: i32): void {
    if (n < 0 || !this.has(<usize> n)) return
    this.ptr += <usize> n
  }

  /** Skips one whole value, nested arrays and maps included (also ext values). */
  skip (): void {
    // Iterative: `pending` counts values still to skip, so hostile nesting cannot overflow the stack.
    let pending: u64 = 1
    while (pending > 0) {
      if (this.error) return
      if (pending > <u64> (this.end - this.ptr)) { this.fail(); return } // each value is >= 1 byte
      pending--
      const t = this.be8()
      if (t < 0x80 || t >= 0xe0 || t == 0xc0 || t == 0xc2 || t == 0xc3) continue
      if ((t & 0xf0) == 0x80) { pending += <u64> (t & 0x0f) << 1; continue }
      if ((t & 0xf0) == 0x90) { pending += <u64> (t & 0x0f); continue }
      if ((t & 0xe0) == 0xa0) { this.skipBytes(t & 0x1f); continue }
      switch (t) {
        case 0xcc: case 0xd0: this.skipBytes(1); break
        case 0xcd: case 0xd1: this.skipBytes(2); break
        case 0xca: case 0xce: case 0xd2: this.skipBytes(4); break
        case 0xcb: case 0xcf: case 0xd3: this.skipBytes(8); break
        case 0xd4: this.skipBytes(2); break // fixext 1: type + data
        case 0xd5: this.skipBytes(3); break
        case 0xd6: this.skipBytes(5); break
        case 0xd7: this.skipBytes(9); break
        case 0xd8: this.skipBytes(17); break
        case 0xc4: case 0xd9: this.skipLen(1, 0); break
        case 0xc5: case 0xda: this.skipLen(2, 0); break
        case 0xc6: case 0xdb: this.skipLen(4, 0); break
        case 0xc7: this.skipLen(1, 1); break // ext: length, type, data
        case 0xc8: this.skipLen(2, 1); break
        case 0xc9: this.skipLen(4, 1); break
        case 0xdc: pending += <u64>this.count(2); break
        case 0xdd: pending += <u64>this.count(4); break
        case 0xde: pending += <u64>this.count(2) << 1; break
        case 0xdf: pending += <u64>this.count(4) << 1; break
        default: this.fail() // 0xc1
      }
    }
  }

  /** Skips a length of `size` bytes, `extra` bytes, then that many bytes. */
  private skipLen (size: i32, extra: i32): void {
    const n = this.count(size)
    if (this.error) return
    const total = <u64> n + <u64> extra // in u64: a 4 GiB length must not wrap around
    if (total > <u64> (this.end - this.ptr)) { this.fail(); return }
    this.ptr += <usize> total
  }
}
