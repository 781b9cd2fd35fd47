// The `tcp` interface, handled natively: connections and listeners on the host's network, held in
// a table per process and closed when the process ends. Reads answer when data is there; while
// nobody reads, a connection buffers at most HIGH_WATER bytes and then stops reading from the
// network, so a slow reader slows the writer through TCP's own flow control. Writes answer once
// Node's socket took the data without passing its own high-water mark (else after 'drain').
// Connecting (by host:port) and listening (by address and port) are asked of the host first: a
// grant may be scoped (`--allow tcp=127.0.0.1:7878`).
import type { Server, Socket } from 'node:net'
import { KERNEL_PID } from '../../kernel/core/index.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import { whenAllowed } from './scoped.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { tcp } from '../gen/tcp.ts'

/** node:net, loaded when a program first uses tcp: most runs never do, and start faster without it. */
const net = (): typeof import('node:net') => process.getBuiltinModule('node:net')

const HIGH_WATER = 256 * 1024
const MAX_READ = 1024 * 1024

const E = {
  badHandle: tcp.error('bad_handle'),
  refused: tcp.error('refused'),
  inUse: tcp.error('address_in_use'),
  reset: tcp.error('reset'),
  closed: tcp.error('closed'),
  unreachable: tcp.error('unreachable'),
  badAddress: tcp.error('bad_address'),
  io: tcp.error('io')
}

/** The interface status for a Node network error. */
export function statusOf (err: unknown): number {
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ECONNREFUSED': return E.refused
    case 'EADDRINUSE': return E.inUse
    case 'ECONNRESET': return E.reset
    case 'EPIPE': case 'ERR_STREAM_DESTROYED': case 'ERR_STREAM_WRITE_AFTER_END': case 'ERR_SOCKET_CLOSED': return E.closed
    case 'ENOTFOUND': case 'EAI_AGAIN': case 'EHOSTUNREACH': case 'ENETUNREACH': case 'ETIMEDOUT': return E.unreachable
    case 'EADDRNOTAVAIL': case 'EINVAL': case 'ERR_SOCKET_BAD_PORT': case 'ERR_INVALID_IP_ADDRESS': case 'EAFNOSUPPORT': return E.badAddress
    default: return E.io
  }
}

interface Waiter<T> { resolve: (v: T) => void, reject: (e: InterfaceError) => void }

/** One connection: what was received and not yet read, and who waits to read. */
class Conn {
  readonly socket: Socket
  readonly chunks: Buffer[] = []
  buffered = 0
  eof = false
  failure = 0
  readonly readers: Array<Waiter<Uint8Array> & { max: number }> = []
  readonly writers = new Set<Waiter<{ written: number }>>()

