// The networked part of the store: an embedded Helia node. What it is made of comes from
// node-config.ts: by default libp2p over TCP (noise, yamux, identify) and bitswap on
// 127.0.0.1, dialling only the peers given, plus HTTP to the trustless gateways given — no
// bootstrap list, DHT, delegated routing, mDNS, UPnP or public gateways (Helia's defaults reach
// public hosts, so they are never used). The public network only with `network: 'public'`.
// Everything here is imported lazily (helia and libp2p cost hundreds of milliseconds to load),
// only when a block is not local or when serving.
import { join } from 'node:path'
import type { Cid } from './cid.ts'
import { LoaderError } from './errors.ts'
import type { LocalStore } from './local.ts'
import { DEFAULT_LISTEN, type NetworkMode } from './node-config.ts'

export { DEFAULT_LISTEN }

interface MfCid {
  bytes: Uint8Array
  multihash: { bytes: Uint8Array; digest: Uint8Array }
}

/** The block store Helia sees: the local store behind, a memory map for what the node fetched. */
class NodeBlockstore {
  readonly fetched = new Map<string, Uint8Array>()
  readonly #local: LocalStore
  readonly #toCid: (bytes: Uint8Array) => Cid
  readonly #writeThrough: boolean

  constructor (local: LocalStore, toCid: (bytes: Uint8Array) => Cid, writeThrough: boolean) {
    this.#local = local
    this.#toCid = toCid
    this.#writeThrough = writeThrough
  }

  async has (cid: MfCid): Promise<boolean> {
    const key = Buffer.from(cid.multihash.bytes).toString('base64')
    return this.fetched.has(key) || this.#local.hasBlock(this.#toCid(cid.bytes))
  }

