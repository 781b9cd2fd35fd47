// The `wasi_snapshot_preview1` imports of one process. Which calls go where (see README.md):
// standard I/O as messages to the kernel's stdio interface, sockets as messages to the tcp
// interface (both sent as the process, through link.ts), files and paths on the host under the
// preopens (files.ts, after the process was granted `fs`), clocks, random and arguments here.
// Calls that may wait (reads of stdin and sockets, poll_oneoff, sock_accept, sched_yield) are
// JSPI-suspending imports: the program is a pending promise meanwhile and the kernel runs on.
// Every import turns a bad pointer into EFAULT and a host error into its errno, never a throw,
// except proc_exit and proc_raise, which end the process.
import { getRandomValues } from 'node:crypto'
import { stdio } from '../interfaces/gen/stdio.ts'
import { tcp } from '../interfaces/gen/tcp.ts'
import { ExitSignal } from '../kernel/node/host.ts'
import {
  CLOCK, E, errnoOf, EVENT_FD_READWRITE_HANGUP, EVENTTYPE, FDFLAGS, PREOPENTYPE_DIR, R, RIFLAGS,
  SDFLAGS, SIZE, SUBCLOCK_ABSTIME, RIGHTS_SOCKET
} from './constants.ts'
import { filetypeOf, Incoming } from './fds.ts'
import type { ConnFd, Entry, FdTable, ListenerFd } from './fds.ts'
import { Files } from './files.ts'
import type { ProcLink } from './link.ts'
import { Fault, Mem } from './memory.ts'

export interface WasiContext {
  args: string[]
  env: Array<[string, string]>
  table: FdTable
  mem: Mem
  link: ProcLink
  /** Where unexpected failures inside an import are reported. */
  onInternalError: (call: string, err: unknown) => void
  /** The process waits in a call (so that waiting is not charged as CPU time), then runs again. */
  blocked?: () => void
  resumed?: () => void
  /** Wraps each import (as `--record` does, to record every call and what it wrote). */
  tap?: (call: string, fn: AsyncFn) => AsyncFn
}

const MAX_STDIN_READ = 64 * 1024
const MAX_SOCKET_READ = 1024 * 1024

type Fn = (...args: Array<number | bigint>) => number
type AsyncFn = (...args: Array<number | bigint>) => number | Promise<number>

/** Strings as NUL-terminated UTF-8, for args_get and environ_get. */
function cstrings (list: string[]): Uint8Array[] {
  const enc = new TextEncoder()
  return list.map((s) => { const b = enc.encode(s); const out = new Uint8Array(b.length + 1); out.set(b); return out })
}

/** Wall-clock nanoseconds with the resolution of the monotonic clock (one anchor at start). */
const anchor = BigInt(Date.now()) * 1_000_000n - process.hrtime.bigint()
const realtime = (): bigint => anchor + process.hrtime.bigint()

function now (id: number): bigint | null {
  switch (id) {
    case CLOCK.REALTIME: return realtime()
    case CLOCK.MONOTONIC: return process.hrtime.bigint()
    case CLOCK.PROCESS_CPUTIME: case CLOCK.THREAD_CPUTIME: {
      const u = process.cpuUsage()
      return BigInt(u.user + u.system) * 1000n
    }
    default: return null
  }
}

