// The calling side of a remote interface: a native handler that forwards the interface's messages
// to a peer over /wasmos/interface/1.0.0 and answers with what comes back, so a program cannot tell
// the handler is elsewhere. One stream per peer, shared by every interface sent to that peer;
// opened at the first message, reopened at the first message after it drops. The link is the
// peer's direct link (direct.ts) when it offers one, else a libp2p stream.
import type { Libp2p } from 'libp2p'
import { KERNEL_PID, QUEUE_FULL, TOO_LARGE, UNREACHABLE } from '../kernel/core/codes.ts'
import type { HostServices, NativeHandler, NativeMessage } from '../kernel/node/native.ts'
import { sanitize } from '../kernel/node/text.ts'
import { DIRECT_PROTOCOL, dialDirect, tcpHost } from './direct.ts'
import {
  FRAME_ANSWER, FRAME_CALLER, FRAME_DIRECT, FRAME_ENDED, FRAME_MSG, FRAME_NOTICE, FRAME_OVERHEAD, FrameReader, FrameWriter, PROTOCOL
} from './frames.ts'
import type { Frame } from './frames.ts'
import { streamLink } from './link.ts'
import type { Link } from './link.ts'
import type { PollStats } from './poll.ts'
import { nodeKey } from './node.ts'

/** Calls one run may have waiting on one peer; past it a call is answered QUEUE_FULL at once. */
export const DEFAULT_MAX_OUTSTANDING = 4096
/** How long the direct link may take to offer, connect and secure, within the dial's time: then a stream. */
export const DIRECT_DIAL_MS = 3000
/** Bytes waiting to be written to a peer past which one-way messages are dropped (and counted). */
export const MAX_UNSENT_BYTES = 32 * 1024 * 1024

export interface RemotePeerOptions {
  /** The peer's multiaddr, /p2p/<peer id> included. */
  addr: string
  /** The run's libp2p node, started on first use and shared by every peer. */
  node: () => Promise<Libp2p>
  host: HostServices
  /** Largest payload of a message or an answer (the kernel's maxMessageSize). */
  maxMessageSize: number
  maxOutstanding?: number
  /** How long a dial may take before the messages waiting on it fail. */
  dialTimeoutMs?: number
  /** Use the peer's direct link when it offers one (default true); else always a libp2p stream. */
  direct?: boolean
}

interface Outstanding { id: number }

/** One peer reached over /wasmos/interface/1.0.0. */
export class RemotePeer {
  readonly addr: string
  readonly #opts: RemotePeerOptions
  readonly #host: HostServices
  #link: Link | null = null
  #writer: FrameWriter | null = null
  #opening: Promise<void> | null = null
  /** Frames written while the stream opens. */
  #waiting: Frame[] = []
  /** Calls sent on the current stream (or waiting for it) and not answered yet, by message id. */
  readonly #outstanding = new Map<number, Outstanding>()
  /** Processes introduced on the current stream. */
  readonly #callers = new Set<number>()
  #dropped = 0
  #closed = false

  constructor (opts: RemotePeerOptions) {
    this.addr = opts.addr
    this.#opts = opts
    this.#host = opts.host
  }

  get outstanding (): number {
    return this.#outstanding.size
  }

  /** What the messages travel on now: 'direct', 'stream', or null before the first and after a drop. */
  get via (): 'direct' | 'stream' | null {
    return this.#link === null ? null : this.#via
  }

  #via: 'direct' | 'stream' = 'stream'

  /** What polling for answers did on the current link (poll.ts); null on a link that does not poll. */
  get pollStats (): PollStats | null {
    return this.#link?.pollStats ?? null
  }

