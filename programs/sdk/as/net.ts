// Asynchronous tcp calls for the reactor (./reactor): accept, read and write with a task that gets
// the decoded answer. The blocking calls (listen, connect, close, shutdown) are in ./gen/tcp.
import { Reader } from './msgpack'
import { writer, BAD_ANSWER } from './abi'
import { Reactor, Task } from './reactor'
import * as tcp from './gen/tcp'

@lazy const EMPTY = new Uint8Array(0)

/** Gets the answer to `read`: data, empty at end of stream. */
export class ReadTask extends Task {
  done (status: i32, r: Reader): void {
    let data = EMPTY
    if (status == 0) {
      r.arrayHeader()
      data = r.bin()
      if (r.error) status = BAD_ANSWER
    }
    this.onData(status, data)
  }

  onData (status: i32, data: Uint8Array): void {}
}

/** Gets the answer to `write`. */
export class WriteTask extends Task {
  done (status: i32, r: Reader): void {
    let n: u32 = 0
    if (status == 0) {
      r.arrayHeader()
      n = r.u32()
      if (r.error) status = BAD_ANSWER
    }
    this.onWritten(status, n)
  }

  onWritten (status: i32, written: u32): void {}
}

/** Gets the answer to `accept`: the new connection's handle and the peer's address. */
export class AcceptTask extends Task {
  done (status: i32, r: Reader): void {
    let handle: u32 = 0
    let address = ''
    let port: u16 = 0
    if (status == 0) {
      r.arrayHeader()
      handle = r.u32()
      address = r.str()
      port = r.u16()
      if (r.error) status = BAD_ANSWER
    }
    this.onAccept(status, handle, address, port)
  }

  onAccept (status: i32, handle: u32, address: string, port: u16): void {}
}

/** Gets an answer without fields (close, shutdown). */
export class DoneTask extends Task {
  done (status: i32, r: Reader): void {
    this.onDone(status)
  }

  onDone (status: i32): void {}
}

export function accept (reactor: Reactor, listener: u32, task: Task): void {
  const w = writer()
  w.arrayHeader(2)
  w.u32(tcp.MSG_ACCEPT)
  w.u32(listener)
  reactor.submit(tcp.DIGEST, w, task)
}

export function read (reactor: Reactor, handle: u32, max: u32, task: Task): void {
  const w = writer()
  w.arrayHeader(3)
  w.u32(tcp.MSG_READ)
  w.u32(handle)
  w.u32(max)
  reactor.submit(tcp.DIGEST, w, task)
}

/** Writes `len` bytes at `ptr` (they are copied into the message at once). */
export function writeRaw (reactor: Reactor, handle: u32, ptr: usize, len: i32, task: Task): void {
  const w = writer()
  w.arrayHeader(3)
  w.u32(tcp.MSG_WRITE)
  w.u32(handle)
  w.binRaw(ptr, len)
  reactor.submit(tcp.DIGEST, w, task)
}

export function write (reactor: Reactor, handle: u32, data: Uint8Array, task: Task): void {
  writeRaw(reactor, handle, data.dataStart, data.length, task)
}

/** Closes a connection without waiting for the answer (`task` may ignore it). */
export function close (reactor: Reactor, handle: u32, task: Task): void {
  const w = writer()
  w.arrayHeader(2)
  w.u32(tcp.MSG_CLOSE)
  w.u32(handle)
  reactor.submit(tcp.DIGEST, w, task)
}
