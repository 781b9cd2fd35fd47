// The wire format of /wasmos/interface/1.0.0: length-prefixed msgpack frames (docs/DESIGN.md,
// "Interfaces across machines"). Each frame is an unsigned LEB128 length (the framing of libp2p's
// it-length-prefixed) followed by that many bytes: one msgpack array whose first item is its kind.
import { Packr, Unpackr } from 'msgpackr'

export const PROTOCOL = '/wasmos/interface/1.0.0'

/** Caller → handler: a message. `[MSG, id, pid, flags, digest, payload]` (id 0: no answer expected). */
export const FRAME_MSG = 1
/** Caller → handler: a calling process, before its first message. `[CALLER, pid, program cid, program name]` */
export const FRAME_CALLER = 2
/** Caller → handler: a calling process ended. `[ENDED, pid, status]` */
export const FRAME_ENDED = 3
/** Handler → caller: an answer. `[ANSWER, id, status, payload]` */
export const FRAME_ANSWER = 4
/** Handler → caller: why something was refused, for the caller's log. `[NOTICE, text]` */
export const FRAME_NOTICE = 5
/**
 * Handler → caller: the port of this peer's direct link (direct.ts), the one frame of
 * /wasmos/interface-direct/1.0.0; and the first frame on a direct link, which says it is ready.
 * `[DIRECT, port]`
 */
export const FRAME_DIRECT = 6

/** Bytes a frame may carry besides a message's payload (kind, ids, flags, digest, names). */
export const FRAME_OVERHEAD = 1024

export type Frame =
  | { kind: typeof FRAME_MSG, id: number, pid: number, flags: number, digest: Uint8Array, payload: Uint8Array }
  | { kind: typeof FRAME_CALLER, pid: number, cid: string, name: string }
  | { kind: typeof FRAME_ENDED, pid: number, status: number }
  | { kind: typeof FRAME_ANSWER, id: number, status: number, payload: Uint8Array }
  | { kind: typeof FRAME_NOTICE, text: string }
  | { kind: typeof FRAME_DIRECT, port: number }

export class FrameError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.name = 'FrameError'
    this.code = code
  }
}

const packr = new Packr({ useRecords: false, variableMapSize: true })
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: false })

/** Encodes one frame with its length prefix. */
export function encodeFrame (f: Frame): Uint8Array {
  // The frames of every call, written directly: msgpackr's general path costs more than the frame.
  if (f.kind === FRAME_MSG) return encodeCall(f.kind, f.id, f.pid, f.flags, f.digest, f.payload)
  if (f.kind === FRAME_ANSWER) return encodeCall(f.kind, f.id, f.status, null, null, f.payload)
  let value: unknown[]
  switch (f.kind) {
    case FRAME_CALLER: value = [f.kind, f.pid, f.cid, f.name]; break
    case FRAME_ENDED: value = [f.kind, f.pid, f.status]; break
    case FRAME_NOTICE: value = [f.kind, f.text]; break
    case FRAME_DIRECT: value = [f.kind, f.port]; break
  }
  const body = packr.pack(value)
  const out = new Uint8Array(varintSize(body.length) + body.length)
  out.set(body, writeVarint(out, 0, body.length))
  return out
}

const varintSize = (n: number): number => n < 0x80 ? 1 : n < 0x4000 ? 2 : n < 0x200000 ? 3 : n < 0x10000000 ? 4 : 5

function writeVarint (out: Uint8Array, o: number, n: number): number {
  while (n >= 0x80) {
    out[o++] = (n & 0x7f) | 0x80
    n = Math.floor(n / 128)
  }
  out[o++] = n
  return o
}

/** Bytes of an integer in msgpack's smallest form for it (a float64 past 32 bits: ids are safe integers). */
const intSize = (v: number): number => v >= 0
  ? (v < 0x80 ? 1 : v < 0x100 ? 2 : v < 0x10000 ? 3 : v <= 0xffffffff ? 5 : 9)
  : (v >= -32 ? 1 : v >= -0x80 ? 2 : v >= -0x8000 ? 3 : v >= -0x80000000 ? 5 : 9)

