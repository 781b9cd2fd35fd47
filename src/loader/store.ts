// The program store of one WASMOS_HOME: resolving CIDs and short prefixes, loading verified
// program bytes (local blocks first, then explicitly given peers over bitswap), publishing,
// pinning, removing, garbage collection, CAR export/import. The Helia node is started only
// when a block is missing, so loading a stored program touches nothing but a few files.
import stripAnsi from 'strip-ansi'
import { Cid, RAW } from './cid.ts'
import type { BlockSource } from './dag.ts'
import { LoaderError } from './errors.ts'
import type { CidOptions } from './importer.ts'
import { LocalStore, type ProgramEntry, readConfig } from './local.ts'
import type { WasmosNode } from './network.ts'
import type { NetworkMode } from './node-config.ts'
import { wasmosHome } from '../kernel/node/home.ts'

export const DEFAULT_FETCH_TIMEOUT_MS = 30_000

export interface FetchProgress {
  /** The root being fetched. */
  cid: Cid
  /** Blocks and bytes received from peers so far. */
  blocks: number
  bytes: number
  /** Size of the file, once the root block is known (undefined before). */
  totalBytes: number | undefined
}

export interface StoreOptions {
  /** WASMOS_HOME; default $WASMOS_HOME, else ~/.wasmos. */
  home?: string
  /** Peers to fetch from (multiaddrs); added to `peers` of WASMOS_HOME/config.json. */
  peers?: string[]
  /** Trustless gateways to fetch from (URLs); added to `gateways` of WASMOS_HOME/config.json. */
  gateways?: string[]
  /** 'public' joins the IPFS network (overrides `network` of config.json); default: explicit only. */
  network?: NetworkMode
  /** Give up on a block no peer supplied within this time (default 30 s). */
  fetchTimeoutMs?: number
  /** Aborts any fetch in progress. */
  signal?: AbortSignal
  /** Called as blocks arrive from peers. */
  onProgress?: (progress: FetchProgress) => void
}

export interface LoadOptions {
  signal?: AbortSignal
  /** Pin what was loaded (as `wasmos fetch` does); loads by exec are only cached. */
  pin?: boolean
}

export interface PublishOptions extends CidOptions {
  /** Interface definitions the program declares (canonical bytes), stored as raw blocks. */
  interfaces?: Array<{ bytes: Uint8Array; name?: string }>
}

export interface GcResult {
  removedBlocks: number
  freedBytes: number
}

export class Store {
  readonly home: string
  readonly local: LocalStore
  readonly #options: StoreOptions
  #peers: string[] | undefined
  #gateways: string[] | undefined
  #node: Promise<WasmosNode> | undefined
  #dialled: Promise<WasmosNode> | undefined

  constructor (options: StoreOptions = {}) {
    this.home = wasmosHome(options.home)
    this.local = new LocalStore(this.home)
    this.#options = options
  }

  /** Peers from the options and WASMOS_HOME/config.json, without duplicates. */
  async peers (): Promise<string[]> {
    this.#peers ??= [...new Set([...(this.#options.peers ?? []), ...(await readConfig(this.home)).peers])]
    return this.#peers
  }

  /** Gateways from the options and WASMOS_HOME/config.json, without duplicates. */
  async gateways (): Promise<string[]> {
    this.#gateways ??= [...new Set([...(this.#options.gateways ?? []), ...(await readConfig(this.home)).gateways])]
    return this.#gateways
  }

