// The core of the wasmos SDK for AssemblyScript: the three syscalls of DESIGN.md, a blocking
// `call`, one-way `notify`, `respond` for handlers and the notification loop. Generated interface
// clients (./gen/*) are built on these; programs import ./wasmos, which adds conveniences.
import { Reader, Writer } from './msgpack'
import * as codes from './gen/codes'

// ---- the ABI

@external('wasmos', 'send')
declare function sys_send (iface: usize, buf: usize, len: usize, flags: u32, idOut: usize): i32

@external('wasmos', 'answer')
declare function sys_answer (id: u64, status: i32, buf: usize, len: usize): i32

@external('wasmos', 'wait')
export declare function sys_wait (ids: usize, count: u32, out: usize, cap: u32, flags: u32): i32

// The numbers are the kernel core's (src/kernel/core/codes.ts), copied into ./gen/codes at build
// time; flags and kinds keep the unsigned types of the parameters and fields they go into.
export {
  OK, DENIED, NO_HANDLER, BAD_POINTER, TOO_LARGE, QUEUE_FULL, UNKNOWN_MESSAGE, ALREADY_HANDLED, BAD_REQUEST,
  ANSWER_HEADER, MESSAGE_HEADER, ENDED_SIZE
} from './gen/codes'
/** Status the SDK gives when an answer does not decode as the interface says. */
export const BAD_ANSWER: i32 = -1

export const SEND_ANSWER: u32 = <u32>codes.SEND_ANSWER
export const SEND_WAIT_HANDLER: u32 = <u32>codes.SEND_WAIT_HANDLER
export const WAIT_BLOCK: u32 = <u32>codes.WAIT_BLOCK

export const KIND_ANSWER: u8 = <u8>codes.KIND_ANSWER
export const KIND_MESSAGE: u8 = <u8>codes.KIND_MESSAGE
export const KIND_ENDED: u8 = <u8>codes.KIND_ENDED

// ---- the notification buffer: grown when `wait` says a notification needs more room

let cap: u32 = 4096
let buf: usize = heap.alloc(cap)
const scratch: usize = memory.data(16)
@lazy const EMPTY = new Uint8Array(0)

function grow (size: u32): void {
  heap.free(buf)
  cap = (size + 1023) & ~1023
  buf = heap.alloc(cap)
}

/** Takes the next notification (answers to `ids` only when count > 0), blocking. */
function take (ids: usize, count: u32): u32 {
  let n = sys_wait(ids, count, buf, cap, WAIT_BLOCK)
  while (n < 0 || (n as u32) > cap) {
    if (n < 0) unreachable()
    grow(<u32>n)
    n = sys_wait(ids, count, buf, cap, WAIT_BLOCK)
  }
  return <u32>n
}

function bytesAt (ptr: usize, len: u32): Uint8Array {
  if (len == 0) return EMPTY
  const out = new Uint8Array(len)
  memory.copy(out.dataStart, ptr, len)
  return out
}

// ---- calls

/**
 * The answer to a call: its status and, on success, its payload. The SDK reuses one Reply: it is
 * valid until the next call or `next()`; copy `payload` to keep it.
 */
export class Reply {
  status: i32 = 0
  ptr: usize = 0
  len: u32 = 0

  /** A reader over the payload, in place. */
  reader (): Reader {
    return replyReader.reset(this.ptr, this.len as i32)
  }

  /** A copy of the payload. */
  get payload (): Uint8Array {
    return bytesAt(this.ptr, this.len)
  }
}

@lazy const reply = new Reply()
@lazy const replyReader = Reader.fromRaw(0, 0)
@lazy const shared = new Writer(256)

/** A writer for the next message, shared: it is reset and valid until the next `writer()`. */
export function writer (): Writer {
  shared.reset()
  return shared
}

