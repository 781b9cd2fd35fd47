// The recording of a single-program run (`--record`): the module's bytes, its arguments, then
// every syscall it made with what it got back — each send (interface, payload, flags, result, id),
// each answer, each `wait` result (including "nothing yet") with the notification bytes it took —
// and its exit status. Msgpack frames, streamed to the file, bounded; the last frame holds the
// SHA-256 of everything before it, so an altered recording is refused by replay.
import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { Packr } from 'msgpackr'
import { encodeNotification } from '../../core/index.ts'
import type { Notification } from '../../core/index.ts'
import { WasmosError } from '../errors.ts'
import type { Proc } from '../proc.ts'
import { NullObserver } from './observer.ts'

/** The first frame's tag and the format's version. */
export const RECORD_MAGIC = 'wasmos-record'
export const RECORD_VERSION = 1
/** Bytes a recording may take unless told otherwise. */
export const DEFAULT_RECORD_LIMIT = 256 * 1024 * 1024
/** Frames are written in chunks of about this size. */
const CHUNK = 64 * 1024

export const packr = new Packr({ useRecords: false, variableMapSize: true })

export interface RecordHeader { name: string, cid: string, args: string[], module: Uint8Array }

/**
 * Frames after the header:
 *   ['s', interface key (hex), payload, flags, result code, message id (0 if refused)]
 *   ['a', message id, status, result code]
 *   ['w', result, notification bytes taken (or null)]
 *   ['x', exit status]
 *   ['t']                 the limit was reached: nothing more was recorded
 *   ['e', sha256]         the end: the digest of every byte before this frame
 */
export type Frame =
  | ['s', string, Uint8Array, number, number, number]
  | ['a', number, number, number]
  | ['w', number, Uint8Array | null]
  | ['x', number]
  | ['t']
  | ['e', Uint8Array]

/**
 * Frames after the header are written straight into a buffer (plain msgpack, the same bytes
 * msgpackr would write): packing each syscall's frame as an object would cost more than the
 * syscall itself.
 */
class FrameBuffer {
  buf = Buffer.allocUnsafe(CHUNK * 4)
  view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
  pos = 0

  /** Room for `n` more bytes, after `flush` empties the buffer when needed. */
  room (n: number, flush: () => void): void {
    if (this.pos + n <= this.buf.length) return
    flush()
    if (n > this.buf.length) {
      this.buf = Buffer.allocUnsafe(n)
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
    }
  }

  byte (b: number): void { this.buf[this.pos++] = b }

  int (v: number): void {
    const b = this.buf
    if (v >= 0) {
      if (v < 128) b[this.pos++] = v
      else if (v <= 0xff) { b[this.pos++] = 0xcc; b[this.pos++] = v } else if (v <= 0xffff) { b[this.pos++] = 0xcd; this.view.setUint16(this.pos, v); this.pos += 2 } else if (v <= 0xffffffff) { b[this.pos++] = 0xce; this.view.setUint32(this.pos, v); this.pos += 4 } else { b[this.pos++] = 0xcb; this.view.setFloat64(this.pos, v); this.pos += 8 }
    } else if (v >= -32) b[this.pos++] = v & 0xff
    else if (v >= -0x80000000) { b[this.pos++] = 0xd2; this.view.setInt32(this.pos, v); this.pos += 4 } else { b[this.pos++] = 0xcb; this.view.setFloat64(this.pos, v); this.pos += 8 }
  }

  binHeader (n: number): void {
    if (n < 256) { this.buf[this.pos++] = 0xc4; this.buf[this.pos++] = n } else if (n < 65536) { this.buf[this.pos++] = 0xc5; this.view.setUint16(this.pos, n); this.pos += 2 } else { this.buf[this.pos++] = 0xc6; this.view.setUint32(this.pos, n); this.pos += 4 }
  }

  bytes (b: Uint8Array): void {
    this.buf.set(b, this.pos)
    this.pos += b.length
  }
}

/** Most bytes of a frame besides its payload: tags, numbers, an interface key. */
const FRAME_OVERHEAD = 128
const FIXARRAY = 0x90
const FIXSTR1 = 0xa1
const NIL = 0xc0

