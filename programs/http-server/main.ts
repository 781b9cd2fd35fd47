// http-server: an HTTP/1.1 static file server for a granted directory. GET and HEAD, keep-alive
// (and pipelined requests), 404/403/400/405, Content-Type by extension, Content-Length always.
// Many connections are served at once through the reactor. Files of 64 KiB or less are kept in
// memory (up to 16 MiB in all) and answered from there while `stat` reports the same size and
// modification time; larger files are sent in 64 KiB pieces, each read after the previous piece
// was taken by the connection, so memory stays bounded whatever the file size or client's speed.
// A connection that sends nothing for --idle seconds while the server waits for its next request
// is closed (default 30; 0 never); the clock is the `time` interface, so this needs `--allow time`
// (without it idle connections stay open, as before).
// Usage: http-server [--host 127.0.0.1] [--port 8080] [--root /site] [--idle 30]   (--root as the
// program sees it: a directory granted with `wasmos run --dir host:guest`)
import { args, error, exit, print } from '../sdk/as/wasmos'
import { Reactor } from '../sdk/as/reactor'
import * as net from '../sdk/as/net'
import * as tcp from '../sdk/as/gen/tcp'
import * as fs from '../sdk/as/gen/fs'
import * as time from '../sdk/as/gen/time'
import { Reader, Writer } from '../sdk/as/msgpack'
import { Task } from '../sdk/as/reactor'

const CHUNK: i32 = 64 * 1024
const MAX_HEAD: i32 = 16 * 1024
const reactor = new Reactor()
let root = '/'
/** Idle connections are looked for every TICK_MS; one idle for `idleTicks` ticks is closed. */
const TICK_MS: f64 = 1000
let idleTicks: u32 = 30
let tick: u32 = 0
/** Connections open now (for the idle sweep). */
const open = new Set<Conn>()

class Ignore extends net.DoneTask {}
const ignore = new Ignore()

/** Bytes received and not yet parsed. */
class Bytes {
  data: Uint8Array = new Uint8Array(4096)
  len: i32 = 0

  append (b: Uint8Array): void {
    if (this.len + b.length > this.data.length) {
      let cap = this.data.length * 2
      while (cap < this.len + b.length) cap *= 2
      const d = new Uint8Array(cap)
      memory.copy(d.dataStart, this.data.dataStart, this.len)
      this.data = d
    }
    memory.copy(this.data.dataStart + <usize>this.len, b.dataStart, b.length)
    this.len += b.length
  }

  /** The offset just past the first CRLF CRLF, or -1. */
  headEnd (): i32 {
    const p = this.data.dataStart
    for (let i = 0; i + 3 < this.len; i++) {
      if (load<u8>(p + i) == 13 && load<u8>(p + i + 1) == 10 && load<u8>(p + i + 2) == 13 && load<u8>(p + i + 3) == 10) return i + 4
    }
    return -1
  }

  consume (n: i32): void {
    memory.copy(this.data.dataStart, this.data.dataStart + <usize>n, this.len - n)
    this.len -= n
  }
}

function contentType (path: string): string {
  const dot = path.lastIndexOf('.')
  const slash = path.lastIndexOf('/')
  if (dot < 0 || dot < slash) return 'application/octet-stream'
  const ext = path.substring(dot + 1).toLowerCase()
  if (ext == 'html' || ext == 'htm') return 'text/html; charset=utf-8'
  if (ext == 'css') return 'text/css; charset=utf-8'
  if (ext == 'js' || ext == 'mjs') return 'text/javascript; charset=utf-8'
  if (ext == 'json') return 'application/json'
  if (ext == 'txt' || ext == 'md') return 'text/plain; charset=utf-8'
  if (ext == 'xml') return 'application/xml'
  if (ext == 'svg') return 'image/svg+xml'
  if (ext == 'png') return 'image/png'
  if (ext == 'jpg' || ext == 'jpeg') return 'image/jpeg'
  if (ext == 'gif') return 'image/gif'
  if (ext == 'webp') return 'image/webp'
  if (ext == 'ico') return 'image/x-icon'
  if (ext == 'wasm') return 'application/wasm'
  if (ext == 'pdf') return 'application/pdf'
  if (ext == 'woff2') return 'font/woff2'
  if (ext == 'mp4') return 'video/mp4'
  return 'application/octet-stream'
}

