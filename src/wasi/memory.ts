// Checked access to a WASI program's memory: every pointer and length a program passes is checked
// against the memory's current size, and a bad one becomes EFAULT (the `Fault` thrown here is
// caught by the import wrapper), never a host exception. Views are refreshed when memory grows.

/** A bad pointer or length from the program. */
export class Fault extends Error {
  readonly code = 'EFAULT'
}

export class Mem {
  #memory: WebAssembly.Memory | null = null
  #buffer: ArrayBufferLike | null = null
  #u8 = new Uint8Array(0)
  #view = new DataView(new ArrayBuffer(0))

  bind (memory: WebAssembly.Memory): void {
    this.#memory = memory
  }

  #refresh (): void {
    const buf = this.#memory!.buffer
    if (buf !== this.#buffer) {
      this.#buffer = buf
      this.#u8 = new Uint8Array(buf)
      this.#view = new DataView(buf)
    }
  }

  /** Checks [ptr, ptr+len) and returns the views; pointers arrive as signed i32. */
  check (ptr: number, len: number): void {
    if (this.#memory === null) throw new Fault('no memory')
    this.#refresh()
    if (ptr < 0 || len < 0 || ptr + len > this.#u8.length) throw new Fault(`bad pointer ${ptr}+${len}`)
  }

  get u8 (): Uint8Array { this.#refresh(); return this.#u8 }
  get view (): DataView { this.#refresh(); return this.#view }

  u8At (ptr: number): number { this.check(ptr, 1); return this.#u8[ptr] }
  u16At (ptr: number): number { this.check(ptr, 2); return this.#view.getUint16(ptr, true) }
  u32At (ptr: number): number { this.check(ptr, 4); return this.#view.getUint32(ptr, true) }
  u64At (ptr: number): bigint { this.check(ptr, 8); return this.#view.getBigUint64(ptr, true) }
  setU8 (ptr: number, v: number): void { this.check(ptr, 1); this.#u8[ptr] = v }
  setU16 (ptr: number, v: number): void { this.check(ptr, 2); this.#view.setUint16(ptr, v, true) }
  setU32 (ptr: number, v: number): void { this.check(ptr, 4); this.#view.setUint32(ptr, v >>> 0, true) }
  setU64 (ptr: number, v: bigint | number): void { this.check(ptr, 8); this.#view.setBigUint64(ptr, BigInt.asUintN(64, BigInt(v)), true) }

  /** A copy of [ptr, ptr+len). */
  bytes (ptr: number, len: number): Uint8Array { this.check(ptr, len); return this.#u8.slice(ptr, ptr + len) }
  /** A view of [ptr, ptr+len), valid until memory grows. */
  slice (ptr: number, len: number): Uint8Array { this.check(ptr, len); return this.#u8.subarray(ptr, ptr + len) }
  string (ptr: number, len: number): string {
    return new TextDecoder('utf-8', { fatal: false }).decode(this.slice(ptr, len))
  }

  write (ptr: number, data: Uint8Array): void { this.check(ptr, data.length); this.#u8.set(data, ptr) }

  /** The (pointer, length) pairs of an iovec array, each checked. */
  iovecs (iovs: number, count: number): Array<[number, number]> {
    if (count < 0) throw new Fault('bad iovec count')
    this.check(iovs, count * 8)
    const out: Array<[number, number]> = []
    for (let i = 0; i < count; i++) {
      const ptr = this.#view.getUint32(iovs + i * 8, true)
      const len = this.#view.getUint32(iovs + i * 8 + 4, true)
      this.check(ptr, len)
      out.push([ptr, len])
    }
    return out
  }

  /** Gathers the bytes of an iovec array into one buffer. */
  gather (iovs: number, count: number): Uint8Array {
    const list = this.iovecs(iovs, count)
    let total = 0
    for (const [, len] of list) total += len
    const out = new Uint8Array(total)
    let at = 0
    for (const [ptr, len] of list) { out.set(this.#u8.subarray(ptr, ptr + len), at); at += len }
    return out
  }

  /** Scatters `data` over an iovec array (checked again: memory may have grown meanwhile); returns the bytes placed. */
  scatter (iovs: number, count: number, data: Uint8Array): number {
    const list = this.iovecs(iovs, count)
    let at = 0
    for (const [ptr, len] of list) {
      if (at >= data.length) break
      const k = Math.min(len, data.length - at)
      this.#u8.set(data.subarray(at, at + k), ptr)
      at += k
    }
    return at
  }

  /** The total length of an iovec array. */
  capacity (iovs: number, count: number): number {
    let total = 0
    for (const [, len] of this.iovecs(iovs, count)) total += len
    return total
  }
}
