// A small CID implementation for the fast path: parsing, printing and hashing CIDs without
// importing `multiformats` (whose module graph costs more than `wasmos exec` may spend before
// running a stored program). Handles what programs and interface definitions use: CIDv0 and
// CIDv1, codecs raw and dag-pb, hashes sha2-256 and identity; strings in base32 (`b…`) and
// base58btc (`Qm…`, `z…`). Interoperates with `multiformats` through the binary form.
import { sha256 as digestOf } from '../kernel/node/sha256.ts'
import { LoaderError } from './errors.ts'

export const RAW = 0x55
export const DAG_PB = 0x70
export const SHA2_256 = 0x12
export const IDENTITY = 0x00

const B32 = 'abcdefghijklmnopqrstuvwxyz234567'
const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

export function base32Encode (bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const b of bytes) {
    value = (value << 8) | b
    bits += 8
    while (bits >= 5) {
      out += B32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += B32[(value << (5 - bits)) & 31]
  return out
}

export function base32Decode (text: string): Uint8Array | undefined {
  const out = new Uint8Array(Math.floor((text.length * 5) / 8))
  let bits = 0
  let value = 0
  let n = 0
  for (const ch of text) {
    const v = B32.indexOf(ch)
    if (v < 0) return undefined
    value = ((value << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      out[n++] = (value >>> (bits - 8)) & 0xff
      bits -= 8
    }
  }
  return out
}

export function base58Encode (bytes: Uint8Array): string {
  const digits: number[] = []
  for (const b of bytes) {
    let carry = b
    for (let i = 0; i < digits.length; i++) {
      carry += digits[i]! << 8
      digits[i] = carry % 58
      carry = (carry / 58) | 0
    }
    while (carry > 0) {
      digits.push(carry % 58)
      carry = (carry / 58) | 0
    }
  }
  let out = ''
  for (const b of bytes) {
    if (b !== 0) break
    out += '1'
  }
  for (let i = digits.length - 1; i >= 0; i--) out += B58[digits[i]!]
  return out
}

export function base58Decode (text: string): Uint8Array | undefined {
  const bytes: number[] = []
  for (const ch of text) {
    let carry = B58.indexOf(ch)
    if (carry < 0) return undefined
    for (let i = 0; i < bytes.length; i++) {
      carry += bytes[i]! * 58
      bytes[i] = carry & 0xff
      carry >>= 8
    }
    while (carry > 0) {
      bytes.push(carry & 0xff)
      carry >>= 8
    }
  }
  for (const ch of text) {
    if (ch !== '1') break
    bytes.push(0)
  }
  return Uint8Array.from(bytes.reverse())
}

/** Reads an unsigned LEB128 varint; returns [value, bytes used] or undefined if malformed. */
export function readVarint (bytes: Uint8Array, offset: number): [number, number] | undefined {
  let value = 0
  let shift = 0
  for (let i = offset; i < bytes.length && i < offset + 8; i++) {
    const b = bytes[i]!
    value += (b & 0x7f) * 2 ** shift
    shift += 7
    if ((b & 0x80) === 0) return [value, i - offset + 1]
  }
  return undefined
}

export function writeVarint (value: number): number[] {
  const out: number[] = []
  while (value >= 0x80) {
    out.push((value & 0x7f) | 0x80)
    value = Math.floor(value / 128)
  }
  out.push(value)
  return out
}

/** A content identifier: version, codec and multihash, with its binary and string forms. */
export class Cid {
  readonly version: 0 | 1
  readonly codec: number
  readonly hashCode: number
  readonly digest: Uint8Array
  /** The multihash (hash code, length, digest): the key under which the block is stored. */
  readonly multihash: Uint8Array
  /** The binary CID (for v0, the bare multihash). */
  readonly bytes: Uint8Array
  #string: string | undefined

  constructor (version: 0 | 1, codec: number, multihash: Uint8Array) {
    const code = readVarint(multihash, 0)
    const len = code && readVarint(multihash, code[1])
    if (!code || !len || code[1] + len[1] + len[0] !== multihash.length) {
      throw new LoaderError('ERR_BAD_CID', 'malformed multihash')
    }
    if (version === 0 && (codec !== DAG_PB || code[0] !== SHA2_256 || len[0] !== 32)) {
      throw new LoaderError('ERR_BAD_CID', 'a CIDv0 is always dag-pb and sha2-256')
    }
    this.version = version
    this.codec = codec
    this.hashCode = code[0]
    this.digest = multihash.subarray(code[1] + len[1])
    this.multihash = multihash
    this.bytes = version === 0 ? multihash : Uint8Array.from([1, ...writeVarint(codec), ...multihash])
  }

  /** Parses the binary form (CIDv0 = a 34-byte sha2-256 multihash, CIDv1 = 0x01 codec multihash). */
  static decode (bytes: Uint8Array): Cid {
    if (bytes.length === 34 && bytes[0] === SHA2_256 && bytes[1] === 32) return new Cid(0, DAG_PB, bytes)
    const version = readVarint(bytes, 0)
    if (!version || version[0] !== 1) throw new LoaderError('ERR_BAD_CID', 'not a CIDv0 or CIDv1')
    const codec = readVarint(bytes, version[1])
    if (!codec) throw new LoaderError('ERR_BAD_CID', 'malformed CID codec')
    return new Cid(1, codec[0], bytes.slice(version[1] + codec[1]))
  }

  /** Parses a CID string; throws LoaderError 'ERR_BAD_CID' with the reason if it is not one. */
  static parse (text: string): Cid {
    const bytes = Cid.#bytesOf(text.trim())
    if (!bytes) throw new LoaderError('ERR_BAD_CID', `not a CID: ${JSON.stringify(text)}`)
    try {
      return Cid.decode(bytes)
    } catch (err) {
      throw new LoaderError('ERR_BAD_CID', `not a CID: ${JSON.stringify(text)} (${(err as Error).message})`)
    }
  }

  /** Like parse, but returns undefined instead of throwing. */
  static tryParse (text: string): Cid | undefined {
    try {
      return Cid.parse(text)
    } catch {
      return undefined
    }
  }

  static #bytesOf (text: string): Uint8Array | undefined {
    if (text.length === 46 && text.startsWith('Qm')) return base58Decode(text)
    if (text.startsWith('b')) return base32Decode(text.slice(1))
    if (text.startsWith('B')) return base32Decode(text.slice(1).toLowerCase())
    if (text.startsWith('z')) return base58Decode(text.slice(1))
    return undefined
  }

  /** The CIDv1 (raw codec unless given) of bytes hashed with sha2-256. */
  static ofBytes (bytes: Uint8Array, codec: number = RAW): Cid {
    return new Cid(1, codec, Uint8Array.from([SHA2_256, 32, ...sha256(bytes)]))
  }

  /** True if `bytes` hash to this CID's digest (sha2-256 or identity). */
  matches (bytes: Uint8Array): boolean {
    if (this.hashCode === IDENTITY) return equalBytes(this.digest, bytes)
    if (this.hashCode === SHA2_256) return this.digest.length === 32 && equalBytes(this.digest, sha256(bytes))
    throw new LoaderError('ERR_UNSUPPORTED_CID', `${this.toString()}: unsupported hash function 0x${this.hashCode.toString(16)}`)
  }

  equals (other: Cid): boolean {
    return equalBytes(this.bytes, other.bytes)
  }

  toV1 (): Cid {
    return this.version === 1 ? this : new Cid(1, this.codec, this.multihash)
  }

  /** The canonical string: base58btc for v0, base32 (`b…`) for v1 — what IPFS tools print. */
  toString (): string {
    this.#string ??= this.version === 0 ? base58Encode(this.bytes) : 'b' + base32Encode(this.bytes)
    return this.#string
  }

  [Symbol.for('nodejs.util.inspect.custom')] (): string {
    return `Cid(${this.toString()})`
  }

  toJSON (): string {
    return this.toString()
  }
}

/** SHA-256, without node:crypto for small inputs (see kernel/node/sha256.ts). */
export function sha256 (bytes: Uint8Array): Uint8Array {
  return digestOf(bytes)
}

export function equalBytes (a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}