function hexValue (c: i32): i32 {
  if (c >= 48 && c <= 57) return c - 48
  if (c >= 97 && c <= 102) return c - 87
  if (c >= 65 && c <= 70) return c - 55
  return -1
}

/** Percent-decodes a request path; null when malformed or when it holds a NUL. */
function decodePath (s: string): string | null {
  if (!s.includes('%')) return s
  const raw = String.UTF8.encode(s)
  const src = Uint8Array.wrap(raw)
  const out = new Uint8Array(src.length)
  let n = 0
  for (let i = 0; i < src.length; i++) {
    let c = <i32>src[i]
    if (c == 37) {
      if (i + 2 >= src.length) return null
      const h = hexValue(src[i + 1])
      const l = hexValue(src[i + 2])
      if (h < 0 || l < 0) return null
      c = h * 16 + l
      i += 2
    }
    if (c == 0) return null
    out[n++] = <u8>c
  }
  return String.UTF8.decodeUnsafe(out.dataStart, n)
}

/** Whether a decoded path has a `..` segment (backslashes count as separators too), or a NUL. */
function climbs (path: string): bool {
  let start = 0
  for (let i = 0; i <= path.length; i++) {
    const c = i < path.length ? path.charCodeAt(i) : 47
    if (c == 0) return true
    if (c == 47 || c == 92) {
      if (i - start == 2 && path.charCodeAt(start) == 46 && path.charCodeAt(start + 1) == 46) return true
      start = i + 1
    }
  }
  return false
}

/** The offset of the first CRLF in [from, to), or `to`. */
function findCRLF (p: usize, from: i32, to: i32): i32 {
  for (let i = from; i + 1 < to; i++) if (load<u8>(p + <usize>i) == 13 && load<u8>(p + <usize>i + 1) == 10) return i
  return to
}

function findByte (p: usize, from: i32, to: i32, b: u8): i32 {
  for (let i = from; i < to; i++) if (load<u8>(p + <usize>i) == b) return i
  return -1
}

/** Whether the ASCII text `s` is at p+at. */
function isAt (p: usize, at: i32, s: string): bool {
  for (let i = 0; i < s.length; i++) if (load<u8>(p + <usize>(at + i)) != <u8>s.charCodeAt(i)) return false
  return true
}

/** Whether bytes [from, to) are the lower-case header name `name`, ignoring case. */
function nameIs (p: usize, from: i32, to: i32, name: string): bool {
  if (to - from != name.length) return false
  for (let i = 0; i < name.length; i++) {
    let c = load<u8>(p + <usize>(from + i))
    if (c >= 65 && c <= 90) c += 32
    if (c != <u8>name.charCodeAt(i)) return false
  }
  return true
}

/** Whether bytes [from, to) contain the lower-case `word`, ignoring case. */
function contains (p: usize, from: i32, to: i32, word: string): bool {
  for (let i = from; i + word.length <= to; i++) {
    let j = 0
    for (; j < word.length; j++) {
      let c = load<u8>(p + <usize>(i + j))
      if (c >= 65 && c <= 90) c += 32
      if (c != <u8>word.charCodeAt(j)) break
    }
    if (j == word.length) return true
  }
  return false
}

const CACHE_FILE: i32 = 64 * 1024
const CACHE_TOTAL: i32 = 16 * 1024 * 1024

/** A small file's responses, valid while its size and modification time stay the same. */
class Cached {
  path: string
  size: u64
  modified: u64
  headKeep: Uint8Array
  headClose: Uint8Array
  fullKeep: Uint8Array
  fullClose: Uint8Array

  constructor (path: string, size: u64, modified: u64, fields: string, body: Uint8Array) {
    this.path = path
    this.size = size
    this.modified = modified
    const headKeep = Uint8Array.wrap(String.UTF8.encode(fields + '\r\nConnection: keep-alive\r\n\r\n'))
    const headClose = Uint8Array.wrap(String.UTF8.encode(fields + '\r\nConnection: close\r\n\r\n'))
    this.headKeep = headKeep
    this.headClose = headClose
    this.fullKeep = concat(headKeep, body)
    this.fullClose = concat(headClose, body)
  }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  memory.copy(out.dataStart, a.dataStart, a.length)
  memory.copy(out.dataStart + <usize>a.length, b.dataStart, b.length)
  return out
}

