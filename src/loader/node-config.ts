// What the store's Helia node is made of, decided before anything starts, so a test (or a
// curious user) can see exactly what each mode would contact. Two modes:
//  - `explicit` (the default): libp2p over TCP on 127.0.0.1 with noise, yamux, identify and
//    bitswap, dialling only the peers given; HTTP only to the gateways given. No bootstrap list,
//    DHT, delegated routing, mDNS, UPnP, relay or public gateways.
//  - `public` (only when asked): what an IPFS user expects, as Helia's own defaults set it up:
//    the bootstrap peers, the Amino DHT in client mode, delegated routing over HTTP, public
//    trustless gateways as a fallback, listening on every interface.
// The libp2p and Helia factories are imported lazily: loading them costs hundreds of milliseconds.
import { LoaderError } from './errors.ts'

export type NetworkMode = 'explicit' | 'public'

export const NETWORK_MODES: readonly NetworkMode[] = ['explicit', 'public']

export const DEFAULT_LISTEN = '/ip4/127.0.0.1/tcp/0'
export const PUBLIC_LISTEN = ['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0']

/** The bootstrap peers Helia and Kubo ship with (libp2p's public bootstrap nodes). */
export const PUBLIC_BOOTSTRAP = [
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmNnooDu7bfjPFoTZYxMNLWUQJyrVwtbZg5gBMjTezGAJN',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmbLHAnMoJPWSCR5Zhtx6BHJX9KiKNN6tpvbUcqanj75Nb',
  '/dnsaddr/bootstrap.libp2p.io/p2p/QmcZf59bWwK5XFi76CZX8cbJ4BhTzzA3gU1ZjYZcYW3dwt',
  '/dnsaddr/va1.bootstrap.libp2p.io/p2p/12D3KooWKnDdG3iXw9eTFijk3EWSunZcFi54Zka4wmtqtt6rPxc8',
  '/ip4/104.131.131.82/tcp/4001/p2p/QmaCpDMGvV2BGHeYERUEnRQAwe3N8SzbUtfsmvsqQLuvuJ'
]
/** Helia's delegated routing endpoint (HTTP routing v1). */
export const PUBLIC_DELEGATED_ROUTER = 'https://delegated-ipfs.dev'
/** Helia's public trustless gateways, asked when nobody else has a block. */
export const PUBLIC_GATEWAYS = ['https://trustless-gateway.link', 'https://4everland.io']

export interface NodeConfigOptions {
  mode?: NetworkMode
  /** Start libp2p (peers to dial, or serving); without it the node speaks HTTP to gateways only. */
  libp2p?: boolean
  /** Multiaddrs to listen on (default: explicit 127.0.0.1 port 0; public every interface). */
  listen?: string[]
  /** Trustless gateways the user named (http or https URLs). */
  gateways?: string[]
}

/** What a node contacts, in words and lists: the README and the tests read the same thing. */
export interface NodeSummary {
  mode: NetworkMode
  libp2p: boolean
  listen: string[]
  transports: string[]
  peerDiscovery: string[]
  services: string[]
  dht: 'off' | 'client'
  blockBrokers: string[]
  routers: string[]
  bootstrap: string[]
  delegatedRouters: string[]
  gateways: string[]
}

type Factory = (components: never) => unknown

/** Everything needed to build the node, nothing started. */
export interface NodeConfig {
  summary: NodeSummary
  /** Options for createLibp2p (undefined when libp2p is off). */
  libp2p: Record<string, unknown> & { addresses: { listen: string[] }, peerDiscovery: Factory[], services: Record<string, Factory> } | undefined
  /** Helia init: block brokers other than bitswap (added by withBitswap) and routers. */
  blockBrokers: Factory[]
  routers: unknown[]
}