  /** Forwards one message of interface `digest`. */
  send (msg: NativeMessage, digest: Uint8Array, ifaceName: string): void {
    const host = this.#host
    if (this.#closed) {
      if (msg.expectsAnswer) host.answer(msg.id, UNREACHABLE, new Uint8Array(0))
      return
    }
    if (msg.expectsAnswer && this.#outstanding.size >= (this.#opts.maxOutstanding ?? DEFAULT_MAX_OUTSTANDING)) {
      host.answer(msg.id, QUEUE_FULL, new Uint8Array(0))
      return
    }
    if (!msg.expectsAnswer && this.#link !== null && this.#link.unsent + (this.#writer?.pending ?? 0) > MAX_UNSENT_BYTES) {
      if (this.#dropped++ === 0) host.logger.warn(`one-way messages to ${sanitize(ifaceName)} on ${sanitize(this.addr, 200)} are dropped: the link does not keep up`)
      return
    }
    if (!this.#callers.has(msg.emitter)) {
      this.#callers.add(msg.emitter)
      const p = msg.emitter === KERNEL_PID ? undefined : host.process(msg.emitter)
      this.#write({ kind: FRAME_CALLER, pid: msg.emitter, cid: p?.program.cid ?? '', name: p?.program.name ?? (msg.emitter === KERNEL_PID ? 'kernel' : '') })
    }
    // A call when none is waiting goes out at once, with whatever one-way frames precede it: its
    // caller waits, and nothing may come to coalesce with. Later calls of a burst are coalesced.
    const lone = msg.expectsAnswer && this.#outstanding.size === 0
    if (msg.expectsAnswer) this.#outstanding.set(msg.id, { id: msg.id })
    this.#write({ kind: FRAME_MSG, id: msg.expectsAnswer ? msg.id : 0, pid: msg.emitter, flags: msg.expectsAnswer ? 1 : 0, digest, payload: msg.payload })
    if (lone && this.#writer !== null) {
      this.#writer.flush()
      this.#link?.expectReply?.()
    }
  }

  /** A process ended: tell the peer, if that process ever sent it something on this stream. */
  ended (pid: number): void {
    if (!this.#callers.delete(pid)) return
    this.#write({ kind: FRAME_ENDED, pid, status: 0 })
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const link = this.#link
    this.#writer?.flush()
    this.#link = null
    this.#writer = null
    this.#fail()
    if (link !== null) await link.close()
  }

  #write (f: Frame): void {
    const link = this.#link
    if (link !== null && this.#writer !== null && link.writable) {
      this.#writer.write(f)
      return
    }
    this.#waiting.push(f)
    this.#open()
  }

  #open (): void {
    if (this.#opening !== null) return
    this.#opening = this.#dial().then(
      (link) => {
        this.#opening = null
        if (this.#closed) { link.abort(new Error('closed')); return }
        this.#link = link
        const writer = new FrameWriter((bytes) => { link.send(bytes) })
        this.#writer = writer
        const waiting = this.#waiting
        this.#waiting = []
        for (const f of waiting) writer.write(f)
      },
      (err: unknown) => {
        this.#opening = null
        this.#host.logger.warn(`cannot reach ${sanitize(this.addr, 200)}: ${sanitize(err instanceof Error ? err.message : String(err), 300)}`)
        this.#fail()
      }
    )
  }

  async #dial (): Promise<Link> {
    const [node, { multiaddr }] = await Promise.all([this.#opts.node(), import('@multiformats/multiaddr')])
    const signal = AbortSignal.timeout(this.#opts.dialTimeoutMs ?? 10_000)
    const ma = multiaddr(this.addr)
    // The direct link gets part of the dial's time, so that a port that never answers leaves time for a stream.
    const directSignal = AbortSignal.any([signal, AbortSignal.timeout(Math.min(DIRECT_DIAL_MS, (this.#opts.dialTimeoutMs ?? 10_000) / 2))])
    let link: Link | null = this.#opts.direct === false ? null : await this.#dialDirect(node, ma, directSignal)
    this.#via = link === null ? 'stream' : 'direct'
    link ??= streamLink(await node.dialProtocol(ma, PROTOCOL, { signal }))
    const reader = new FrameReader(this.#opts.maxMessageSize + FRAME_OVERHEAD)
    const opened = link
    opened.listen((bytes) => {
      let frames: Frame[]
      try {
        frames = reader.push(bytes)
      } catch (err) {
        this.#host.logger.warn(`${sanitize(this.addr, 200)} sent a bad frame (${sanitize((err as Error).message)}): disconnected`)
        opened.abort(err as Error)
        return
      }
      for (const f of frames) this.#receive(f)
      // More answers to come: keep reading for them.
      if (this.#outstanding.size > 0 && this.#link === opened) opened.expectReply?.()
    }, () => {
      if (this.#link !== opened) return
      this.#link = null
      this.#writer = null
      this.#fail()
    })
    return opened
  }

  /**
   * The peer's direct link, when it offers one (it tells its port on DIRECT_PROTOCOL) and it can be
   * secured with this node's key; null otherwise, and the caller uses a libp2p stream.
   */
  async #dialDirect (node: Libp2p, ma: import('@multiformats/multiaddr').Multiaddr, signal: AbortSignal): Promise<Link | null> {
    const host = tcpHost(this.addr)
    const peer = /\/p2p\/([^/]+)$/.exec(this.addr)?.[1] ?? null
    if (host === null || peer === null) return null
    const key = await nodeKey(node)
    if (key === null) return null
    let port: number
    try {
      const offer = await node.dialProtocol(ma, DIRECT_PROTOCOL, { signal })
      port = await new Promise<number>((resolve, reject) => {
        const reader = new FrameReader(64)
        offer.addEventListener('message', (evt) => {
          try {
            const f = reader.push(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray())[0]
            if (f?.kind === FRAME_DIRECT) resolve(f.port)
            else if (f !== undefined) reject(new Error('not an offer'))
          } catch (err) {
            reject(err instanceof Error ? err : new Error(String(err)))
          }
        })
        offer.addEventListener('close', () => reject(new Error('no offer')))
        offer.addEventListener('remoteCloseWrite', () => reject(new Error('no offer')))
      }).finally(() => { offer.close().catch(() => { offer.abort(new Error('done')) }) })
    } catch {
      // A peer that offers none (an older one, or one that cannot secure a direct link).
      return null
    }
    const [{ peerIdFromString }] = await Promise.all([import('@libp2p/peer-id')])
    try {
      return await dialDirect(host, port, key, peerIdFromString(peer), signal)
    } catch (err) {
      this.#host.logger.warn(`the direct link to ${sanitize(this.addr, 200)} failed (${sanitize((err as Error).message, 300)}): using a libp2p stream`)
      return null
    }
  }

  #receive (f: Frame): void {
    if (f.kind === FRAME_ANSWER) {
      if (!this.#outstanding.delete(f.id)) return
      if (f.payload.length > this.#opts.maxMessageSize) this.#host.answer(f.id, TOO_LARGE, new Uint8Array(0))
      else this.#host.answer(f.id, f.status, f.payload)
    } else if (f.kind === FRAME_NOTICE) {
      this.#host.logger.warn(`${sanitize(this.addr, 200)}: ${sanitize(f.text, 500)}`)
    }
    // FRAME_DIRECT: the direct link's ready frame, read by dialDirect; a later one says nothing new.
  }

  /** The stream is gone: every call waiting on it fails with UNREACHABLE. */
  #fail (): void {
    this.#callers.clear()
    this.#waiting = []
    const ids = [...this.#outstanding.keys()]
    this.#outstanding.clear()
    for (const id of ids) this.#host.answer(id, UNREACHABLE, new Uint8Array(0))
  }
}

export interface RemoteInterface {
  /** The interface's key (hex of its digest). */
  key: string
  name: string
}

/** The native handler of `iface` that forwards its messages to `peer`. */
export function remoteHandler (iface: RemoteInterface, peer: RemotePeer): NativeHandler {
  const digest = Uint8Array.from(Buffer.from(iface.key, 'hex'))
  return {
    key: iface.key,
    name: iface.name,
    handle (msg) { peer.send(msg, digest, iface.name) },
    processEnded (pid) { peer.ended(pid) },
    async close () { await peer.close() }
  }
}