  constructor (socket: Socket) {
    this.socket = socket
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk)
      this.buffered += chunk.length
      if (this.buffered >= HIGH_WATER) socket.pause()
      this.serve()
    })
    socket.on('end', () => { this.eof = true; this.serve() })
    socket.on('error', (err) => { this.fail(statusOf(err)) })
    socket.on('close', () => { this.eof = true; this.fail(E.closed) })
  }

  /** Fails everything outstanding; reads still get what was buffered, then end of stream. */
  fail (status: number): void {
    if (this.failure === 0) this.failure = status
    for (const w of this.writers) w.reject(new InterfaceError(this.failure))
    this.writers.clear()
    this.eof = true
    this.serve()
  }

  serve (): void {
    while (this.readers.length > 0 && (this.chunks.length > 0 || this.eof)) {
      const r = this.readers.shift()!
      if (this.chunks.length === 0) {
        // A reset is reported; a clean end (or a close after it) reads as end of stream.
        if (this.failure === E.reset || this.failure === E.io) r.reject(new InterfaceError(this.failure))
        else r.resolve(new Uint8Array(0))
        continue
      }
      r.resolve(this.take(r.max))
    }
    if (this.buffered < HIGH_WATER && this.socket.isPaused() && !this.eof) this.socket.resume()
  }

  take (max: number): Uint8Array {
    // Coalesce small chunks up to max: fewer, larger answers.
    let n = 0
    let i = 0
    while (i < this.chunks.length && n + this.chunks[i].length <= max) n += this.chunks[i++].length
    let out: Buffer
    if (i === 0) {
      const first = this.chunks[0]
      out = first.subarray(0, max)
      this.chunks[0] = first.subarray(max)
      n = max
    } else {
      out = i === 1 ? this.chunks[0] : Buffer.concat(this.chunks.slice(0, i), n)
      this.chunks.splice(0, i)
    }
    this.buffered -= n
    return new Uint8Array(out.buffer, out.byteOffset, out.length)
  }

  read (max: number): Promise<Uint8Array> | Uint8Array {
    if (this.readers.length === 0 && this.chunks.length > 0) {
      const data = this.take(max)
      if (this.buffered < HIGH_WATER && this.socket.isPaused() && !this.eof) this.socket.resume()
      return data
    }
    return new Promise((resolve, reject) => {
      this.readers.push({ max, resolve, reject })
      this.serve()
    })
  }

  write (data: Uint8Array): Promise<{ written: number }> | { written: number } {
    if (this.failure !== 0 || this.socket.destroyed) throw new InterfaceError(this.failure || E.closed)
    if (this.socket.writableEnded) throw new InterfaceError(E.closed)
    const written = data.length
    if (this.socket.write(data)) return { written }
    return new Promise((resolve, reject) => {
      const w: Waiter<{ written: number }> = {
        resolve,
        reject: (e) => { this.socket.off('drain', onDrain); reject(e) }
      }
      const onDrain = (): void => { this.writers.delete(w); resolve({ written }) }
      this.writers.add(w)
      this.socket.once('drain', onDrain)
    })
  }

  close (): void {
    for (const r of this.readers) r.reject(new InterfaceError(E.closed))
    this.readers.length = 0
    for (const w of this.writers) w.reject(new InterfaceError(E.closed))
    this.writers.clear()
    // Let written data go out, then close; a peer that never reads cannot keep it forever.
    this.socket.end()
    this.socket.setTimeout(5000, () => this.socket.destroy())
    this.socket.unref()
  }
}

/** A listener: connections that arrived and were not accepted yet, and who waits to accept. */
class Listener {
  readonly server: Server
  readonly backlog: Socket[] = []
  readonly acceptors: Array<Waiter<Socket>> = []
  readonly limit: number

  constructor (server: Server, limit: number) {
    this.server = server
    this.limit = limit
    server.on('connection', (s) => {
      const a = this.acceptors.shift()
      if (a !== undefined) { a.resolve(s); return }
      if (this.backlog.length >= this.limit) { s.destroy(); return }
      // Held unread until accepted: nothing is read from it yet.
      s.pause()
      this.backlog.push(s)
    })
  }

  accept (): Promise<Socket> | Socket {
    const s = this.backlog.shift()
    if (s !== undefined) return s
    return new Promise((resolve, reject) => this.acceptors.push({ resolve, reject }))
  }

  close (): void {
    for (const a of this.acceptors) a.reject(new InterfaceError(E.closed))
    this.acceptors.length = 0
    for (const s of this.backlog) s.destroy()
    this.backlog.length = 0
    this.server.close()
  }
}

