// Serving the local store to peers: a Helia node (libp2p TCP + noise + yamux + identify,
// bitswap) that answers wants from the blocks under WASMOS_HOME/blocks. Listens on 127.0.0.1
// with a free port unless told otherwise; its peer id is stable (its key is in the datastore).
// With `gateway`, also a trustless HTTP gateway over the same store (gateway.ts).
import { LoaderError } from './errors.ts'
import type { Gateway } from './gateway.ts'
import type { NetworkMode } from './node-config.ts'
import { LocalStore } from './local.ts'
import { startNode } from './network.ts'
import { wasmosHome } from '../kernel/node/home.ts'

export interface ServeOptions {
  home?: string
  /** Multiaddrs to listen on (default /ip4/127.0.0.1/tcp/0). */
  listen?: string[]
  /** Also serve a trustless HTTP gateway on this `host:port`. */
  gateway?: string
  /** 'public' joins the IPFS network (bootstrap, DHT client, delegated routing); default explicit. */
  network?: NetworkMode
}

export interface Server {
  peerId: string
  /** Full multiaddrs, /p2p/<peer id> included: what `--peer` takes. */
  multiaddrs: string[]
  /** The gateway's base URL, when one was asked for. */
  gatewayUrl?: string
  /** The libp2p node (other protocols on the same peer id: remote interfaces). */
  libp2p?: import('libp2p').Libp2p
  stop(): Promise<void>
}

export async function serve (options: ServeOptions = {}): Promise<Server> {
  const local = new LocalStore(wasmosHome(options.home))
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
  let gateway: Gateway | undefined
  if (options.gateway !== undefined) {
    const { startGateway } = await import('./gateway.ts')
    gateway = await startGateway({ local, listen: options.gateway })
  }
  let node
  try {
    node = await startNode({ local, ...(options.listen ? { listen: options.listen } : {}), ...(options.network ? { mode: options.network } : {}), writeThrough: true })
  } catch (err) {
    await gateway?.close()
    throw err
  }
  return {
    peerId: node.peerId,
    multiaddrs: node.multiaddrs(),
    ...(gateway ? { gatewayUrl: gateway.url } : {}),
    ...(node.libp2p ? { libp2p: node.libp2p } : {}),
    stop: async () => {
      await gateway?.close()
      await node.stop()
    },
  }
}
