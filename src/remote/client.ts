// The calling side of a remote interface: a native handler that forwards the interface's messages
// to a peer over /wasmos/interface/1.0.0 and answers with what comes back, so a program cannot tell
// the handler is elsewhere. One stream per peer, shared by every interface sent to that peer;
// opened at the first message, reopened at the first message after it drops.
import type { Libp2p } from 'libp2p'
import type { Stream } from '@libp2p/interface'
import { KERNEL_PID, QUEUE_FULL, TOO_LARGE, UNREACHABLE } from '../kernel/core/codes.ts'
import type { HostServices, NativeHandler, NativeMessage } from '../kernel/node/native.ts'
import { sanitize } from '../kernel/node/text.ts'
import {
  FRAME_ANSWER, FRAME_CALLER, FRAME_ENDED, FRAME_MSG, FRAME_NOTICE, FRAME_OVERHEAD, FrameReader, FrameWriter, PROTOCOL
} from './frames.ts'
import type { Frame } from './frames.ts'

/** Calls one run may have waiting on one peer; past it a call is answered QUEUE_FULL at once. */
export const DEFAULT_MAX_OUTSTANDING = 4096
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
}

interface Outstanding { id: number }

/** One peer reached over /wasmos/interface/1.0.0. */
export class RemotePeer {
  readonly addr: string
  readonly #opts: RemotePeerOptions
  readonly #host: HostServices
  #stream: Stream | null = null
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
    if (!msg.expectsAnswer && this.#stream !== null && this.#stream.writeBufferLength + (this.#writer?.pending ?? 0) > MAX_UNSENT_BYTES) {
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
    if (lone) this.#writer?.flush()
  }

  /** A process ended: tell the peer, if that process ever sent it something on this stream. */
  ended (pid: number): void {
    if (!this.#callers.delete(pid)) return
    this.#write({ kind: FRAME_ENDED, pid, status: 0 })
  }

  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    const s = this.#stream
    this.#writer?.flush()
    this.#stream = null
    this.#writer = null
    this.#fail()
    if (s !== null) await s.close({ signal: AbortSignal.timeout(1000) }).catch(() => { s.abort(new Error('closed')) })
  }

  #write (f: Frame): void {
    const s = this.#stream
    if (s !== null && this.#writer !== null && s.writeStatus === 'writable') {
      this.#writer.write(f)
      return
    }
    this.#waiting.push(f)
    this.#open()
  }

  #open (): void {
    if (this.#opening !== null) return
    this.#opening = this.#dial().then(
      (stream) => {
        this.#opening = null
        if (this.#closed) { stream.abort(new Error('closed')); return }
        this.#stream = stream
        const writer = new FrameWriter((bytes) => { if (stream.writeStatus === 'writable') stream.send(bytes) })
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

  async #dial (): Promise<Stream> {
    const [node, { multiaddr }] = await Promise.all([this.#opts.node(), import('@multiformats/multiaddr')])
    const stream = await node.dialProtocol(multiaddr(this.addr), PROTOCOL, { signal: AbortSignal.timeout(this.#opts.dialTimeoutMs ?? 10_000) })
    const reader = new FrameReader(this.#opts.maxMessageSize + FRAME_OVERHEAD)
    stream.addEventListener('message', (evt) => {
      let frames: Frame[]
      try {
        frames = reader.push(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray())
      } catch (err) {
        this.#host.logger.warn(`${sanitize(this.addr, 200)} sent a bad frame (${sanitize((err as Error).message)}): disconnected`)
        stream.abort(err as Error)
        return
      }
      for (const f of frames) this.#receive(f)
    })
    const dropped = (): void => {
      if (this.#stream !== stream) return
      this.#stream = null
      this.#writer = null
      this.#fail()
    }
    stream.addEventListener('close', dropped)
    stream.addEventListener('remoteCloseWrite', () => {
      dropped()
      stream.close().catch(() => {})
    })
    return stream
  }

  #receive (f: Frame): void {
    if (f.kind === FRAME_ANSWER) {
      if (!this.#outstanding.delete(f.id)) return
      if (f.payload.length > this.#opts.maxMessageSize) this.#host.answer(f.id, TOO_LARGE, new Uint8Array(0))
      else this.#host.answer(f.id, f.status, f.payload)
    } else if (f.kind === FRAME_NOTICE) {
      this.#host.logger.warn(`${sanitize(this.addr, 200)}: ${sanitize(f.text, 500)}`)
    }
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
