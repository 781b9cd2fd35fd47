// The recording of a whole run (`--record`): every process's start (module CID, arguments, whether
// it was the main program), the grants settled for it, every syscall it made with what it got
// back — each send (interface, payload, flags, result, id), each answer, each `wait` result
// (including "nothing yet") with the notification bytes it took, each WASI call with what it wrote
// into the program's memory (wasi-record.ts) — and how it ended. Msgpack frames in the order they
// happened, streamed to the file, bounded; with `embed`, each module's bytes before its first
// start. The last frame holds the SHA-256 of everything before it, so an altered recording is
// refused by replay. The frame layout is in README.md.
import { openSync } from 'node:fs'
import { Packr } from 'msgpackr'
import { KILLED_STATUS, KIND_ANSWER, KIND_ENDED, KIND_MESSAGE } from '../../core/index.ts'
import type { Notification } from '../../core/index.ts'
import { ProcessKilled, WasmosError } from '../errors.ts'
import type { Proc } from '../proc.ts'
import { NullObserver } from './observer.ts'
import { recordSink, SLOT } from './record-writer.ts'
import type { RecordSink } from './record-writer.ts'
import type { DecidedBy, GrantKind } from './observer.ts'

/** The first frame's tag and the format's version. */
export const RECORD_MAGIC = 'wasmos-record'
export const RECORD_VERSION = 2
/** Bytes a recording may take unless told otherwise. */
export const DEFAULT_RECORD_LIMIT = 256 * 1024 * 1024

export const packr = new Packr({ useRecords: false, variableMapSize: true })

/** The first frame's third element. */
export interface RecordHeader {
  /** The main program's name and arguments, for `log show`. */
  name: string
  args: string[]
  /** Whether the modules' bytes are in the recording ('m' frames). */
  embed: boolean
  /** The run's log level, so that a replay shows the same log lines. */
  logLevel: string
  /** The run's memory cap (`--max-memory`, in pages): where `memory.grow` fails, in a replay too. */
  maxMemoryPages?: number
}

/** How a process was started: which imports its module uses. */
export const KIND_WASM = 0
export const KIND_WASI = 1
/** WASI's older `wasi_unstable`: recorded as a process, its WASI calls are not. */
export const KIND_WASI_LEGACY = 2

/**
 * Frames after the header, in the order things happened (pid first after the tag):
 *   ['m', cid, bytes]                                  a module (with embed), before its first start
 *   ['p', pid, parent, name, cid, args, main, kind]   a process started
 *   ['g', pid, key, kind, allowed, by]                 a grant settled
 *   ['k', index, key (hex)]                            an interface key, before its first use
 *   ['s', pid, key index, payload, flags, result code, message id (0 if refused)]
 *   ['a', pid, message id, status, result code]
 *   ['w', pid, result, null]                           nothing taken
 *   ['w', pid, result, 1, status, message id, payload]                        an answer taken
 *   ['w', pid, result, 2, flags, message id, emitter, key index, payload]     a message taken
 *   ['w', pid, result, 3, exit status, pid that ended]                        a process's end taken
 *   ['W', pid, call, args, result (null: it ended the process), writes [[ptr, bytes]…], data, stream]
 *   ['x', pid, status, error message (or null), ended from outside]
 *   ['t']                 the limit was reached: nothing more was recorded
 *   ['e', sha256]         the end: the digest of every byte before this frame
 */
export type Frame = unknown[]

/**
 * Frames of syscalls are written straight into a buffer (plain msgpack, the same bytes msgpackr
 * would write): packing each syscall's frame as an object would cost more than the syscall.
 */
class FrameBuffer {
  readonly sink: RecordSink
  buf: Buffer
  view: DataView
  pos = 0
  /** `buf` is a buffer of its own for a frame larger than a slot, not the sink's. */
  big = false

  constructor (sink: RecordSink) {
    this.sink = sink
    this.buf = sink.next()
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
  }

  /** Room for `n` more bytes, after `flush` empties the buffer when needed. */
  room (n: number, flush: () => void): void {
    if (this.pos + n <= this.buf.length) return
    flush()
    if (n > this.buf.length) {
      this.buf = Buffer.allocUnsafe(n)
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
      this.big = true
    }
  }

