// wget: fetches an http:// URL over the tcp interface and writes the body to a file in a granted
// directory (through the fs interface): first to FILE.part, renamed to FILE once complete, so a
// failed download never leaves a partial FILE. Understands Content-Length, chunked transfer
// encoding and bodies that end with the connection. Usage: wget URL -O FILE [-q]
// Exit status: 0 done, 1 network or file error, 2 usage, 8 the server answered with an error.
import { args, eprint, exit, print } from '../sdk/as/wasmos'
import * as tcp from '../sdk/as/gen/tcp'
import * as fs from '../sdk/as/gen/fs'

const READ: u32 = 64 * 1024

/** The connection's bytes, read as needed. */
class Input {
  handle: u32
  buf: Uint8Array = new Uint8Array(0)
  pos: i32 = 0
  eof: bool = false
  failed: i32 = 0

  constructor (handle: u32) { this.handle = handle }

  get available (): i32 { return this.buf.length - this.pos }

  /** Reads more from the connection; false at end of stream or on failure. */
  fill (): bool {
    if (this.eof) return false
    const r = tcp.read(this.handle, READ)
    if (r.status != 0) { this.failed = r.status; this.eof = true; return false }
    if (r.data.length == 0) { this.eof = true; return false }
    const rest = this.buf.length - this.pos
    const b = new Uint8Array(rest + r.data.length)
    memory.copy(b.dataStart, this.buf.dataStart + <usize>this.pos, rest)
    memory.copy(b.dataStart + <usize>rest, r.data.dataStart, r.data.length)
    this.buf = b
    this.pos = 0
    return true
  }

  /** The next line without its CRLF; null if the stream ended first. */
  line (): string | null {
    for (;;) {
      for (let i = this.pos; i + 1 < this.buf.length; i++) {
        if (this.buf[i] == 13 && this.buf[i + 1] == 10) {
          const s = String.UTF8.decodeUnsafe(this.buf.dataStart + <usize>this.pos, i - this.pos)
          this.pos = i + 2
          return s
        }
      }
      if (!this.fill()) break
    }
    return null
  }

  /** Up to `max` bytes (at least one unless the stream ended). */
  take (max: i32): Uint8Array {
    if (this.available == 0 && !this.fill()) return new Uint8Array(0)
    const n = min(max, this.available)
    const out = this.buf.slice(this.pos, this.pos + n)
    this.pos += n
    return out
  }
}

function fail (message: string, status: i32): void {
  eprint('wget: ' + message + '\n')
  exit(status)
}

function parseHex (s: string): i64 {
  let v: i64 = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let d: i32 = -1
    if (c >= 48 && c <= 57) d = c - 48
    else if (c >= 97 && c <= 102) d = c - 87
    else if (c >= 65 && c <= 70) d = c - 55
    else if (c == 59 || c == 32) break
    if (d < 0) return -1
    v = v * 16 + d
  }
  return v
}

let out: u32 = 0
let written: i64 = 0

function save (data: Uint8Array): void {
  if (data.length == 0) return
  const w = fs.write(out, data)
  if (w.status != 0) fail('cannot write: status ' + w.status.toString(), 1)
  written += data.length
}

function main (): void {
  const a = args()
  let url = ''
  let file = ''
  let quiet = false
  for (let i = 1; i < a.length; i++) {
    if (a[i] == '-O' && i + 1 < a.length) file = a[++i]
    else if (a[i] == '-q') quiet = true
    else url = a[i]
  }
  if (url == '' || file == '') { fail('usage: wget URL -O FILE [-q]', 2); return }
  if (!url.startsWith('http://')) { fail(url + ': only http:// URLs are supported', 2); return }
  const rest = url.substring(7)
  const slash = rest.indexOf('/')
  const authority = slash < 0 ? rest : rest.substring(0, slash)
  const path = slash < 0 ? '/' : rest.substring(slash)
  const colon = authority.lastIndexOf(':')
  const host = colon < 0 ? authority : authority.substring(0, colon)
  const port = colon < 0 ? 80 : I32.parseInt(authority.substring(colon + 1))
  if (host == '' || port <= 0 || port > 65535) { fail(url + ': bad URL', 2); return }

  const c = tcp.connect(host, <u16>port)
  if (c.status != 0) { fail('cannot connect to ' + authority + ': status ' + c.status.toString(), 1); return }
  const request = 'GET ' + path + ' HTTP/1.1\r\nHost: ' + authority + '\r\nUser-Agent: wasmos-wget\r\nAccept: */*\r\nConnection: close\r\n\r\n'
  const w = tcp.write(c.handle, Uint8Array.wrap(String.UTF8.encode(request)))
  if (w.status != 0) { fail('cannot send the request: status ' + w.status.toString(), 1); return }

  const input = new Input(c.handle)
  const statusLine = input.line()
  if (statusLine === null) { fail('no answer from ' + authority, 1); return }
  const parts = statusLine.split(' ')
  const code = parts.length >= 2 ? I32.parseInt(parts[1]) : 0
  let length: i64 = -1
  let chunked = false
  for (;;) {
    const line = input.line()
    if (line === null) { fail('the answer ended in its headers', 1); return }
    if (line.length == 0) break
    const k = line.indexOf(':')
    if (k <= 0) continue
    const name = line.substring(0, k).trim().toLowerCase()
    const value = line.substring(k + 1).trim()
    if (name == 'content-length') length = I64.parseInt(value)
    else if (name == 'transfer-encoding' && value.toLowerCase().includes('chunked')) chunked = true
  }
  if (code < 200 || code > 299) { fail(url + ': ' + statusLine.substring(9), 8); return }

  const part = file + '.part'
  const o = fs.open(part, 2 | 4 | 8)
  if (o.status != 0) { fail('cannot create ' + part + ': status ' + o.status.toString(), 1); return }
  out = o.handle
  let complete = true
  if (chunked) {
    complete = false
    for (;;) {
      const sizeLine = input.line()
      if (sizeLine === null) break
      const size = parseHex(sizeLine!)
      if (size < 0) break
      if (size == 0) { complete = true; break }
      let left = size
      while (left > 0) {
        const d = input.take(<i32>min<i64>(left, 1 << 20))
        if (d.length == 0) break
        save(d)
        left -= d.length
      }
      if (left > 0 || input.line() === null) break
    }
  } else {
    for (;;) {
      if (length >= 0 && written >= length) break
      const d = input.take(length >= 0 ? <i32>min<i64>(length - written, 1 << 20) : 1 << 20)
      if (d.length == 0) break
      save(d)
    }
    if (length >= 0 && written < length) complete = false
  }
  fs.close(out)
  tcp.close(c.handle)
  if (!complete || input.failed != 0) {
    fs.remove(part)
    fail(url + ': the connection ended before the whole body arrived', 1)
    return
  }
  const m = fs.rename(part, file)
  if (m != 0) { fs.remove(part); fail('cannot rename ' + part + ' to ' + file + ': status ' + m.toString(), 1); return }
  if (!quiet) print('saved ' + written.toString() + ' bytes to ' + file + '\n')
}

main()
