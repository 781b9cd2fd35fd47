// The CID `ipfs add --cid-version=1` gives a file of any size, computed in one pass over the bytes
// already in memory: 256 KiB raw leaves (sha2-256 of a subarray each, no copy), dag-pb parents of
// at most 174 links in the balanced layout, the node encodings byte for byte those of
// ipfs-unixfs-importer (checked against it and against Debian's ipfs-cid in the tests). The
// importer itself is not used here: it copies every chunk, and the kernel must not depend on the
// loader.
import { createHash } from 'node:crypto'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

const CHUNK = 256 * 1024
const MAX_LINKS = 174
const RAW = 0x55
const DAG_PB = 0x70
const SHA2_256 = 0x12

interface Node {
  /** The CID's bytes. */
  cid: Uint8Array
  /** Bytes of file data below this node. */
  fileSize: number
  /** The encoded block plus every block below it (a link's Tsize). */
  tsize: number
}

function varint (n: number, out: number[]): void {
  while (n >= 0x80) {
    out.push((n % 0x80) | 0x80)
    n = Math.floor(n / 0x80)
  }
  out.push(n)
}

function cidBytes (codec: number, block: Uint8Array): Uint8Array {
  const digest = createHash('sha256').update(block).digest()
  return CID.createV1(codec, createDigest(SHA2_256, digest)).bytes
}

/** A file node linking `children` (dag-pb: links first, then the UnixFS data). */
function parent (children: Node[]): Node {
  const out: number[] = []
  let fileSize = 0
  let below = 0
  for (const c of children) {
    const link: number[] = [0x0a]
    varint(c.cid.length, link)
    for (const b of c.cid) link.push(b)
    link.push(0x12, 0x00, 0x18)
    varint(c.tsize, link)
    out.push(0x12)
    varint(link.length, out)
    for (const b of link) out.push(b)
    fileSize += c.fileSize
    below += c.tsize
  }
  const data: number[] = [0x08, 0x02, 0x18]
  varint(fileSize, data)
  for (const c of children) { data.push(0x20); varint(c.fileSize, data) }
  out.push(0x0a)
  varint(data.length, out)
  for (const b of data) out.push(b)
  const block = Uint8Array.from(out)
  return { cid: cidBytes(DAG_PB, block), fileSize, tsize: block.length + below }
}

/** The CIDv1 (raw leaves, balanced layout) of a file's bytes, as `ipfs add --cid-version=1`. */
export function unixfsCidOf (bytes: Uint8Array): string {
  if (bytes.length <= CHUNK) return CID.createV1(RAW, createDigest(SHA2_256, createHash('sha256').update(bytes).digest())).toString()
  let level: Node[] = []
  for (let at = 0; at < bytes.length; at += CHUNK) {
    const chunk = bytes.subarray(at, Math.min(at + CHUNK, bytes.length))
    level.push({ cid: cidBytes(RAW, chunk), fileSize: chunk.length, tsize: chunk.length })
  }
  while (level.length > 1) {
    const next: Node[] = []
    for (let i = 0; i < level.length; i += MAX_LINKS) next.push(parent(level.slice(i, i + MAX_LINKS)))
    level = next
  }
  return CID.decode(level[0].cid).toString()
}