/** Checks the user's gateway URLs: http(s), no credentials; returns them without a trailing slash. */
export function checkGateways (gateways: string[]): string[] {
  return gateways.map((g) => {
    let url: URL
    try {
      url = new URL(g)
    } catch {
      throw new LoaderError('ERR_BAD_CONFIG', `not a gateway URL: ${JSON.stringify(g)} (e.g. http://127.0.0.1:8080)`)
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoaderError('ERR_BAD_CONFIG', `a gateway is http:// or https://, not ${JSON.stringify(g)}`)
    if (url.username !== '' || url.password !== '') throw new LoaderError('ERR_BAD_CONFIG', `gateway URLs carry no credentials: ${JSON.stringify(g)}`)
    if (url.search !== '' || url.hash !== '') throw new LoaderError('ERR_BAD_CONFIG', `a gateway URL is a base URL, without ?query or #fragment: ${JSON.stringify(g)}`)
    return url.toString().replace(/\/+$/, '')
  })
}

export function checkMode (text: string): NetworkMode {
  if ((NETWORK_MODES as readonly string[]).includes(text)) return text as NetworkMode
  throw new LoaderError('ERR_BAD_CONFIG', `network must be ${NETWORK_MODES.join(' or ')}, not ${JSON.stringify(text)}`)
}

/** Loopback, private, link-local or unique-local: addresses Helia's broker skips unless allowed. */
const isLocal = (url: string): boolean =>
  /^(127\.|10\.|192\.168\.|169\.254\.|172\.(1[6-9]|2\d|3[01])\.|\[(::1|f[cd][0-9a-f]*:|fe[89ab][0-9a-f]*:)|localhost$|[^.]+$|.*\.local$)/i.test(new URL(url).hostname)

/** The user's gateways as an ordinary router's providers, in the order given (tried in turn). */
async function explicitGatewaysRouter (gateways: string[]): Promise<unknown> {
  const { fallbackRouter } = await import('@helia/fallback-router')
  const fallback = fallbackRouter({ gateways, shuffle: false })
  // Not a "fallback" router: Helia asks fallback routers only after the others, and with no
  // other router its lookup never ends.
  return {
    name: 'wasmos-gateways',
    findProviders: (cid: unknown, options: unknown) => (fallback.findProviders as (c: unknown, o: unknown) => AsyncIterable<unknown>)(cid, options),
    toString: () => `wasmos-gateways(${gateways.join(', ')})`
  }
}

/** Builds the node's configuration for a mode; starts and dials nothing. */
export async function buildNodeConfig (options: NodeConfigOptions = {}): Promise<NodeConfig> {
  const mode = options.mode ?? 'explicit'
  const gateways = checkGateways(options.gateways ?? [])
  const useLibp2p = mode === 'public' || (options.libp2p ?? true)
  const listen = options.listen ?? (mode === 'public' ? PUBLIC_LISTEN : [DEFAULT_LISTEN])
  const summary: NodeSummary = {
    mode,
    libp2p: useLibp2p,
    listen: useLibp2p ? listen : [],
    transports: useLibp2p ? ['tcp'] : [],
    peerDiscovery: [],
    services: useLibp2p ? ['identify'] : [],
    dht: 'off',
    blockBrokers: useLibp2p ? ['bitswap'] : [],
    routers: useLibp2p ? ['libp2p'] : [],
    bootstrap: [],
    delegatedRouters: [],
    gateways: [...gateways]
  }
  const blockBrokers: Factory[] = []
  const routers: unknown[] = []
  let libp2p: NodeConfig['libp2p']
  if (useLibp2p) {
    const [{ tcp }, { noise }, { yamux }, { identify }, { coalescedTcp, quietNoise }] = await Promise.all([
      import('@libp2p/tcp'),
      import('@chainsafe/libp2p-noise'),
      import('@chainsafe/libp2p-yamux'),
      import('@libp2p/identify'),
      import('./libp2p-tuning.ts')
    ])
    libp2p = {
      addresses: { listen },
      // The same bytes with fewer system calls and allocations per message (libp2p-tuning.ts).
      transports: [coalescedTcp(tcp())],
      connectionEncrypters: [quietNoise(noise())],
      streamMuxers: [yamux()],
      peerDiscovery: [],
      services: { identify: identify() as Factory }
    }
  }
  if (gateways.length > 0 || mode === 'public') {
    const { trustlessGatewayBlockBroker } = await import('@helia/trustless-gateway-client')
    // Gateways the user named may be plain HTTP or on this machine; public ones must not be.
    const named = gateways.length > 0
    blockBrokers.push(trustlessGatewayBlockBroker({
      allowInsecure: named && gateways.some((g) => g.startsWith('http:')),
      allowLocal: named && gateways.some(isLocal)
    }) as Factory)
    summary.blockBrokers.push('trustless-gateway')
  }
  if (gateways.length > 0) {
    routers.push(await explicitGatewaysRouter(gateways))
    summary.routers.push('wasmos-gateways')
  }
  if (mode === 'public' && libp2p) {
    const [{ bootstrap }, { kadDHT }, { ping }, { identifyPush }, delegatedV1, { delegatedHTTPRouter }, { fallbackRouter }] = await Promise.all([
      import('@libp2p/bootstrap'),
      import('@libp2p/kad-dht'),
      import('@libp2p/ping'),
      import('@libp2p/identify'),
      import('@helia/delegated-routing-v1-http-api-client'),
      import('@helia/delegated-routing-client'),
      import('@helia/fallback-router')
    ])
    const delegated = {
      url: PUBLIC_DELEGATED_ROUTER,
      filterProtocols: ['unknown', 'transport-bitswap', 'transport-ipfs-gateway-http'],
      filterAddrs: ['https', 'tcp', 'tls']
    }
    libp2p.peerDiscovery.push(bootstrap({ list: PUBLIC_BOOTSTRAP }) as Factory)
    Object.assign(libp2p.services, {
      identifyPush: identifyPush(),
      ping: ping(),
      // Client mode: asks the DHT and puts provider records, but answers no DHT queries.
      dht: kadDHT({ clientMode: true }),
      delegatedContentRouting: delegatedV1.delegatedRoutingV1HttpApiClientContentRouting(delegated),
      delegatedPeerRouting: delegatedV1.delegatedRoutingV1HttpApiClientPeerRouting(delegated)
    })
    routers.push(delegatedHTTPRouter(delegated), fallbackRouter({ gateways: PUBLIC_GATEWAYS }))
    summary.peerDiscovery.push('bootstrap')
    summary.services = Object.keys(libp2p.services)
    summary.dht = 'client'
    summary.routers.push('delegated-http-router', 'fallback-router')
    summary.bootstrap = [...PUBLIC_BOOTSTRAP]
    summary.delegatedRouters = [PUBLIC_DELEGATED_ROUTER]
    summary.gateways.push(...PUBLIC_GATEWAYS)
  }
  return { summary, libp2p, blockBrokers, routers }
}
