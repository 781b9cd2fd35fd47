// WASI calls under `--record`: the WASI adapter (src/wasi/imports.ts) lets a tap wrap each of its
// imports; this one records each call of a process (its arguments and result) with the bytes it
// left in the program's memory, read back after the call from where that call writes (`OUT`
// below), and, for writes, the bytes the program gave. A replay (wasi-replay.ts) then needs no
// clock, file, socket or terminal: it checks each call against the recording and puts the
// recorded bytes back.
import type { RunRecorder } from './record.ts'

/** What the tap reads of a WASI program's memory. */
export interface WasiMemory { readonly u8: Uint8Array }

/** The imports' shape: i32 arguments arrive as numbers, i64 as bigints. */
export type WasiFn = (...args: Array<number | bigint>) => number | Promise<number>
export type WasiTap = (call: string, fn: WasiFn) => WasiFn

const FDSTAT = 24
const FILESTAT = 64
const PRESTAT = 8
const EVENT = 32

type Region = [number, number]
type Args = Array<number | bigint>

const u32 = (x: number | bigint): number => Number(x) >>> 0

/** An argument as the recording keeps it: i64s as numbers when exact, else as decimal text. */
export function argOf (x: number | bigint): number | string {
  if (typeof x === 'number') return x
  const n = BigInt.asIntN(64, x)
  return n >= BigInt(Number.MIN_SAFE_INTEGER) && n <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString()
}

/** Reads memory without ever throwing: out of bounds reads as 0 / nothing. */
class Reader {
  readonly u8: Uint8Array
  readonly view: DataView
  constructor (u8: Uint8Array) {
    this.u8 = u8
    this.view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength)
  }

  ok (ptr: number, len: number): boolean { return ptr >= 0 && len >= 0 && ptr + len <= this.u8.length }
  u32 (ptr: number): number { return this.ok(ptr, 4) ? this.view.getUint32(ptr, true) : 0 }

  /** The regions `n` bytes scattered over an iovec array took. */
  scattered (iovs: number, count: number, n: number): Region[] {
    const out: Region[] = []
    for (let i = 0; i < count && n > 0; i++) {
      const ptr = this.u32(iovs + i * 8)
      const len = Math.min(this.u32(iovs + i * 8 + 4), n)
      out.push([ptr, len])
      n -= len
    }
    return out
  }

  /** The bytes of an iovec array, gathered. */
  gather (iovs: number, count: number): Uint8Array {
    const parts: Uint8Array[] = []
    for (let i = 0; i < count && this.ok(iovs + i * 8, 8); i++) {
      const ptr = this.u32(iovs + i * 8)
      const len = this.u32(iovs + i * 8 + 4)
      if (this.ok(ptr, len)) parts.push(this.u8.subarray(ptr, ptr + len))
    }
    return Buffer.concat(parts)
  }
}

/** Sizes of the argument and environment lists as args_sizes_get / environ_sizes_get give them. */
export interface ListSizes { args: [number, number], env: [number, number] }

/**
 * Where each call writes, from its arguments and the memory after it: fixed out-parameters
 * whatever the result, and what depends on a count (bytes read, entries) only on success.
 */
function regionsOf (call: string, a: Args, ok: boolean, m: Reader, sizes: ListSizes): Region[] {
  const p = (i: number): number => u32(a[i])
  const read = (iovs: number, count: number, nread: number): Region[] =>
    ok ? [[p(nread), 4], ...m.scattered(p(iovs), p(count), m.u32(p(nread)))] : [[p(nread), 4]]
  switch (call) {
    case 'args_sizes_get': case 'environ_sizes_get': return [[p(0), 4], [p(1), 4]]
    case 'args_get': return ok ? [[p(0), sizes.args[0] * 4], [p(1), sizes.args[1]]] : []
    case 'environ_get': return ok ? [[p(0), sizes.env[0] * 4], [p(1), sizes.env[1]]] : []
    case 'clock_res_get': return [[p(1), 8]]
    case 'clock_time_get': return [[p(2), 8]]
    case 'random_get': return [[p(0), p(1)]]
    case 'fd_fdstat_get': return [[p(1), FDSTAT]]
    case 'fd_filestat_get': return [[p(1), FILESTAT]]
    case 'fd_prestat_get': return [[p(1), PRESTAT]]
    case 'fd_prestat_dir_name': return ok ? [[p(1), p(2)]] : []
    case 'fd_seek': return [[p(3), 8]]
    case 'fd_tell': return [[p(1), 8]]
    case 'fd_read': return read(1, 2, 3)
    case 'fd_pread': return read(1, 2, 4)
    case 'fd_write': return [[p(3), 4]]
    case 'fd_pwrite': return [[p(4), 4]]
    case 'fd_readdir': return ok ? [[p(4), 4], [p(1), Math.min(m.u32(p(4)), p(2))]] : [[p(4), 4]]
    case 'path_filestat_get': return [[p(4), FILESTAT]]
    case 'path_open': return [[p(8), 4]]
    case 'path_readlink': return ok ? [[p(5), 4], [p(3), Math.min(m.u32(p(5)), p(4))]] : [[p(5), 4]]
    case 'poll_oneoff': return ok ? [[p(3), 4], [p(1), Math.min(m.u32(p(3)), p(2)) * EVENT]] : [[p(3), 4]]
    case 'sock_accept': return [[p(2), 4]]
    case 'sock_recv': return [[p(5), 2], ...read(1, 2, 4)]
    case 'sock_send': return [[p(4), 4]]
    default: return []
  }
}

const WRITES = new Set(['fd_write', 'fd_pwrite', 'sock_send'])

/**
 * The tap of one process: each call is recorded once it returns (a call that ends the process,
 * proc_exit, as it throws).
 */
export function wasiRecordTap (recorder: RunRecorder, pid: number, mem: WasiMemory, sizes: ListSizes, stdioOf: (fd: number) => number): WasiTap {
  const record = (call: string, a: Args, result: number | null): void => {
    let m: Reader | null = null
    try { m = new Reader(mem.u8) } catch {}
    const writes: Array<[number, Uint8Array]> = []
    let data: Uint8Array | null = null
    if (m !== null) {
      for (const [ptr, len] of regionsOf(call, a, result === 0, m, sizes)) {
        if (len > 0 && m.ok(ptr, len)) writes.push([ptr, m.u8.slice(ptr, ptr + len)])
      }
      if (WRITES.has(call)) data = m.gather(u32(a[1]), u32(a[2]))
    }
    recorder.wasiCall(pid, call, a.map(argOf), result, writes, data, call === 'fd_write' ? stdioOf(u32(a[0])) : -1)
  }
  return (call, fn) => (...a) => {
    let r: number | Promise<number>
    try {
      r = fn(...a)
    } catch (err) {
      record(call, a, null)
      throw err
    }
    if (typeof r === 'number') { record(call, a, r); return r }
    return r.then((n) => { record(call, a, n); return n }, (err: unknown) => { record(call, a, null); throw err })
  }
}
