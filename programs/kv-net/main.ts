// kv-net: a network front end for the program-defined `kv` interface. Clients (nc, telnet) connect
// over TCP and send lines: `SET key value`, `GET key`, `DEL key`, `KEYS`; each line is answered
// by asking whichever program handles kv (kv-server) and writing back one line. Many clients are
// served at once through the reactor. Usage: kv-net [--port N]; prints "listening on HOST:PORT".
import { args, error, exit, print } from '../sdk/as/wasmos'
import { Reactor } from '../sdk/as/reactor'
import * as net from '../sdk/as/net'
import * as tcp from '../sdk/as/gen/tcp'
import * as kv from '../sdk/as/gen/kv'

const reactor = new Reactor()

class Ignore extends net.DoneTask {}
const ignore = new Ignore()

/** What one command line answers. */
function execute (line: string): string {
  const sp = line.indexOf(' ')
  const cmd = (sp < 0 ? line : line.substring(0, sp)).toUpperCase()
  const rest = sp < 0 ? '' : line.substring(sp + 1)
  if (cmd == 'SET') {
    const sp2 = rest.indexOf(' ')
    if (sp2 <= 0) return 'ERR usage: SET key value'
    const s = kv.put(rest.substring(0, sp2), Uint8Array.wrap(String.UTF8.encode(rest.substring(sp2 + 1))))
    return s == 0 ? 'OK' : 'ERR status ' + s.toString()
  }
  if (cmd == 'GET') {
    const g = kv.get(rest)
    if (g.status == kv.ERR_NOT_FOUND) return 'NOT FOUND'
    return g.status == 0 ? 'VALUE ' + String.UTF8.decode(g.value.buffer) : 'ERR status ' + g.status.toString()
  }
  if (cmd == 'DEL') {
    const s = kv.delete_(rest)
    return s == 0 ? 'OK' : s == kv.ERR_NOT_FOUND ? 'NOT FOUND' : 'ERR status ' + s.toString()
  }
  if (cmd == 'KEYS') {
    const l = kv.list()
    return l.status == 0 ? 'KEYS ' + l.keys.join(' ') : 'ERR status ' + l.status.toString()
  }
  return 'ERR unknown command ' + cmd
}

/** One client: reads lines, answers each, one write outstanding at a time. */
class Client extends net.ReadTask {
  handle: u32
  pending: string = ''
  writer!: ClientWrite

  constructor (handle: u32) {
    super()
    this.handle = handle
    this.writer = new ClientWrite(this)
  }

  read (): void { net.read(reactor, this.handle, 4096, this) }

  onData (status: i32, data: Uint8Array): void {
    if (status != 0 || data.length == 0) { net.close(reactor, this.handle, ignore); return }
    this.pending += String.UTF8.decode(data.buffer)
    this.answer()
  }

  /** Answers every complete line buffered, in one write; reads more when there is none. */
  answer (): void {
    let out = ''
    let nl = this.pending.indexOf('\n')
    while (nl >= 0) {
      let line = this.pending.substring(0, nl)
      if (line.endsWith('\r')) line = line.substring(0, line.length - 1)
      this.pending = this.pending.substring(nl + 1)
      if (line.length > 0) out += execute(line) + '\n'
      nl = this.pending.indexOf('\n')
    }
    if (out.length == 0) { this.read(); return }
    net.write(reactor, this.handle, Uint8Array.wrap(String.UTF8.encode(out)), this.writer)
  }
}

class ClientWrite extends net.WriteTask {
  client: Client
  constructor (client: Client) { super(); this.client = client }

  onWritten (status: i32, written: u32): void {
    if (status != 0) { net.close(reactor, this.client.handle, ignore); return }
    this.client.read()
  }
}

class Acceptor extends net.AcceptTask {
  listener: u32
  constructor (listener: u32) { super(); this.listener = listener }

  onAccept (status: i32, handle: u32, address: string, port: u16): void {
    if (status != 0) { error('accept failed: status ' + status.toString()); reactor.stopped = true; return }
    new Client(handle).read()
    net.accept(reactor, this.listener, this)
  }
}

const a = args()
let port: u16 = 7070
for (let i = 1; i + 1 < a.length; i += 2) if (a[i] == '--port') port = <u16>I32.parseInt(a[i + 1])
const l = tcp.listen('127.0.0.1', port, 64)
if (l.status != 0) {
  error('cannot listen: status ' + l.status.toString())
  exit(1)
} else {
  print('listening on 127.0.0.1:' + l.port.toString() + '\n')
  net.accept(reactor, l.handle, new Acceptor(l.handle))
  reactor.run()
  exit(1)
}