  /** The network mode: the option, else `network` of WASMOS_HOME/config.json, else explicit. */
  async network (): Promise<NetworkMode> {
    const { checkMode } = await import('./node-config.ts')
    return checkMode(this.#options.network ?? (await readConfig(this.home)).network ?? 'explicit')
  }

  /**
   * A full CID, or a unique prefix of the CID of a locally stored program (like git's short
   * hashes). Throws 'ERR_BAD_CID', 'ERR_UNKNOWN_PREFIX' or 'ERR_AMBIGUOUS_PREFIX'.
   */
  async resolve (text: string): Promise<Cid> {
    const full = Cid.tryParse(text)
    if (full) return full
    const prefix = text.trim()
    if (!/^[A-Za-z0-9]+$/.test(prefix)) throw new LoaderError('ERR_BAD_CID', `not a CID or CID prefix: ${JSON.stringify(text)}`)
    const matches = (await this.local.entryNames()).filter((name) => name.startsWith(prefix))
    if (matches.length === 1) return Cid.parse(matches[0]!)
    if (matches.length === 0) {
      throw new LoaderError('ERR_UNKNOWN_PREFIX', `no stored program has a CID starting with ${prefix} (and it is not a full CID)`)
    }
    const shown = matches.slice(0, 4).join(', ') + (matches.length > 4 ? ', …' : '')
    throw new LoaderError('ERR_AMBIGUOUS_PREFIX', `${prefix} is ambiguous: ${matches.length} stored programs match (${shown})`)
  }

  /**
   * The file's bytes, every block verified against its CID and the file's declared sizes
   * checked. Missing blocks are fetched from the peers; a fetched DAG enters the store only
   * once it is complete, leaves first and root last.
   */
  async load (cidOrText: Cid | string, options: LoadOptions = {}): Promise<Uint8Array> {
    const cid = typeof cidOrText === 'string' ? await this.resolve(cidOrText) : cidOrText
    const signal = anySignal(this.#options.signal, options.signal)
    const staged = new Map<string, { cid: Cid; bytes: Uint8Array }>()
    const progress: FetchProgress = { cid, blocks: 0, bytes: 0, totalBytes: undefined }
    const source: BlockSource = {
      get: async (block, sig) => {
        const local = await this.local.readBlock(block)
        if (local) return local
        const bytes = await this.#fetchBlock(block, sig)
        staged.set(block.toString(), { cid: block, bytes })
        progress.blocks++
        progress.bytes += bytes.length
        if (block.equals(cid)) {
          progress.totalBytes = block.codec === RAW ? bytes.length : (await import('./unixfs.ts')).decodeFileNode(block, bytes).fileSize
        }
        this.#options.onProgress?.({ ...progress })
        return bytes
      },
    }
    let file: Uint8Array
    try {
      // A single raw block (most programs) needs no DAG code: keep that off the fast path.
      file = cid.codec === RAW ? await source.get(cid, signal) : await (await dag()).assembleFile(cid, source, signal)
      // Interrupted after the last block arrived: still nothing is committed.
      signal?.throwIfAborted()
    } catch (err) {
      throw this.#translate(err, signal)
    }
    // Children were fetched after their parents: reversed, every block comes before the
    // blocks that link to it, and the root (whose presence means "complete") comes last.
    for (const { cid: c, bytes } of [...staged.values()].reverse()) await this.local.writeBlock(c, bytes)
    const entry = await this.local.getEntry(cid)
    if (!entry) await this.local.putEntry(await makeEntry(cid, file, options.pin ?? false))
    else if (options.pin && !entry.pinned) await this.local.putEntry({ ...entry, pinned: true })
    return file
  }

  /** Whether the whole DAG of `cid` is in the local store (nothing would be fetched). */
  async has (cid: Cid): Promise<boolean> {
    try {
      await (await dag()).walkBlocks(cid, this.#localSource())
      return true
    } catch (err) {
      if (err instanceof LoaderError && err.code === 'ERR_NOT_FOUND') return false
      throw err
    }
  }

  /** Adds a file (a wasm module) to the store, pinned; returns its CID. */
  async publish (bytes: Uint8Array, options: PublishOptions = {}): Promise<Cid> {
    if (options.cidVersion === 0 && options.rawLeaves) {
      throw new LoaderError('ERR_UNSUPPORTED_CID', 'CIDv0 cannot have raw leaves: use --cid-version 1 or --raw-leaves=false')
    }
    const { importBytes } = await import('./importer.ts')
    const cid = await importBytes(bytes, (c, block) => this.local.writeBlock(c, block), options)
    for (const { bytes: def, name } of options.interfaces ?? []) {
      const ifaceCid = Cid.ofBytes(def)
      await this.local.writeBlock(ifaceCid, def)
      const existing = await this.local.getEntry(ifaceCid)
      if (!existing?.pinned) {
        await this.local.putEntry({ ...(await makeEntry(ifaceCid, def, true)), kind: 'interface', ...(name !== undefined ? { name } : {}) })
      }
    }
    const entry = await this.local.getEntry(cid)
    await this.local.putEntry({ ...(await makeEntry(cid, bytes, true)), ...(entry ? { added: entry.added } : {}) })
    return cid
  }

  /** Fetches a program from peers (if not local) and pins it. */
  async fetch (cid: Cid, options: { signal?: AbortSignal } = {}): Promise<ProgramEntry> {
    await this.load(cid, { ...options, pin: true })
    return (await this.local.getEntry(cid))!
  }

  /**
   * The stored programs. An entry whose block is gone (a corrupt block is removed when read) is
   * not listed: the program is no longer stored. Names come from the programs themselves, so they
   * are made printable.
   */
  async list (): Promise<ProgramEntry[]> {
    const out: ProgramEntry[] = []
    for (const e of await this.local.entries()) {
      const cid = Cid.tryParse(e.cid)
      if (cid === undefined || !(await this.local.hasBlock(cid))) continue
      out.push(e.name === undefined ? e : { ...e, name: printable(e.name) })
    }
    return out
  }

  /** Pins a stored program so gc keeps it (the whole DAG must be local). */
  async pin (cid: Cid): Promise<ProgramEntry> {
    const entry = await this.local.getEntry(cid)
    if (!(await this.has(cid))) {
      throw new LoaderError('ERR_NOT_FOUND', `${cid} is not stored locally (run \`wasmos fetch ${cid}\` to fetch and pin it)`)
    }
    const pinned = { ...(entry ?? (await makeEntry(cid, await this.load(cid), true))), pinned: true }
    await this.local.putEntry(pinned)
    return pinned
  }

  async unpin (cid: Cid): Promise<ProgramEntry> {
    const entry = await this.local.getEntry(cid)
    if (!entry) throw new LoaderError('ERR_NOT_FOUND', `${cid} is not stored locally (\`wasmos ls\` lists what is)`)
    const unpinned = { ...entry, pinned: false }
    await this.local.putEntry(unpinned)
    return unpinned
  }

  /**
   * Removes a program: its index entry and every block no other stored program uses.
   * Refuses pinned programs unless `force`.
   */
  async remove (cid: Cid, options: { force?: boolean } = {}): Promise<GcResult> {
    const entry = await this.local.getEntry(cid)
    if (!entry && !(await this.local.hasBlock(cid))) throw new LoaderError('ERR_NOT_FOUND', `${cid} is not stored locally (\`wasmos ls\` lists what is)`)
    if (entry?.pinned && !options.force) {
      throw new LoaderError('ERR_PINNED', `${cid} is pinned: run \`wasmos unpin ${cid}\` first, or use --force`)
    }
    const keep = await this.#reachable((e) => e.cid !== cid.toString())
    await this.local.deleteEntry(cid)
    const result: GcResult = { removedBlocks: 0, freedBytes: 0 }
    const mine = await (await dag()).walkBlocks(cid, this.#localSource(true)).catch(() => [cid])
    // Root first: once it is gone the program no longer counts as stored, even if we stop midway.
    for (const c of mine) {
      if (keep.has(this.local.blockKey(c))) continue
      const n = await this.local.deleteBlock(c)
      if (n > 0) {
        result.removedBlocks++
        result.freedBytes += n
      }
    }
    return result
  }

  /**
   * Deletes every block not reachable from a pinned program, the index entries of unpinned
   * programs, and temporary files left by interrupted writes.
   */
  async gc (): Promise<GcResult> {
    const keep = await this.#reachable((e) => e.pinned)
    for (const entry of await this.local.entries()) if (!entry.pinned) await this.local.deleteEntry(Cid.parse(entry.cid))
    const result: GcResult = { removedBlocks: 0, freedBytes: 0 }
    const { stat, unlink } = await import('node:fs/promises')
    for await (const { multihash, path } of this.local.listBlocks()) {
      if (multihash !== '' && keep.has(multihash)) continue
      try {
        const { size } = await stat(path)
        await unlink(path)
        if (multihash !== '') {
          result.removedBlocks++
          result.freedBytes += size
        }
      } catch {
        // already gone
      }
    }
    return result
  }

  /** Block keys reachable from the indexed programs that `select` keeps. */
  async #reachable (select: (entry: ProgramEntry) => boolean): Promise<Set<string>> {
    const keep = new Set<string>()
    for (const entry of await this.local.entries()) {
      if (!select(entry)) continue
      const blocks = await (await dag()).walkBlocks(Cid.parse(entry.cid), this.#localSource(true)).catch(() => [])
      for (const c of blocks) keep.add(this.local.blockKey(c))
    }
    return keep
  }

  /** Reads local blocks only; with `lenient`, a missing block ends that branch quietly. */
  #localSource (lenient = false): BlockSource {
    return {
      get: async (cid) => {
        const bytes = await this.local.readBlock(cid)
        if (bytes) return bytes
        if (lenient) return new Uint8Array(0)
        throw new LoaderError('ERR_NOT_FOUND', `${cid} is not stored locally (run \`wasmos fetch ${cid}\` to fetch and pin it)`)
      },
    }
  }

  /** Writes a CARv1 of the program's DAG (root first) to `path`; the DAG must be local. */
  async exportCar (cid: Cid, path: string): Promise<{ blocks: number; bytes: number }> {
    const { exportCar } = await import('./car.ts')
    return exportCar(this, cid, path)
  }

  /** Imports every block of a CARv1 (each checked against its CID) and pins its roots. */
  async importCar (path: string): Promise<Cid[]> {
    const { importCar } = await import('./car.ts')
    return importCar(this, path)
  }

  /** Reads a local block (verified) or throws 'ERR_NOT_FOUND'; for CAR export and such. */
  async localBlock (cid: Cid): Promise<Uint8Array> {
    return this.#localSource().get(cid)
  }

  /** Records a program as stored (after its blocks were written). */
  async index (cid: Cid, file: Uint8Array, pinned: boolean): Promise<ProgramEntry> {
    const existing = await this.local.getEntry(cid)
    const entry = { ...(await makeEntry(cid, file, pinned || (existing?.pinned ?? false))), ...(existing ? { added: existing.added } : {}) }
    await this.local.putEntry(entry)
    return entry
  }

  /** The store's Helia node, started on first use (fetching: blocks stay in memory until committed). */
  async node (): Promise<WasmosNode> {
    return (this.#node ??= this.#startFetchNode())
  }

  async #startFetchNode (): Promise<WasmosNode> {
    const { startNode } = await import('./network.ts')
    const [peers, gateways, mode] = await Promise.all([this.peers(), this.gateways(), this.network()])
    return startNode({ local: this.local, mode, gateways, libp2p: peers.length > 0 || mode === 'public' })
  }

  /** Announces the program's root on the public network (DHT provider record, delegated routing). */
  async announce (cid: Cid, signal?: AbortSignal): Promise<void> {
    if ((await this.network()) !== 'public') throw new LoaderError('ERR_BAD_CONFIG', 'announcing needs the public network: add --network public')
    const node = await this.node()
    await node.provide(cid, anySignal(this.#options.signal, signal) ?? AbortSignal.timeout(120_000))
  }

  async #fetchBlock (cid: Cid, signal: AbortSignal | undefined): Promise<Uint8Array> {
    const [peers, gateways, mode] = await Promise.all([this.peers(), this.gateways(), this.network()])
    if (peers.length === 0 && gateways.length === 0 && mode !== 'public') {
      throw new LoaderError(
        'ERR_NOT_FOUND',
        `${cid} is not stored locally and no peers are configured, nor gateways (give --peer <multiaddr> or --gateway <url>, or "peers" or "gateways" in ${this.home}/config.json)`
      )
    }
    const timeoutMs = this.#options.fetchTimeoutMs ?? DEFAULT_FETCH_TIMEOUT_MS
    const timeout = AbortSignal.timeout(timeoutMs)
    const sig = anySignal(signal, timeout)!
    // The first missing block starts the node and dials the peers; the others wait for that.
    this.#dialled ??= (async () => {
      const node = await this.node()
      if (peers.length > 0) await this.#dial(node, peers, timeoutMs)
      return node
    })()
    const node = await this.#dialled
    const who = [...(peers.length > 0 || mode === 'public' ? ['peer'] : []), ...(gateways.length > 0 || mode === 'public' ? ['gateway'] : [])].join(' or ')
    let bytes: Uint8Array
    try {
      bytes = await node.getBlock(cid, sig)
    } catch (err) {
      if (timeout.aborted && !(signal?.aborted ?? false)) {
        const refused = node.badPeers.size > 0 ? `; refused bytes that did not match from ${[...node.badPeers].join(', ')}` : ''
        throw new LoaderError('ERR_FETCH_TIMEOUT', `no ${who} supplied block ${cid} within ${timeoutMs / 1000} s${refused}`)
      }
      if (err instanceof LoaderError || signal?.aborted) throw err
      // Every gateway answered and none had it (or each sent bytes that did not verify).
      const inner = (err as { errors?: unknown }).errors
      const reasons = Array.isArray(inner) && inner.length > 0 ? inner.map((e) => (e as Error).message).join('; ') : (err as Error).message
      throw new LoaderError('ERR_NOT_FOUND', `no ${who} supplied block ${cid}: ${reasons.split('\n')[0]}`)
    }
    // Verified here too, whatever the transport: the bytes must hash to the CID.
    if (!cid.matches(bytes)) throw new LoaderError('ERR_HASH_MISMATCH', `block ${cid} received does not match its CID: refused`)
    return bytes
  }

  /**
   * Dials the peers within the fetch timeout, or until the caller aborts. libp2p keeps the
   * dial's signal for the connection's lifetime, so it gets one that can no longer fire once
   * the dial is over (a timer firing later would tear the connection down).
   */
  async #dial (node: WasmosNode, peers: string[], timeoutMs: number): Promise<void> {
    const ctl = new AbortController()
    const user = this.#options.signal
    const onAbort = (): void => ctl.abort(user?.reason)
    user?.addEventListener('abort', onAbort, { once: true })
    const timer = setTimeout(() => ctl.abort(new LoaderError('ERR_FETCH_TIMEOUT', `could not reach any peer within ${timeoutMs / 1000} s`)), timeoutMs)
    try {
      await raceAbort(node.dial(peers, ctl.signal), ctl.signal)
    } finally {
      clearTimeout(timer)
      user?.removeEventListener('abort', onAbort)
    }
  }

  #translate (err: unknown, signal: AbortSignal | undefined): Error {
    if (err instanceof LoaderError) return err
    if (signal?.aborted) return new LoaderError('ERR_ABORTED', 'interrupted')
    const e = err as Error
    if (e.name === 'TimeoutError') return new LoaderError('ERR_FETCH_TIMEOUT', `timed out: ${e.message}`, { cause: e })
    if (e.name === 'AbortError') return new LoaderError('ERR_ABORTED', 'interrupted')
    return e
  }

