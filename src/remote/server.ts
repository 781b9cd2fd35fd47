// The serving side of remote interfaces: /wasmos/interface/1.0.0 on a libp2p node, injecting remote
// callers' messages into a local host. Each calling process of a peer is represented by a local
// process without a program (a "caller"): its messages are sent by the kernel as from that
// process, so grants, bounds and the handler's process-ended notifications work as for a local
// program; its answers are taken from its queue and written back to the peer.
import type { Libp2p } from 'libp2p'
import { KILLED_STATUS, KIND_ANSWER, NO_HANDLER, OK, QUEUE_FULL } from '../kernel/core/codes.ts'
import { Proc } from '../kernel/node/proc.ts'
import type { NodeHost } from '../kernel/node/host.ts'
import type { GrantPolicy, GrantRequest } from '../kernel/node/grants/request.ts'
import type { ScopeRequest } from '../kernel/node/grants/request.ts'
import type { Program } from '../kernel/node/program.ts'
import { sanitize } from '../kernel/node/text.ts'
import { DIRECT_PROTOCOL, listenDirect, tcpHost } from './direct.ts'
import type { DirectServer } from './direct.ts'
import {
  encodeFrame, FRAME_ANSWER, FRAME_CALLER, FRAME_DIRECT, FRAME_ENDED, FRAME_MSG, FRAME_NOTICE, FRAME_OVERHEAD, FrameReader, FrameWriter, PROTOCOL
} from './frames.ts'
import type { Frame } from './frames.ts'
import { streamLink } from './link.ts'
import type { Link } from './link.ts'
import { nodeKey } from './node.ts'

/** Calls one peer may have waiting for answers, over all its streams; past it a call is answered QUEUE_FULL. */
export const DEFAULT_PEER_OUTSTANDING = 4096
/** Streams of this protocol one connection may open at once. */
export const MAX_STREAMS_PER_CONNECTION = 8
/** Direct links one peer may have open at once. */
export const MAX_DIRECT_PER_PEER = 8
/** Direct links the host keeps open at once, over every peer (a peer id costs nothing to make). */
export const MAX_DIRECT_LINKS = 256
/** Calling processes one stream may introduce. */
export const DEFAULT_STREAM_CALLERS = 64
/** Remote calling processes the host keeps at once, over every peer. */
export const DEFAULT_MAX_CALLERS = 4096

/** What the serving side knows of a remote caller when deciding its grant. */
export interface RemoteCaller {
  /** The peer id, authenticated by noise. */
  peer: string
  /** The calling program's CID and name, as the peer reports them. */
  program: { cid: string, name: string }
  /** The interface's key (hex of its digest). */
  key: string
}

/** Who decides whether a remote caller may send to an exported interface. */
export interface PeerGrants {
  /** The decision when it is known without asking (flags, remembered answers); else null. */
  known (c: RemoteCaller): boolean | null
  /** Decides, asking the serving terminal if there is one; `refuse` is told why, on a refusal. */
  decide (c: RemoteCaller, refuse: (why: string) => void): boolean | Promise<boolean>
}

export interface ExportOptions {
  host: NodeHost
  libp2p: Libp2p
  /** The exported interfaces: key (hex) → name. */
  exports: Map<string, string>
  grants: PeerGrants
  maxPeerOutstanding?: number
  maxStreamCallers?: number
  maxCallers?: number
  /**
   * Also serve direct links (direct.ts) beside the libp2p streams, on the node's first TCP
   * address, when the node's key is known here (default true).
   */
  direct?: boolean
}

