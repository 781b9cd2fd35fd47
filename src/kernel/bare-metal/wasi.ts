// WASI preview 1 (`wasi_snapshot_preview1`) for bare-metal guests: the calls a command module
// needs for arguments, environment, clocks, random and standard I/O. Each is carried out through
// the same kernel interfaces a wasmos program uses, as messages from the guest's own pid (so its
// grants apply): fd_write is `stdio.write`, fd_read is `stdio.read` (the guest blocks until the
// answer, like a `wait`), clock_time_get is `time.now`/`time.monotonic`, random_get is
// `random.bytes`; arguments come from boot.cfg, the environment is empty. There are no
// preopened directories: files beyond fds 0–2 do not exist (EBADF).
import { OK, SEND_ANSWER } from '../core/index.ts'
import { Reader, Writer } from '../../../programs/sdk/as/msgpack'
import { Guest, kernel } from './context'
import { KEY_RANDOM, KEY_STDIO, KEY_TIME } from './gen/interfaces'
// A circle on purpose: the scheduler dispatches a guest's WASI imports here, and `proc_exit` or a
// refused call must end that guest and let the scheduler carry out what the kernel asked.
import { drain, endGuest } from './scheduler'

export const WASI_MODULE = 'wasi_snapshot_preview1'
/** Host ids of WASI functions start here (the wasmos ABI's are below). */
export const WASI_BASE: i32 = 100
/** wasiCall's results that are not an errno: the guest blocks, or it has ended. */
export const WASI_BLOCKED: i32 = -2001
export const WASI_EXITED: i32 = -2002

const NAMES: Array<string> = [
  'args_get', 'args_sizes_get', 'environ_get', 'environ_sizes_get', 'clock_time_get', 'clock_res_get',
  'random_get', 'fd_write', 'fd_read', 'fd_fdstat_get', 'fd_seek', 'fd_close', 'proc_exit', 'sched_yield',
  'fd_prestat_get', 'fd_prestat_dir_name'
]
// Signatures as the scheduler writes them: parameter types, '>', result types (i: i32, I: i64).
const SIGS: Array<string> = [
  'ii>i', 'ii>i', 'ii>i', 'ii>i', 'iIi>i', 'ii>i',
  'ii>i', 'iiii>i', 'iiii>i', 'ii>i', 'iIii>i', 'i>i', 'i>', '>i',
  'ii>i', 'iii>i'
]
const ARGS_GET = 0
const ARGS_SIZES_GET = 1
const ENVIRON_GET = 2
const ENVIRON_SIZES_GET = 3
const CLOCK_TIME_GET = 4
const CLOCK_RES_GET = 5
const RANDOM_GET = 6
const FD_WRITE = 7
const FD_READ = 8
const FD_FDSTAT_GET = 9
const FD_SEEK = 10
const FD_CLOSE = 11
const PROC_EXIT = 12
const SCHED_YIELD = 13
const FD_PRESTAT_GET = 14
const FD_PRESTAT_DIR_NAME = 15

// errno values of WASI preview 1.
const ESUCCESS: i32 = 0
const EBADF: i32 = 8
const EFAULT: i32 = 21
const EINVAL: i32 = 28
const EIO: i32 = 29
const ESPIPE: i32 = 70
const ENOTCAPABLE: i32 = 76

/** The host id for a WASI import, -1 when bare metal lacks it, -2 when its signature is wrong. */
export function wasiImport (name: string, sig: string): i32 {
  const i = NAMES.indexOf(name)
  if (i < 0) return -1
  if (SIGS[i] != sig) return -2
  return WASI_BASE + i
}

function digestOf (key: string): Uint8Array {
  const d = new Uint8Array(32)
  for (let i = 0; i < 32; i++) d[i] = <u8>parseInt(key.substring(i * 2, i * 2 + 2), 16)
  return d
}
const STDIO_DIGEST = digestOf(KEY_STDIO)
const TIME_DIGEST = digestOf(KEY_TIME)
const RANDOM_DIGEST = digestOf(KEY_RANDOM)

/** A `stdio.read` the guest waits for in fd_read: the message and where the bytes go. */
class PendingRead {
  id: f64
  iovs: u32
  count: u32
  nreadPtr: u32
  constructor (id: f64, iovs: u32, count: u32, nreadPtr: u32) { this.id = id; this.iovs = iovs; this.count = count; this.nreadPtr = nreadPtr }
}
const reads = new Map<f64, PendingRead>()

/** Whether the guest waits in fd_read (the scheduler then completes the call with wasiResume). */
export function wasiPending (g: Guest): bool {
  return reads.has(g.pid)
}

/** Sends a message from the guest; returns its id (when an answer is expected), 0, or -1 when refused. */
function send (g: Guest, key: string, digest: Uint8Array, w: Writer, expects: bool): f64 {
  const code = kernel.send(g.pid, key, digest, w.toBytes(), expects ? SEND_ANSWER : 0)
  const id = kernel.lastId
  drain()
  if (code != OK) return -1
  return expects ? id : 0
}

