// Turning bytes into a UnixFS file DAG exactly as `ipfs add` does: 256 KiB fixed-size chunks,
// balanced layout with at most 174 links per node, a single chunk reduced to the leaf itself.
// The default is what `ipfs add --cid-version=1` gives (CIDv1, raw leaves); `cidVersion: 0,
// rawLeaves: false` is `ipfs add`'s legacy default (`Qm…`). ipfs-unixfs-importer is loaded
// only when needed: publishing is not on the path of running a stored program.
import { Cid, RAW } from './cid.ts'

export interface CidOptions {
  /** 1 (default) or 0. CIDv0 requires dag-pb leaves (rawLeaves false). */
  cidVersion?: 0 | 1
  /** Leaves as raw blocks (default true with CIDv1, false with CIDv0). */
  rawLeaves?: boolean
}

export type PutBlock = (cid: Cid, bytes: Uint8Array) => Promise<void>

/** Chunks `bytes` into blocks, handing each to `put` (leaves before the nodes that link them). */
export async function importBytes (bytes: Uint8Array, put: PutBlock, options: CidOptions = {}): Promise<Cid> {
  const cidVersion = options.cidVersion ?? 1
  const rawLeaves = options.rawLeaves ?? cidVersion === 1
  const { importBytes: unixfsImport } = await import('ipfs-unixfs-importer')
  const blockstore = {
    put: async (cid: { bytes: Uint8Array }, block: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>) => {
      await put(Cid.decode(cid.bytes), await toBytes(block))
      return cid
    },
  }
  const result = await unixfsImport(bytes, blockstore as never, {
    // The legacy profile fixes chunk size (256 KiB), links per node (174) and field order;
    // version and leaves are then chosen explicitly.
    profile: 'unixfs-v0-2015',
    cidVersion,
    rawLeaves,
    reduceSingleLeafToSelf: true,
  })
  return Cid.decode(result.cid.bytes)
}

/** The CID `ipfs add` gives for these bytes, computed without storing anything. */
export async function cidOfBytes (bytes: Uint8Array, options: CidOptions = {}): Promise<Cid> {
  // A single raw leaf is just the sha2-256 of the bytes: no need to load the importer.
  if ((options.cidVersion ?? 1) === 1 && (options.rawLeaves ?? true) && bytes.length <= CHUNK_SIZE) {
    return Cid.ofBytes(bytes)
  }
  return importBytes(bytes, async () => {}, options)
}

export const CHUNK_SIZE = 256 * 1024

/**
 * Whether `bytes` are the file named by `cid` when added the way `ipfs add` does: CIDv0 with
 * dag-pb leaves; CIDv1 with raw leaves (the default) or dag-pb leaves. For checking bytes that
 * something other than the store loaded (a program acting as loader).
 */
export async function bytesMatchCid (cid: Cid, bytes: Uint8Array): Promise<boolean> {
  if (cid.version === 0) return (await cidOfBytes(bytes, { cidVersion: 0, rawLeaves: false })).equals(cid)
  if (cid.codec === RAW) return cid.matches(bytes)
  if ((await cidOfBytes(bytes, { cidVersion: 1, rawLeaves: true })).equals(cid)) return true
  return (await cidOfBytes(bytes, { cidVersion: 1, rawLeaves: false })).equals(cid)
}

async function toBytes (block: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  if (block instanceof Uint8Array) return block
  const chunks: Uint8Array[] = []
  for await (const c of block) chunks.push(c)
  return Buffer.concat(chunks)
}
