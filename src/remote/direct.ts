// The direct link: /wasmos/interface/1.0.0's frames on a TCP connection of their own, without
// libp2p's multiplexer and stream layers, as secure as a libp2p connection. The connection is
// secured by libp2p's own noise handshake (XX, ChaCha20-Poly1305; each side's libp2p identity key
// signs its noise key, so each side learns the other's peer id, and the caller checks it is the
// one it dialled), with a prologue naming this protocol so that the handshake cannot be passed off
// as another's. Then each write is one noise message (a 2-byte length and the ciphertext, as libp2p
// frames them) sealed and opened with the session's cipher by this module's own loop: one
// encryption and one socket write per batch of frames, where a libp2p stream adds yamux's frame
// and window update, noise's and yamux's buffers and an event per layer (src/remote/README.md).
//
// A serving peer tells its port on /wasmos/interface-direct/1.0.0 (a libp2p stream, so on its
// authenticated connection); the first frame on the link, FRAME_DIRECT, says the serving side is
// ready: the caller writes nothing before it, so no byte of the session is read by noise's own
// stream, which the handshake leaves behind. A peer without it, or a handshake that fails, leaves
// the caller on the libp2p stream.
import { createServer, connect } from 'node:net'
import type { Server, Socket } from 'node:net'
import type { ConnectionEncrypter, PeerId, PrivateKey } from '@libp2p/interface'
import { encodeFrame, FRAME_DIRECT, FrameReader } from './frames.ts'
import type { Link } from './link.ts'
import { BusyPoll } from './poll.ts'
import type { PollStats } from './poll.ts'

/** The libp2p protocol on which a serving peer tells the port of its direct link. */
export const DIRECT_PROTOCOL = '/wasmos/interface-direct/1.0.0'
/** Bound into the handshake: a noise session made for another protocol does not complete here. */
const PROLOGUE = new TextEncoder().encode(DIRECT_PROTOCOL)
/** A noise message: at most 65535 bytes, a 16-byte tag included. */
const MAX_MESSAGE = 65535
const TAG = 16
const MAX_PLAINTEXT = MAX_MESSAGE - TAG
/** How long a handshake may take, either side. */
export const HANDSHAKE_MS = 10_000

export class DirectError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.name = 'DirectError'
    this.code = code
  }
}

/** A noise session's transport cipher: each call seals or opens the next message, nonces counted inside. */
export interface Cipher {
  encrypt (plaintext: Uint8Array): Uint8Array
  decrypt (ciphertext: Uint8Array, dst?: Uint8Array): Uint8Array
}

/** A link over a secured socket: noise transport messages, sealed and opened here. */
export class DirectLink implements Link {
  readonly #socket: Socket
  readonly #cipher: Cipher
  /** The start of a noise message whose end has not arrived. */
  #partial: Buffer | null = null
  #onData: (bytes: Uint8Array) => void = () => {}
  #onEnd: () => void = () => {}
  #ended = false
  readonly #poll = new BusyPoll()