const cache = new Map<string, Cached>()
let cacheBytes: i32 = 0

function cacheGet (path: string, size: u64, modified: u64): Cached | null {
  if (!cache.has(path)) return null
  const c = cache.get(path)
  if (c.size != size || c.modified != modified) { cache.delete(path); return null }
  return c
}

function cachePut (c: Cached): void {
  const cost = c.fullKeep.length * 2 + 256
  // Simplest bound: forget everything when full; what is still asked for comes back at once.
  if (cacheBytes + cost > CACHE_TOTAL) { cache.clear(); cacheBytes = 0 }
  cache.set(c.path, c)
  cacheBytes += cost
}

const STATE_READ: i32 = 0
const STATE_SEND: i32 = 1

/** One connection: reads requests, answers each in turn. */
class Conn extends net.ReadTask {
  handle: u32
  input: Bytes = new Bytes()
  sender!: Sender
  keepAlive: bool = true
  state: i32 = STATE_READ
  /** The file being sent, and how much of it is left. */
  file: u32 = 0
  left: u64 = 0

  /** The tick of its last activity, and whether it was closed. */
  active: u32 = 0
  closed: bool = false

  constructor (handle: u32) {
    super()
    this.handle = handle
    this.sender = new Sender(this)
    this.active = tick
    open.add(this)
  }

  /** Serves the next request if one is buffered, else reads more. */
  next (): void {
    this.active = tick
    this.state = STATE_READ
    if (this.input.len > 0 && this.input.headEnd() >= 0) { this.serve(); return }
    net.read(reactor, this.handle, <u32>CHUNK, this)
  }

  onData (status: i32, data: Uint8Array): void {
    if (status != 0 || data.length == 0) { this.close(); return }
    this.active = tick
    this.input.append(data)
    if (this.input.headEnd() >= 0) { this.serve(); return }
    if (this.input.len > MAX_HEAD) { this.keepAlive = false; this.simple(431, 'Request Header Fields Too Large', false); return }
    net.read(reactor, this.handle, <u32>CHUNK, this)
  }

  close (): void {
    if (this.closed) return
    this.closed = true
    open.delete(this)
    if (this.file != 0) { fs.close(this.file); this.file = 0 }
    net.close(reactor, this.handle, ignore)
  }