/** Sends a message expecting an answer; returns its id, or 0 with the failure in `lastStatus`. */
export function sendRequest (iface: StaticArray<u8>, w: Writer, flags: u32 = 0): u64 {
  const code = sys_send(changetype<usize>(iface), w.dataStart, w.length, SEND_ANSWER | flags, scratch)
  lastStatus = code
  if (code != codes.OK) return 0
  return load<u64>(scratch)
}

/** The send code of the last `sendRequest`. */
export let lastStatus: i32 = 0

/** Waits for the answer to message `id`. */
export function awaitReply (id: u64): Reply {
  store<u64>(scratch + 8, id)
  take(scratch + 8, 1)
  reply.status = load<i32>(buf, 4)
  reply.len = load<u32>(buf, 16)
  reply.ptr = buf + <usize>codes.ANSWER_HEADER
  return reply
}

/** Sends a message and blocks until its answer. A send failure is the reply's status. */
export function call (iface: StaticArray<u8>, w: Writer, flags: u32 = 0): Reply {
  const id = sendRequest(iface, w, flags)
  if (id == 0) {
    reply.status = lastStatus
    reply.len = 0
    return reply
  }
  return awaitReply(id)
}

/** Sends a message that expects no answer. */
export function notify (iface: StaticArray<u8>, w: Writer, flags: u32 = 0): i32 {
  return sys_send(changetype<usize>(iface), w.dataStart, w.length, flags, 0)
}

/** Answers message `id` with `status` and the fields written in `w` (none when null). */
export function respond (id: u64, status: i32, w: Writer | null): i32 {
  if (w == null) return sys_answer(id, status, 0, 0)
  return sys_answer(id, status, w.dataStart, w.length)
}

// ---- the notification loop of handlers

/**
 * A notification taken by `next()`. The SDK reuses one: it is valid until the next `next()` or
 * call; copy `payload` to keep it.
 */
export class Notification {
  kind: u8 = 0
  /** answer: its status; message: its flags; ended: the exit status */
  code: i32 = 0
  /** answer and message: the message id; ended: the pid that ended */
  id: u64 = 0
  /** message: who sent it */
  emitter: u64 = 0
  ptr: usize = 0
  len: u32 = 0

  get expectsAnswer (): bool {
    return this.kind == KIND_MESSAGE && (this.code & 1) != 0
  }

  /** Whether this is a message for the interface with this digest. */
  isFor (iface: StaticArray<u8>): bool {
    if (this.kind != KIND_MESSAGE) return false
    return memory.compare(buf + 24, changetype<usize>(iface), 32) == 0
  }

  /** A copy of the interface digest of a message. */
  get digest (): Uint8Array {
    return bytesAt(buf + 24, 32)
  }

  /** A reader over the payload, in place. */
  reader (): Reader {
    return noteReader.reset(this.ptr, this.len as i32)
  }

  /** A copy of the payload. */
  get payload (): Uint8Array {
    return bytesAt(this.ptr, this.len)
  }

  /** The message's index (the first element of its payload array); -1 if malformed. */
  messageIndex (r: Reader): i32 {
    r.arrayHeader()
    const i = r.u32()
    return r.error ? -1 : <i32>i
  }
}

@lazy const note = new Notification()
@lazy const noteReader = Reader.fromRaw(0, 0)

/** Blocks until the next notification of any kind. */
export function next (): Notification {
  take(0, 0)
  const n = note
  n.kind = load<u8>(buf)
  n.code = load<i32>(buf, 4)
  n.id = load<u64>(buf, 8)
  n.emitter = 0
  n.len = 0
  if (n.kind == KIND_ANSWER) {
    n.ptr = buf + <usize>codes.ANSWER_HEADER
    n.len = load<u32>(buf, 16)
  } else if (n.kind == KIND_MESSAGE) {
    n.emitter = load<u64>(buf, 16)
    n.ptr = buf + <usize>codes.MESSAGE_HEADER
    n.len = load<u32>(buf, 56)
  }
  return n
}
