// The `udp` interface, handled natively: datagram sockets, held per process and closed when it
// ends. Received datagrams wait (at most QUEUE of them, then new ones are dropped, as a full
// socket buffer would) until the program asks for one. Binding (by local address) and sending (by
// destination) are asked of the host first: a grant may be scoped (`--allow udp=127.0.0.1:5353`).
import type { Socket } from 'node:dgram'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import { whenAllowed } from './scoped.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { statusOf as tcpStatusOf } from './tcp.ts'
import { udp } from '../gen/udp.ts'

const QUEUE = 256

const E = {
  badHandle: udp.error('bad_handle'),
  closed: udp.error('closed'),
  badAddress: udp.error('bad_address'),
  tooLarge: udp.error('too_large')
}

interface Datagram { data: Uint8Array, address: string, port: number }

class Sock {
  readonly socket: Socket
  readonly queue: Datagram[] = []
  readonly waiters: Array<{ resolve: (d: Datagram) => void, reject: (e: InterfaceError) => void }> = []

  constructor (socket: Socket) {
    this.socket = socket
    socket.on('message', (msg, rinfo) => {
      const d = { data: new Uint8Array(msg.buffer, msg.byteOffset, msg.length), address: rinfo.address, port: rinfo.port }
      const w = this.waiters.shift()
      if (w !== undefined) w.resolve(d)
      else if (this.queue.length < QUEUE) this.queue.push(d)
    })
    socket.on('error', () => {})
  }

  close (): void {
    for (const w of this.waiters) w.reject(new InterfaceError(E.closed))
    this.waiters.length = 0
    try { this.socket.close() } catch { /* already closed */ }
  }
}

export function udpHandler (host: HostServices): NativeHandler {
  const tables = new Map<number, Map<number, Sock>>()
  let nextHandle = 1
  const sock = (pid: number, h: number): Sock => {
    const s = tables.get(pid)?.get(h)
    if (s === undefined) throw new InterfaceError(E.badHandle)
    return s
  }
  return native(host, udp, {
    bind (req, call) {
      return whenAllowed(host, call.pid, udp.key, { iface: 'udp', op: 'bind', host: req.host === '' ? '127.0.0.1' : req.host, port: req.port }, () => new Promise((resolve, reject) => {
        const socket = process.getBuiltinModule('node:dgram').createSocket(process.getBuiltinModule('node:net').isIPv6(req.host) ? 'udp6' : 'udp4')
        socket.once('error', (err) => { socket.close(); reject(new InterfaceError(tcpStatusOf(err))) })
        socket.bind({ address: req.host === '' ? '127.0.0.1' : req.host, port: req.port }, () => {
          if (!(host.process(call.pid) !== undefined)) { socket.close(); reject(new InterfaceError(E.closed)); return }
          const s = new Sock(socket)
          const h = nextHandle++
          let t = tables.get(call.pid)
          if (t === undefined) { t = new Map(); tables.set(call.pid, t) }
          t.set(h, s)
          resolve({ handle: h, port: socket.address().port })
        })
      }))
    },
    send (req, call) {
      const s = sock(call.pid, req.handle)
      if (req.port === 0) throw new InterfaceError(E.badAddress)
      if (req.data.length > 65507) throw new InterfaceError(E.tooLarge)
      return whenAllowed(host, call.pid, udp.key, { iface: 'udp', op: 'send', host: req.host, port: req.port }, () => new Promise((resolve, reject) => {
        s.socket.send(req.data, req.port, req.host, (err) => {
          if (err == null) resolve({})
          else reject(new InterfaceError(tcpStatusOf(err)))
        })
      }))
    },
    receive (req, call) {
      const s = sock(call.pid, req.handle)
      const d = s.queue.shift()
      if (d !== undefined) return d
      return new Promise((resolve, reject) => s.waiters.push({ resolve, reject }))
    },
    close (req, call) {
      const t = tables.get(call.pid)
      const s = t?.get(req.handle)
      if (s === undefined) throw new InterfaceError(E.badHandle)
      t!.delete(req.handle)
      s.close()
      return {}
    }
  }, {
    processEnded (pid) {
      const t = tables.get(pid)
      if (t === undefined) return
      tables.delete(pid)
      for (const s of t.values()) s.close()
    },
    close () {
      for (const t of tables.values()) for (const s of t.values()) s.close()
      tables.clear()
    }
  })
}
