// CARv1 files, the format of `ipfs dag export` / `ipfs dag import`: export writes the DAG of one
// root (root block first, then depth-first); import checks every block against its CID and
// every root for being a complete file before storing anything, writes children before roots,
// and pins the roots.
import { createReadStream, createWriteStream } from 'node:fs'
import { rename, rm } from 'node:fs/promises'
import { pipeline } from 'node:stream/promises'
import { Readable } from 'node:stream'
import { Cid } from './cid.ts'
import { assembleFile, walkBlocks } from './dag.ts'
import { LoaderError } from './errors.ts'

/** What CAR import and export need of the store. */
export interface CarStore {
  localBlock (cid: Cid): Promise<Uint8Array>
  readonly local: {
    readBlock (cid: Cid): Promise<Uint8Array | undefined>
    writeBlock (cid: Cid, bytes: Uint8Array): Promise<void>
  }
  index (root: Cid, bytes: Uint8Array, pinned: boolean): Promise<unknown>
}

export async function exportCar (store: CarStore, root: Cid, path: string): Promise<{ blocks: number; bytes: number }> {
  const [{ CarWriter }, { CID }] = await Promise.all([import('@ipld/car/writer'), import('multiformats/cid')])
  const { writer, out } = CarWriter.create([CID.decode(root.bytes)])
  const tmp = `${path}.${process.pid}.tmp`
  const written = pipeline(Readable.from(out), createWriteStream(tmp))
  let blocks = 0
  let bytes = 0
  try {
    await walkBlocks(root, { get: (cid) => store.localBlock(cid) }, async (cid, block) => {
      await writer.put({ cid: CID.decode(cid.bytes), bytes: block })
      blocks++
      bytes += block.length
    })
    await writer.close()
    await written
    await rename(tmp, path)
  } catch (err) {
    await writer.close().catch(() => {})
    await written.catch(() => {})
    await rm(tmp, { force: true })
    if (err instanceof LoaderError) throw err
    throw new LoaderError('ERR_IO', `cannot write ${path}: ${(err as Error).message}`)
  }
  return { blocks, bytes }
}

export async function importCar (store: CarStore, path: string): Promise<Cid[]> {
  const { CarBlockIterator } = await import('@ipld/car/iterator')
  let iterator
  try {
    iterator = await CarBlockIterator.fromIterable(createReadStream(path))
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ENOENT') throw new LoaderError('ERR_IO', `no such file: ${path}`)
    throw new LoaderError('ERR_BAD_CAR', `${path} is not a CAR file: ${e.message}`)
  }
  const roots = (await iterator.getRoots()).map((r) => Cid.decode(r.bytes))
  // Verify everything before storing anything, so a bad CAR leaves the store untouched.
  const blocks: Array<{ cid: Cid; bytes: Uint8Array }> = []
  try {
    for await (const { cid, bytes } of iterator) {
      const c = Cid.decode(cid.bytes)
      if (!c.matches(bytes)) throw new LoaderError('ERR_BAD_CAR', `${path}: block ${c} does not match its CID`)
      blocks.push({ cid: c, bytes })
    }
  } catch (err) {
    if (err instanceof LoaderError) throw err
    throw new LoaderError('ERR_BAD_CAR', `${path}: ${(err as Error).message}`)
  }
  // Every root must be a complete file, from the CAR's blocks and what is already stored.
  const byKey = new Map(blocks.map((b) => [b.cid.toString(), b.bytes]))
  const source = {
    get: async (cid: Cid): Promise<Uint8Array> => {
      const bytes = byKey.get(cid.toString()) ?? (await store.local.readBlock(cid))
      if (!bytes) throw new LoaderError('ERR_BAD_CAR', `${path}: the DAG of a root is incomplete (block ${cid} is missing)`)
      return bytes
    },
  }
  const files: Uint8Array[] = []
  for (const root of roots) {
    try {
      files.push(await assembleFile(root, source))
    } catch (err) {
      if (err instanceof LoaderError && err.code === 'ERR_BAD_CAR') throw err
      throw new LoaderError('ERR_BAD_CAR', `${path}: root ${root} is not a file wasmos can load: ${(err as Error).message}`)
    }
  }
  // CARs list roots first: reversed, children are stored before their parents.
  for (const { cid, bytes } of blocks.reverse()) await store.local.writeBlock(cid, bytes)
  for (const [i, root] of roots.entries()) await store.index(root, files[i]!, true)
  return roots
}