function writeInt (out: Uint8Array, o: number, v: number): number {
  if (v >= 0 && v < 0x80) { out[o] = v; return o + 1 }
  if (v < 0 && v >= -32) { out[o] = v & 0xff; return o + 1 }
  const size = intSize(v)
  if (size === 9) {
    out[o] = 0xcb
    new DataView(out.buffer, out.byteOffset + o + 1, 8).setFloat64(0, v)
    return o + 9
  }
  out[o] = v >= 0 ? (size === 2 ? 0xcc : size === 3 ? 0xcd : 0xce) : (size === 2 ? 0xd0 : size === 3 ? 0xd1 : 0xd2)
  for (let i = size - 1; i >= 1; i--) {
    out[o + i] = v & 0xff
    v = Math.floor(v / 256)
  }
  return o + size
}

const binSize = (n: number): number => (n < 0x100 ? 2 : n < 0x10000 ? 3 : 5) + n

function writeBin (out: Uint8Array, o: number, b: Uint8Array): number {
  const n = b.length
  if (n < 0x100) {
    out[o++] = 0xc4
    out[o++] = n
  } else if (n < 0x10000) {
    out[o++] = 0xc5
    out[o++] = n >>> 8
    out[o++] = n & 0xff
  } else {
    out[o++] = 0xc6
    out[o++] = n >>> 24
    out[o++] = (n >>> 16) & 0xff
    out[o++] = (n >>> 8) & 0xff
    out[o++] = n & 0xff
  }
  out.set(b, o)
  return o + n
}

/** MSG `[1, id, pid, flags, digest, payload]` or ANSWER `[4, id, status, payload]` (`c` and `digest` null), with its length prefix. */
function encodeCall (kind: number, a: number, b: number, c: number | null, digest: Uint8Array | null, payload: Uint8Array): Uint8Array {
  const body = 2 + intSize(a) + intSize(b) + (c === null ? 0 : intSize(c)) + (digest === null ? 0 : binSize(digest.length)) + binSize(payload.length)
  const out = new Uint8Array(varintSize(body) + body)
  let o = writeVarint(out, 0, body)
  // A fixarray of 6 or 4 items, then the kind (a positive fixint).
  out[o++] = c === null ? 0x94 : 0x96
  out[o++] = kind
  o = writeInt(out, o, a)
  o = writeInt(out, o, b)
  if (c !== null) o = writeInt(out, o, c)
  if (digest !== null) o = writeBin(out, o, digest)
  writeBin(out, o, payload)
  return out
}

const isId = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0
const isI32 = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= -0x80000000 && v <= 0xffffffff
const isBytes = (v: unknown): v is Uint8Array => v instanceof Uint8Array
/** msgpackr gives Buffers: frames carry plain Uint8Arrays over the same memory. */
const plain = (b: Uint8Array): Uint8Array => b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength)

/** Decodes one frame's body; throws a FrameError for anything that is not a frame of this protocol. */
export function decodeFrame (body: Uint8Array): Frame {
  let v: unknown
  try {
    v = unpackr.unpack(body)
  } catch {
    throw new FrameError('ERR_BAD_FRAME', 'a frame is not msgpack')
  }
  if (!Array.isArray(v) || v.length === 0) throw new FrameError('ERR_BAD_FRAME', 'a frame is not an array')
  const k = v[0]
  if (k === FRAME_MSG && v.length === 6 && isId(v[1]) && isId(v[2]) && isI32(v[3]) && isBytes(v[4]) && v[4].length === 32 && isBytes(v[5])) {
    return { kind: FRAME_MSG, id: v[1], pid: v[2], flags: v[3], digest: plain(v[4]), payload: plain(v[5]) }
  }
  if (k === FRAME_CALLER && v.length === 4 && isId(v[1]) && typeof v[2] === 'string' && typeof v[3] === 'string') {
    return { kind: FRAME_CALLER, pid: v[1], cid: v[2], name: v[3] }
  }
  if (k === FRAME_ENDED && v.length === 3 && isId(v[1]) && isI32(v[2])) return { kind: FRAME_ENDED, pid: v[1], status: v[2] }
  if (k === FRAME_ANSWER && v.length === 4 && isId(v[1]) && isI32(v[2]) && isBytes(v[3])) {
    return { kind: FRAME_ANSWER, id: v[1], status: v[2], payload: plain(v[3]) }
  }
  if (k === FRAME_NOTICE && v.length === 2 && typeof v[1] === 'string') return { kind: FRAME_NOTICE, text: v[1] }
  if (k === FRAME_DIRECT && v.length === 2 && Number.isInteger(v[1]) && v[1] > 0 && v[1] < 65536) return { kind: FRAME_DIRECT, port: v[1] as number }
  throw new FrameError('ERR_BAD_FRAME', `not a frame of ${PROTOCOL} (kind ${String(k)})`)
}