  serve (): void {
    // The head is parsed in place, byte by byte: strings are made only of the method and target.
    const end = this.input.headEnd()
    const p = this.input.data.dataStart
    const lineEnd = findCRLF(p, 0, end)
    const sp1 = findByte(p, 0, lineEnd, 32)
    const sp2 = sp1 < 0 ? -1 : findByte(p, sp1 + 1, lineEnd, 32)
    if (sp1 <= 0 || sp2 < 0 || lineEnd - sp2 - 1 != 8 || !isAt(p, sp2 + 1, 'HTTP/1.')) {
      this.input.consume(end)
      this.keepAlive = false
      this.simple(400, 'Bad Request', false)
      return
    }
    const method = String.UTF8.decodeUnsafe(p, sp1)
    let target = String.UTF8.decodeUnsafe(p + <usize>sp1 + 1, sp2 - sp1 - 1)
    this.keepAlive = load<u8>(p + <usize>lineEnd - 1) != 48 // HTTP/1.0 closes by default
    let bodyLength: i32 = 0
    let at = lineEnd + 2
    while (at < end - 2) {
      const e = findCRLF(p, at, end)
      const colon = findByte(p, at, e, 58)
      if (colon > at) {
        let v = colon + 1
        while (v < e && load<u8>(p + <usize>v) == 32) v++
        if (nameIs(p, at, colon, 'connection')) {
          if (contains(p, v, e, 'close')) this.keepAlive = false
          else if (contains(p, v, e, 'keep-alive')) this.keepAlive = true
        } else if (nameIs(p, at, colon, 'content-length')) {
          if (!(e - v == 1 && load<u8>(p + <usize>v) == 48)) bodyLength = 1
        } else if (nameIs(p, at, colon, 'transfer-encoding')) {
          bodyLength = -1
        }
      }
      at = e + 2
    }
    this.input.consume(end)
    const isHead = method == 'HEAD'
    if (method != 'GET' && !isHead) { this.keepAlive = false; this.simple(405, 'Method Not Allowed', false); return }
    // GET and HEAD have no body; one announced is refused rather than misread as the next request.
    if (bodyLength != 0) { this.keepAlive = false; this.simple(400, 'Bad Request', false); return }
    const q = target.indexOf('?')
    if (q >= 0) target = target.substring(0, q)
    const h = target.indexOf('#')
    if (h >= 0) target = target.substring(0, h)
    if (!target.startsWith('/')) { this.simple(400, 'Bad Request', isHead); return }
    const decoded = decodePath(target)
    if (decoded === null) { this.simple(400, 'Bad Request', isHead); return }
    const path = decoded!
    if (climbs(path)) { this.simple(403, 'Forbidden', isHead); return }
    let full = root == '/' ? path : root + path
    if (full.endsWith('/')) full += 'index.html'
    let st = fs.stat(full)
    if (st.status == 0 && st.kind == 2) {
      full += '/index.html'
      st = fs.stat(full)
    }
    if (st.status == fs.ERR_DENIED) { this.simple(403, 'Forbidden', isHead); return }
    if (st.status != 0 || st.kind != 1) { this.simple(404, 'Not Found', isHead); return }
    this.left = 0
    // Small files are answered from memory while stat says they did not change.
    if (st.size <= <u64>CACHE_FILE) {
      const cached = cacheGet(full, st.size, st.modified_ms)
      if (cached !== null) { this.reply(cached!, isHead); return }
    }
    let body: Uint8Array = new Uint8Array(0)
    if (!isHead && st.size > 0) {
      const o = fs.open(full, 1)
      if (o.status != 0) { this.simple(o.status == fs.ERR_DENIED ? 403 : 404, o.status == fs.ERR_DENIED ? 'Forbidden' : 'Not Found', isHead); return }
      this.file = o.handle
      const r = fs.read(this.file, <u32>CHUNK)
      if (r.status != 0) { this.simple(500, 'Internal Server Error', isHead); return }
      body = r.data
      this.left = st.size - <u64>body.length
      if (this.left == 0 || body.length == 0) { fs.close(this.file); this.file = 0; this.left = 0 }
    }
    const fields = 'HTTP/1.1 200 OK\r\nServer: wasmos-http-server\r\nContent-Type: ' + contentType(full) +
      '\r\nContent-Length: ' + st.size.toString()
    if (!isHead && this.left == 0 && <u64>body.length == st.size && st.size <= <u64>CACHE_FILE) {
      const entry = new Cached(full, st.size, st.modified_ms, fields, body)
      cachePut(entry)
      this.reply(entry, false)
      return
    }
    this.send(fields + (this.keepAlive ? '\r\nConnection: keep-alive\r\n\r\n' : '\r\nConnection: close\r\n\r\n'), body)
  }

  /** Sends a cached response (made once per connection kind). */
  reply (c: Cached, isHead: bool): void {
    this.state = STATE_SEND
    const out = isHead ? (this.keepAlive ? c.headKeep : c.headClose) : (this.keepAlive ? c.fullKeep : c.fullClose)
    net.write(reactor, this.handle, out, this.sender)
  }

  /** Sends a header and the first piece of the body in one write. */
  send (header: string, body: Uint8Array): void {
    const hb = String.UTF8.encode(header)
    const n = hb.byteLength + body.length
    const out = new Uint8Array(n)
    memory.copy(out.dataStart, changetype<usize>(hb), hb.byteLength)
    if (body.length > 0) memory.copy(out.dataStart + <usize>hb.byteLength, body.dataStart, body.length)
    this.state = STATE_SEND
    net.write(reactor, this.handle, out, this.sender)
  }