  async put (cid: MfCid, bytes: Uint8Array | Iterable<Uint8Array> | AsyncIterable<Uint8Array>): Promise<MfCid> {
    const chunks: Uint8Array[] = []
    if (bytes instanceof Uint8Array) chunks.push(bytes)
    else for await (const c of bytes) chunks.push(c)
    const block = Buffer.concat(chunks)
    // Fetched blocks stay in memory until the caller has the whole DAG and commits it, so an
    // interrupted fetch leaves nothing in the store. A serving node stores what it is given.
    if (this.#writeThrough) await this.#local.writeBlock(this.#toCid(cid.bytes), block)
    else this.fetched.set(Buffer.from(cid.multihash.bytes).toString('base64'), block)
    return cid
  }

  async * get (cid: MfCid): AsyncGenerator<Uint8Array> {
    const mem = this.fetched.get(Buffer.from(cid.multihash.bytes).toString('base64'))
    if (mem) {
      yield mem
      return
    }
    const block = await this.#local.readBlock(this.#toCid(cid.bytes))
    if (!block) {
      const err = new Error(`block ${this.#toCid(cid.bytes)} not found`)
      err.name = 'NotFoundError'
      throw err
    }
    yield block
  }

  async delete (cid: MfCid): Promise<void> {
    this.fetched.delete(Buffer.from(cid.multihash.bytes).toString('base64'))
  }

  async * putMany (source: AsyncIterable<{ cid: MfCid; bytes: Uint8Array }>): AsyncGenerator<MfCid> {
    for await (const { cid, bytes } of source) yield this.put(cid, bytes)
  }

  async * getMany (source: AsyncIterable<MfCid>): AsyncGenerator<{ cid: MfCid; bytes: AsyncGenerator<Uint8Array> }> {
    for await (const cid of source) yield { cid, bytes: this.get(cid) }
  }

  async * deleteMany (source: AsyncIterable<MfCid>): AsyncGenerator<MfCid> {
    for await (const cid of source) {
      await this.delete(cid)
      yield cid
    }
  }

  async * getAll (): AsyncGenerator<never> {}
}

export interface NodeOptions {
  local: LocalStore
  /** Multiaddrs to listen on (default: 127.0.0.1, a free TCP port). */
  listen?: string[]
  /** Serving nodes store blocks they are sent; fetching nodes keep them in memory. */
  writeThrough?: boolean
  /** 'explicit' (default): given peers and gateways only; 'public': the IPFS network (node-config.ts). */
  mode?: NetworkMode
  /** Start libp2p (default true); false: HTTP to the given gateways only. */
  libp2p?: boolean
  /** Trustless gateways to fetch blocks from. */
  gateways?: string[]
}

/** A started Helia node; see startNode. */
export interface WasmosNode {
  readonly peerId: string
  multiaddrs(): string[]
  /** Dials each peer; resolves with the ones that answered, throws if none did. */
  dial(peers: string[], signal?: AbortSignal): Promise<string[]>
  /** Fetches one block from connected peers (verified by Helia against the CID). */
  getBlock(cid: Cid, signal: AbortSignal): Promise<Uint8Array>
  /** Peers that sent bytes matching nothing we asked for — refused and disconnected. */
  readonly badPeers: Set<string>
  /** Remote addresses of every connection this node opened, in order. */
  readonly dialled: string[]
  /** Announces that this node provides `cid` (public mode: the DHT and delegated routing). */
  provide(cid: Cid, signal: AbortSignal): Promise<void>
  connectedPeers(): number
  /** The libp2p node itself (absent without libp2p), for other protocols on the same peer id. */
  readonly libp2p?: import('libp2p').Libp2p
  stop(): Promise<void>
}

type CreateHeliaLight = typeof import('helia').createHeliaLight
type WithLibp2pLight = typeof import('@helia/libp2p').withLibp2pLight

/**
 * `createHeliaLight` and `withLibp2pLight` without the rest of their packages: the `helia` and
 * `@helia/libp2p` entry points also load HTTP gateways and libp2p's default services (DHT,
 * autonat, …) — about 450 ms of imports we never use. Built from the same classes (Helia,
 * createLibp2p, the libp2p router, the same self key in the datastore); if those files move in
 * another version, falls back to the public entry points.
 */
async function heliaFactories (): Promise<{ createHeliaLight: CreateHeliaLight; withLibp2pLight: WithLibp2pLight }> {
  try {
    const heliaIndex = import.meta.resolve('helia')
    const [{ Helia }, { name, version }, { libp2pRouting }, { createLibp2p }, { loadOrCreateSelfKey }] = (await Promise.all([
      import(new URL('./helia.js', heliaIndex).href),
      import(new URL('./version.js', heliaIndex).href),
      import(new URL('./routing.js', import.meta.resolve('@helia/libp2p')).href),
      import('libp2p'),
      import('@libp2p/config'),
    ])) as [
      { Helia: new (init: object) => ReturnType<CreateHeliaLight> },
      { name: string; version: string },
      { libp2pRouting: (libp2p: unknown) => unknown },
      typeof import('libp2p'),
      typeof import('@libp2p/config')
    ]
    if (typeof Helia !== 'function' || typeof libp2pRouting !== 'function') throw new Error('unexpected helia layout')
    const createHeliaLight: CreateHeliaLight = (init = {}) => new Helia({ name, version, ...init })
    const withLibp2pLight = ((helia: ReturnType<CreateHeliaLight>, opts: Parameters<WithLibp2pLight>[1]) => {
      let libp2p: Awaited<ReturnType<typeof createLibp2p>> | undefined
      Object.defineProperty(helia, 'libp2p', {
        configurable: true,
        enumerable: true,
        get () {
          if (libp2p) return libp2p
          throw new Error('the libp2p node is not started')
        },
      })
      helia.addMixin({
        name: 'libp2p',
        start: async (h) => {
          if (!libp2p) {
            // The node's key lives in the datastore, so its peer id is the same on every run.
            opts.privateKey ??= await loadOrCreateSelfKey(h.datastore, opts.keychain)
            opts.datastore ??= h.datastore
            libp2p = await createLibp2p(opts)
          }
          if (!h.hasRouter('libp2p-router')) h.addRouter(libp2pRouting(libp2p) as never)
          await libp2p.start()
        },
        stop: async () => {
          await libp2p?.stop()
        },
      })
      return helia
    }) as unknown as WithLibp2pLight
    return { createHeliaLight, withLibp2pLight }
  } catch (err) {
    if (process.env['WASMOS_DEBUG'] !== undefined) process.stderr.write(`wasmos: helia's public entry points are used (${(err as Error).message})\n`)
    const [{ createHeliaLight }, { withLibp2pLight }] = await Promise.all([import('helia'), import('@helia/libp2p')])
    return { createHeliaLight, withLibp2pLight }
  }
}

export async function startNode (options: NodeOptions): Promise<WasmosNode> {
  const [
    { createHeliaLight, withLibp2pLight },
    { FsDatastore },
    { CID },
    { Cid: LightCid },
    { buildNodeConfig },
  ] = await Promise.all([
    heliaFactories(),
    import('datastore-fs'),
    import('multiformats/cid'),
    import('./cid.ts'),
    import('./node-config.ts'),
  ])
  const config = await buildNodeConfig({
    ...(options.mode ? { mode: options.mode } : {}),
    ...(options.listen ? { listen: options.listen } : {}),
    ...(options.gateways ? { gateways: options.gateways } : {}),
    libp2p: options.libp2p ?? true,
  })
  const toCid = (bytes: Uint8Array): Cid => LightCid.decode(bytes)
  const blockstore = new NodeBlockstore(options.local, toCid, options.writeThrough ?? false)
  // The datastore keeps the node's key (stable peer id across runs) and Helia's bookkeeping.
  const datastore = new FsDatastore(join(options.local.home, 'datastore'))
  await datastore.open()
  const light = createHeliaLight({
    blockstore: blockstore as never,
    datastore,
    blockBrokers: config.blockBrokers as never,
    routers: config.routers as never,
  })
  let helia: typeof light & { libp2p: import('libp2p').Libp2p }
  if (config.libp2p) {
    const { withBitswap } = await import('@helia/bitswap')
    helia = withBitswap(withLibp2pLight(light, config.libp2p as never)) as never
  } else {
    helia = light as typeof helia
  }
  try {
    await helia.start()
  } catch (err) {
    await helia.stop().catch(() => {})
    await datastore.close().catch(() => {})
    const message = (err as Error).message
    const listen = /listen E[A-Z]+: [^\n]*?(?= at |\n|$)/.exec(message)
    if (listen) throw new LoaderError('ERR_BAD_PEER', `cannot listen on ${config.summary.listen.join(', ')}: ${listen[0]}`)
    throw new LoaderError('ERR_BAD_PEER', `cannot start the node: ${message.split('\n')[0]}`)
  }
  if (!config.libp2p) return httpOnlyNode(helia as unknown as AnyHelia & { stop(): Promise<void> }, datastore, CID)
  const { multiaddr } = await import('@multiformats/multiaddr')
  const libp2p = helia.libp2p

  // Bitswap names a block by hashing the bytes received, so a peer sending the wrong bytes for
  // a CID we want shows up as a block nobody asked for. Every block we ever asked for is in
  // `wanted`; anything else makes the sender a bad peer: we hang up on it and, if it was the
  // last connected peer, fail the pending fetches at once rather than waiting for the timeout.
  const wanted = new Set<string>()
  const badPeers = new Set<string>()
  const pending = new Set<(err: Error) => void>()
  const broker = (helia as unknown as { blockBrokers: Array<{ name: string; bitswap?: { wantList?: EventTarget } }> }).blockBrokers.find(
    (b) => b.name === 'bitswap'
  )
  broker?.bitswap?.wantList?.addEventListener('block', (evt) => {
    const { sender, cid } = (evt as CustomEvent<{ sender: { toString(): string }; cid: MfCid }>).detail
    if (wanted.has(Buffer.from(cid.multihash.bytes).toString('base64'))) return
    const peer = sender.toString()
    if (badPeers.has(peer)) return
    badPeers.add(peer)
    libp2p
      .hangUp(sender as never)
      .catch(() => {})
      .then(() => {
        if (libp2p.getConnections().length > 0) return
        const err = new LoaderError('ERR_HASH_MISMATCH', `peer ${peer} sent bytes that do not match the CID asked for: refused`)
        for (const reject of pending) reject(err)
      })
      .catch(() => {})
  })

  const dialled: string[] = []
  libp2p.addEventListener('connection:open', (evt) => {
    const conn = evt.detail
    if (conn.direction === 'outbound') dialled.push(conn.remoteAddr.toString())
  })

  return {
    peerId: libp2p.peerId.toString(),
    libp2p,
    badPeers,
    dialled,
    provide: (cid, signal) => helia.routing.provide(CID.decode(cid.bytes), { signal }),
    multiaddrs: () => libp2p.getMultiaddrs().map((m) => m.toString()),
    connectedPeers: () => libp2p.getConnections().length,
    async dial (peers: string[], signal?: AbortSignal): Promise<string[]> {
      const reached: string[] = []
      const failures: string[] = []
      await Promise.all(
        peers.map(async (peer) => {
          let addr
          try {
            addr = multiaddr(peer)
          } catch (err) {
            throw new LoaderError('ERR_BAD_PEER', `not a multiaddr: ${JSON.stringify(peer)} (${(err as Error).message})`)
          }
          try {
            await libp2p.dial(addr, { signal: signal ?? AbortSignal.timeout(10_000) })
            reached.push(peer)
          } catch (err) {
            failures.push(`${peer}: ${(err as Error).message}`)
          }
        })
      )
      if (reached.length === 0) {
        signal?.throwIfAborted()
        throw new LoaderError('ERR_BAD_PEER', `could not reach any peer (${failures.join('; ')})`)
      }
      return reached
    },
    async getBlock (cid: Cid, signal: AbortSignal): Promise<Uint8Array> {
      wanted.add(Buffer.from(cid.multihash).toString('base64'))
      const mf = CID.decode(cid.bytes)
      signal.throwIfAborted()
      let reject!: (err: Error) => void
      const refused = new Promise<never>((_resolve, _reject) => {
        reject = _reject
      })
      pending.add(reject)
      // Helia may still deliver a block after the signal fired: the abort wins regardless.
      const onAbort = (): void => reject(signal.reason as Error)
      signal.addEventListener('abort', onAbort, { once: true })
      // Stop wanting the block whichever way this ends (refused, timed out, aborted).
      const done = new AbortController()
      const both = AbortSignal.any([signal, done.signal])
      try {
        const read = readBlock(helia as unknown as AnyHelia, mf, both)
        read.catch(() => {})
        return await Promise.race([read, refused])
      } finally {
        pending.delete(reject)
        signal.removeEventListener('abort', onAbort)
        done.abort()
      }
    },
    async stop (): Promise<void> {
      await helia.stop()
      await datastore.close()
    },
  }
}

type AnyHelia = { blockstore: { get(cid: unknown, options: { signal: AbortSignal }): AsyncIterable<Uint8Array> } }

async function readBlock (helia: AnyHelia, cid: unknown, signal: AbortSignal): Promise<Uint8Array> {
  const chunks: Uint8Array[] = []
  for await (const chunk of helia.blockstore.get(cid, { signal })) chunks.push(chunk)
  return Buffer.concat(chunks)
}

/** A node without libp2p: blocks come over HTTP from the trustless gateways given. */
function httpOnlyNode (
  helia: AnyHelia & { stop(): Promise<void> },
  datastore: { close(): Promise<void> },
  CID: typeof import('multiformats/cid').CID
): WasmosNode {
  return {
    peerId: '',
    badPeers: new Set(),
    dialled: [],
    multiaddrs: () => [],
    connectedPeers: () => 0,
    async dial (): Promise<string[]> {
      throw new LoaderError('ERR_BAD_PEER', 'this node has no libp2p: it fetches from gateways only')
    },
    async provide (): Promise<void> {
      throw new LoaderError('ERR_BAD_CONFIG', 'announcing needs the public network (--network public)')
    },
    async getBlock (cid: Cid, signal: AbortSignal): Promise<Uint8Array> {
      signal.throwIfAborted()
      return raceSignal(readBlock(helia, CID.decode(cid.bytes), signal), signal)
    },
    async stop (): Promise<void> {
      await helia.stop()
      await datastore.close()
    },
  }
}

/** Helia may still deliver after the signal fired: the abort wins regardless. */
function raceSignal<T> (p: Promise<T>, signal: AbortSignal): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason instanceof Error ? signal.reason : new LoaderError('ERR_ABORTED', 'interrupted'))
    signal.addEventListener('abort', onAbort, { once: true })
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort)).catch(() => {})
  })
}
