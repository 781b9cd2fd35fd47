// The default mode dials nothing but the peers given: a real fetch between two Helia nodes on
// loopback, with every TCP connection and HTTP request the process opens recorded at the socket
// layer (net.Socket.prototype.connect, fetch). The only outbound connection is the given peer's.
import net from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Cid, openStore } from '../../src/loader/index.ts'
import { LocalStore } from '../../src/loader/local.ts'
import { startNode, type WasmosNode } from '../../src/loader/network.ts'
import { makeWasm, scratchHome, type TempHome } from '../helpers.ts'

describe('default network mode', () => {
  let a: TempHome
  let b: TempHome
  let server: WasmosNode
  let cid: Cid
  const program = makeWasm(600 * 1024, 'dials')

  beforeAll(async () => {
    a = scratchHome('dials-a')
    b = scratchHome('dials-b')
    const publisher = await openStore({ home: a.path })
    cid = await publisher.publish(program)
    await publisher.close()
    server = await startNode({ local: new LocalStore(a.path), writeThrough: true })
  })
  afterAll(async () => {
    await server?.stop()
    await a?.dispose()
    await b?.dispose()
  })

  test('fetching from one given peer opens connections to that peer only, and listens on 127.0.0.1 only', async () => {
    const peer = server.multiaddrs()[0]!
    const [, , host, , port] = peer.split('/')
    const connects: string[] = []
    const fetches: string[] = []
    const realConnect = net.Socket.prototype.connect
    const realFetch = globalThis.fetch
    net.Socket.prototype.connect = function (this: net.Socket, ...args: unknown[]) {
      // net.connect hands over its normalised arguments as one array: [options, callback].
      const o = Array.isArray(args[0]) ? (args[0] as unknown[])[0] : args[0]
      if (typeof o === 'object' && o !== null && 'port' in o) connects.push(`${(o as { host?: string }).host ?? 'localhost'}:${(o as { port: number }).port}`)
      else if (typeof o === 'number') connects.push(`${typeof args[1] === 'string' ? args[1] : 'localhost'}:${o}`)
      else connects.push(`other ${typeof o === 'object' && o !== null ? Object.keys(o).join(',') : String(o)}`)
      return (realConnect as (...a: unknown[]) => net.Socket).apply(this, args)
    } as typeof net.Socket.prototype.connect
    globalThis.fetch = async (input, init) => {
      fetches.push(String(input instanceof Request ? input.url : input))
      return realFetch(input, init)
    }
    const store = await openStore({ home: b.path, peers: [peer], fetchTimeoutMs: 30_000 })
    try {
      const bytes = await store.load(cid)
      expect(Buffer.from(bytes).equals(Buffer.from(program))).toBe(true)
      const node = await store.node()
      for (const m of node.multiaddrs()) expect(m.startsWith('/ip4/127.0.0.1/tcp/')).toBe(true)
      expect(node.dialled.length).toBeGreaterThan(0)
      for (const d of node.dialled) expect(d.replace(/\/p2p\/.*$/, '')).toBe(`/ip4/${host}/tcp/${port}`)
    } finally {
      net.Socket.prototype.connect = realConnect
      globalThis.fetch = realFetch
      await store.close()
    }
    expect(connects.length).toBeGreaterThan(0)
    expect([...new Set(connects)]).toEqual([`${host}:${port}`])
    expect(fetches).toEqual([])
  })
})