// An empty module: a caller has no code, but a Program names a module.
const EMPTY_MODULE = new WebAssembly.Module(new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
const NO_IDS: number[] = []
const EMPTY = new Uint8Array(0)

interface Caller {
  proc: Proc
  stream: CallerStream
  /** Local message id → the peer's message id. */
  calls: Map<number, number>
}

/** What one peer has in flight, over all its streams. */
interface PeerLoad { outstanding: number, streams: number }

class CallerStream {
  readonly peer: string
  readonly link: Link
  readonly callers = new Map<number, Caller>()
  load: PeerLoad = { outstanding: 0, streams: 0 }
  readonly noticed = new Set<string>()
  readonly #writer: FrameWriter

  constructor (peer: string, link: Link) {
    this.peer = peer
    this.link = link
    this.#writer = new FrameWriter((bytes) => { link.send(bytes) })
  }

  write (f: Frame): void {
    if (this.link.writable) this.#writer.write(f)
  }

  flush (): void { this.#writer.flush() }

  /** Frames written until `uncork` go out together, at once. */
  cork (): void { this.#writer.cork() }
  uncork (): void { this.#writer.uncork() }

  notice (text: string): void {
    if (this.noticed.has(text)) return
    this.noticed.add(text)
    this.write({ kind: FRAME_NOTICE, text })
  }
}

/**
 * Wraps the host's grant policy so that decisions about remote callers go to `PeerGrants`. Give
 * the result to the host, then the same object to `exportInterfaces`.
 */
export class CallerPolicy implements GrantPolicy {
  readonly #local: GrantPolicy
  readonly callers = new Map<number, Caller>()
  grants: PeerGrants | null = null

  constructor (local: GrantPolicy) {
    this.#local = local
  }

  #caller (req: GrantRequest): RemoteCaller | null {
    const c = this.callers.get(req.pid)
    if (c === undefined) return null
    return { peer: c.stream.peer, program: { cid: req.program.cid, name: req.program.name }, key: req.key }
  }

  known (req: GrantRequest): boolean | null {
    const c = this.#caller(req)
    if (c === null) return this.#local.known?.(req) ?? null
    // A caller only ever sends; handling is never a remote caller's.
    if (req.kind !== 'send') return false
    return this.grants?.known(c) ?? false
  }

  decide (req: GrantRequest): boolean | Promise<boolean> {
    const c = this.#caller(req)
    if (c === null) return this.#local.decide(req)
    if (req.kind !== 'send' || this.grants === null) return false
    const known = this.grants.known(c)
    if (known !== null) return known
    const caller = this.callers.get(req.pid)!
    return this.grants.decide(c, (why) => caller.stream.notice(why))
  }

  denied (req: GrantRequest): void {
    if (!this.callers.has(req.pid)) this.#local.denied?.(req)
  }

  /**
   * Scoped requests (grants/scope.ts) of local programs go to the local policy; a caller's grants
   * are per interface (peer grants), so the interface it was granted is granted whole.
   */
  allowedScope (req: ScopeRequest): boolean | Promise<boolean> {
    if (this.callers.has(req.pid)) return true
    return this.#local.allowedScope?.(req) ?? true
  }
}

export interface Exported {
  /** Streams and direct links open now. */
  streams (): number
  /** The port of the direct link, null when there is none. */
  readonly directPort?: number | null
  stop (): Promise<void>
}

/** Serves the exported interfaces of `host` to peers on `libp2p`. */
export async function exportInterfaces (opts: ExportOptions, policy: CallerPolicy): Promise<Exported> {
  const { host, libp2p } = opts
  policy.grants = opts.grants
  const maxFrame = host.kernel.config.maxMessageSize + FRAME_OVERHEAD
  const maxOutstanding = opts.maxPeerOutstanding ?? DEFAULT_PEER_OUTSTANDING
  const loads = new Map<string, PeerLoad>()
  const maxCallers = opts.maxStreamCallers ?? DEFAULT_STREAM_CALLERS
  const maxTotal = opts.maxCallers ?? DEFAULT_MAX_CALLERS
  const open = new Set<CallerStream>()
  const kernel = host.kernel

  const introduce = (cs: CallerStream, pid: number, cid: string, name: string): void => {
    if (cs.callers.has(pid)) return
    if (cs.callers.size >= maxCallers) throw new Error(`more than ${maxCallers} calling processes on one stream`)
    if (policy.callers.size >= maxTotal) throw new Error(`this host already serves ${maxTotal} remote calling processes`)
    const program: Program = {
      name: sanitize(name, 100) || 'remote',
      cid: /^[a-zA-Z0-9]{1,128}$/.test(cid) ? cid : '',
      module: EMPTY_MODULE,
      source: `peer ${cs.peer}`,
      wasi: false
    }
    const local = kernel.spawn(0)
    const proc = new Proc(local, 0, program, [program.name])
    proc.started = true
    const caller: Caller = { proc, stream: cs, calls: new Map() }
    const wake = (): void => {
      if (proc.ended) return
      for (;;) {
        const size = kernel.poll(local, NO_IDS, 0x7fffffff)
        if (size === 0) break
        const n = kernel.taken!
        if (n.kind !== KIND_ANSWER) continue
        const remote = caller.calls.get(n.id)
        if (remote === undefined) continue
        caller.calls.delete(n.id)
        cs.load.outstanding--
        cs.write({ kind: FRAME_ANSWER, id: remote, status: n.code, payload: n.payload ?? EMPTY })
      }
      // The last call answered: nothing to coalesce with, so no reason to wait for a microtask
      // (which would run only after whatever else is queued).
      if (cs.load.outstanding === 0) {
        cs.flush()
        // A caller in a loop sends its next call as soon as it has this answer.
        cs.link.expectReply?.()
      }
      proc.wake = wake
      kernel.block(local, NO_IDS)
    }
    proc.wake = wake
    host.procs.set(local, proc)
    policy.callers.set(local, caller)
    cs.callers.set(pid, caller)
    kernel.block(local, NO_IDS)
    proc.exited.then(() => { policy.callers.delete(local) }, () => {})
  }

  const end = (cs: CallerStream, pid: number, status: number): void => {
    const c = cs.callers.get(pid)
    if (c === undefined) return
    cs.callers.delete(pid)
    cs.load.outstanding -= c.calls.size
    host.exit(c.proc.pid, status)
  }

  const message = (cs: CallerStream, f: Extract<Frame, { kind: typeof FRAME_MSG }>): void => {
    const c = cs.callers.get(f.pid)
    if (c === undefined) throw new Error(`a message from process ${f.pid}, which was not introduced`)
    const key = Buffer.from(f.digest).toString('hex')
    const expects = (f.flags & 1) !== 0
    if (!opts.exports.has(key)) {
      cs.notice(`interface ${key} is not exported by this peer`)
      if (expects) cs.write({ kind: FRAME_ANSWER, id: f.id, status: NO_HANDLER, payload: EMPTY })
      return
    }
    if (expects && cs.load.outstanding >= maxOutstanding) {
      cs.write({ kind: FRAME_ANSWER, id: f.id, status: QUEUE_FULL, payload: EMPTY })
      return
    }
    const code = kernel.send(c.proc.pid, key, f.digest, f.payload, f.flags & 3)
    if (code === OK && expects) {
      c.calls.set(kernel.lastId, f.id)
      cs.load.outstanding++
    }
    host.drain()
    if (code !== OK && expects) cs.write({ kind: FRAME_ANSWER, id: f.id, status: code, payload: EMPTY })
  }

  /** Serves the frames arriving on `link` from `peer` (its peer id, authenticated); `gone` once it ends. */
  const attach = (link: Link, peer: string, gone?: () => void): void => {
    const cs = new CallerStream(peer, link)
    let load = loads.get(cs.peer)
    if (load === undefined) { load = { outstanding: 0, streams: 0 }; loads.set(cs.peer, load) }
    load.streams++
    cs.load = load
    open.add(cs)
    const reader = new FrameReader(maxFrame)
    link.listen((bytes) => {
      // Answers given while these frames are handled (native handlers answer at once) go out
      // before this returns.
      cs.cork()
      try {
        const frames = reader.push(bytes)
        for (const f of frames) {
          if (f.kind === FRAME_MSG) message(cs, f)
          else if (f.kind === FRAME_CALLER) introduce(cs, f.pid, f.cid, f.name)
          else if (f.kind === FRAME_ENDED) end(cs, f.pid, f.status)
          else throw new Error('a handler-side frame from a caller')
        }
      } catch (err) {
        // A peer that breaks the protocol loses this stream only; others keep being served.
        host.logger.warn(`peer ${sanitize(cs.peer)}: ${sanitize((err as Error).message, 200)}: stream closed`)
        link.abort(err as Error)
      } finally {
        cs.uncork()
      }
    }, () => {
      // Closed, or the caller closed its side: nothing more will come, so its processes are gone.
      if (!open.delete(cs)) return
      for (const pid of [...cs.callers.keys()]) end(cs, pid, KILLED_STATUS)
      if (--cs.load.streams === 0) loads.delete(cs.peer)
      gone?.()
    })
  }

  await libp2p.handle(PROTOCOL, (stream, connection) => { attach(streamLink(stream), connection.remotePeer.toString()) }, { maxInboundStreams: MAX_STREAMS_PER_CONNECTION })

  // The direct link, on the address of the node's first TCP listener, with the node's key.
  let direct: DirectServer | null = null
  const key = opts.direct === false ? null : await nodeKey(libp2p)
  const listenHost = libp2p.getMultiaddrs().map((a) => tcpHost(a.toString())).find((h) => h !== null) ?? null
  if (key !== null && listenHost !== null) {
    const directLinks = new Map<string, number>()
    let linkCount = 0
    direct = await listenDirect({
      host: listenHost,
      key,
      onLink: (link, peer) => {
        const n = directLinks.get(peer) ?? 0
        if (n >= MAX_DIRECT_PER_PEER || linkCount >= MAX_DIRECT_LINKS) { link.abort(new Error('too many direct links')); return }
        directLinks.set(peer, n + 1)
        linkCount++
        attach(link, peer, () => {
          linkCount--
          const left = (directLinks.get(peer) ?? 1) - 1
          if (left === 0) directLinks.delete(peer)
          else directLinks.set(peer, left)
        })
      }
    })
    const port = direct.port
    await libp2p.handle(DIRECT_PROTOCOL, (stream) => {
      stream.send(encodeFrame({ kind: FRAME_DIRECT, port }))
      stream.close().catch(() => { stream.abort(new Error('closed')) })
    }, { maxInboundStreams: 2 })
  }
  return {
    streams: () => open.size,
    directPort: direct?.port ?? null,
    async stop () {
      await libp2p.unhandle(PROTOCOL)
      if (direct !== null) {
        await libp2p.unhandle(DIRECT_PROTOCOL)
        await direct.close()
      }
      for (const cs of [...open]) cs.link.abort(new Error('the server stops'))
    }
  }
}