export function tcpHandler (host: HostServices): NativeHandler {
  /** pid → handle → connection or listener. */
  const tables = new Map<number, Map<number, Conn | Listener>>()
  let nextHandle = 1

  const tableOf = (pid: number): Map<number, Conn | Listener> => {
    let t = tables.get(pid)
    if (t === undefined) { t = new Map(); tables.set(pid, t) }
    return t
  }
  const add = (pid: number, item: Conn | Listener): number => {
    if (pid !== KERNEL_PID && !(host.process(pid) !== undefined)) {
      // The process ended while the call was outstanding: nobody will ever close this.
      item.close()
      throw new InterfaceError(E.closed)
    }
    const h = nextHandle
    nextHandle = nextHandle >= 0xfffffff0 ? 1 : nextHandle + 1
    tableOf(pid).set(h, item)
    return h
  }
  const conn = (pid: number, h: number): Conn => {
    const c = tables.get(pid)?.get(h)
    if (!(c instanceof Conn)) throw new InterfaceError(E.badHandle)
    return c
  }
  const listener = (pid: number, h: number): Listener => {
    const l = tables.get(pid)?.get(h)
    if (!(l instanceof Listener)) throw new InterfaceError(E.badHandle)
    return l
  }

  return native(host, tcp, {
    connect (req, call) {
      if (req.port === 0 || req.host === '') throw new InterfaceError(E.badAddress)
      return whenAllowed(host, call.pid, tcp.key, { iface: 'tcp', op: 'connect', host: req.host, port: req.port }, () => new Promise((resolve, reject) => {
        const socket = new (net().Socket)({ allowHalfOpen: true })
        const onError = (err: Error): void => { socket.destroy(); reject(new InterfaceError(statusOf(err))) }
        socket.once('error', onError)
        socket.connect({ host: req.host, port: req.port }, () => {
          socket.off('error', onError)
          try {
            resolve({ handle: add(call.pid, new Conn(socket)) })
          } catch (err) { reject(err) }
        })
      }))
    },
    listen (req, call) {
      const address = req.host === '' ? '127.0.0.1' : req.host
      return whenAllowed(host, call.pid, tcp.key, { iface: 'tcp', op: 'listen', host: address, port: req.port }, () => new Promise((resolve, reject) => {
        const server = net().createServer({ pauseOnConnect: true, allowHalfOpen: true })
        server.once('error', (err) => reject(new InterfaceError(statusOf(err))))
        try {
          server.listen({ host: req.host === '' ? '127.0.0.1' : req.host, port: req.port, backlog: Math.max(1, Math.min(req.backlog || 128, 4096)) }, () => {
            const addr = server.address()
            const port = typeof addr === 'object' && addr !== null ? addr.port : 0
            try {
              resolve({ handle: add(call.pid, new Listener(server, Math.max(1, Math.min(req.backlog || 128, 4096)))), port })
            } catch (err) { reject(err) }
          })
        } catch (err) {
          reject(new InterfaceError(statusOf(err)))
        }
      }))
    },
    accept (req, call) {
      const l = listener(call.pid, req.listener)
      const done = (s: Socket): { handle: number, address: string, port: number } => {
        const address = s.remoteAddress ?? ''
        const port = s.remotePort ?? 0
        const c = new Conn(s)
        s.resume()
        return { handle: add(call.pid, c), address, port }
      }
      const s = l.accept()
      return s instanceof Promise ? s.then(done) : done(s)
    },
    read (req, call) {
      const data = conn(call.pid, req.handle).read(Math.max(1, Math.min(req.max, MAX_READ)))
      return data instanceof Promise ? data.then((d) => ({ data: d })) : { data }
    },
    write (req, call) {
      return conn(call.pid, req.handle).write(req.data)
    },
    shutdown (req, call) {
      const c = conn(call.pid, req.handle)
      if (!c.socket.destroyed) c.socket.end()
      return {}
    },
    close (req, call) {
      const t = tables.get(call.pid)
      const item = t?.get(req.handle)
      if (item === undefined) throw new InterfaceError(E.badHandle)
      t!.delete(req.handle)
      item.close()
      return {}
    }
  }, {
    processEnded (pid) {
      const t = tables.get(pid)
      if (t === undefined) return
      tables.delete(pid)
      // Data the program wrote still goes out; then the connection closes (close() bounds it).
      for (const item of t.values()) item.close()
    },
    close () {
      for (const t of tables.values()) {
        for (const item of t.values()) {
          if (item instanceof Conn) item.socket.destroy()
          else item.close()
        }
      }
      tables.clear()
    }
  })
}