  /** Hands what was written to the sink (a large frame copied over slot by slot) and starts afresh. */
  hand (): void {
    const n = this.pos
    if (this.big) {
      for (let at = 0; at < n; at += SLOT) {
        const slot = this.sink.next()
        const k = Math.min(SLOT, n - at)
        this.buf.copy(slot, 0, at, at + k)
        this.sink.write(k)
      }
      this.big = false
    } else {
      this.sink.write(n)
    }
    this.buf = this.sink.next()
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength)
    this.pos = 0
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
    // A few bytes (most payloads) are copied faster one by one than by `set`.
    const n = b.length
    if (n <= 16) {
      const buf = this.buf
      const at = this.pos
      for (let i = 0; i < n; i++) buf[at + i] = b[i]
    } else {
      this.buf.set(b, this.pos)
    }
    this.pos += n
  }
}

/** Most bytes of a frame besides its payload: tags, numbers, an interface key. */
const FRAME_OVERHEAD = 128
const FIXARRAY = 0x90
const FIXSTR1 = 0xa1
const NIL = 0xc0

export interface RecorderOptions {
  path: string
  /** The main program's name and arguments (for the header). */
  name: string
  args: string[]
  limit?: number
  /** Puts each module's bytes in the recording. */
  embed?: boolean
  /** A module's bytes by CID (as loaded for the run). */
  moduleOf?: (cid: string) => Uint8Array | undefined
  logLevel?: string
  maxMemoryPages?: number
}

export class RunRecorder extends NullObserver {
  readonly #sink: RecordSink
  readonly #limit: number
  readonly #embed: boolean
  readonly #moduleOf: (cid: string) => Uint8Array | undefined
  readonly #out: FrameBuffer
  readonly #flush = (): void => this.flush()
  /** Each interface key's index in the recording. */
  readonly #keys = new Map<string, number>()
  readonly #embedded = new Set<string>()
  #lastKey = ''
  #lastIndex = -1
  /** Where the next frame must end: the buffer's end or the limit (-1 once truncated or closed). */
  #stop = 0
  #written = 0
  #takenBy = -1
  #taken: Notification | null = null
  #truncated = false
  #closed = false

  constructor (opts: RecorderOptions) {
    super()
    this.#limit = opts.limit ?? DEFAULT_RECORD_LIMIT
    this.#embed = opts.embed === true
    this.#moduleOf = opts.moduleOf ?? (() => undefined)
    let fd: number
    try {
      fd = openSync(opts.path, 'w', 0o600)
    } catch (err) {
      throw new WasmosError('ERR_RECORD', `--record: cannot write ${opts.path}: ${(err as Error).message}`)
    }
    this.#sink = recordSink(fd)
    this.#out = new FrameBuffer(this.#sink)
    const header: RecordHeader = { name: opts.name, args: opts.args, embed: this.#embed, logLevel: opts.logLevel ?? 'info', ...(opts.maxMemoryPages === undefined ? {} : { maxMemoryPages: opts.maxMemoryPages }) }
    this.#packed([RECORD_MAGIC, RECORD_VERSION, header])
  }

  get truncated (): boolean {
    return this.#truncated
  }

  /** Room for a frame of `n` bytes at most; false (and the recording truncated) past the limit. */
  #begin (n: number): boolean {
    // One comparison on the way of every syscall: `#stop` is where the buffer or the limit ends.
    return this.#out.pos + n <= this.#stop || this.#beginSlow(n)
  }

  #beginSlow (n: number): boolean {
    if (this.#closed || this.#truncated) return false
    if (this.#written + this.#out.pos + n > this.#limit) {
      this.#truncated = true
      this.#stop = -1
      this.#out.room(3, this.#flush)
      this.#out.byte(FIXARRAY | 1)
      this.#out.bytes(packr.pack('t'))
      return false
    }
    this.#out.room(n, this.#flush)
    this.#restop()
    return true
  }