  /** A response with a short text body. */
  simple (code: i32, reason: string, isHead: bool): void {
    const text = code.toString() + ' ' + reason + '\n'
    const header = 'HTTP/1.1 ' + code.toString() + ' ' + reason + '\r\nServer: wasmos-http-server\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ' +
      String.UTF8.byteLength(text).toString() + (code == 405 ? '\r\nAllow: GET, HEAD' : '') +
      (this.keepAlive ? '\r\nConnection: keep-alive\r\n\r\n' : '\r\nConnection: close\r\n\r\n')
    this.left = 0
    this.send(header, isHead ? new Uint8Array(0) : Uint8Array.wrap(String.UTF8.encode(text)))
  }

  /** The previous piece was taken: send the next one, or go on with the next request. */
  sent (): void {
    if (this.left > 0) {
      const r = fs.read(this.file, <u32>CHUNK)
      if (r.status != 0 || r.data.length == 0) {
        // The file shrank or failed under us: the response cannot be completed.
        this.keepAlive = false
        this.close()
        return
      }
      this.left -= <u64>Math.min(<f64>this.left, <f64>r.data.length)
      net.write(reactor, this.handle, r.data, this.sender)
      return
    }
    if (this.file != 0) { fs.close(this.file); this.file = 0 }
    if (this.keepAlive) this.next()
    else this.close()
  }
}

class Sender extends net.WriteTask {
  conn: Conn
  constructor (conn: Conn) { super(); this.conn = conn }

  onWritten (status: i32, written: u32): void {
    if (status != 0) { this.conn.close(); return }
    this.conn.sent()
  }
}

/** Wakes every TICK_MS and closes connections that waited idle for a request too long. */
class Sweeper extends Task {
  done (status: i32, r: Reader): void {
    if (status != 0) return // time not allowed: no idle timeout
    tick++
    const conns = open.values()
    for (let i = 0; i < conns.length; i++) {
      const c = conns[i]
      if (c.state == STATE_READ && tick - c.active >= idleTicks) c.close()
    }
    sweep()
  }
}
const sweeper = new Sweeper()

function sweep (): void {
  const w = new Writer()
  w.arrayHeader(2)
  w.u32(2) // time.sleep
  w.f64(TICK_MS)
  reactor.submit(time.DIGEST, w, sweeper)
}

class Acceptor extends net.AcceptTask {
  listener: u32
  constructor (listener: u32) { super(); this.listener = listener }

  onAccept (status: i32, handle: u32, address: string, port: u16): void {
    if (status != 0) { error('accept failed: status ' + status.toString()); reactor.stopped = true; return }
    new Conn(handle).next()
    net.accept(reactor, this.listener, this)
  }
}

function main (): i32 {
  const a = args()
  let host = '127.0.0.1'
  let port: u16 = 8080
  for (let i = 1; i < a.length; i += 2) {
    if (i + 1 >= a.length) { error('usage: http-server [--host H] [--port N] [--root DIR] [--idle SECONDS]'); return 2 }
    if (a[i] == '--port') port = <u16>I32.parseInt(a[i + 1])
    else if (a[i] == '--host') host = a[i + 1]
    else if (a[i] == '--root') root = a[i + 1]
    else if (a[i] == '--idle') idleTicks = <u32>I32.parseInt(a[i + 1])
    else { error('usage: http-server [--host H] [--port N] [--root DIR] [--idle SECONDS]'); return 2 }
  }
  while (root.length > 1 && root.endsWith('/')) root = root.substring(0, root.length - 1)
  const st = fs.stat(root)
  if (st.status != 0 || st.kind != 2) { error(root + ': not a directory the program may read (grant it with --dir and --allow fs); status ' + st.status.toString()); return 1 }
  const l = tcp.listen(host, port, 511)
  if (l.status != 0) { error('cannot listen on ' + host + ':' + port.toString() + ': status ' + l.status.toString()); return 1 }
  print('listening on http://' + host + ':' + l.port.toString() + '/\n')
  net.accept(reactor, l.handle, new Acceptor(l.handle))
  if (idleTicks > 0) sweep()
  reactor.run()
  return 1
}

const status = main()
if (status != 0) exit(status)
