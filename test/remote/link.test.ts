// The two halves of /wasmos/interface/1.0.0 in one process, over real libp2p on loopback: the
// frame codec, the stand-in process the serving kernel sees for each remote caller (its
// process-ended notification on ENDED and on a dropped stream), refusals, and the bounds (too
// large both ways, outstanding calls) crossing the wire as the kernel's own codes; each over the
// direct link (direct.ts) and over a libp2p stream.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Stream } from '@libp2p/interface'
import { DENIED, NO_HANDLER, QUEUE_FULL, TOO_LARGE, UNREACHABLE } from '../../src/kernel/core/codes.ts'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import type { NativeMessage } from '../../src/kernel/node/native.ts'
import type { RemotePeer } from '../../src/remote/client.ts'
import {
  decodeFrame, encodeFrame, FRAME_ANSWER, FRAME_CALLER, FRAME_DIRECT, FRAME_ENDED, FRAME_MSG, FRAME_NOTICE, FrameError, FrameReader, PROTOCOL
} from '../../src/remote/frames.ts'
import type { Frame } from '../../src/remote/frames.ts'
import { homePeerId } from '../../src/remote/node.ts'
import { scratchHome } from '../helpers.ts'
import { caller as callerOf, callerNode, DIGEST, KEY, servingPeer } from './peers.ts'
import type { ServingPeer } from './peers.ts'

const OTHER = 'cd'.repeat(32)
const OTHER_DIGEST = Uint8Array.from(Buffer.from(OTHER, 'hex'))

describe('frames', () => {
  const frames: Frame[] = [
    { kind: FRAME_MSG, id: 2 ** 40, pid: 7, flags: 1, digest: DIGEST, payload: Uint8Array.from([1, 2, 3]) },
    { kind: FRAME_CALLER, pid: 7, cid: 'bafkreiabc', name: 'kv-client' },
    { kind: FRAME_ENDED, pid: 7, status: -9 },
    { kind: FRAME_ANSWER, id: 9, status: 16, payload: new Uint8Array(300) },
    { kind: FRAME_NOTICE, text: 'refused' },
    { kind: FRAME_DIRECT, port: 4001 }
  ]

  test('every kind round-trips, whole or a byte at a time', () => {
    const bytes = Buffer.concat(frames.map(encodeFrame))
    expect(new FrameReader(1 << 20).push(bytes)).toEqual(frames)
    const reader = new FrameReader(1 << 20)
    const got: Frame[] = []
    for (const b of bytes) got.push(...reader.push(Uint8Array.of(b)))
    expect(got).toEqual(frames)
  })

  test('MSG and ANSWER (encoded by hand) round-trip at every size boundary of their integers and bytes', () => {
    const ids = [0, 127, 128, 255, 256, 65535, 65536, 0xffffffff, 2 ** 32, 2 ** 40, Number.MAX_SAFE_INTEGER]
    const ints = [0, 1, 127, 128, 0xffffffff, -1, -32, -33, -128, -129, -32768, -32769, -0x80000000]
    const sizes = [0, 1, 255, 256, 65535, 65536, 70_000]
    const frames: Frame[] = []
    for (const id of ids) frames.push({ kind: FRAME_ANSWER, id, status: 0, payload: new Uint8Array(3) })
    for (const status of ints) frames.push({ kind: FRAME_ANSWER, id: 1, status, payload: new Uint8Array(0) })
    for (const n of sizes) {
      const payload = Uint8Array.from({ length: n }, (_, i) => i & 0xff)
      frames.push({ kind: FRAME_ANSWER, id: n, status: 16, payload })
      frames.push({ kind: FRAME_MSG, id: n, pid: n + 1, flags: 3, digest: DIGEST, payload })
    }
    for (const flags of ints) frames.push({ kind: FRAME_MSG, id: 2 ** 40, pid: 0xffffffff, flags, digest: DIGEST, payload: Uint8Array.of(9) })
    const reader = new FrameReader(1 << 20)
    expect(reader.push(Buffer.concat(frames.map(encodeFrame)))).toEqual(frames)
  })

  test('a length past the bound is refused from its prefix alone', () => {
    const r = new FrameReader(1000)
    expect(() => r.push(Uint8Array.of(0xe9, 0x07))).toThrow(FrameError)
    expect(() => new FrameReader(1000).push(Uint8Array.of(0xe8, 0x07))).not.toThrow()
  })

  test('bodies that are not frames are refused', () => {
    for (const body of [Uint8Array.of(0xc1), encodeFrame({ kind: FRAME_NOTICE, text: 'x' }).subarray(1, 2), Uint8Array.of(0x92, 0x01, 0x02)]) {
      expect(() => decodeFrame(body)).toThrow(FrameError)
    }
    // A digest that is not 32 bytes.
    const bad = encodeFrame({ kind: FRAME_MSG, id: 1, pid: 1, flags: 1, digest: new Uint8Array(31), payload: new Uint8Array(0) })
    expect(() => new FrameReader(1 << 20).push(bad)).toThrow(/not a frame/)
  })
})