/** Takes the answer to message `id` if it has come: its status and payload, or null. */
function take (g: Guest, id: f64): Reader | null {
  const ids = new Array<f64>()
  ids.push(id)
  const size = kernel.poll(g.pid, ids, 1 << 24)
  if (size <= 0) return null
  const n = kernel.taken!
  if (n.code != OK || n.payload === null) return new Reader(new Uint8Array(0))
  return new Reader(n.payload!)
}

/** A call answered at once (time, random): its payload's reader, or null when refused or failed. */
function call (g: Guest, key: string, digest: Uint8Array, w: Writer): Reader | null {
  const id = send(g, key, digest, w, true)
  if (id <= 0) return null
  const r = take(g, id)
  if (r === null || r!.arrayHeader() == 0) return null
  return r
}

function ptr (g: Guest, p: u32, len: u32): usize {
  return g.inst.memoryPtr(p, len)
}

/** The guest's arguments as WASI gives them: its name first, then boot.cfg's (or its spawner's) arguments. */
function argList (g: Guest): Array<string> {
  const a = new Array<string>()
  a.push(g.config.name)
  for (let i = 0; i < g.config.args.length; i++) a.push(g.config.args[i])
  return a
}

function argsSizes (g: Guest, countPtr: u32, sizePtr: u32, list: Array<string>): i32 {
  const pc = ptr(g, countPtr, 4)
  const ps = ptr(g, sizePtr, 4)
  if (pc == 0 || ps == 0) return EFAULT
  let size = 0
  for (let i = 0; i < list.length; i++) size += String.UTF8.byteLength(list[i]) + 1
  store<u32>(pc, list.length)
  store<u32>(ps, size)
  return ESUCCESS
}

function argsGet (g: Guest, vecPtr: u32, bufPtr: u32, list: Array<string>): i32 {
  let off = bufPtr
  for (let i = 0; i < list.length; i++) {
    const s = String.UTF8.encode(list[i], true)
    const pv = ptr(g, vecPtr + <u32>i * 4, 4)
    const pb = ptr(g, off, <u32>s.byteLength)
    if (pv == 0 || pb == 0) return EFAULT
    store<u32>(pv, off)
    memory.copy(pb, changetype<usize>(s), s.byteLength)
    off += <u32>s.byteLength
  }
  return ESUCCESS
}

/** The bytes of `count` iovecs at `iovs`, joined; null when one is out of bounds. */
function gather (g: Guest, iovs: u32, count: u32): Uint8Array | null {
  if (count > 1024) return null
  let total: u32 = 0
  for (let i: u32 = 0; i < count; i++) {
    const p = ptr(g, iovs + i * 8, 8)
    if (p == 0) return null
    total += load<u32>(p + 4)
  }
  if (total > 1 << 20) return null
  const out = new Uint8Array(<i32>total)
  let off = 0
  for (let i: u32 = 0; i < count; i++) {
    const p = ptr(g, iovs + i * 8, 8)
    const base = load<u32>(p)
    const len = load<u32>(p + 4)
    const src = ptr(g, base, len)
    if (src == 0 && len > 0) return null
    memory.copy(out.dataStart + <usize>off, src, len)
    off += <i32>len
  }
  return out
}

function fdWrite (g: Guest, fd: u32, iovs: u32, count: u32, nwrittenPtr: u32): i32 {
  if (fd != 1 && fd != 2) return EBADF
  const data = gather(g, iovs, count)
  const pn = ptr(g, nwrittenPtr, 4)
  if (data === null || pn == 0) return EFAULT
  if (data!.length > 0) {
    const w = new Writer(16 + data!.length)
    w.arrayHeader(3)
    w.u32(0)
    w.u8(<u8>fd)
    w.bin(data!)
    if (send(g, KEY_STDIO, STDIO_DIGEST, w, false) < 0) return EIO
  }
  store<u32>(pn, data!.length)
  return ESUCCESS
}

function fdRead (g: Guest, fd: u32, iovs: u32, count: u32, nreadPtr: u32): i32 {
  if (fd != 0) return EBADF
  if (count > 1024 || ptr(g, nreadPtr, 4) == 0) return EFAULT
  let room: u32 = 0
  for (let i: u32 = 0; i < count; i++) {
    const p = ptr(g, iovs + i * 8, 8)
    if (p == 0) return EFAULT
    room += load<u32>(p + 4)
  }
  if (room == 0) { store<u32>(ptr(g, nreadPtr, 4), 0); return ESUCCESS }
  const w = new Writer(16)
  w.arrayHeader(2)
  w.u32(1)
  w.u32(room > 65536 ? 65536 : room)
  const id = send(g, KEY_STDIO, STDIO_DIGEST, w, true)
  if (id <= 0) return EIO
  reads.set(g.pid, new PendingRead(id, iovs, count, nreadPtr))
  const r = wasiResume(g)
  if (r >= 0) return r
  g.waitIds = new Array<f64>()
  g.waitIds.push(id)
  return WASI_BLOCKED
}

