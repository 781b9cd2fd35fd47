// This home's libp2p identity, and a small libp2p node for a run that only dials (the calling side
// of remote interfaces). The key is the one the store's Helia node keeps in WASMOS_HOME/datastore,
// so `wasmos id`, `wasmos serve` and `wasmos run --remote` all speak as the same peer id.
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { Libp2p } from 'libp2p'
import type { PrivateKey } from '@libp2p/interface'
import { wasmosHome } from '../kernel/node/home.ts'

/** The keys of the nodes started here, for the direct link's handshake (direct.ts). */
const nodeKeys = new WeakMap<Libp2p, PrivateKey>()

/** Loads (or creates, the first time) this home's private key. */
export async function homeKey (home: string): Promise<PrivateKey> {
  const [{ FsDatastore }, { loadOrCreateSelfKey }] = await Promise.all([import('datastore-fs'), import('@libp2p/config')])
  const datastore = new FsDatastore(join(home, 'datastore'))
  await datastore.open()
  try {
    return await loadOrCreateSelfKey(datastore)
  } finally {
    await datastore.close()
  }
}

/** This home's peer id. */
export async function homePeerId (home: string): Promise<string> {
  const [key, { peerIdFromPrivateKey }] = await Promise.all([homeKey(home), import('@libp2p/peer-id')])
  return peerIdFromPrivateKey(key).toString()
}

export interface DialNodeOptions {
  home: string
  /** Addresses to listen on: none by default (a caller only dials). */
  listen?: string[]
}

/**
 * A libp2p node with the store node's transports (TCP, noise, yamux: node-config.ts) and this
 * home's key, without Helia or bitswap: what a run needs to reach remote handlers.
 */
export async function startDialNode (opts: DialNodeOptions): Promise<Libp2p> {
  const [{ createLibp2p }, { buildNodeConfig }, privateKey] = await Promise.all([
    import('libp2p'),
    import('../loader/node-config.ts'),
    homeKey(opts.home)
  ])
  const config = await buildNodeConfig({ mode: 'explicit', libp2p: true, listen: opts.listen ?? [] })
  const init = config.libp2p!
  const node = await createLibp2p({ ...init, privateKey, addresses: { listen: opts.listen ?? [] } } as Parameters<typeof createLibp2p>[0])
  nodeKeys.set(node, privateKey)
  return node
}

/**
 * The private key `node` speaks with: known for a node started by startDialNode; for another (the
 * store's, which `wasmos serve` reuses) this home's key when it is that node's; else null.
 */
export async function nodeKey (node: Libp2p): Promise<PrivateKey | null> {
  const known = nodeKeys.get(node)
  if (known !== undefined) return known
  const home = wasmosHome()
  // Only a key that is there: asking must not create one.
  if (!existsSync(join(home, 'datastore', 'pkcs8', 'self.data'))) return null
  const [key, { peerIdFromPrivateKey }] = await Promise.all([homeKey(home), import('@libp2p/peer-id')])
  if (!peerIdFromPrivateKey(key).equals(node.peerId)) return null
  nodeKeys.set(node, key)
  return key
}
