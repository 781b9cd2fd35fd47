// The direct link (src/remote/direct.ts) on loopback, between real peers: the caller checks who
// answers, the serving side knows who calls (its grants see the noise-authenticated peer id),
// a message altered or replayed on the wire ends the link, bytes that are not a handshake are
// dropped without stopping the service, a peer's links are bounded, and a peer that offers no
// direct link, or one that never answers, is called over a libp2p stream.
import { connect, createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { PrivateKey } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { DIRECT_PROTOCOL, dialDirect, sessionCipher } from '../../src/remote/direct.ts'
import { encodeFrame, FRAME_ANSWER, FRAME_CALLER, FRAME_DIRECT, FRAME_MSG, FrameReader } from '../../src/remote/frames.ts'
import type { Frame } from '../../src/remote/frames.ts'
import { homeKey } from '../../src/remote/node.ts'
import { scratchHome, type TempHome } from '../helpers.ts'
import { caller, callerNode, DIGEST, KEY, servingPeer } from './peers.ts'
import type { ServingPeer } from './peers.ts'

describe('the direct link', () => {
  let homes: TempHome[]
  let serving: ServingPeer
  let calling: Awaited<ReturnType<typeof callerNode>>
  let callerKey: PrivateKey
  let strangerKey: PrivateKey
  const callers: string[] = []

  beforeAll(async () => {
    calling = await callerNode('direct-caller')
    homes = [scratchHome('direct-stranger')]
    callerKey = await homeKey(calling.home.path)
    strangerKey = await homeKey(homes[0].path)
    serving = await servingPeer({
      label: 'direct-server',
      handlers: (server) => [{ key: KEY, name: 'test', handle (msg) { if (msg.expectsAnswer) server.answer(msg.id, 0, Buffer.from('ok')) } }],
      grants: {
        known: (c) => { callers.push(c.peer); return c.peer === peerIdFromPrivateKey(callerKey).toString() },
        decide: (_c, refuse) => { refuse('not you'); return false }
      }
    })
  })

  afterAll(async () => {
    await serving?.close()
    await calling?.close()
    for (const h of homes ?? []) await h.dispose()
  })

  const serverPeer = (): ReturnType<typeof peerIdFromPrivateKey> => serving.node.peerId as ReturnType<typeof peerIdFromPrivateKey>

  test('the serving peer offers one, and a call goes over it', async () => {
    expect(serving.exported.directPort).toBeGreaterThan(0)
    const { host, peer } = caller(calling.node, serving.addr)
    const a = await host.call(KEY, DIGEST, Buffer.from('x'))
    expect(a.status).toBe(0)
    expect(Buffer.from(a.payload).toString()).toBe('ok')
    expect(peer.via).toBe('direct')
    // The grant was asked about the peer noise authenticated.
    expect(callers.at(-1)).toBe(peerIdFromPrivateKey(callerKey).toString())
    await host.close()
  })

  test('a connection whose noise keeps no session cipher where libp2p-noise keeps it has none (the link is not offered)', () => {
    expect(sessionCipher({})).toBeNull()
    expect(sessionCipher(null)).toBeNull()
    expect(sessionCipher({ handshake: { encrypt: () => new Uint8Array(0) } })).toBeNull()
  })

  test('the caller checks who answers: another peer id is refused', async () => {
    const signal = AbortSignal.timeout(5000)
    await expect(dialDirect('127.0.0.1', serving.exported.directPort!, callerKey, peerIdFromPrivateKey(strangerKey), signal)).rejects.toThrow()
  })

  test('a stranger gets a link, and its calls are refused by the grants', async () => {
    const { link, frames } = await open(serving.exported.directPort!, strangerKey)
    link.send(encodeFrame({ kind: FRAME_CALLER, pid: 1, cid: '', name: 'stranger' }))
    link.send(encodeFrame({ kind: FRAME_MSG, id: 1, pid: 1, flags: 1, digest: DIGEST, payload: Buffer.from('x') }))
    await expect.poll(() => frames.find((f) => f.kind === FRAME_ANSWER)).toMatchObject({ id: 1, status: 1 })
    expect(callers.at(-1)).toBe(peerIdFromPrivateKey(strangerKey).toString())
    await link.close()
  })

  test('a message altered on the wire ends the link; so does one replayed', async () => {
    for (const attack of ['alter', 'replay'] as const) {
      const proxy = await tamperingProxy(serving.exported.directPort!)
      const { link, frames, ended } = await open(proxy.port, callerKey)
      link.send(encodeFrame({ kind: FRAME_CALLER, pid: 1, cid: '', name: 'caller' }))
      link.send(encodeFrame({ kind: FRAME_MSG, id: 1, pid: 1, flags: 1, digest: DIGEST, payload: Buffer.from('x') }))
      await expect.poll(() => frames.filter((f) => f.kind === FRAME_ANSWER).length).toBe(1)
      proxy.arm(attack)
      link.send(encodeFrame({ kind: FRAME_MSG, id: 2, pid: 1, flags: 1, digest: DIGEST, payload: Buffer.from('y') }))
      await expect.poll(() => ended()).toBe(true)
      expect(frames.filter((f) => f.kind === FRAME_ANSWER).length).toBe(1)
      await proxy.close()
    }
  })

  test('bytes that are not a handshake are dropped, and the port keeps serving', async () => {
    const socket = connect({ host: '127.0.0.1', port: serving.exported.directPort! })
    socket.on('error', () => {})
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(Uint8Array.of(0, 4, 1, 2, 3, 4))
    await new Promise((resolve) => socket.once('close', resolve))
    const { link, frames } = await open(serving.exported.directPort!, callerKey)
    link.send(encodeFrame({ kind: FRAME_CALLER, pid: 1, cid: '', name: 'caller' }))
    link.send(encodeFrame({ kind: FRAME_MSG, id: 1, pid: 1, flags: 1, digest: DIGEST, payload: Buffer.from('x') }))
    await expect.poll(() => frames.find((f) => f.kind === FRAME_ANSWER)).toMatchObject({ id: 1, status: 0 })
    await link.close()
  })

  test('a peer may hold 8 direct links at once; the 9th is closed before it is ready', async () => {
    const links = []
    for (let i = 0; i < 8; i++) links.push((await open(serving.exported.directPort!, strangerKey)).link)
    await expect(dialDirect('127.0.0.1', serving.exported.directPort!, strangerKey, serverPeer(), AbortSignal.timeout(5000))).rejects.toThrow(/before it was ready/)
    await links[0].close()
    await expect.poll(async () => await dialDirect('127.0.0.1', serving.exported.directPort!, strangerKey, serverPeer(), AbortSignal.timeout(5000)).then((l) => { links.push(l); return true }, () => false)).toBe(true)
    for (const l of links) await l.close()
  })

  /** A serving peer that offers no direct link of its own, answering 'plain'. */
  const plainPeer = async (label: string): Promise<ServingPeer> => await servingPeer({
    label,
    direct: false,
    handlers: (plain) => [{ key: KEY, name: 'test', handle (msg) { if (msg.expectsAnswer) plain.answer(msg.id, 0, Buffer.from('plain')) } }]
  })

  test('a peer that offers no direct link is called over a libp2p stream', async () => {
    const plain = await plainPeer('direct-none')
    try {
      expect(plain.exported.directPort).toBeNull()
      const { host, peer } = caller(calling.node, plain.addr)
      const a = await host.call(KEY, DIGEST, Buffer.from('x'))
      expect(Buffer.from(a.payload).toString()).toBe('plain')
      expect(peer.via).toBe('stream')
      await host.close()
    } finally {
      await plain.close()
    }
  })

  test('an offered port that never finishes a handshake leaves time for a stream', async () => {
    const plain = await plainPeer('direct-silent')
    // A port that takes the connection and says nothing, offered as the direct link.
    const held = new Set<Socket>()
    const silent = createServer((s) => { held.add(s) })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    await plain.node.handle(DIRECT_PROTOCOL, (stream) => {
      stream.send(encodeFrame({ kind: FRAME_DIRECT, port: (silent.address() as { port: number }).port }))
      stream.close().catch(() => {})
    })
    try {
      const { host, peer } = caller(calling.node, plain.addr, { dialTimeoutMs: 4000 })
      const t = performance.now()
      const a = await host.call(KEY, DIGEST, Buffer.from('x'))
      expect(a.status).toBe(0)
      expect(peer.via).toBe('stream')
      expect(performance.now() - t).toBeLessThan(3900)
      await host.close()
    } finally {
      for (const s of held) s.destroy()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
      await plain.close()
    }
  })

  /** A direct link to `port` with `key`, the frames it receives, and whether it ended. */
  async function open (port: number, key: PrivateKey): Promise<{ link: Awaited<ReturnType<typeof dialDirect>>, frames: Frame[], ended: () => boolean }> {
    const link = await dialDirect('127.0.0.1', port, key, serverPeer(), AbortSignal.timeout(5000))
    const frames: Frame[] = []
    let ended = false
    const reader = new FrameReader(1 << 20)
    link.listen((bytes) => { frames.push(...reader.push(bytes)) }, () => { ended = true })
    return { link, frames, ended: () => ended }
  }
})

/**
 * Forwards loopback connections to `port`; once armed, alters (flips a bit of) or replays (sends
 * again) the next chunk from the caller.
 */
async function tamperingProxy (port: number): Promise<{ port: number, arm: (attack: 'alter' | 'replay') => void, close: () => Promise<void> }> {
  let armed: 'alter' | 'replay' | null = null
  let last: Buffer | null = null
  const sockets = new Set<Socket>()
  const server: Server = createServer((client) => {
    const upstream = connect({ host: '127.0.0.1', port })
    for (const s of [client, upstream]) {
      sockets.add(s)
      s.on('error', () => {})
      s.on('close', () => { client.destroy(); upstream.destroy() })
    }
    client.on('data', (chunk: Buffer) => {
      if (armed === 'alter') {
        const altered = Buffer.from(chunk)
        altered[altered.length - 1] ^= 1
        upstream.write(altered)
      } else if (armed === 'replay' && last !== null) {
        upstream.write(last)
      } else {
        upstream.write(chunk)
      }
      if (armed !== null) armed = null
      last = chunk
    })
    upstream.on('data', (chunk: Buffer) => client.write(chunk))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    arm (attack) { armed = attack },
    async close () {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  }
}
