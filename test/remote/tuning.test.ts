// The libp2p stack's tuning (src/loader/libp2p-tuning.ts) over real libp2p on loopback: the bytes arrive
// as sent, small and large, and a round trip of one small message takes one write system call on
// each side instead of eight socket writes; noise's length reader waits for more without throwing.
import { Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { LengthPrefixedDecoder } from '@libp2p/utils'
import { startDialNode } from '../../src/remote/node.ts'
import { coalesceWrites, quietDecoder, tuned } from '../../src/loader/libp2p-tuning.ts'
import { scratchHome, type TempHome } from '../helpers.ts'

const ECHO = '/wasmos/test-echo/1.0.0'

describe('coalesced writes over a real libp2p connection', () => {
  let homes: TempHome[]
  let a: Libp2p
  let b: Libp2p
  let stream: Stream
  let got: Uint8Array[] = []

  const before = { ...tuned }

  beforeAll(async () => {
    homes = [scratchHome('tuning-a'), scratchHome('tuning-b')]
    a = await startDialNode({ home: homes[0].path, listen: ['/ip4/127.0.0.1/tcp/0'] })
    b = await startDialNode({ home: homes[1].path })
    await a.handle(ECHO, (s) => { s.addEventListener('message', (evt) => { s.send(evt.data) }) })
    stream = await b.dialProtocol(a.getMultiaddrs()[0], ECHO)
    stream.addEventListener('message', (evt) => { got.push(evt.data.subarray()) })
  })

  afterAll(async () => {
    await b?.stop()
    await a?.stop()
    for (const h of homes ?? []) await h.dispose()
  })

  /** Sends `bytes` and waits until as many have come back; returns them. */
  async function echo (bytes: Uint8Array): Promise<Buffer> {
    got = []
    stream.send(bytes)
    await expect.poll(() => got.reduce((n, c) => n + c.length, 0), { timeout: 5000, interval: 1 }).toBe(bytes.length)
    return Buffer.concat(got)
  }

  test('both tunings reached both ends of the connection (the internals they rely on are there)', () => {
    expect(tuned.coalesced - before.coalesced).toBe(2)
    expect(tuned.quiet - before.quiet).toBe(2)
    expect(tuned.uncoalesced - before.uncoalesced).toBe(0)
    expect(tuned.unquiet - before.unquiet).toBe(0)
  })

  test('small and large messages come back whole', async () => {
    for (const size of [1, 60, 1500, 70_000, 1 << 20]) {
      const bytes = Buffer.alloc(size)
      for (let i = 0; i < size; i++) bytes[i] = (i * 31 + size) & 0xff
      expect((await echo(bytes)).equals(bytes)).toBe(true)
    }
  })

  test('a round trip is two write system calls (one each way), not eight socket writes', async () => {
    const proto = Socket.prototype as unknown as { write: (...a: unknown[]) => boolean, _writeGeneric: (...a: unknown[]) => unknown }
    const write = proto.write
    const writeGeneric = proto._writeGeneric
    let writes = 0
    let calls = 0
    proto.write = function (this: Socket, ...args: unknown[]) { writes++; return write.apply(this, args) }
    proto._writeGeneric = function (this: Socket, ...args: unknown[]) { calls++; return writeGeneric.apply(this, args) }
    try {
      const frame = new Uint8Array(60)
      for (let i = 0; i < 50; i++) {
        let done!: () => void
        const back = new Promise<void>((resolve) => { done = resolve })
        const listener = (): void => { done() }
        stream.addEventListener('message', listener, { once: true })
        stream.send(frame)
        await back
        // Let the window update that follows the answer go out before the next round trip.
        await new Promise((resolve) => setImmediate(resolve))
      }
    } finally {
      proto.write = write
      proto._writeGeneric = writeGeneric
    }
    // Each side writes a data frame and a window update, each noise's length and ciphertext.
    expect(writes).toBe(50 * 8)
    expect(calls).toBeLessThanOrEqual(50 * 3)
  })
})

test('a connection without a socket and its write method is left as it is', () => {
  expect(coalesceWrites({} as never)).toBe(false)
  const socket = new Socket()
  expect(coalesceWrites({ socket } as never)).toBe(false)
  socket.destroy()
})

describe('noise\'s length reader', () => {
  test('a decoder with the quiet reader splits messages fed a byte at a time, as before', () => {
    const uint16 = (data: Uint8Array | { getUint16: (i: number) => number, length: number }): number => {
      if (data.length < 2) throw new RangeError('Could not decode int16BE')
      return data instanceof Uint8Array ? (data[0] << 8) + data[1] : data.getUint16(0)
    }
    const decoder = new LengthPrefixedDecoder({ lengthDecoder: uint16, encodingLength: () => 2 })
    expect(quietDecoder({ decoder })).toBe(true)
    const bytes = Uint8Array.of(0, 3, 1, 2, 3, 0, 1, 9, 0)
    const out: number[][] = []
    for (const b of bytes) for (const m of decoder.decode(Uint8Array.of(b))) out.push([...m.subarray()])
    expect(out).toEqual([[1, 2, 3], [9]])
  })

  test('a connection without that decoder is left as it is', () => {
    expect(quietDecoder({})).toBe(false)
    expect(quietDecoder({ decoder: { lengthDecoder: () => 0 } })).toBe(false)
  })
})