  #restop (): void {
    this.#stop = this.#closed || this.#truncated ? -1 : Math.min(this.#out.buf.length, this.#limit - this.#written)
  }

  /** A rare frame, packed by msgpackr. */
  #packed (frame: unknown[]): void {
    const bytes = packr.pack(frame)
    if (!this.#begin(bytes.length)) return
    this.#out.bytes(bytes)
  }

  #tag (t: string, fields: number, pid: number): void {
    this.#out.byte(FIXARRAY | fields)
    this.#out.byte(FIXSTR1)
    this.#out.byte(t.charCodeAt(0))
    this.#out.int(pid)
  }

  /** Hands what is buffered to the sink (which hashes and writes it). */
  flush (): void {
    const out = this.#out
    if (out.pos === 0 || this.#closed) return
    this.#written += out.pos
    out.hand()
    this.#restop()
  }

  override spawned (proc: Proc): void {
    const { cid, name } = proc.program
    if (this.#embed && !this.#embedded.has(cid)) {
      const bytes = this.#moduleOf(cid)
      if (bytes !== undefined) {
        this.#embedded.add(cid)
        this.#packed(['m', cid, bytes])
      }
    }
    const kind = !proc.program.wasi ? KIND_WASM : WebAssembly.Module.imports(proc.program.module).some((i) => i.module === 'wasi_snapshot_preview1') ? KIND_WASI : KIND_WASI_LEGACY
    this.#packed(['p', proc.pid, proc.parent, name, cid, proc.args.slice(1), proc.main, kind])
  }

  override granted (pid: number, key: string, kind: GrantKind, allowed: boolean, by: DecidedBy): void {
    this.#packed(['g', pid, key, kind, allowed, by])
  }

  /** The index of an interface key, told to the recording ('k' frame) the first time it is used. */
  #key (key: string): number {
    // Most runs talk over one or two interfaces at a time: spare the map those.
    if (key === this.#lastKey) return this.#lastIndex
    let k = this.#keys.get(key)
    if (k === undefined) {
      k = this.#keys.size
      this.#keys.set(key, k)
      this.#packed(['k', k, key])
    }
    this.#lastKey = key
    this.#lastIndex = k
    return k
  }

  override sent (pid: number, key: string, id: number, payload: Uint8Array, flags: number, code: number): void {
    const k = this.#key(key)
    if (!this.#begin(FRAME_OVERHEAD + payload.length)) return
    const out = this.#out
    this.#tag('s', 7, pid)
    out.int(k)
    out.binHeader(payload.length)
    out.bytes(payload)
    out.int(flags)
    out.int(code)
    out.int(id)
  }

  override answered (pid: number, id: number, status: number, code: number): void {
    // The kernel's native handlers (pid 0) are not replayed: what they answered is in what the
    // processes took.
    if (pid === 0 || !this.#begin(FRAME_OVERHEAD)) return
    this.#tag('a', 5, pid)
    this.#out.int(id)
    this.#out.int(status)
    this.#out.int(code)
  }

  override took (pid: number, n: Notification): void {
    this.#takenBy = pid
    this.#taken = n
  }

  override waited (pid: number, result: number): void {
    const n = this.#takenBy === pid ? this.#taken : null
    this.#taken = null
    this.#takenBy = -1
    // The notification's fields rather than its bytes (readRecording builds those again): a
    // message's header alone is 64 bytes, most of it the interface's digest.
    const k = n !== null && n.kind === KIND_MESSAGE ? this.#key(n.iface) : 0
    const payload = n?.payload ?? null
    if (!this.#begin(FRAME_OVERHEAD + (payload === null ? 0 : payload.length))) return
    const out = this.#out
    if (n === null) {
      this.#tag('w', 4, pid)
      out.int(result)
      out.byte(NIL)
      return
    }
    const fields = n.kind === KIND_MESSAGE ? 9 : n.kind === KIND_ANSWER ? 7 : 6
    this.#tag('w', fields, pid)
    out.int(result)
    out.int(n.kind)
    out.int(n.code)
    out.int(n.id)
    if (n.kind === KIND_ENDED) return
    if (n.kind === KIND_MESSAGE) {
      out.int(n.emitter)
      out.int(k)
    }
    const len = payload === null ? 0 : payload.length
    out.binHeader(len)
    if (payload !== null) out.bytes(payload)
  }

  /** A WASI call of `pid` (wasi-record.ts builds the frame's fields). */
  wasiCall (pid: number, call: string, args: unknown[], result: number | null, writes: Array<[number, Uint8Array]>, data: Uint8Array | null, stream: number): void {
    this.#packed(['W', pid, call, args, result, writes, data, stream])
  }

  override ended (proc: Proc, status: number, error: WasmosError | null): void {
    // Ended by the kernel, a handler or the console rather than by returning, exiting or trapping.
    const outside = error instanceof ProcessKilled || (error === null && status === KILLED_STATUS)
    this.#packed(['x', proc.pid, status, error?.message ?? null, outside])
  }

  /** Ends the recording with its digest and closes the file (synchronously: also as the process exits). */
  close (): void {
    if (this.#closed) return
    this.flush()
    this.#closed = true
    this.#stop = -1
    this.#sink.close()
  }
}