  /** Stops the Helia node, if one was started. */
  async close (): Promise<void> {
    const node = this.#node
    this.#node = undefined
    this.#dialled = undefined
    if (node) await (await node.catch(() => undefined))?.stop()
  }
}

const dag = (): Promise<typeof import('./dag.ts')> => import('./dag.ts')

async function makeEntry (cid: Cid, file: Uint8Array, pinned: boolean): Promise<ProgramEntry> {
  const { isWasm, wasmModuleName } = await import('./wasm-info.ts')
  const name = wasmModuleName(file)
  return {
    cid: cid.toString(),
    ...(name !== undefined ? { name } : {}),
    kind: isWasm(file) ? 'program' : 'data',
    size: file.length,
    pinned,
    added: new Date().toISOString(),
  }
}

/** A program-supplied name shown on one terminal line: no escape sequences or control characters. */
function printable (text: string): string {
  const clean = stripAnsi(text).replace(/[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/gu, (c) => `\\u${c.codePointAt(0)!.toString(16).padStart(4, '0')}`)
  const chars = [...clean]
  return chars.length <= 80 ? clean : chars.slice(0, 79).join('') + '…'
}

function anySignal (...signals: Array<AbortSignal | undefined>): AbortSignal | undefined {
  const present = signals.filter((s): s is AbortSignal => s !== undefined)
  if (present.length <= 1) return present[0]
  return AbortSignal.any(present)
}

async function raceAbort<T> (p: Promise<T>, signal: AbortSignal): Promise<T> {
  signal.throwIfAborted()
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new Error(String(signal.reason)))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {})
  })
}
