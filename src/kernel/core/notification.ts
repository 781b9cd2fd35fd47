// A notification waiting in a process's queue, and its encoding in the ABI layout of DESIGN.md.
import {
  ANSWER_HEADER, ENDED_SIZE, KIND_ANSWER, KIND_ENDED, KIND_MESSAGE, MESSAGE_HEADER
} from './codes.ts'

export class Notification {
  kind: i32 = 0
  /** answer: status; message: flags; ended: exit status */
  code: i32 = 0
  /** answer and message: the message id; ended: the pid that ended */
  id: f64 = 0
  /** message: the emitter's pid */
  emitter: f64 = 0
  /** message: the interface's key (hex of the digest) and its 32-byte digest */
  iface: string = ''
  digest: Uint8Array | null = null
  payload: Uint8Array | null = null
  /** What it costs the queue it is in (set when queued: see process.ts, notificationCost). */
  cost: f64 = 0

  /** Bytes this notification takes when written by `wait`. */
  size (): i32 {
    if (this.kind == KIND_ANSWER) return ANSWER_HEADER + this.payloadLength()
    if (this.kind == KIND_MESSAGE) return MESSAGE_HEADER + this.payloadLength()
    return ENDED_SIZE
  }

  payloadLength (): i32 {
    const p = this.payload
    if (p == null) return 0
    return p.length
  }
}

/** Writes a u64 that is below 2^53 (ids and pids) as two little-endian u32. */
export function writeId (view: DataView, offset: i32, value: f64): void {
  const lo = value % 4294967296
  const hi = Math.floor(value / 4294967296)
  view.setUint32(offset, (lo as u32), true)
  view.setUint32(offset + 4, (hi as u32), true)
}

/** Reads a u64 written by `writeId`; the caller keeps ids below 2^53. */
export function readId (view: DataView, offset: i32): f64 {
  const lo: f64 = view.getUint32(offset, true) as f64
  const hi: f64 = view.getUint32(offset + 4, true) as f64
  return hi * 4294967296 + lo
}

/**
 * Writes `n` at `offset` of `bytes` (viewed also as `view`, same buffer). The caller has checked
 * that `n.size()` bytes fit. Padding bytes are zeroed so nothing of earlier contents leaks.
 */
export function encodeNotification (n: Notification, view: DataView, bytes: Uint8Array, offset: i32): void {
  // Every byte of the header is written, padding as zeros, word by word: a `fill` first would
  // cost each `wait` a call into the engine's runtime for 24 or 64 bytes.
  // The kind as a u32: its byte, then three zero bytes of padding.
  view.setUint32(offset, (n.kind as u32), true)
  if (n.kind == KIND_ENDED) {
    view.setInt32(offset + 4, n.code, true)
    writeId(view, offset + 8, n.id)
    return
  }
  view.setUint32(offset + 4, (n.code as u32), true)
  writeId(view, offset + 8, n.id)
  const len = n.payloadLength()
  let header: i32 = ANSWER_HEADER
  if (n.kind == KIND_ANSWER) {
    view.setUint32(offset + 16, (len as u32), true)
    view.setUint32(offset + 20, 0, true)
  } else {
    header = MESSAGE_HEADER
    writeId(view, offset + 16, n.emitter)
    const d = n.digest
    let from: i32 = 0
    if (d != null) {
      bytes.set(d!, offset + 24)
      from = d!.length
    }
    for (let i = from; i < 32; i++) bytes[offset + 24 + i] = 0
    view.setUint32(offset + 56, (len as u32), true)
    view.setUint32(offset + 60, 0, true)
  }
  const p = n.payload
  if (p != null && len > 0) bytes.set(p!, offset + header)
}
