// Two costs of libp2p's TCP + noise stack that grow with the number of small messages, removed
// without changing a byte on the wire (src/remote/README.md, "What a message costs"):
//  - writes: a message on a stream is several socket.write calls (noise's length and ciphertext,
//    for yamux's data frame and then for its window update), each a system call and a TCP segment
//    that wakes the peer; the socket is corked at the first write of a turn of the event loop and
//    uncorked at its end (setImmediate: after the promise jobs that produce answers), one writev;
//  - reads: noise's length-prefix decoder learns that a chunk is used up by catching a RangeError
//    its length reader throws, a new Error (and stack trace) for every chunk read; the reader is
//    replaced by one that says "wait for more" without throwing.
import type { ConnectionEncrypter, MultiaddrConnection, Transport, Upgrader } from '@libp2p/interface'
import type { Socket } from 'node:net'

type Factory<C, T> = (components: C) => T

/**
 * Connections each tuning reached, and those it could not (the internal it relies on missing: a
 * libp2p upgrade changed it). The tests check the second counts stay 0 on real connections.
 */
export const tuned = { coalesced: 0, uncoalesced: 0, quiet: 0, unquiet: 0 }

/** What @libp2p/tcp's connection has past the interface: its socket and the method that writes to it. */
interface SocketConnection {
  socket?: Socket
  sendData?: (data: unknown) => { sentBytes: number, canSendMore: boolean }
}

/** Corks `maConn`'s socket at its first write of a turn and uncorks it at the turn's end; false if it has no socket. */
export function coalesceWrites (maConn: MultiaddrConnection): boolean {
  const c = maConn as unknown as SocketConnection
  const socket = c.socket
  const sendData = c.sendData
  if (socket === undefined || typeof socket.cork !== 'function' || typeof sendData !== 'function') return false
  let corked = false
  const uncork = (): void => {
    corked = false
    socket.uncork()
  }
  c.sendData = function (data) {
    if (!corked) {
      corked = true
      socket.cork()
      setImmediate(uncork)
    }
    return sendData.call(this, data)
  }
  return true
}

const count = (coalesced: boolean): void => { if (coalesced) tuned.coalesced++; else tuned.uncoalesced++ }

/** The same upgrader, coalescing the writes of every connection it upgrades. */
function coalescing (upgrader: Upgrader): Upgrader {
  return {
    upgradeOutbound: async (maConn: MultiaddrConnection, opts: Parameters<Upgrader['upgradeOutbound']>[1]) => {
      count(coalesceWrites(maConn))
      return await upgrader.upgradeOutbound(maConn, opts)
    },
    upgradeInbound: async (maConn: MultiaddrConnection, opts: Parameters<Upgrader['upgradeInbound']>[1]) => {
      count(coalesceWrites(maConn))
      await upgrader.upgradeInbound(maConn, opts)
    },
    createInboundAbortSignal: (signal) => upgrader.createInboundAbortSignal(signal),
    getStreamMuxers: () => upgrader.getStreamMuxers(),
    getConnectionEncrypters: () => upgrader.getConnectionEncrypters()
  }
}

/** Wraps a TCP transport factory (`tcp()`) so that its connections coalesce writes, dialled or accepted. */
export function coalescedTcp<C> (factory: Factory<C, Transport>): Factory<C, Transport> {
  return (components) => {
    const t = factory(components)
    const dial = t.dial.bind(t)
    const createListener = t.createListener.bind(t)
    t.dial = async (ma, options) => await dial(ma, { ...options, upgrader: coalescing(options.upgrader) })
    t.createListener = (options) => createListener({ ...options, upgrader: coalescing(options.upgrader) })
    return t
  }
}

/** What noise's encrypted connection has past the interface: the decoder of its length-prefixed messages. */
interface DecodingConnection {
  decoder?: { lengthDecoder?: (data: Uint8Array) => number, maxDataLength?: number }
}

/**
 * Gives noise's decoder of `connection` a length reader that throws nothing when fewer than the
 * length's two bytes are there: it answers the longest length the decoder accepts, which no
 * buffer that short holds, so the decoder waits for more as after the error; false if it has none.
 */
export function quietDecoder (connection: unknown): boolean {
  const d = (connection as DecodingConnection).decoder
  const read = d?.lengthDecoder
  const longest = d?.maxDataLength
  if (d === undefined || typeof read !== 'function' || typeof longest !== 'number' || longest < 2) return false
  d.lengthDecoder = (data) => data.length < 2 ? longest : read(data)
  return true
}

/** Wraps a noise factory (`noise()`) so that its connections read lengths without a new error per chunk. */
export function quietNoise<C> (factory: Factory<C, ConnectionEncrypter>): Factory<C, ConnectionEncrypter> {
  return (components) => {
    const n = factory(components)
    const secureInbound = n.secureInbound.bind(n)
    const secureOutbound = n.secureOutbound.bind(n)
    n.secureInbound = async (connection, options) => {
      const r = await secureInbound(connection, options)
      if (quietDecoder(r.connection)) tuned.quiet++
      else tuned.unquiet++
      return r
    }
    n.secureOutbound = async (connection, options) => {
      const r = await secureOutbound(connection, options)
      if (quietDecoder(r.connection)) tuned.quiet++
      else tuned.unquiet++
      return r
    }
    return n
  }
}
