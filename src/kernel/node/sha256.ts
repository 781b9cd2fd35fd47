// SHA-256 on the start-up path: a program's CID, a stored block's check, the fuel cache's key.
// Up to WASM_MAX bytes are hashed by a small WebAssembly module (sha256.wat, assembled below), not
// node:crypto: loading node:crypto (all of its parts, and the stream modules) costs a start several
// times what hashing a small program does. Larger inputs go to node:crypto, faster per byte.
import { createHash } from 'node:crypto'

/** wat2wasm sha256.wat, in base64 (test/startup/sha256.test.ts assembles the source and compares). */
export const SHA256_WASM = 'AGFzbQEAAAABCwJgAX8Bf2ACf38AAwMCAAEFAwEAAQcTAgZtZW1vcnkCAAZibG9ja3MAAQrCBAIkACAAQRh0IABBCHRBgID8B3FyIABBCHZBgP4DcSAAQRh2cnILmgQBFn9B58yn0AYhAkGF3Z7beyEDQfLmu+MDIQRBuuq/qnohBUH/pLmIBSEGQYzRldh5IQdBq7OP/AEhCEGZmoPfBSEJAkADQCABRQ0BQQAhEgNAIBIgACASaigCABAANgKABCASQQRqIRIgEkHAAEkNAAsDQCASKALEAyEWIBIoAvgDIRcgEiASKALAAyASKALkA2ogFkEHeCAWQRJ4cyAWQQN2cyAXQRF4IBdBE3hzIBdBCnZzamo2AoAEIBJBBGohEiASQYACSQ0ACyACIQogAyELIAQhDCAFIQ0gBiEOIAchDyAIIRAgCSERQQAhEgNAIBEgDkEGeCAOQQt4cyAOQRl4c2ogDiAPcSAOQX9zIBBxcyASKAIAIBIoAoAEampqIRQgCkECeCAKQQ14cyAKQRZ4cyAKIAtxIAogDHFzIAsgDHFzaiEVIBAhESAPIRAgDiEPIA0gFGohDiAMIQ0gCyEMIAohCyAUIBVqIQogEkEEaiESIBJBgAJJDQALIAIgCmohAiADIAtqIQMgBCAMaiEEIAUgDWohBSAGIA5qIQYgByAPaiEHIAggEGohCCAJIBFqIQkgAEHAAGohACABQQFrIQEMAAsLQQAgAhAANgKgAkEAIAMQADYCpAJBACAEEAA2AqgCQQAgBRAANgKsAkEAIAYQADYCsAJBACAHEAA2ArQCQQAgCBAANgK4AkEAIAkQADYCvAILC4cCAQBBAAuAApgvikKRRDdxz/vAtaXbtelbwlY58RHxWaSCP5LVXhyrmKoH2AFbgxK+hTEkw30MVXRdvnL+sd6Apwbcm3Txm8HBaZvkhke+78adwQ/MoQwkbyzpLaqEdErcqbBc2oj5dlJRPphtxjGoyCcDsMd/Wb/zC+DGR5Gn1VFjygZnKSkUhQq3JzghGy78bSxNEw04U1RzCmW7Cmp2LsnCgYUscpKh6L+iS2YaqHCLS8KjUWzHGeiS0SQGmdaFNQ70cKBqEBbBpBkIbDceTHdIJ7W8sDSzDBw5SqrYTk/KnFvzby5o7oKPdG9jpXgUeMiECALHjPr/vpDrbFCk96P5vvJ4ccY='

/** Inputs up to this size are hashed by the WebAssembly module. */
const WASM_MAX = 256 * 1024
/** Where the module's memory holds the blocks to hash, and the digest. */
const BLOCKS_AT = 1024
const DIGEST_AT = 288

let hasher: { memory: WebAssembly.Memory, blocks: (at: number, count: number) => void } | undefined

/** The SHA-256 digest of `data` (a string is hashed as UTF-8). */
export function sha256 (data: Uint8Array | string): Uint8Array {
  const bytes = typeof data === 'string' ? new TextEncoder().encode(data) : data
  if (bytes.length > WASM_MAX) return new Uint8Array(createHash('sha256').update(bytes).digest())
  hasher ??= new WebAssembly.Instance(new WebAssembly.Module(Buffer.from(SHA256_WASM, 'base64'))).exports as typeof hasher & object
  const { memory, blocks } = hasher
  // The padding: 0x80, zeros, and the length in bits as a big-endian u64, to whole 64-byte blocks.
  const n = bytes.length
  const padded = ((n + 9 + 63) >>> 6) << 6
  const need = BLOCKS_AT + padded - memory.buffer.byteLength
  if (need > 0) memory.grow(Math.ceil(need / 65536))
  const mem = new Uint8Array(memory.buffer)
  mem.set(bytes, BLOCKS_AT)
  mem[BLOCKS_AT + n] = 0x80
  mem.fill(0, BLOCKS_AT + n + 1, BLOCKS_AT + padded)
  const view = new DataView(memory.buffer)
  view.setUint32(BLOCKS_AT + padded - 8, Math.floor(n / 0x20000000))
  view.setUint32(BLOCKS_AT + padded - 4, (n << 3) >>> 0)
  blocks(BLOCKS_AT, padded >>> 6)
  return mem.slice(DIGEST_AT, DIGEST_AT + 32)
}
