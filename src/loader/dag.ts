// Walking a UnixFS file DAG: reassembling the file from its blocks, and listing the blocks a
// root needs (for gc, rm and CAR export). Blocks come from a BlockSource that has verified
// each against its CID; here the structure is checked too: every node's declared sizes must
// match what its children actually hold, so a truncated or padded file is refused even when
// each block is genuine.
import { Cid, DAG_PB, readVarint } from './cid.ts'
import { LoaderError } from './errors.ts'
import { decodeFileNode } from './unixfs.ts'

export interface BlockSource {
  /** The block's bytes, already verified against `cid`. */
  get(cid: Cid, signal?: AbortSignal): Promise<Uint8Array>
}

/** How many child blocks are requested at once (matters when they come from the network). */
const CONCURRENCY = 32

/** Runs `fn` on each item with at most `limit` in flight; results keep the input order. */
async function mapLimit<T, R> (items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

/** Reassembles the file whose root is `root`; throws LoaderError on any inconsistency. */
export async function assembleFile (root: Cid, source: BlockSource, signal?: AbortSignal): Promise<Uint8Array> {
  const parts: Uint8Array[] = []
  await collect(root, source, parts, signal)
  if (parts.length === 1) return parts[0]!
  const total = parts.reduce((n, p) => n + p.length, 0)
  const out = new Uint8Array(total)
  let offset = 0
  for (const p of parts) {
    out.set(p, offset)
    offset += p.length
  }
  return out
}

/** Appends the file data below `cid` to `parts`, in order; returns its length. */
async function collect (cid: Cid, source: BlockSource, parts: Uint8Array[], signal?: AbortSignal): Promise<number> {
  signal?.throwIfAborted()
  const node = decodeFileNode(cid, await source.get(cid, signal))
  let length = node.data.length
  if (node.data.length > 0) parts.push(node.data)
  if (node.links.length > 0) {
    // Fetch the children concurrently, then append them in order.
    const childParts = await mapLimit(node.links, CONCURRENCY, async (child) => {
      const own: Uint8Array[] = []
      const n = await collect(child, source, own, signal)
      return { own, n }
    })
    childParts.forEach(({ own, n }, i) => {
      if (n !== node.blockSizes[i]) {
        throw new LoaderError('ERR_BAD_BLOCK', `${cid}: child ${i} holds ${n} bytes but the node declares ${node.blockSizes[i]}`)
      }
      parts.push(...own)
      length += n
    })
  }
  if (node.fileSize !== undefined && node.fileSize !== length) {
    throw new LoaderError('ERR_BAD_BLOCK', `${cid}: declares a file of ${node.fileSize} bytes but holds ${length}`)
  }
  return length
}

/** The CIDs a dag-pb block links to (any dag-pb node, not only files). */
export function linksOf (cid: Cid, block: Uint8Array): Cid[] {
  if (cid.codec !== DAG_PB) return []
  const links: Cid[] = []
  let i = 0
  while (i < block.length) {
    const key = readVarint(block, i)
    if (!key) break
    i += key[1]
    if ((key[0] & 7) !== 2) {
      const v = readVarint(block, i)
      if (!v) break
      i += v[1]
      continue
    }
    const len = readVarint(block, i)
    if (!len) break
    i += len[1]
    if (key[0] >>> 3 === 2) {
      const link = block.subarray(i, i + len[0])
      for (let j = 0; j < link.length;) {
        const k = readVarint(link, j)
        if (!k) break
        j += k[1]
        const l = readVarint(link, j)
        if (!l) break
        j += l[1]
        if ((k[0] & 7) === 2) {
          if (k[0] >>> 3 === 1) links.push(Cid.decode(link.slice(j, j + l[0])))
          j += l[0]
        }
      }
    }
    i += len[0]
  }
  return links
}

/** Every block of the DAG below `root`, root first, each once. */
export async function walkBlocks (
  root: Cid,
  source: BlockSource,
  visit?: (cid: Cid, block: Uint8Array) => void | Promise<void>,
  signal?: AbortSignal
): Promise<Cid[]> {
  const seen = new Set<string>()
  const order: Cid[] = []
  const stack = [root]
  while (stack.length > 0) {
    const cid = stack.pop()!
    const key = cid.toString()
    if (seen.has(key)) continue
    seen.add(key)
    signal?.throwIfAborted()
    const block = await source.get(cid, signal)
    order.push(cid)
    await visit?.(cid, block)
    stack.push(...linksOf(cid, block).reverse())
  }
  return order
}