describe.each([['the direct link', true], ['a libp2p stream', false]])('a caller and a serving host over loopback, on %s', (_, direct) => {
  let serving: ServingPeer
  let calling: Awaited<ReturnType<typeof callerNode>>
  let server: NodeHost
  let addr: string
  let allowed = true
  const seen: NativeMessage[] = []
  const ended: number[] = []
  const held: number[] = []

  beforeAll(async () => {
    calling = await callerNode('link-caller')
    const callerId = await homePeerId(calling.home.path)
    serving = await servingPeer({
      label: 'link-server',
      maxMessageSize: 1000,
      maxPeerOutstanding: 3,
      exports: new Map([[KEY, 'test']]),
      // The handler answers with the emitter's pid, holds messages that start with 'h', and
      // answers 'big' with more than the caller accepts.
      handlers: (host) => [{
        key: KEY,
        name: 'test',
        handle (msg) {
          seen.push(msg)
          if (!msg.expectsAnswer) return
          if (msg.payload[0] === 0x68) { held.push(msg.id); return }
          const big = Buffer.from(msg.payload).toString() === 'big'
          host.answer(msg.id, 0, big ? new Uint8Array(900) : Buffer.from(String(msg.emitter)))
        },
        processEnded (pid) { ended.push(pid) }
      }],
      grants: {
        known: (c) => c.peer === callerId && allowed ? true : null,
        decide: (c, refuse) => { refuse(`peer ${c.peer} may not use test`); return false }
      }
    })
    server = serving.host
    addr = serving.addr
  })

  afterAll(async () => {
    await serving?.close()
    await calling?.close()
  })

  function caller (opts: { maxMessageSize?: number, maxOutstanding?: number, log?: string[] } = {}): { host: NodeHost, peer: RemotePeer } {
    const log = opts.log ?? []
    const destination = new Writable({ write (chunk: Buffer, _enc, done) { log.push(chunk.toString()); done() } })
    return callerOf(calling.node, addr, {
      logger: createLogger({ level: 'warn', destination }),
      maxMessageSize: opts.maxMessageSize ?? 1 << 20,
      maxOutstanding: opts.maxOutstanding,
      direct,
      interfaces: new Map([[KEY, 'test'], [OTHER, 'other']])
    })
  }

  test('the handler sees a stand-in process, which ends on ENDED and on a dropped stream', async () => {
    const { host, peer } = caller()
    const a = await host.call(KEY, DIGEST, Buffer.from('x'))
    expect(a.status).toBe(0)
    expect(peer.via).toBe(direct ? 'direct' : 'stream')
    const standIn = Number(Buffer.from(a.payload).toString())
    expect(standIn).toBeGreaterThan(0)
    expect(seen.at(-1)!.emitter).toBe(standIn)
    // The kernel (pid 0) was the caller: its end is what processEnded(0) reports.
    peer.ended(0)
    await expect.poll(() => ended).toContain(standIn)
    const b = await host.call(KEY, DIGEST, Buffer.from('y'))
    const second = Number(Buffer.from(b.payload).toString())
    expect(second).not.toBe(standIn)
    await host.close()
    await expect.poll(() => ended).toContain(second)
  })

  test('a refused caller gets 1 and the reason; an interface not exported gets 2', async () => {
    const log: string[] = []
    const { host } = caller({ log })
    allowed = false
    try {
      expect((await host.call(KEY, DIGEST, Buffer.from('x'))).status).toBe(DENIED)
      await expect.poll(() => log.join('')).toContain('may not use test')
    } finally {
      allowed = true
    }
    expect((await host.call(OTHER, OTHER_DIGEST, Buffer.from('x'))).status).toBe(NO_HANDLER)
    await host.close()
  })

  test('too large crosses the wire as 4, both ways; past the frame bound the stream closes with 10', async () => {
    const { host } = caller({ maxMessageSize: 500 })
    expect((await host.call(KEY, DIGEST, new Uint8Array(1500))).status).toBe(TOO_LARGE)
    expect((await host.call(KEY, DIGEST, Buffer.from('big'))).status).toBe(TOO_LARGE)
    expect((await host.call(KEY, DIGEST, new Uint8Array(400_000))).status).toBe(UNREACHABLE)
    // And the next message reconnects.
    expect((await host.call(KEY, DIGEST, Buffer.from('x'))).status).toBe(0)
    await host.close()
  })

  test('calls past the outstanding bound get 5 at once; the others are answered', async () => {
    const { host } = caller({ maxOutstanding: 2 })
    const first = host.call(KEY, DIGEST, Buffer.from('h1'))
    const second = host.call(KEY, DIGEST, Buffer.from('h2'))
    expect((await host.call(KEY, DIGEST, Buffer.from('h3'))).status).toBe(QUEUE_FULL)
    await expect.poll(() => held.length).toBe(2)
    for (const id of held.splice(0)) server.answer(id, 0, Buffer.from('ok'))
    expect((await first).status).toBe(0)
    expect((await second).status).toBe(0)
    await host.close()
  })

  test('the serving side bounds a peer\'s calls over all its streams', async () => {
    const { multiaddr } = await import('@multiformats/multiaddr')
    const answers: Array<{ id: number, status: number }> = []
    const open = async (): Promise<Stream> => {
      const s = await calling.node.dialProtocol(multiaddr(addr), PROTOCOL)
      const reader = new FrameReader(1 << 20)
      s.addEventListener('message', (evt) => {
        for (const f of reader.push(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray())) {
          if (f.kind === FRAME_ANSWER) answers.push({ id: f.id, status: f.status })
        }
      })
      s.send(encodeFrame({ kind: FRAME_CALLER, pid: 1, cid: '', name: 'raw' }))
      return s
    }
    const call = (s: Stream, id: number): void => { s.send(encodeFrame({ kind: FRAME_MSG, id, pid: 1, flags: 1, digest: DIGEST, payload: Buffer.from('h') })) }
    const a = await open()
    const b = await open()
    call(a, 1)
    call(a, 2)
    await expect.poll(() => held.length).toBe(2)
    call(b, 3)
    await expect.poll(() => held.length).toBe(3)
    call(b, 4)
    await expect.poll(() => answers).toEqual([{ id: 4, status: QUEUE_FULL }])
    for (const id of held.splice(0)) server.answer(id, 0, Buffer.from('ok'))
    await expect.poll(() => answers.length).toBe(4)
    expect(answers.slice(1).map((x) => x.status)).toEqual([0, 0, 0])
    await a.close()
    await b.close()
  })

  test('a peer that cannot be reached fails the call with 10, quickly', async () => {
    const log: string[] = []
    const destination = new Writable({ write (chunk: Buffer, _enc, done) { log.push(chunk.toString()); done() } })
    // A peer id nobody runs (libp2p would reuse a connection to a peer it knows, whatever the port).
    const stranger = scratchHome('link-nobody')
    const nobody = `/ip4/127.0.0.1/tcp/1/p2p/${await homePeerId(stranger.path)}`
    await stranger.dispose()
    const { host } = callerOf(calling.node, nobody, { logger: createLogger({ level: 'warn', destination }), maxMessageSize: 1000, dialTimeoutMs: 3000 })
    const t = performance.now()
    expect((await host.call(KEY, DIGEST, Buffer.from('x'))).status).toBe(UNREACHABLE)
    expect(performance.now() - t).toBeLessThan(3500)
    expect(log.join('')).toContain('cannot reach')
    await host.close()
  })
})