export class RunRecorder extends NullObserver {
  readonly #fd: number
  readonly #module: Uint8Array
  readonly #limit: number
  readonly #hash: Hash = createHash('sha256')
  readonly #out = new FrameBuffer()
  readonly #flush = (): void => this.flush()
  /** Each interface key as a msgpack string, encoded once. */
  readonly #keys = new Map<string, Uint8Array>()
  #written = 0
  #pid = -1
  #taken: Notification | null = null
  #truncated = false
  #closed = false

  constructor (opts: { path: string, module: Uint8Array, limit?: number }) {
    super()
    this.#module = opts.module
    this.#limit = opts.limit ?? DEFAULT_RECORD_LIMIT
    try {
      this.#fd = openSync(opts.path, 'w', 0o600)
    } catch (err) {
      throw new WasmosError('ERR_RECORD', `--record: cannot write ${opts.path}: ${(err as Error).message}`)
    }
  }

  get truncated (): boolean {
    return this.#truncated
  }

  /** Room for a frame of `n` bytes at most; false (and the recording truncated) past the limit. */
  #begin (n: number): boolean {
    if (this.#closed || this.#truncated) return false
    if (this.#written + this.#out.pos + n > this.#limit) {
      this.#truncated = true
      this.#out.room(3, this.#flush)
      this.#out.byte(FIXARRAY | 1)
      this.#out.bytes(packr.pack('t'))
      return false
    }
    this.#out.room(n, this.#flush)
    return true
  }

  #tag (t: string, fields: number): void {
    this.#out.byte(FIXARRAY | fields)
    this.#out.byte(FIXSTR1)
    this.#out.byte(t.charCodeAt(0))
  }

  /** Writes what is buffered (synchronously: it also runs as the process exits). */
  flush (): void {
    const out = this.#out
    if (out.pos === 0) return
    const chunk = out.buf.subarray(0, out.pos)
    this.#hash.update(chunk)
    try {
      writeSync(this.#fd, chunk)
      this.#written += chunk.length
    } catch {
      // A full disk ends the recording, not the run.
      this.#closed = true
    }
    out.pos = 0
  }

  override spawned (proc: Proc): void {
    // The run's main program only: what it receives from the others is in its notifications.
    if (!proc.main || this.#pid !== -1) return
    this.#pid = proc.pid
    const header: RecordHeader = { name: proc.program.name, cid: proc.program.cid, args: proc.args.slice(1), module: this.#module }
    const bytes = packr.pack([RECORD_MAGIC, RECORD_VERSION, header])
    if (!this.#begin(bytes.length)) return
    this.#out.bytes(bytes)
  }

  override sent (pid: number, key: string, id: number, payload: Uint8Array, flags: number, code: number): void {
    if (pid !== this.#pid || !this.#begin(FRAME_OVERHEAD + payload.length)) return
    let k = this.#keys.get(key)
    if (k === undefined) { k = packr.pack(key); this.#keys.set(key, k) }
    const out = this.#out
    this.#tag('s', 6)
    out.bytes(k)
    out.binHeader(payload.length)
    out.bytes(payload)
    out.int(flags)
    out.int(code)
    out.int(id)
  }

  override answered (pid: number, id: number, status: number, code: number): void {
    if (pid !== this.#pid || !this.#begin(FRAME_OVERHEAD)) return
    this.#tag('a', 4)
    this.#out.int(id)
    this.#out.int(status)
    this.#out.int(code)
  }

  override took (pid: number, n: Notification): void {
    if (pid === this.#pid) this.#taken = n
  }

  override waited (pid: number, result: number): void {
    if (pid !== this.#pid) return
    const n = this.#taken
    this.#taken = null
    const size = n === null ? 0 : n.size()
    if (!this.#begin(FRAME_OVERHEAD + size)) return
    const out = this.#out
    this.#tag('w', 3)
    out.int(result)
    if (n === null) { out.byte(NIL); return }
    out.binHeader(size)
    encodeNotification(n, out.view, out.buf, out.pos)
    out.pos += size
  }

  override ended (proc: Proc, status: number): void {
    if (proc.pid !== this.#pid || !this.#begin(FRAME_OVERHEAD)) return
    this.#tag('x', 2)
    this.#out.int(status)
  }

  /** Ends the recording with its digest and closes the file. */
  close (): void {
    if (this.#closed) return
    this.flush()
    const end = packr.pack(['e', new Uint8Array(this.#hash.digest())])
    try { writeSync(this.#fd, end) } catch {}
    this.#closed = true
    try { closeSync(this.#fd) } catch {}
  }
}