/**
 * Splits a byte stream into frames. A length past `maxFrame` is refused as soon as its prefix is
 * read, before any of the frame is buffered.
 */
export class FrameReader {
  readonly #max: number
  #buf: Uint8Array = new Uint8Array(0)

  constructor (maxFrame: number) {
    this.#max = maxFrame
  }

  /** Adds bytes; returns the frames they complete (throws FrameError on a bad or oversized one). */
  push (chunk: Uint8Array): Frame[] {
    this.#buf = this.#buf.length === 0 ? chunk : concat(this.#buf, chunk)
    const out: Frame[] = []
    let pos = 0
    const buf = this.#buf
    for (;;) {
      let len = 0
      let shift = 1
      let i = pos
      let complete = false
      while (i < buf.length) {
        const b = buf[i++]
        len += (b & 0x7f) * shift
        shift *= 128
        if ((b & 0x80) === 0) { complete = true; break }
        if (i - pos > 5) throw new FrameError('ERR_BAD_FRAME', 'a frame length is not a varint')
      }
      if (len > this.#max) throw new FrameError('ERR_FRAME_TOO_LARGE', `a frame of ${len} bytes is larger than ${this.#max}`)
      if (!complete || buf.length - i < len) break
      out.push(decodeFrame(buf.subarray(i, i + len)))
      pos = i + len
    }
    this.#buf = pos === 0 ? buf : buf.slice(pos)
    return out
  }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a, 0)
  out.set(b, a.length)
  return out
}

/**
 * Writes frames to a stream, coalescing the frames of one synchronous run into one write: each
 * write is a yamux frame and a noise message, so one per frame would cost more than the frame.
 * The frames go out at the next microtask, before any I/O: coalescing adds no latency.
 */
export class FrameWriter {
  readonly #send: (bytes: Uint8Array) => void
  #chunks: Uint8Array[] = []
  #bytes = 0
  #scheduled = false
  #corked = false

  constructor (send: (bytes: Uint8Array) => void) {
    this.#send = send
  }

  /** Bytes written and not yet handed to the stream. */
  get pending (): number {
    return this.#bytes
  }

  write (f: Frame): void {
    const b = encodeFrame(f)
    this.#chunks.push(b)
    this.#bytes += b.length
    if (this.#scheduled || this.#corked) return
    this.#scheduled = true
    queueMicrotask(() => this.flush())
  }

  /**
   * Holds writes until `uncork`, which sends them at once: for frames written while handling a
   * received chunk, whose stream event is followed by more of libp2p's own work before any
   * microtask of ours would run.
   */
  cork (): void {
    this.#corked = true
  }

  uncork (): void {
    this.#corked = false
    if (!this.#scheduled) this.flush()
  }

  flush (): void {
    this.#scheduled = false
    if (this.#corked) return
    const chunks = this.#chunks
    if (chunks.length === 0) return
    const out = chunks.length === 1 ? chunks[0] : new Uint8Array(this.#bytes)
    if (chunks.length > 1) {
      let o = 0
      for (const c of chunks) { out.set(c, o); o += c.length }
    }
    this.#chunks = []
    this.#bytes = 0
    this.#send(out)
  }
}
