// Decoding of the two block kinds a UnixFS file is made of, without the protobuf libraries
// (kept off the fast path): raw leaves, and dag-pb nodes carrying UnixFS `Data`. Only what
// reassembling a file needs: the node's own data, its children in order, and the sizes the
// node declares so the assembled bytes can be checked against them.
import { Cid, DAG_PB, RAW, readVarint } from './cid.ts'
import { LoaderError } from './errors.ts'

export interface FileNode {
  /** Bytes carried by this node itself (a leaf's data). */
  data: Uint8Array
  /** Children in file order. */
  links: Cid[]
  /** Size of the file below this node, as declared (undefined for raw leaves: its length). */
  fileSize: number | undefined
  /** Declared size of each child's file data, in order. */
  blockSizes: number[]
}

const UNIXFS_RAW = 0
const UNIXFS_FILE = 2

interface Field {
  field: number
  wire: number
  value: number
  bytes: Uint8Array | undefined
}

function * fields (buf: Uint8Array, what: string): Generator<Field> {
  let i = 0
  while (i < buf.length) {
    const key = readVarint(buf, i)
    if (!key) throw new LoaderError('ERR_BAD_BLOCK', `malformed ${what}`)
    i += key[1]
    const field = Math.floor(key[0] / 8)
    const wire = key[0] & 7
    if (wire === 0) {
      const v = readVarint(buf, i)
      if (!v) throw new LoaderError('ERR_BAD_BLOCK', `malformed ${what}`)
      i += v[1]
      yield { field, wire, value: v[0], bytes: undefined }
    } else if (wire === 2) {
      const len = readVarint(buf, i)
      if (!len || i + len[1] + len[0] > buf.length) throw new LoaderError('ERR_BAD_BLOCK', `malformed ${what}`)
      i += len[1]
      yield { field, wire, value: len[0], bytes: buf.subarray(i, i + len[0]) }
      i += len[0]
    } else if (wire === 1) {
      i += 8
    } else if (wire === 5) {
      i += 4
    } else {
      throw new LoaderError('ERR_BAD_BLOCK', `malformed ${what}`)
    }
  }
  if (i !== buf.length) throw new LoaderError('ERR_BAD_BLOCK', `malformed ${what}`)
}

/** Decodes a block of a UnixFS file; `cid` tells which codec it is. */
export function decodeFileNode (cid: Cid, block: Uint8Array): FileNode {
  if (cid.codec === RAW) return { data: block, links: [], fileSize: undefined, blockSizes: [] }
  if (cid.codec !== DAG_PB) {
    throw new LoaderError('ERR_UNSUPPORTED_CID', `${cid}: codec 0x${cid.codec.toString(16)} is not a UnixFS file`)
  }
  const links: Cid[] = []
  let unixfs: Uint8Array | undefined
  for (const f of fields(block, 'dag-pb node')) {
    if (f.field === 2 && f.bytes) {
      for (const g of fields(f.bytes, 'dag-pb link')) {
        if (g.field === 1 && g.bytes) links.push(Cid.decode(g.bytes.slice()))
      }
    } else if (f.field === 1 && f.bytes) {
      unixfs = f.bytes
    }
  }
  if (!unixfs) throw new LoaderError('ERR_BAD_BLOCK', `${cid}: dag-pb node without UnixFS data`)
  let type = -1
  let data: Uint8Array = new Uint8Array(0)
  let fileSize: number | undefined
  const blockSizes: number[] = []
  for (const f of fields(unixfs, 'UnixFS data')) {
    if (f.field === 1 && f.wire === 0) type = f.value
    else if (f.field === 2 && f.bytes) data = f.bytes
    else if (f.field === 3 && f.wire === 0) fileSize = f.value
    else if (f.field === 4 && f.wire === 0) blockSizes.push(f.value)
    else if (f.field === 4 && f.bytes) {
      for (let i = 0; i < f.bytes.length;) {
        const v = readVarint(f.bytes, i)
        if (!v) throw new LoaderError('ERR_BAD_BLOCK', `${cid}: malformed UnixFS blocksizes`)
        blockSizes.push(v[0])
        i += v[1]
      }
    }
  }
  if (type !== UNIXFS_FILE && type !== UNIXFS_RAW) {
    throw new LoaderError('ERR_BAD_BLOCK', `${cid} is not a file (UnixFS type ${type})`)
  }
  if (links.length > 0 && blockSizes.length !== links.length) {
    throw new LoaderError('ERR_BAD_BLOCK', `${cid}: ${links.length} links but ${blockSizes.length} block sizes`)
  }
  return { data, links, fileSize, blockSizes }
}
