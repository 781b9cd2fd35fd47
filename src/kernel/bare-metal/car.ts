// The boot CAR (CARv1: a varint-prefixed dag-cbor header, then varint-prefixed sections of CID
// bytes + block data). Every block is hashed and compared with its CID before it is kept: a block
// that does not match is refused with a serial line naming its CID, and so is every program
// that needs it. Files larger than one block (UnixFS over dag-pb, as `ipfs add` chunks them) are
// reassembled from their verified blocks, so the whole file is checked through the Merkle DAG.
// A circle on purpose: the boot log (console.ts) reaches the kernel through context.ts, which holds
// the boot CAR; a refused block must be said on the console while the CAR is being read.
import { klog } from './console'
import { sha256 } from './sha256'

export const CODEC_RAW: u64 = 0x55
export const CODEC_DAG_PB: u64 = 0x70
const SHA2_256: u64 = 0x12

export class Block {
  cid: string
  codec: u64
  data: Uint8Array
  constructor (cid: string, codec: u64, data: Uint8Array) { this.cid = cid; this.codec = codec; this.data = data }
}

export class Car {
  blocks: Map<string, Block> = new Map<string, Block>()
  /** CIDs of blocks that failed verification. */
  corrupted: Array<string> = new Array<string>()
  error: string = ''
}

class Cursor {
  b: Uint8Array
  pos: i32 = 0
  bad: bool = false
  constructor (b: Uint8Array) { this.b = b }
  varint (): u64 {
    let v: u64 = 0
    let shift: u64 = 0
    for (;;) {
      if (this.pos >= this.b.length || shift > 63) { this.bad = true; return 0 }
      const c = this.b[this.pos++]
      v |= <u64>(c & 0x7f) << shift
      if ((c & 0x80) == 0) return v
      shift += 7
    }
    return 0
  }
}

const B32 = 'abcdefghijklmnopqrstuvwxyz234567'

/** A CID's bytes in its usual text form: base32 with the 'b' prefix for v1, base58btc for v0. */
export function cidText (bytes: Uint8Array): string {
  if (bytes.length == 34 && bytes[0] == 0x12 && bytes[1] == 0x20) return base58(bytes)
  let s = 'b'
  let buf: u32 = 0
  let bits: u32 = 0
  for (let i = 0; i < bytes.length; i++) {
    buf = (buf << 8) | bytes[i]
    bits += 8
    while (bits >= 5) {
      bits -= 5
      s += B32.charAt(<i32>((buf >> bits) & 31))
    }
  }
  if (bits > 0) s += B32.charAt(<i32>((buf << (5 - bits)) & 31))
  return s
}

const B58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz'

function base58 (bytes: Uint8Array): string {
  const digits = new Array<i32>()
  for (let i = 0; i < bytes.length; i++) {
    let carry = <i32>bytes[i]
    for (let j = 0; j < digits.length; j++) {
      carry += digits[j] << 8
      digits[j] = carry % 58
      carry = carry / 58
    }
    while (carry > 0) { digits.push(carry % 58); carry = carry / 58 }
  }
  let s = ''
  for (let i = 0; i < bytes.length && bytes[i] == 0; i++) s += '1'
  for (let i = digits.length - 1; i >= 0; i--) s += B58.charAt(digits[i])
  return s
}

/** Reads and verifies a CAR. `name` is the boot module's name, for messages. */
export function readCar (bytes: Uint8Array, name: string): Car {
  const car = new Car()
  const c = new Cursor(bytes)
  const headerLen = c.varint()
  if (c.bad || headerLen == 0 || <u64>c.pos + headerLen > <u64>bytes.length) {
    car.error = name + ' is not a CAR file (bad header)'
    return car
  }
  c.pos += <i32>headerLen
  while (c.pos < bytes.length) {
    const len = c.varint()
    if (c.bad || <u64>c.pos + len > <u64>bytes.length) { car.error = name + ': truncated section at byte ' + c.pos.toString(); return car }
    const end = c.pos + <i32>len
    const cidStart = c.pos
    let codec: u64 = CODEC_DAG_PB
    let hashCode: u64 = 0
    let hashLen: u64 = 0
    if (bytes[c.pos] == 0x12 && c.pos + 1 < end && bytes[c.pos + 1] == 0x20) {
      hashCode = c.varint(); hashLen = c.varint() // CIDv0: a bare sha2-256 multihash, dag-pb
    } else {
      const version = c.varint()
      codec = c.varint()
      hashCode = c.varint()
      hashLen = c.varint()
      if (version != 1) { car.error = name + ': unsupported CID version ' + version.toString(); return car }
    }
    if (c.bad || <u64>c.pos + hashLen > <u64>end) { car.error = name + ': bad CID at byte ' + cidStart.toString(); return car }
    const digestAt = c.pos
    c.pos += <i32>hashLen
    const cidBytes = bytes.subarray(cidStart, c.pos)
    const cid = cidText(cidBytes)
    const data = bytes.subarray(c.pos, end)
    c.pos = end
    if (hashCode != SHA2_256 || hashLen != 32) {
      klog('boot CAR: block ' + cid + ' refused: only sha2-256 CIDs are supported')
      car.corrupted.push(cid)
      continue
    }
    const d = sha256(data.dataStart, data.length)
    let same = true
    for (let i = 0; i < 32; i++) if (d[i] != bytes[digestAt + i]) { same = false; break }
    if (!same) {
      klog('boot CAR: block ' + cid + ' is corrupted (its sha2-256 does not match the CID): refused')
      car.corrupted.push(cid)
      continue
    }
    car.blocks.set(cid, new Block(cid, codec, data))
  }
  return car
}

