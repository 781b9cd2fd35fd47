// Modules the store benches publish: valid wasm of a chosen size, random data so no two share a block.

/** A valid module of about `size` bytes, random data so no two share a block. */
export function wasmOf (size: number): Uint8Array {
  const data = new Uint8Array(size).map(() => (Math.random() * 256) | 0)
  const len = (n: number): number[] => {
    const out: number[] = []
    do {
      out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0))
      n = Math.floor(n / 128)
    } while (n > 0)
    return out
  }
  const pages = Math.ceil(size / 65536) + 1
  const dataSec = [1, 0, 0x41, 0, 0x0b, ...len(size)]
  return Buffer.concat([
    Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 5, 2 + len(pages).length, 1, 0, ...len(pages)]),
    Uint8Array.from([7, 19, 2, 6, ...Buffer.from('_start'), 0, 0, 6, ...Buffer.from('memory'), 2, 0, 10, 4, 1, 2, 0, 0x0b]),
    Uint8Array.from([11, ...len(dataSec.length + size), ...dataSec]),
    data,
  ])
}
