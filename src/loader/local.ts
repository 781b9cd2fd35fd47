// The on-disk part of the store, read and written with node:fs only so that running a stored
// program never loads the IPFS libraries. Blocks use blockstore-fs's layout (NextToLast
// sharding, files named by the base32upper multihash) so Helia opens the same directory when
// it serves; the program index uses datastore-fs's layout (`<key>.data` files) under
// `datastore/wasmos/programs`. Every write goes to a temporary file that is then renamed, so an
// interrupted write leaves nothing partial under a real name. What running a stored program reads
// (the config, the index, one small block) is read synchronously: a few small local files, where
// node:fs/promises would cost a start more to load (with the modules it brings) than the reads.
import { readdirSync, readFileSync, rmSync, statSync } from 'node:fs'
import { mkdir, readdir, rename, rm, stat, unlink, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { base32Encode, Cid } from './cid.ts'
import { LoaderError } from './errors.ts'

export interface ProgramEntry {
  cid: string
  /** The module's name from its `name` section, when it has one. */
  name?: string
  /** 'program' for wasm modules, 'interface' for interface definitions, 'data' otherwise. */
  kind: 'program' | 'interface' | 'data'
  /** Size of the file in bytes (not counting UnixFS overhead). */
  size: number
  pinned: boolean
  /** When it entered the store (ISO 8601). */
  added: string
}

export interface HomeConfig {
  peers: string[]
  /** Trustless gateways to fetch from (http or https base URLs). */
  gateways: string[]
  /** 'public' joins the IPFS network; absent means explicit peers and gateways only. */
  network?: string
}

/** Reads WASMOS_HOME/config.json ({ "peers": [multiaddr, …], "gateways": [url, …], "network"? }); a missing file is an empty config. */
export async function readConfig (home: string): Promise<HomeConfig> {
  let text: string
  try {
    text = readFileSync(join(home, 'config.json'), 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { peers: [], gateways: [] }
    throw new LoaderError('ERR_IO', `cannot read ${join(home, 'config.json')}: ${(err as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (err) {
    throw new LoaderError('ERR_BAD_CONFIG', `${join(home, 'config.json')}: ${(err as Error).message}`)
  }
  const peers = (parsed as { peers?: unknown }).peers ?? []
  if (!Array.isArray(peers) || !peers.every((p) => typeof p === 'string')) {
    throw new LoaderError('ERR_BAD_CONFIG', `${join(home, 'config.json')}: "peers" must be an array of multiaddr strings`)
  }
  const gateways = (parsed as { gateways?: unknown }).gateways ?? []
  if (!Array.isArray(gateways) || !gateways.every((g) => typeof g === 'string')) {
    throw new LoaderError('ERR_BAD_CONFIG', `${join(home, 'config.json')}: "gateways" must be an array of URL strings`)
  }
  const network = (parsed as { network?: unknown }).network
  if (network !== undefined && typeof network !== 'string') {
    throw new LoaderError('ERR_BAD_CONFIG', `${join(home, 'config.json')}: "network" must be "explicit" or "public"`)
  }
  return { peers, gateways, ...(network !== undefined ? { network } : {}) }
}

let tmpCounter = 0

/** Writes a file atomically: a temporary file in the same directory, then rename. */
export async function writeAtomic (path: string, data: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const tmp = `${path}.${process.pid}.${++tmpCounter}.tmp`
  try {
    await writeFile(tmp, data)
    await rename(tmp, path)
  } catch (err) {
    await rm(tmp, { force: true })
    throw new LoaderError('ERR_IO', `cannot write ${path}: ${(err as Error).message}`)
  }
}

export class LocalStore {
  readonly home: string
  readonly blocksDir: string
  readonly datastoreDir: string
  readonly programsDir: string

  constructor (home: string) {
    this.home = home
    this.blocksDir = join(home, 'blocks')
    this.datastoreDir = join(home, 'datastore')
    this.programsDir = join(home, 'datastore', 'wasmos', 'programs')
  }

  /** Where blockstore-fs keeps the block: blocks/<last 2 chars>/B<BASE32 multihash>.data */
  blockPath (cid: Cid): string {
    const name = 'B' + base32Encode(cid.multihash).toUpperCase()
    return join(this.blocksDir, name.slice(-2), name + '.data')
  }

  /** The block's bytes, verified against the CID, or undefined when not stored. */
  async readBlock (cid: Cid): Promise<Uint8Array | undefined> {
    let bytes: Uint8Array
    try {
      bytes = readFileSync(this.blockPath(cid))
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new LoaderError('ERR_IO', `cannot read block ${cid}: ${(err as Error).message}`)
    }
    if (!cid.matches(bytes)) {
      // Never serve it again: removed, the block counts as missing and can be fetched anew.
      rmSync(this.blockPath(cid), { force: true })
      throw new LoaderError('ERR_HASH_MISMATCH', `stored block ${cid} was corrupt (its bytes did not match its CID) and has been removed: fetch the program again`)
    }
    return bytes
  }

  async hasBlock (cid: Cid): Promise<boolean> {
    try {
      statSync(this.blockPath(cid))
      return true
    } catch {
      return false
    }
  }

  /** Stores a block after checking that its bytes match the CID. */
  async writeBlock (cid: Cid, bytes: Uint8Array): Promise<void> {
    if (!cid.matches(bytes)) throw new LoaderError('ERR_HASH_MISMATCH', `refusing to store block ${cid}: its bytes do not match its CID`)
    const path = this.blockPath(cid)
    if (await this.hasBlock(cid)) return
    await writeAtomic(path, bytes)
  }

  async deleteBlock (cid: Cid): Promise<number> {
    const path = this.blockPath(cid)
    try {
      const { size } = await stat(path)
      await unlink(path)
      return size
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0
      throw new LoaderError('ERR_IO', `cannot delete block ${cid}: ${(err as Error).message}`)
    }
  }

  /**
   * Every stored block, as the multihash key and the file path. Blocks are keyed by multihash,
   * so the CID given back is the raw-codec CIDv1 of that multihash.
   */
  async * listBlocks (): AsyncGenerator<{ multihash: string; path: string }> {
    let shards: string[]
    try {
      shards = await readdir(this.blocksDir)
    } catch {
      return
    }
    for (const shard of shards) {
      let files: string[]
      try {
        files = await readdir(join(this.blocksDir, shard))
      } catch {
        continue
      }
      for (const file of files) {
        if (file.endsWith('.data')) yield { multihash: file.slice(0, -'.data'.length), path: join(this.blocksDir, shard, file) }
        else if (file.endsWith('.tmp')) yield { multihash: '', path: join(this.blocksDir, shard, file) }
      }
    }
  }

  /** The multihash key of a CID as listBlocks names it. */
  blockKey (cid: Cid): string {
    return 'B' + base32Encode(cid.multihash).toUpperCase()
  }

  #entryPath (cid: string): string {
    return join(this.programsDir, `${cid}.data`)
  }

  async getEntry (cid: Cid): Promise<ProgramEntry | undefined> {
    try {
      return JSON.parse(readFileSync(this.#entryPath(cid.toString()), 'utf8')) as ProgramEntry
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
      throw new LoaderError('ERR_IO', `cannot read the index entry of ${cid}: ${(err as Error).message}`)
    }
  }

  async putEntry (entry: ProgramEntry): Promise<void> {
    await writeAtomic(this.#entryPath(entry.cid), JSON.stringify(entry) + '\n')
  }

  async deleteEntry (cid: Cid): Promise<void> {
    await rm(this.#entryPath(cid.toString()), { force: true })
  }

  /** CIDs (strings) of the indexed programs. */
  async entryNames (): Promise<string[]> {
    try {
      return readdirSync(this.programsDir).filter((f) => f.endsWith('.data')).map((f) => f.slice(0, -'.data'.length))
    } catch {
      return []
    }
  }

  async entries (): Promise<ProgramEntry[]> {
    const out: ProgramEntry[] = []
    for (const name of await this.entryNames()) {
      // Anything that is not named by a CID is not ours: skip it.
      const cid = Cid.tryParse(name)
      const entry = cid && (await this.getEntry(cid))
      if (entry) out.push(entry)
    }
    return out.sort((a, b) => a.added.localeCompare(b.added) || a.cid.localeCompare(b.cid))
  }
}
