// echo-server: a TCP echo server. Every connection gets back what it sends, one read and one
// write outstanding per connection at a time, so a peer that does not read slows down only its own
// echo (tcp's flow control). Usage: echo-server [--host 127.0.0.1] [--port 7000]; port 0 picks a
// free one. Prints "listening on HOST:PORT" once it listens.
import { args, error, exit, print } from '../sdk/as/wasmos'
import { Reactor } from '../sdk/as/reactor'
import * as net from '../sdk/as/net'
import * as tcp from '../sdk/as/gen/tcp'

const CHUNK: u32 = 256 * 1024
const reactor = new Reactor()

class Ignore extends net.DoneTask {}
const ignore = new Ignore()

/** One connection: alternately reads and writes back what it read. */
class Echo extends net.ReadTask {
  handle: u32
  writer!: EchoWrite

  constructor (handle: u32) {
    super()
    this.handle = handle
    this.writer = new EchoWrite(this)
  }

  start (): void {
    net.read(reactor, this.handle, CHUNK, this)
  }

  onData (status: i32, data: Uint8Array): void {
    if (status != 0 || data.length == 0) { net.close(reactor, this.handle, ignore); return }
    net.write(reactor, this.handle, data, this.writer)
  }
}

class EchoWrite extends net.WriteTask {
  conn: Echo
  constructor (conn: Echo) { super(); this.conn = conn }

  onWritten (status: i32, written: u32): void {
    if (status != 0) { net.close(reactor, this.conn.handle, ignore); return }
    this.conn.start()
  }
}

class Acceptor extends net.AcceptTask {
  listener: u32
  constructor (listener: u32) { super(); this.listener = listener }

  onAccept (status: i32, handle: u32, address: string, port: u16): void {
    if (status != 0) { error('accept failed: status ' + status.toString()); reactor.stopped = true; return }
    new Echo(handle).start()
    net.accept(reactor, this.listener, this)
  }
}

function main (): i32 {
  const a = args()
  let host = '127.0.0.1'
  let port: u16 = 7000
  for (let i = 1; i + 1 < a.length; i += 2) {
    if (a[i] == '--port') port = <u16>I32.parseInt(a[i + 1])
    else if (a[i] == '--host') host = a[i + 1]
    else { error('usage: echo-server [--host H] [--port N]'); return 2 }
  }
  const l = tcp.listen(host, port, 128)
  if (l.status != 0) { error('cannot listen on ' + host + ':' + port.toString() + ': status ' + l.status.toString()); return 1 }
  print('listening on ' + host + ':' + l.port.toString() + '\n')
  net.accept(reactor, l.handle, new Acceptor(l.handle))
  reactor.run()
  return 1
}

const status = main()
if (status != 0) exit(status)