  constructor (socket: Socket, cipher: Cipher) {
    this.#socket = socket
    this.#cipher = cipher
    socket.on('data', (chunk: Buffer) => { this.#read(chunk) })
    socket.on('end', () => { this.#end() })
    socket.on('close', () => { this.#end() })
    // 'close' follows an error.
    socket.on('error', () => {})
  }

  get writable (): boolean {
    return !this.#ended && this.#socket.writable
  }

  get unsent (): number {
    return this.#socket.writableLength
  }

  listen (onData: (bytes: Uint8Array) => void, onEnd: () => void): void {
    this.#onData = onData
    this.#onEnd = onEnd
  }

  send (bytes: Uint8Array): void {
    if (!this.writable) return
    if (bytes.length <= MAX_PLAINTEXT) {
      this.#socket.write(this.#seal(bytes))
      return
    }
    const parts: Buffer[] = []
    for (let i = 0; i < bytes.length; i += MAX_PLAINTEXT) parts.push(this.#seal(bytes.subarray(i, Math.min(i + MAX_PLAINTEXT, bytes.length))))
    this.#socket.write(Buffer.concat(parts))
  }

  expectReply (): void {
    if (!this.#ended) this.#poll.expect()
  }

  /** What polling for replies brought (poll.ts). */
  get pollStats (): PollStats {
    return this.#poll.stats
  }

  abort (err: Error): void {
    this.#socket.destroy(err)
    this.#end()
  }

  async close (): Promise<void> {
    if (this.#socket.destroyed) return
    const closed = new Promise<void>((resolve) => this.#socket.once('close', () => resolve()))
    const timer = setTimeout(() => this.#socket.destroy(), 1000)
    this.#socket.end()
    await closed
    clearTimeout(timer)
  }

  #seal (plaintext: Uint8Array): Buffer {
    const sealed = this.#cipher.encrypt(plaintext)
    const out = Buffer.allocUnsafe(2 + sealed.length)
    out.writeUInt16BE(sealed.length, 0)
    out.set(sealed, 2)
    return out
  }

  #read (chunk: Buffer): void {
    this.#poll.arrived()
    const buf = this.#partial === null ? chunk : Buffer.concat([this.#partial, chunk])
    this.#partial = null
    let pos = 0
    try {
      while (buf.length - pos >= 2) {
        const len = buf.readUInt16BE(pos)
        if (len < TAG) throw new DirectError('ERR_BAD_MESSAGE', 'a noise message shorter than its tag')
        if (buf.length - pos - 2 < len) break
        const sealed = buf.subarray(pos + 2, pos + 2 + len)
        pos += 2 + len
        // Opened in place: the ciphertext is not read again.
        const plain = this.#cipher.decrypt(sealed, sealed.subarray(0, len - TAG))
        if (plain.length > 0) this.#onData(plain)
        if (this.#ended) return
      }
    } catch (err) {
      // A message that does not open (tampered, replayed, out of order) ends the link.
      this.abort(err as Error)
      return
    }
    // What is kept is less than one message (65,537 bytes): the link buffers no more than that.
    if (pos < buf.length) this.#partial = Buffer.from(buf.subarray(pos))
  }

  #end (): void {
    if (this.#ended) return
    this.#ended = true
    this.#partial = null
    this.#poll.stop()
    this.#onEnd()
  }
}

/** A socket as the message stream a handshake runs on. */
interface HandshakeConnection {
  /** Stops feeding the handshake's streams; returns the bytes given to them and not read. */
  detach (): number
}

interface Noise {
  encrypter: ConnectionEncrypter
  conn (socket: Socket, inbound: boolean): HandshakeConnection
}

/** libp2p's noise with this key, the prologue of this protocol and no multiplexer to negotiate. */
async function makeNoise (key: PrivateKey): Promise<Noise> {
  const [{ noise }, { defaultLogger }, { AbstractMultiaddrConnection, ipPortToMultiaddr }, { peerIdFromPrivateKey }] = await Promise.all([
    import('@chainsafe/libp2p-noise'),
    import('@libp2p/logger'),
    import('@libp2p/utils'),
    import('@libp2p/peer-id')
  ])
  const logger = defaultLogger()
  const components = {
    peerId: peerIdFromPrivateKey(key),
    privateKey: key,
    logger,
    // Asked only when a multiplexer is negotiated in the handshake, which this one skips.
    upgrader: { getStreamMuxers: () => new Map() }
  }
  const encrypter = noise({ prologueBytes: PROLOGUE })(components as unknown as Parameters<ReturnType<typeof noise>>[0])

  /** A socket as the message stream noise's handshake reads and writes, until detached. */
  class SocketConnection extends AbstractMultiaddrConnection {
    readonly #socket: Socket
    readonly #onData = (chunk: Buffer): void => { this.onData(chunk) }
    readonly #onClose = (): void => { this.onTransportClosed() }

    constructor (socket: Socket, inbound: boolean) {
      super({
        log: logger.forComponent('wasmos:direct'),
        direction: inbound ? 'inbound' : 'outbound',
        remoteAddr: ipPortToMultiaddr(socket.remoteAddress ?? '127.0.0.1', socket.remotePort ?? 0),
        inactivityTimeout: HANDSHAKE_MS
      })
      this.#socket = socket
      socket.on('data', this.#onData)
      socket.on('close', this.#onClose)
    }

    detach (): number {
      this.#socket.off('data', this.#onData)
      this.#socket.off('close', this.#onClose)
      return this.readBufferLength
    }

    sendData (data: Iterable<Uint8Array> & { byteLength: number }): { sentBytes: number, canSendMore: boolean } {
      let canSendMore = true
      for (const b of data) canSendMore = this.#socket.write(b)
      return { sentBytes: data.byteLength, canSendMore }
    }

    async sendClose (): Promise<void> { this.#socket.end() }
    sendReset (): void { this.#socket.destroy() }
    sendPause (): void { this.#socket.pause() }
    sendResume (): void { this.#socket.resume() }
  }
  return { encrypter, conn: (socket, inbound) => new SocketConnection(socket, inbound) }
}

/**
 * The transport cipher of a connection noise secured: its `handshake` (@chainsafe/libp2p-noise's
 * encrypted connection keeps it there, past the interface); null when it is not there or not one.
 */
export function sessionCipher (connection: unknown): Cipher | null {
  const cipher = (connection as { handshake?: Partial<Cipher> } | null)?.handshake
  if (typeof cipher?.encrypt !== 'function' || typeof cipher.decrypt !== 'function') return null
  return cipher as Cipher
}

const noises = new WeakMap<PrivateKey, Promise<Noise>>()

/** Secures `socket` with noise; the other side's peer id and the link. `expected`: the peer the caller dialled. */
async function secure (socket: Socket, key: PrivateKey, expected: PeerId | null, signal: AbortSignal): Promise<{ peer: PeerId, link: DirectLink }> {
  let made = noises.get(key)
  if (made === undefined) {
    made = makeNoise(key)
    noises.set(key, made)
  }
  const { encrypter, conn } = await made
  const c = conn(socket, expected === null)
  const options = { signal, skipStreamMuxerNegotiation: true, ...(expected !== null ? { remotePeer: expected } : {}) }
  const secured = expected === null
    ? await encrypter.secureInbound(c as never, options)
    : await encrypter.secureOutbound(c as never, options)
  // noise checks the key of a peer id that holds one (Ed25519); this checks every kind.
  if (expected !== null && !secured.remotePeer.equals(expected)) throw new DirectError('ERR_WRONG_PEER', `the peer answering is ${secured.remotePeer.toString()}, not ${expected.toString()}`)
  const cipher = sessionCipher(secured.connection)
  if (cipher === null) throw new DirectError('ERR_DIRECT_UNSUPPORTED', 'this noise keeps its session cipher to itself')
  // The caller writes nothing before the ready frame, which the serving side sends once it reads
  // the socket itself: any byte already given to noise's stream is a broken protocol.
  const left = secured.connection as unknown as { readBufferLength?: number, decoder?: { buffer?: { byteLength?: number } } }
  const unread = c.detach() + (left.readBufferLength ?? 0) + (left.decoder?.buffer?.byteLength ?? 0)
  if (unread > 0) throw new DirectError('ERR_BAD_MESSAGE', 'bytes arrived before the link was ready')
  return { peer: secured.remotePeer, link: new DirectLink(socket, cipher) }
}

export interface DirectServerOptions {
  /** The address to listen on (the serving libp2p node's). */
  host: string
  key: PrivateKey
  /** A caller's link, secured, its peer id authenticated; FRAME_DIRECT is sent after this returns. */
  onLink: (link: DirectLink, peer: string) => void
  /** Handshakes in progress at once; past it a connection is closed at once. */
  maxHandshakes?: number
}

export interface DirectServer {
  port: number
  close (): Promise<void>
}

/** Listens for direct links on `host`, a port chosen by the system. */
export async function listenDirect (opts: DirectServerOptions): Promise<DirectServer> {
  const maxHandshakes = opts.maxHandshakes ?? 32
  let handshakes = 0
  const sockets = new Set<Socket>()
  const server: Server = createServer({ noDelay: true, keepAlive: true }, (socket) => {
    sockets.add(socket)
    socket.once('close', () => sockets.delete(socket))
    socket.on('error', () => {})
    if (handshakes >= maxHandshakes) { socket.destroy(); return }
    handshakes++
    const signal = AbortSignal.timeout(HANDSHAKE_MS)
    const timer = setTimeout(() => socket.destroy(), HANDSHAKE_MS)
    secure(socket, opts.key, null, signal).then(({ peer, link }) => {
      handshakes--
      clearTimeout(timer)
      opts.onLink(link, peer.toString())
      link.send(encodeFrame({ kind: FRAME_DIRECT, port: (server.address() as { port: number }).port }))
    }, () => {
      handshakes--
      clearTimeout(timer)
      socket.destroy()
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, opts.host, () => { server.off('error', reject); resolve() })
  })
  return {
    port: (server.address() as { port: number }).port,
    async close () {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()))
      for (const s of sockets) s.destroy()
      await closed
    }
  }
}

/** The host of a /ip4/… or /ip6/… TCP multiaddr; null for any other (DNS, another transport). */
export function tcpHost (addr: string): string | null {
  const m = /^\/ip[46]\/([^/]+)\/tcp\/\d+(\/|$)/.exec(addr)
  return m === null ? null : m[1]
}

/**
 * Dials the direct link of the peer `expected` at `host`:`port` and waits until it is ready.
 * Rejects if it cannot be reached, the peer is not `expected`, or it does not say it is ready.
 */
export async function dialDirect (host: string, port: number, key: PrivateKey, expected: PeerId, signal: AbortSignal): Promise<DirectLink> {
  const socket = connect({ host, port, noDelay: true, keepAlive: true })
  socket.on('error', () => {})
  const fail = (): void => { socket.destroy() }
  signal.addEventListener('abort', fail, { once: true })
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('close', () => reject(new DirectError('ERR_UNREACHABLE', `cannot connect to ${host} port ${port}`)))
    })
    const { link } = await secure(socket, key, expected, signal)
    await new Promise<void>((resolve, reject) => {
      const reader = new FrameReader(64)
      link.listen((bytes) => {
        try {
          const frames = reader.push(bytes)
          if (frames.length === 0) return
          if (frames.length === 1 && frames[0].kind === FRAME_DIRECT) resolve()
          else reject(new DirectError('ERR_BAD_MESSAGE', 'the link did not start with its ready frame'))
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)))
        }
      }, () => reject(new DirectError('ERR_UNREACHABLE', 'the link closed before it was ready')))
    })
    return link
  } catch (err) {
    socket.destroy()
    throw err
  } finally {
    signal.removeEventListener('abort', fail)
  }
}