export function wasiImports (ctx: WasiContext): Record<string, WebAssembly.ImportValue> {
  const { mem, table, link } = ctx
  const files = new Files(table, mem)
  const args = cstrings(ctx.args)
  const env = cstrings(ctx.env.map(([k, v]) => `${k}=${v}`))

  const fail = (name: string, err: unknown): number => {
    if (err instanceof ExitSignal) throw err
    if (err instanceof Fault) return E.FAULT
    if (typeof (err as { code?: unknown } | null)?.code !== 'string') ctx.onInternalError(name, err)
    return errnoOf(err)
  }
  /** i32 arguments arrive signed: every WASI i32 is unsigned, so make them so; i64s stay as given. */
  const unsigned = (a: Array<number | bigint>): Array<number | bigint> => a.map((x) => typeof x === 'number' ? x >>> 0 : x)
  const tapped = <F extends AsyncFn>(name: string, fn: F): F => ctx.tap === undefined ? fn : ctx.tap(name, fn) as F
  const sync = (name: string, fn: Fn): Fn => tapped(name, (...a) => {
    try { return fn(...unsigned(a)) } catch (err) { return fail(name, err) }
  })
  /**
   * A JSPI-suspending import: the program is suspended only when `fn` returns a promise (a read
   * that must wait); a call answered at once (a file read) returns its number without suspending.
   */
  const suspending = (name: string, fn: AsyncFn): WebAssembly.ImportValue => new WebAssembly.Suspending(tapped(name, (...a: Array<number | bigint>): number | Promise<number> => {
    let r: number | Promise<number>
    try { r = fn(...unsigned(a)) } catch (err) { return fail(name, err) }
    if (typeof r === 'number') return r
    link.refresh()
    ctx.blocked?.()
    return r.then(
      (n) => { ctx.resumed?.(); return n },
      (err: unknown) => { ctx.resumed?.(); return fail(name, err) })
  })) as unknown as WebAssembly.ImportValue
  const u64 = (x: number | bigint): bigint => BigInt.asUintN(64, BigInt(x))

  // ---- streams: standard input and connections read ahead into `Incoming`

  const readStdin = async (): Promise<{ data: Uint8Array } | { errno: number }> => {
    const r = await link.call(stdio.key, stdio.digest, stdio.encode({ name: 'read', max: MAX_STDIN_READ }))
    if (r.status !== 0) return { errno: E.IO }
    return { data: stdio.decodeAnswer('read', r.payload).data }
  }
  const readConn = (c: ConnFd) => async (): Promise<{ data: Uint8Array } | { errno: number }> => {
    const r = await link.call(tcp.key, tcp.digest, tcp.encode({ name: 'read', handle: c.handle, max: MAX_SOCKET_READ }))
    if (r.status === tcp.error('reset')) return { errno: E.CONNRESET }
    if (r.status === tcp.error('closed')) return { data: new Uint8Array(0) }
    if (r.status !== 0) return { errno: E.IO }
    return { data: tcp.decodeAnswer('read', r.payload).data }
  }
  const acceptAhead = (l: ListenerFd): Promise<void> => {
    l.pending ??= link.call(tcp.key, tcp.digest, tcp.encode({ name: 'accept', listener: l.handle })).then((r) => {
      l.pending = null
      if (r.status !== 0) l.accepted.push({ errno: r.status === 1 ? E.ACCES : E.CONNABORTED })
      else l.accepted.push({ handle: tcp.decodeAnswer('accept', r.payload).handle })
    })
    return l.pending
  }
  /** Fills iovecs from an Incoming, waiting unless non-blocking; resolves with the bytes placed. */
  const readIncoming = async (inc: Incoming, read: () => Promise<{ data: Uint8Array } | { errno: number }>, nonblock: boolean, iovs: number, count: number, peek = false): Promise<number> => {
    const cap = mem.capacity(iovs, count)
    if (cap === 0) return 0
    if (!inc.ready) {
      const p = inc.start(read)
      if (nonblock) return -E.AGAIN
      await p
    }
    if (inc.data.length === 0) {
      if (inc.error !== 0) { const e = inc.error; inc.error = 0; return -e }
      return 0
    }
    return mem.scatter(iovs, count, inc.take(cap, peek))
  }
  // Each write to stdout or stderr waits for its answer (the stream took it): the program cannot
  // end, and the run exit, with output still queued behind it.
  const writeStdio = async (n: number, data: Uint8Array): Promise<number> => {
    if (data.length === 0) return 0
    const r = await link.call(stdio.key, stdio.digest, stdio.encode({ name: 'write', fd: n, data }))
    if (r.status !== 0) return -(r.status === stdio.error('bad_fd') ? E.BADF : E.IO)
    return data.length
  }
  const writeConn = async (c: ConnFd, data: Uint8Array): Promise<number> => {
    if (c.shutWrite) return -E.PIPE
    if (data.length === 0) return 0
    const r = await link.call(tcp.key, tcp.digest, tcp.encode({ name: 'write', handle: c.handle, data }))
    if (r.status === tcp.error('reset')) return -E.CONNRESET
    if (r.status !== 0) return -E.PIPE
    return tcp.decodeAnswer('write', r.payload).written
  }
  /** Puts a byte count, or returns the errno a negative result stands for. */
  const done = (n: number, outPtr: number): number => {
    if (n < 0) return -n
    mem.setU32(outPtr, n)
    return E.SUCCESS
  }
  const closeSocket = (e: Entry): void => {
    if (e.kind === 'conn' || e.kind === 'listener') link.call(tcp.key, tcp.digest, tcp.encode({ name: 'close', handle: e.handle }))
  }

  // ---- poll_oneoff

  interface Sub { userdata: bigint, type: number, fd: number, deadline: bigint | null, clock: number }
  const pollOneoff = async (inPtr: number, outPtr: number, nsubs: number, neventsPtr: number): Promise<number> => {
    if (nsubs === 0) return E.INVAL
    mem.check(inPtr, nsubs * SIZE.SUBSCRIPTION)
    mem.check(outPtr, nsubs * SIZE.EVENT)
    mem.check(neventsPtr, 4)
    const subs: Sub[] = []
    for (let i = 0; i < nsubs; i++) {
      const p = inPtr + i * SIZE.SUBSCRIPTION
      const userdata = mem.u64At(p)
      const type = mem.u8At(p + 8)
      if (type === EVENTTYPE.CLOCK) {
        const clock = mem.u32At(p + 16)
        const timeout = mem.u64At(p + 24)
        const flags = mem.u16At(p + 40)
        const t = now(clock)
        if (t === null) { subs.push({ userdata, type, fd: 0, deadline: null, clock: -1 }); continue }
        const mono = process.hrtime.bigint()
        const rel = (flags & SUBCLOCK_ABSTIME) !== 0 ? timeout - t : timeout
        subs.push({ userdata, type, fd: 0, deadline: mono + (rel > 0n ? rel : 0n), clock })
      } else if (type === EVENTTYPE.FD_READ || type === EVENTTYPE.FD_WRITE) {
        subs.push({ userdata, type, fd: mem.u32At(p + 16), deadline: null, clock: 0 })
      } else {
        return E.INVAL
      }
    }
    for (;;) {
      const events: Array<{ userdata: bigint, error: number, type: number, nbytes: bigint, flags: number }> = []
      const waits: Array<Promise<unknown>> = []
      let soonest: bigint | null = null
      const mono = process.hrtime.bigint()
      for (const s of subs) {
        if (s.type === EVENTTYPE.CLOCK) {
          if (s.deadline === null) { events.push({ userdata: s.userdata, error: E.INVAL, type: s.type, nbytes: 0n, flags: 0 }); continue }
          if (s.deadline <= mono) events.push({ userdata: s.userdata, error: 0, type: s.type, nbytes: 0n, flags: 0 })
          else if (soonest === null || s.deadline < soonest) soonest = s.deadline
          continue
        }
        const e = table.get(s.fd)
        const ev = (error: number, nbytes = 0n, flags = 0): void => { events.push({ userdata: s.userdata, error, type: s.type, nbytes, flags }) }
        if (e === undefined) { ev(E.BADF); continue }
        if ((e.rights & R.POLL_FD_READWRITE) === 0n && e.kind !== 'stdio') { ev(E.NOTCAPABLE); continue }
        if (s.type === EVENTTYPE.FD_WRITE) {
          if (e.kind === 'dir' || e.kind === 'listener' || (e.kind === 'stdio' && e.n === 0)) ev(E.BADF)
          else ev(0)
          continue
        }
        if (e.kind === 'file') {
          const size = BigInt(fstatSizeOf(e.fd))
          ev(0, size > BigInt(e.position) ? size - BigInt(e.position) : 0n)
        } else if (e.kind === 'stdio' && e.n === 0) {
          const inc = e.incoming ??= new Incoming()
          if (inc.ready) ev(0, BigInt(inc.data.length), inc.eof ? EVENT_FD_READWRITE_HANGUP : 0)
          else waits.push(inc.start(readStdin))
        } else if (e.kind === 'conn') {
          if (e.incoming.ready || e.shutRead) ev(0, BigInt(e.incoming.data.length), e.incoming.eof || e.shutRead ? EVENT_FD_READWRITE_HANGUP : 0)
          else waits.push(e.incoming.start(readConn(e)))
        } else if (e.kind === 'listener') {
          if (e.accepted.length > 0) ev(0, 1n)
          else waits.push(acceptAhead(e))
        } else {
          ev(E.BADF)
        }
      }
      if (events.length > 0) {
        const n = Math.min(events.length, nsubs)
        for (let i = 0; i < n; i++) {
          const p = outPtr + i * SIZE.EVENT
          const ev = events[i]
          mem.u8.fill(0, p, p + SIZE.EVENT)
          mem.setU64(p, ev.userdata)
          mem.setU16(p + 8, ev.error)
          mem.setU8(p + 10, ev.type)
          mem.setU64(p + 16, ev.nbytes)
          mem.setU16(p + 24, ev.flags)
        }
        mem.setU32(neventsPtr, n)
        return E.SUCCESS
      }
      let timer: NodeJS.Timeout | undefined
      if (soonest !== null) {
        const ms = Number((soonest - process.hrtime.bigint()) / 1_000_000n)
        waits.push(new Promise<void>((resolve) => { timer = setTimeout(resolve, Math.max(0, ms)) }))
      }
      if (waits.length === 0) return E.INVAL
      await Promise.race(waits)
      if (timer !== undefined) clearTimeout(timer)
      // A timer can fire a little early against hrtime: wait out the remainder without spinning.
      if (soonest !== null && process.hrtime.bigint() < soonest && waits.length === 1) {
        const left = Number(soonest - process.hrtime.bigint())
        if (left > 0) await new Promise<void>((resolve) => setTimeout(resolve, Math.ceil(left / 1e6)))
      }
    }
  }

  const fstatSizeOf = (fd: number): number => {
    try { return Number(process.getBuiltinModule('node:fs').fstatSync(fd).size) } catch { return 0 }
  }

  /** `args_sizes_get` / `environ_sizes_get`: how many C strings, and their bytes with the NULs. */
  const listSizes = (list: Uint8Array[], countPtr: number, sizePtr: number): number => {
    mem.setU32(countPtr, list.length)
    mem.setU32(sizePtr, list.reduce((n, a) => n + a.length, 0))
    return E.SUCCESS
  }
  /** `args_get` / `environ_get`: the strings at `buf`, a pointer to each at `ptrs`. */
  const listWrite = (list: Uint8Array[], ptrs: number, buf: number): number => {
    let at = buf
    mem.check(ptrs, list.length * 4)
    for (let i = 0; i < list.length; i++) {
      mem.setU32(ptrs + i * 4, at)
      mem.write(at, list[i])
      at += list[i].length
    }
    return E.SUCCESS
  }

  const imports: Record<string, Fn | WebAssembly.ImportValue> = {
    args_sizes_get: sync('args_sizes_get', (countPtr, sizePtr) => listSizes(args, countPtr as number, sizePtr as number)),
    args_get: sync('args_get', (argv, buf) => listWrite(args, argv as number, buf as number)),
    environ_sizes_get: sync('environ_sizes_get', (countPtr, sizePtr) => listSizes(env, countPtr as number, sizePtr as number)),
    environ_get: sync('environ_get', (environ, buf) => listWrite(env, environ as number, buf as number)),
    clock_res_get: sync('clock_res_get', (id, outPtr) => {
      if (now(id as number) === null) return E.INVAL
      mem.setU64(outPtr as number, id === CLOCK.PROCESS_CPUTIME || id === CLOCK.THREAD_CPUTIME ? 1000n : 1n)
      return E.SUCCESS
    }),
    clock_time_get: sync('clock_time_get', (id, _precision, outPtr) => {
      const t = now(id as number)
      if (t === null) return E.INVAL
      mem.setU64(outPtr as number, t)
      return E.SUCCESS
    }),
    random_get: sync('random_get', (buf, len) => {
      mem.check(buf as number, len as number)
      const u8 = mem.u8
      for (let at = 0; at < (len as number); at += 65536) {
        getRandomValues(u8.subarray((buf as number) + at, (buf as number) + Math.min(len as number, at + 65536)))
      }
      return E.SUCCESS
    }),
    sched_yield: suspending('sched_yield', async () => {
      await new Promise<void>((resolve) => setImmediate(resolve))
      return E.SUCCESS
    }),
    proc_exit: tapped('proc_exit', (code: number | bigint): never => { throw new ExitSignal(Number(code) >>> 0) }),
    proc_raise: sync('proc_raise', (sig) => {
      if ((sig as number) > 30) return E.INVAL
      if (sig === 0) return E.SUCCESS
      throw new ExitSignal(128 + (sig as number))
    }),

    fd_read: suspending('fd_read', (fd, iovs, count, outPtr) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if ((e.rights & R.FD_READ) === 0n) return e.kind === 'dir' ? E.ISDIR : E.NOTCAPABLE
      mem.check(outPtr as number, 4)
      if (e.kind === 'file') return done(files.read(e, iovs as number, count as number, null), outPtr as number)
      if (e.kind === 'stdio') {
        if (e.n !== 0) return E.BADF
        const inc = e.incoming ??= new Incoming()
        return readIncoming(inc, readStdin, (e.flags & FDFLAGS.NONBLOCK) !== 0, iovs as number, count as number).then((n) => done(n, outPtr as number))
      }
      if (e.kind === 'conn') {
        if (e.shutRead) return done(0, outPtr as number)
        return readIncoming(e.incoming, readConn(e), (e.flags & FDFLAGS.NONBLOCK) !== 0, iovs as number, count as number).then((n) => done(n, outPtr as number))
      }
      return E.BADF
    }),
    fd_pread: sync('fd_pread', (fd, iovs, count, offset, outPtr) => {
      const f = files.fileOf(fd as number, R.FD_READ | R.FD_SEEK)
      if (typeof f === 'number') return f
      mem.check(outPtr as number, 4)
      if (u64(offset) > BigInt(Number.MAX_SAFE_INTEGER)) return E.INVAL
      return done(files.read(f, iovs as number, count as number, Number(u64(offset))), outPtr as number)
    }),
    fd_write: suspending('fd_write', (fd, iovs, count, outPtr) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if ((e.rights & R.FD_WRITE) === 0n) return e.kind === 'dir' ? E.ISDIR : E.NOTCAPABLE
      mem.check(outPtr as number, 4)
      if (e.kind === 'file') return done(files.write(e, iovs as number, count as number, null), outPtr as number)
      if (e.kind === 'stdio') {
        if (e.n === 0) return E.BADF
        return writeStdio(e.n, mem.gather(iovs as number, count as number)).then((n) => done(n, outPtr as number))
      }
      if (e.kind === 'conn') return writeConn(e, mem.gather(iovs as number, count as number)).then((n) => done(n, outPtr as number))
      return E.BADF
    }),
    fd_pwrite: sync('fd_pwrite', (fd, iovs, count, offset, outPtr) => {
      const f = files.fileOf(fd as number, R.FD_WRITE | R.FD_SEEK)
      if (typeof f === 'number') return f
      mem.check(outPtr as number, 4)
      if (u64(offset) > BigInt(Number.MAX_SAFE_INTEGER)) return E.INVAL
      return done(files.write(f, iovs as number, count as number, Number(u64(offset))), outPtr as number)
    }),
    fd_seek: sync('fd_seek', (fd, offset, whence, outPtr) => files.seek(fd as number, BigInt.asIntN(64, BigInt(offset)), whence as number, outPtr as number)),
    fd_tell: sync('fd_tell', (fd, outPtr) => files.tell(fd as number, outPtr as number)),
    fd_sync: sync('fd_sync', (fd) => files.sync(fd as number, false)),
    fd_datasync: sync('fd_datasync', (fd) => files.sync(fd as number, true)),
    fd_advise: sync('fd_advise', (fd, offset, len, advice) => files.advise(fd as number, u64(offset), u64(len), advice as number)),
    fd_allocate: sync('fd_allocate', (fd, offset, len) => files.allocate(fd as number, u64(offset), u64(len))),
    fd_close: sync('fd_close', (fd) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      closeSocket(e)
      return files.close(fd as number)
    }),
    fd_fdstat_get: sync('fd_fdstat_get', (fd, outPtr) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      const p = outPtr as number
      mem.check(p, SIZE.FDSTAT)
      mem.u8.fill(0, p, p + SIZE.FDSTAT)
      mem.setU8(p, filetypeOf(e))
      mem.setU16(p + 2, e.flags)
      mem.setU64(p + 8, e.rights)
      mem.setU64(p + 16, e.inheriting)
      return E.SUCCESS
    }),
    fd_fdstat_set_flags: sync('fd_fdstat_set_flags', (fd, flags) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if ((e.rights & R.FD_FDSTAT_SET_FLAGS) === 0n) return E.NOTCAPABLE
      if (((flags as number) & ~31) !== 0) return E.INVAL
      // Only append and nonblock change after opening (as on Linux); the sync flags stay as opened.
      const changeable = FDFLAGS.APPEND | FDFLAGS.NONBLOCK
      e.flags = (e.flags & ~changeable) | ((flags as number) & changeable)
      return E.SUCCESS
    }),
    fd_fdstat_set_rights: sync('fd_fdstat_set_rights', (fd, base, inheriting) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      const b = u64(base)
      const i = u64(inheriting)
      if ((b & ~e.rights) !== 0n || (i & ~e.inheriting) !== 0n) return E.NOTCAPABLE
      e.rights = b
      e.inheriting = i
      return E.SUCCESS
    }),
    fd_filestat_get: sync('fd_filestat_get', (fd, outPtr) => files.filestatGet(fd as number, outPtr as number)),
    fd_filestat_set_size: sync('fd_filestat_set_size', (fd, size) => files.setSize(fd as number, u64(size))),
    fd_filestat_set_times: sync('fd_filestat_set_times', (fd, atim, mtim, flags) => files.setTimes(fd as number, u64(atim), u64(mtim), flags as number)),
    fd_prestat_get: sync('fd_prestat_get', (fd, outPtr) => {
      const e = table.get(fd as number)
      if (e === undefined || e.kind !== 'dir' || e.preopen === null) return E.BADF
      mem.check(outPtr as number, SIZE.PRESTAT)
      mem.setU32(outPtr as number, PREOPENTYPE_DIR)
      mem.setU32((outPtr as number) + 4, Buffer.byteLength(e.preopen))
      return E.SUCCESS
    }),
    fd_prestat_dir_name: sync('fd_prestat_dir_name', (fd, ptr, len) => {
      const e = table.get(fd as number)
      if (e === undefined || e.kind !== 'dir' || e.preopen === null) return E.BADF
      const name = Buffer.from(e.preopen)
      if ((len as number) < name.length) return E.NAMETOOLONG
      mem.write(ptr as number, name)
      return E.SUCCESS
    }),
    fd_readdir: sync('fd_readdir', (fd, buf, len, cookie, outPtr) => files.readdir(fd as number, buf as number, len as number, u64(cookie), outPtr as number)),
    fd_renumber: sync('fd_renumber', (from, to) => {
      const a = table.get(from as number)
      const b = table.get(to as number)
      if (a === undefined || b === undefined) return E.BADF
      if (from === to) return E.SUCCESS
      closeSocket(b)
      files.close(to as number)
      table.delete(from as number)
      table.set(to as number, a)
      return E.SUCCESS
    }),

    path_open: sync('path_open', (dirfd, lookup, path, pathLen, oflags, base, inheriting, fdflags, outPtr) =>
      files.pathOpen(dirfd as number, lookup as number, path as number, pathLen as number, oflags as number, u64(base), u64(inheriting), fdflags as number, outPtr as number)),
    path_filestat_get: sync('path_filestat_get', (fd, flags, path, len, outPtr) => files.pathFilestatGet(fd as number, flags as number, path as number, len as number, outPtr as number)),
    path_filestat_set_times: sync('path_filestat_set_times', (fd, flags, path, len, atim, mtim, fst) =>
      files.pathSetTimes(fd as number, flags as number, path as number, len as number, u64(atim), u64(mtim), fst as number)),
    path_create_directory: sync('path_create_directory', (fd, path, len) => files.mkdir(fd as number, path as number, len as number)),
    path_remove_directory: sync('path_remove_directory', (fd, path, len) => files.rmdir(fd as number, path as number, len as number)),
    path_unlink_file: sync('path_unlink_file', (fd, path, len) => files.unlink(fd as number, path as number, len as number)),
    path_rename: sync('path_rename', (fd, path, len, fd2, path2, len2) => files.rename(fd as number, path as number, len as number, fd2 as number, path2 as number, len2 as number)),
    path_link: sync('path_link', (fd, flags, path, len, fd2, path2, len2) => files.link(fd as number, flags as number, path as number, len as number, fd2 as number, path2 as number, len2 as number)),
    path_symlink: sync('path_symlink', (target, targetLen, fd, path, len) => files.symlink(target as number, targetLen as number, fd as number, path as number, len as number)),
    path_readlink: sync('path_readlink', (fd, path, len, buf, bufLen, outPtr) => files.readlink(fd as number, path as number, len as number, buf as number, bufLen as number, outPtr as number)),

    poll_oneoff: suspending('poll_oneoff', async (inPtr, outPtr, nsubs, neventsPtr) => await pollOneoff(inPtr as number, outPtr as number, nsubs as number, neventsPtr as number)),

    sock_accept: suspending('sock_accept', async (fd, flags, outPtr) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if (e.kind !== 'listener') return e.kind === 'conn' ? E.INVAL : E.NOTSOCK
      if ((e.rights & R.SOCK_ACCEPT) === 0n) return E.NOTCAPABLE
      if (((flags as number) & ~FDFLAGS.NONBLOCK) !== 0) return E.INVAL
      mem.check(outPtr as number, 4)
      if (e.accepted.length === 0) {
        const p = acceptAhead(e)
        if ((e.flags & FDFLAGS.NONBLOCK) !== 0) return E.AGAIN
        await p
      }
      const got = e.accepted.shift()!
      if ('errno' in got) return got.errno
      const conn: ConnFd = {
        kind: 'conn',
        handle: got.handle,
        incoming: new Incoming(),
        shutRead: false,
        shutWrite: false,
        flags: flags as number,
        rights: RIGHTS_SOCKET & ~R.SOCK_ACCEPT,
        inheriting: 0n
      }
      mem.setU32(outPtr as number, table.add(conn))
      return E.SUCCESS
    }),
    sock_recv: suspending('sock_recv', async (fd, iovs, count, riflags, outLen, outFlags) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if (e.kind !== 'conn') return e.kind === 'listener' ? E.NOTCONN : E.NOTSOCK
      if (((riflags as number) & ~(RIFLAGS.PEEK | RIFLAGS.WAITALL)) !== 0) return E.INVAL
      mem.check(outLen as number, 4)
      mem.check(outFlags as number, 2)
      mem.setU16(outFlags as number, 0)
      if (e.shutRead) return done(0, outLen as number)
      const nonblock = (e.flags & FDFLAGS.NONBLOCK) !== 0
      const peek = ((riflags as number) & RIFLAGS.PEEK) !== 0
      if (((riflags as number) & RIFLAGS.WAITALL) === 0 || peek) {
        return done(await readIncoming(e.incoming, readConn(e), nonblock, iovs as number, count as number, peek), outLen as number)
      }
      // Wait for all: fill the buffers until they are full or the stream ends.
      const cap = mem.capacity(iovs as number, count as number)
      while (e.incoming.data.length < cap && !e.incoming.eof && e.incoming.error === 0) await e.incoming.start(readConn(e))
      return done(await readIncoming(e.incoming, readConn(e), nonblock, iovs as number, count as number), outLen as number)
    }),
    sock_send: suspending('sock_send', async (fd, iovs, count, siflags, outLen) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if (e.kind !== 'conn') return e.kind === 'listener' ? E.NOTCONN : E.NOTSOCK
      if (siflags !== 0) return E.INVAL
      mem.check(outLen as number, 4)
      return done(await writeConn(e, mem.gather(iovs as number, count as number)), outLen as number)
    }),
    sock_shutdown: suspending('sock_shutdown', async (fd, how) => {
      const e = table.get(fd as number)
      if (e === undefined) return E.BADF
      if (e.kind !== 'conn') return e.kind === 'listener' ? E.NOTCONN : E.NOTSOCK
      if ((e.rights & R.SOCK_SHUTDOWN) === 0n) return E.NOTCAPABLE
      if ((how as number) < 1 || (how as number) > 3) return E.INVAL
      if (((how as number) & SDFLAGS.RD) !== 0) e.shutRead = true
      if (((how as number) & SDFLAGS.WR) !== 0 && !e.shutWrite) {
        e.shutWrite = true
        const r = await link.call(tcp.key, tcp.digest, tcp.encode({ name: 'shutdown', handle: e.handle }))
        if (r.status !== 0 && r.status !== tcp.error('closed')) return E.NOTCONN
      }
      return E.SUCCESS
    })
  }
  return imports as Record<string, WebAssembly.ImportValue>
}
