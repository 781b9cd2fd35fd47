// Serving the local store to peers: a Helia node (libp2p TCP + noise + yamux + identify,
// bitswap) that answers wants from the blocks under WASMOS_HOME/blocks. Listens on 127.0.0.1
// with a free port unless told otherwise; its peer id is stable (its key is in the datastore).
import { LoaderError } from './errors.ts'
import { LocalStore, resolveHome } from './local.ts'
import { startNode } from './network.ts'

export interface ServeOptions {
  home?: string
  /** Multiaddrs to listen on (default /ip4/127.0.0.1/tcp/0). */
  listen?: string[]
}

export interface Server {
  peerId: string
  /** Full multiaddrs, /p2p/<peer id> included: what `--peer` takes. */
  multiaddrs: string[]
  stop(): Promise<void>
}

export async function serve(options: ServeOptions = {}): Promise<Server> {
  const local = new LocalStore(resolveHome(options.home))
  if (options.listen) {
    const { multiaddr } = await import('@multiformats/multiaddr')
    for (const addr of options.listen) {
      try {
        multiaddr(addr)
      } catch (err) {
        throw new LoaderError('ERR_BAD_PEER', `--listen: not a multiaddr: ${JSON.stringify(addr)} (${(err as Error).message})`)
      }
    }
  }
  const node = await startNode({ local, ...(options.listen ? { listen: options.listen } : {}), writeThrough: true })
  return {
    peerId: node.peerId,
    multiaddrs: node.multiaddrs(),
    stop: () => node.stop(),
  }
}
