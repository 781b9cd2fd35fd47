// What each network mode is made of, inspected before anything starts: the default has no
// bootstrap, DHT, delegated routing, mDNS or gateway components and listens on 127.0.0.1 only;
// `public` has what Helia's defaults give an IPFS user. Nodes are built but never started, and
// every socket and HTTP request the process attempts meanwhile is recorded: there must be none.
import net from 'node:net'
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { buildNodeConfig, PUBLIC_BOOTSTRAP, PUBLIC_DELEGATED_ROUTER, PUBLIC_GATEWAYS } from '../../src/loader/node-config.ts'

let contacted: string[] = []
const realConnect = net.Socket.prototype.connect
const realFetch = globalThis.fetch

beforeEach(() => {
  contacted = []
  net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
    contacted.push(`socket ${args.length} arguments`)
    throw new Error('no sockets in this test')
  } as typeof net.Socket.prototype.connect
  globalThis.fetch = async (input) => {
    contacted.push(`fetch ${String(input instanceof Request ? input.url : input)}`)
    throw new Error('no HTTP in this test')
  }
})
afterEach(() => {
  net.Socket.prototype.connect = realConnect
  globalThis.fetch = realFetch
})

/** A libp2p node built from a config but not started (createLibp2p with start: false). */
async function unstarted (options: Record<string, unknown>): Promise<{ services: Record<string, unknown>, getMultiaddrs (): unknown[], status: string }> {
  const { createLibp2p } = await import('libp2p')
  return (await createLibp2p({ ...options, start: false } as never)) as never
}

describe('network modes', () => {
  test('default (explicit): libp2p on 127.0.0.1 with identify and bitswap only, no discovery, DHT, routers or gateways', async () => {
    const config = await buildNodeConfig()
    expect(config.summary).toEqual({
      mode: 'explicit',
      libp2p: true,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      transports: ['tcp'],
      peerDiscovery: [],
      services: ['identify'],
      dht: 'off',
      blockBrokers: ['bitswap'],
      routers: ['libp2p'],
      bootstrap: [],
      delegatedRouters: [],
      gateways: []
    })
    // The objects themselves, not only the summary.
    expect(config.libp2p?.addresses.listen).toEqual(['/ip4/127.0.0.1/tcp/0'])
    expect(config.libp2p?.peerDiscovery).toEqual([])
    expect(Object.keys(config.libp2p?.services ?? {})).toEqual(['identify'])
    expect(config.blockBrokers).toEqual([])
    expect(config.routers).toEqual([])
    const node = await unstarted(config.libp2p!)
    expect(node.status).toBe('stopped')
    expect(Object.keys(node.services)).toEqual(['identify'])
    for (const name of ['dht', 'delegatedContentRouting', 'delegatedPeerRouting', 'upnp', 'autoNAT', 'relay', 'mdns']) {
      expect(node.services[name]).toBeUndefined()
    }
    expect(contacted).toEqual([])
  })

  test('explicit with gateways: HTTP to exactly those (in order), and no libp2p when there are no peers', async () => {
    const config = await buildNodeConfig({ gateways: ['http://127.0.0.1:8080/', 'https://gw.example'], libp2p: false })
    expect(config.libp2p).toBeUndefined()
    expect(config.summary.gateways).toEqual(['http://127.0.0.1:8080', 'https://gw.example'])
    expect(config.summary.blockBrokers).toEqual(['trustless-gateway'])
    expect(config.summary.routers).toEqual(['wasmos-gateways'])
    expect(config.summary.listen).toEqual([])
    const router = config.routers[0] as { findProviders (cid: unknown): AsyncIterable<{ multiaddrs: Array<{ toString (): string }> }> }
    const { CID } = await import('multiformats/cid')
    const found = []
    for await (const p of router.findProviders(CID.parse('bafkqaaa'))) found.push(p.multiaddrs.map(String))
    expect(found).toEqual([['/ip4/127.0.0.1/tcp/8080/http'], ['/dns/gw.example/tcp/443/tls/http']])
    expect(contacted).toEqual([])
  })

  test('public: bootstrap peers, the DHT in client mode, delegated routing and public gateways, as Helia sets them up', async () => {
    const config = await buildNodeConfig({ mode: 'public' })
    const s = config.summary
    expect(s.mode).toBe('public')
    expect(s.listen).toEqual(['/ip4/0.0.0.0/tcp/0', '/ip6/::/tcp/0'])
    expect(s.peerDiscovery).toEqual(['bootstrap'])
    expect(s.dht).toBe('client')
    expect(s.bootstrap).toEqual(PUBLIC_BOOTSTRAP)
    expect(s.delegatedRouters).toEqual([PUBLIC_DELEGATED_ROUTER])
    expect(s.gateways).toEqual(PUBLIC_GATEWAYS)
    expect(s.blockBrokers).toEqual(['bitswap', 'trustless-gateway'])
    expect(s.routers).toEqual(['libp2p', 'delegated-http-router', 'fallback-router'])
    expect(config.libp2p?.peerDiscovery).toHaveLength(1)

    const node = await unstarted(config.libp2p!)
    expect(Object.keys(node.services).sort()).toEqual(['delegatedContentRouting', 'delegatedPeerRouting', 'dht', 'identify', 'identifyPush', 'ping'])
    const dht = node.services['dht'] as { getMode (): string }
    expect(dht.getMode()).toBe('client')
    expect(node.services['mdns']).toBeUndefined()

    // Helia's side, also built and not started: the routers and the gateway broker are there.
    const { createHeliaLight } = await import('helia')
    const helia = createHeliaLight({ blockBrokers: config.blockBrokers as never, routers: config.routers as never })
    expect(helia.hasRouter('delegated-http-router')).toBe(true)
    expect(helia.hasRouter('fallback-router')).toBe(true)
    expect(helia.hasBlockBroker('trustless-gateway')).toBe(true)
    expect(contacted).toEqual([])
  })

  test('public gateways stay HTTPS-only and non-local; named local gateways are allowed', async () => {
    const pub = await buildNodeConfig({ mode: 'public' })
    const { createHeliaLight } = await import('helia')
    const broker = (h: ReturnType<typeof createHeliaLight>): { allowInsecure: boolean, allowLocal: boolean } =>
      (h as unknown as { blockBrokers: Array<{ name: string, allowInsecure: boolean, allowLocal: boolean }> }).blockBrokers.find((b) => b.name === 'trustless-gateway')!
    const p = broker(createHeliaLight({ blockBrokers: pub.blockBrokers as never }))
    expect([p.allowInsecure, p.allowLocal]).toEqual([false, false])
    const named = await buildNodeConfig({ gateways: ['http://127.0.0.1:8080'], libp2p: false })
    const n = broker(createHeliaLight({ blockBrokers: named.blockBrokers as never }))
    expect([n.allowInsecure, n.allowLocal]).toEqual([true, true])
  })

  test('bad gateway URLs are refused before anything is built', async () => {
    await expect(buildNodeConfig({ gateways: ['ftp://x'] })).rejects.toMatchObject({ code: 'ERR_BAD_CONFIG' })
    await expect(buildNodeConfig({ gateways: ['http://user:pw@host'] })).rejects.toMatchObject({ code: 'ERR_BAD_CONFIG' })
    await expect(buildNodeConfig({ gateways: ['nope'] })).rejects.toMatchObject({ code: 'ERR_BAD_CONFIG' })
  })
})