/** Completes a blocked fd_read: its errno, or -1 while the answer has not come. */
export function wasiResume (g: Guest): i32 {
  const pr = reads.get(g.pid)
  const r = take(g, pr.id)
  if (r === null) return -1
  reads.delete(g.pid)
  const rd = r!
  if (rd.arrayHeader() != 1) return EIO
  const data = rd.bin()
  if (rd.error) return EIO
  let off = 0
  for (let i: u32 = 0; i < pr.count && off < data.length; i++) {
    const p = ptr(g, pr.iovs + i * 8, 8)
    if (p == 0) return EFAULT
    const base = load<u32>(p)
    const len = min<i32>(<i32>load<u32>(p + 4), data.length - off)
    const dst = ptr(g, base, <u32>len)
    if (dst == 0 && len > 0) return EFAULT
    memory.copy(dst, data.dataStart + <usize>off, <usize>len)
    off += len
  }
  store<u32>(ptr(g, pr.nreadPtr, 4), <u32>off)
  return ESUCCESS
}

function clockTime (g: Guest, clock: u32, outPtr: u32): i32 {
  const p = ptr(g, outPtr, 8)
  if (p == 0) return EFAULT
  if (clock > 3) return EINVAL
  const w = new Writer(8)
  w.arrayHeader(1)
  w.u32(clock == 0 ? 0 : 1) // realtime: time.now; the others: time.monotonic
  const r = call(g, KEY_TIME, TIME_DIGEST, w)
  if (r === null) return ENOTCAPABLE
  const ms = r!.f64()
  if (r!.error) return EIO
  store<u64>(p, <u64>(ms * 1e6))
  return ESUCCESS
}

function randomGet (g: Guest, bufPtr: u32, len: u32): i32 {
  let off: u32 = 0
  while (off < len) {
    const n = len - off > 4096 ? 4096 : len - off
    const w = new Writer(8)
    w.arrayHeader(2)
    w.u32(0)
    w.u32(n)
    const r = call(g, KEY_RANDOM, RANDOM_DIGEST, w)
    if (r === null) return ENOTCAPABLE
    const data = r!.bin()
    if (r!.error || <u32>data.length != n) return EIO
    const p = ptr(g, bufPtr + off, n)
    if (p == 0) return EFAULT
    memory.copy(p, data.dataStart, n)
    off += n
  }
  return ESUCCESS
}

function fdstat (g: Guest, fd: u32, outPtr: u32): i32 {
  if (fd > 2) return EBADF
  const p = ptr(g, outPtr, 24)
  if (p == 0) return EFAULT
  memory.fill(p, 0, 24)
  store<u8>(p, 2) // character device
  // Rights: fd_read (bit 1) for stdin, fd_write (bit 6) for stdout and stderr.
  store<u64>(p + 8, fd == 0 ? 2 : 64)
  return ESUCCESS
}

/** Carries out WASI call `id` for the guest: an errno, WASI_BLOCKED or WASI_EXITED. */
export function wasiCall (g: Guest, id: i32): i32 {
  const th = g.thread
  const a0 = <u32>th.hostArg(0)
  const fn = id - WASI_BASE
  if (fn == PROC_EXIT) {
    endGuest(g, <i32>a0, a0 != 0 ? 'exited with status ' + a0.toString() : '')
    return WASI_EXITED
  }
  if (fn == SCHED_YIELD) return ESUCCESS
  const a1 = <u32>th.hostArg(1)
  if (fn == ARGS_SIZES_GET) return argsSizes(g, a0, a1, argList(g))
  if (fn == ARGS_GET) return argsGet(g, a0, a1, argList(g))
  if (fn == ENVIRON_SIZES_GET) return argsSizes(g, a0, a1, new Array<string>())
  if (fn == ENVIRON_GET) return ESUCCESS
  if (fn == CLOCK_RES_GET) {
    const p = ptr(g, a1, 8)
    if (p == 0) return EFAULT
    store<u64>(p, 1000000) // the timer ticks every millisecond
    return ESUCCESS
  }
  if (fn == CLOCK_TIME_GET) return clockTime(g, a0, <u32>th.hostArg(2))
  if (fn == RANDOM_GET) return randomGet(g, a0, a1)
  if (fn == FD_FDSTAT_GET) return fdstat(g, a0, a1)
  if (fn == FD_SEEK) return a0 <= 2 ? ESPIPE : EBADF
  if (fn == FD_CLOSE) return a0 <= 2 ? ESUCCESS : EBADF
  if (fn == FD_PRESTAT_GET || fn == FD_PRESTAT_DIR_NAME) return EBADF
  const a2 = <u32>th.hostArg(2)
  const a3 = <u32>th.hostArg(3)
  if (fn == FD_WRITE) return fdWrite(g, a0, a1, a2, a3)
  if (fn == FD_READ) return fdRead(g, a0, a1, a2, a3)
  return EINVAL
}