// ---- UnixFS files over dag-pb

/** The largest file `assemble` rebuilds (a program and its copy live in kernel memory). */
const MAX_FILE: i32 = 32 * 1024 * 1024
const MAX_DEPTH: i32 = 16

/** A protobuf reader over one message: fields in order, `bad` on malformed input. */
class Proto {
  c: Cursor
  end: i32
  field: u32 = 0
  wire: u32 = 0
  constructor (b: Uint8Array, start: i32, end: i32) {
    this.c = new Cursor(b)
    this.c.pos = start
    this.end = end
  }

  get bad (): bool { return this.c.bad }
  /** Reads the next field's key; false at the end. */
  next (): bool {
    if (this.c.bad || this.c.pos >= this.end) return false
    const key = this.c.varint()
    this.field = <u32>(key >> 3)
    this.wire = <u32>(key & 7)
    return !this.c.bad
  }

  varint (): u64 { return this.c.varint() }
  /** A length-delimited field's [start, end) in the buffer. */
  bytes (): i32 {
    const len = this.c.varint()
    if (this.c.bad || (this.c.pos as u64) + len > (this.end as u64)) { this.c.bad = true; return 0 }
    const start = this.c.pos
    this.c.pos += <i32>len
    return start
  }

  skip (): void {
    if (this.wire == 0) this.c.varint()
    else if (this.wire == 2) this.bytes()
    else if (this.wire == 1) this.c.pos += 8
    else if (this.wire == 5) this.c.pos += 4
    else this.c.bad = true
    if (this.c.pos > this.end) this.c.bad = true
  }
}

export class Assembly {
  parts: Array<Uint8Array> = new Array<Uint8Array>()
  size: i32 = 0
  error: string = ''
}

/**
 * The bytes of the file whose root is `cid`: a raw block as is, a UnixFS file over dag-pb
 * reassembled from its (already verified) blocks. `error` is set instead when a block
 * is missing or corrupted, or the DAG is not a UnixFS file.
 */
export function assemble (car: Car, cid: string): Assembly {
  const a = new Assembly()
  collect(car, cid, a, 0)
  return a
}

export function joinParts (a: Assembly): Uint8Array {
  if (a.parts.length == 1) return a.parts[0]
  const out = new Uint8Array(a.size)
  let off = 0
  for (let i = 0; i < a.parts.length; i++) {
    out.set(a.parts[i], off)
    off += a.parts[i].length
  }
  return out
}

function add (a: Assembly, part: Uint8Array): void {
  if (part.length == 0) return
  if (a.size + part.length > MAX_FILE) { a.error = 'the file is over ' + (MAX_FILE >> 20).toString() + ' MiB'; return }
  a.parts.push(part)
  a.size += part.length
}

function collect (car: Car, cid: string, a: Assembly, depth: i32): void {
  if (a.error.length > 0) return
  if (!car.blocks.has(cid)) {
    a.error = car.corrupted.indexOf(cid) >= 0 ? 'block ' + cid + ' is corrupted' : 'block ' + cid + ' is not in the boot CAR'
    return
  }
  if (depth > MAX_DEPTH) { a.error = 'the DAG is deeper than ' + MAX_DEPTH.toString() + ' levels'; return }
  const block = car.blocks.get(cid)
  if (block.codec == CODEC_RAW) { add(a, block.data); return }
  if (block.codec != CODEC_DAG_PB) { a.error = 'block ' + cid + ' is neither raw nor dag-pb'; return }
  const b = block.data
  const links = new Array<string>()
  let dataStart = -1
  let dataEnd = -1
  const node = new Proto(b, 0, b.length)
  while (node.next()) {
    if (node.field == 2 && node.wire == 2) {
      const ls = node.bytes()
      const le = node.c.pos
      const link = new Proto(b, ls, le)
      let hash = ''
      while (link.next()) {
        if (link.field == 1 && link.wire == 2) {
          const hs = link.bytes()
          if (!link.bad) hash = cidText(b.subarray(hs, link.c.pos))
        } else link.skip()
      }
      if (link.bad || hash.length == 0) { a.error = 'block ' + cid + ' has a malformed link'; return }
      links.push(hash)
    } else if (node.field == 1 && node.wire == 2) {
      dataStart = node.bytes()
      dataEnd = node.c.pos
    } else node.skip()
  }
  if (node.bad || dataStart < 0) { a.error = 'block ' + cid + ' is not a UnixFS node'; return }
  // UnixFS Data: Type (1: 0 raw, 2 file), Data (2), filesize (3), blocksizes (4), …
  const u = new Proto(b, dataStart, dataEnd)
  let type: u64 = 99
  while (u.next()) {
    if (u.field == 1 && u.wire == 0) type = u.varint()
    else if (u.field == 2 && u.wire == 2) {
      const ds = u.bytes()
      if (!u.bad) add(a, b.subarray(ds, u.c.pos))
    } else u.skip()
  }
  if (u.bad || (type != 0 && type != 2)) { a.error = 'block ' + cid + ' is not a UnixFS file'; return }
  for (let i = 0; i < links.length; i++) collect(car, links[i], a, depth + 1)
}
