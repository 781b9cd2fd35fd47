// WASI file and path calls on the host's file system, confined to the preopened directories: every
// path is resolved by safe-path.ts from the directory handle it is relative to, and the final
// step is done on /proc/self/fd/<dir>/<name> without following links. These calls are synchronous
// (local file system calls take microseconds; the program waits for them anyway). Each returns a
// WASI errno; Node errors thrown inside are turned into errnos by the import wrapper.
import {
  closeSync, constants, fdatasyncSync, fstatSync, fsyncSync, ftruncateSync, futimesSync, linkSync, lstatSync,
  lutimesSync, mkdirSync, openSync, readdirSync, readlinkSync, readSync, renameSync, rmdirSync, symlinkSync,
  unlinkSync, utimesSync, writeSync
} from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { at, O_PATH, resolveBeneath } from '../interfaces/native/safe-path.ts'
import type { Resolved } from '../interfaces/native/safe-path.ts'
import {
  E, FDFLAGS, FILETYPE, FSTFLAGS, LOOKUP_SYMLINK_FOLLOW, OFLAGS, R, RIGHTS_DIR, RIGHTS_FILE, RIGHTS_WRITING, SIZE, WHENCE
} from './constants.ts'
import { closeHost, filetypeOf } from './fds.ts'
import type { DirFd, Entry, FdTable, FileFd } from './fds.ts'
import type { Mem } from './memory.ts'

export function filetypeOfStats (st: { isFile: () => boolean, isDirectory: () => boolean, isSymbolicLink: () => boolean, isBlockDevice: () => boolean, isCharacterDevice: () => boolean, isSocket: () => boolean }): number {
  if (st.isFile()) return FILETYPE.REGULAR_FILE
  if (st.isDirectory()) return FILETYPE.DIRECTORY
  if (st.isSymbolicLink()) return FILETYPE.SYMBOLIC_LINK
  if (st.isBlockDevice()) return FILETYPE.BLOCK_DEVICE
  if (st.isCharacterDevice()) return FILETYPE.CHARACTER_DEVICE
  if (st.isSocket()) return FILETYPE.SOCKET_STREAM
  return FILETYPE.UNKNOWN
}

/** Writes a filestat (64 bytes) at `ptr`. */
export function writeFilestat (mem: Mem, ptr: number, st: BigIntStats, filetype = filetypeOfStats(st)): void {
  mem.check(ptr, SIZE.FILESTAT)
  mem.setU64(ptr, st.dev)
  mem.setU64(ptr + 8, st.ino)
  mem.setU8(ptr + 16, filetype)
  mem.setU64(ptr + 24, st.nlink)
  mem.setU64(ptr + 32, st.size)
  mem.setU64(ptr + 40, st.atimeNs)
  mem.setU64(ptr + 48, st.mtimeNs)
  mem.setU64(ptr + 56, st.ctimeNs)
}

/** Nanoseconds to the seconds Node's utimes takes. */
const seconds = (ns: bigint): number => Number(ns) / 1e9

export class Files {
  readonly #t: FdTable
  readonly #mem: Mem

  constructor (table: FdTable, mem: Mem) {
    this.#t = table
    this.#mem = mem
  }

  /** The entry at `fd` if it holds `right`: EBADF when there is none, ENOTCAPABLE without the right. */
  entry (fd: number, right: bigint): Entry | number {
    const e = this.#t.get(fd)
    if (e === undefined) return E.BADF
    if ((e.rights & right) !== right) return E.NOTCAPABLE
    return e
  }

  #dir (fd: number, right: bigint): DirFd | number {
    const e = this.entry(fd, 0n)
    if (typeof e === 'number') return e
    if (e.kind !== 'dir') return E.NOTDIR
    if ((e.rights & right) !== right) return E.NOTCAPABLE
    return e
  }

  #file (fd: number, right: bigint): FileFd | number {
    const e = this.entry(fd, 0n)
    if (typeof e === 'number') return e
    if (e.kind === 'dir') return (e.rights & right) !== right ? E.NOTCAPABLE : E.ISDIR
    if (e.kind !== 'file') return (e.rights & right) !== right ? E.NOTCAPABLE : E.SPIPE
    if ((e.rights & right) !== right) return E.NOTCAPABLE
    return e
  }

  /** Resolves `path` under a directory fd and runs `op` on the result, releasing its handles after. */
  #at<T> (dir: DirFd, pathPtr: number, pathLen: number, follow: boolean, op: (r: Resolved) => T): T {
    const path = this.#mem.string(pathPtr, pathLen)
    if (path === '') throw Object.assign(new Error('empty path'), { code: 'ENOENT' })
    const r = resolveBeneath(dir.fd, path, follow)
    try {
      return op(r)
    } finally {
      r.release()
    }
  }

  pathOpen (dirfd: number, lookup: number, pathPtr: number, pathLen: number, oflags: number, base: bigint, inheriting: bigint, fdflags: number, outPtr: number): number {
    const dir = this.#dir(dirfd, R.PATH_OPEN)
    if (typeof dir === 'number') return dir
    if ((oflags & OFLAGS.CREAT) !== 0 && (dir.rights & R.PATH_CREATE_FILE) === 0n) return E.NOTCAPABLE
    if ((oflags & OFLAGS.TRUNC) !== 0 && (dir.rights & R.PATH_FILESTAT_SET_SIZE) === 0n) return E.NOTCAPABLE
    this.#mem.check(outPtr, 4)
    const exclusive = (oflags & (OFLAGS.CREAT | OFLAGS.EXCL)) === (OFLAGS.CREAT | OFLAGS.EXCL)
    const follow = (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0 && !exclusive
    return this.#at(dir, pathPtr, pathLen, follow, (r) => {
      const where = at(r.dir, r.name)
      let st: ReturnType<typeof lstatSync> | undefined
      try { st = lstatSync(where) } catch (err) { if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err }
      const wantDir = (oflags & OFLAGS.DIRECTORY) !== 0 || r.trailingSlash
      if (st === undefined) {
        if ((oflags & OFLAGS.CREAT) === 0) return E.NOENT
        if (wantDir) return E.INVAL
      } else {
        if (exclusive) return E.EXIST
        if (st.isSymbolicLink()) return wantDir ? E.NOTDIR : E.LOOP
        if (st.isDirectory()) {
          if ((oflags & OFLAGS.TRUNC) !== 0) return E.ISDIR
          if ((base & (R.FD_WRITE | R.FD_ALLOCATE | R.FD_FILESTAT_SET_SIZE)) !== 0n && (base & RIGHTS_FILE) !== RIGHTS_FILE && (base & R.FD_READ) === 0n) return E.ISDIR
          const fd = openSync(where, O_PATH | constants.O_DIRECTORY | constants.O_NOFOLLOW)
          const entry: DirFd = {
            kind: 'dir',
            fd,
            preopen: null,
            listing: null,
            flags: fdflags,
            rights: base & dir.inheriting & (RIGHTS_DIR | R.FD_FILESTAT_GET),
            inheriting: inheriting & dir.inheriting
          }
          this.#mem.setU32(outPtr, this.#t.add(entry))
          return E.SUCCESS
        }
        if (wantDir) return E.NOTDIR
      }
      let rights = base & dir.inheriting & RIGHTS_FILE
      let readable = (rights & R.FD_READ) !== 0n
      let writable = (rights & RIGHTS_WRITING) !== 0n || (fdflags & FDFLAGS.APPEND) !== 0 || (oflags & OFLAGS.TRUNC) !== 0
      if (!readable && !writable) readable = true
      let flags = constants.O_NOFOLLOW | constants.O_NONBLOCK
      if ((oflags & OFLAGS.CREAT) !== 0) flags |= constants.O_CREAT
      if ((oflags & OFLAGS.EXCL) !== 0) flags |= constants.O_EXCL
      if ((oflags & OFLAGS.TRUNC) !== 0) flags |= constants.O_TRUNC
      if ((fdflags & FDFLAGS.SYNC) !== 0) flags |= constants.O_SYNC
      if ((fdflags & FDFLAGS.DSYNC) !== 0) flags |= constants.O_DSYNC
      const access = (): number => readable && writable ? constants.O_RDWR : writable ? constants.O_WRONLY : constants.O_RDONLY
      let fd: number
      try {
        fd = openSync(where, flags | access(), 0o644)
      } catch (err) {
        // A program asking for every right on a file it may only read (some toolchains always do)
        // gets it read-only rather than an error, as long as it asked for nothing that writes.
        const code = (err as NodeJS.ErrnoException).code
        if ((code !== 'EACCES' && code !== 'EROFS') || !readable || !writable || (oflags & OFLAGS.TRUNC) !== 0 || (fdflags & FDFLAGS.APPEND) !== 0) throw err
        writable = false
        rights &= ~RIGHTS_WRITING & ~R.FD_WRITE
        fd = openSync(where, flags | constants.O_RDONLY, 0o644)
      }
      const fst = fstatSync(fd)
      if (fst.isDirectory()) { closeSync(fd); return E.ISDIR }
      if (!readable) rights &= ~R.FD_READ
      if (!writable) rights &= ~(R.FD_WRITE | RIGHTS_WRITING)
      const entry: FileFd = {
        kind: 'file',
        fd,
        position: 0,
        filetype: filetypeOfStats(fst),
        readable,
        writable,
        flags: fdflags,
        rights,
        inheriting: inheriting & dir.inheriting
      }
      this.#mem.setU32(outPtr, this.#t.add(entry))
      return E.SUCCESS
    })
  }

  /** fd_read / fd_pread on a file: straight into the program's memory. */
  read (f: FileFd, iovs: number, count: number, offset: number | null): number {
    const list = this.#mem.iovecs(iovs, count)
    let pos = offset ?? f.position
    let total = 0
    const u8 = this.#mem.u8
    for (const [ptr, len] of list) {
      if (len === 0) continue
      const n = readSync(f.fd, u8, ptr, len, pos)
      total += n
      pos += n
      if (n < len) break
    }
    if (offset === null) f.position = pos
    return total
  }

  /** fd_write / fd_pwrite on a file: straight from the program's memory; append writes at the end. */
  write (f: FileFd, iovs: number, count: number, offset: number | null): number {
    const list = this.#mem.iovecs(iovs, count)
    const append = offset === null && (f.flags & FDFLAGS.APPEND) !== 0
    let pos = offset ?? (append ? fstatSync(f.fd).size : f.position)
    let total = 0
    const u8 = this.#mem.u8
    for (const [ptr, len] of list) {
      let done = 0
      while (done < len) done += writeSync(f.fd, u8, ptr + done, len - done, pos + done)
      total += len
      pos += len
    }
    if (offset === null) f.position = pos
    return total
  }

  fileOf (fd: number, right: bigint): FileFd | number { return this.#file(fd, right) }

  seek (fd: number, offset: bigint, whence: number, outPtr: number): number {
    const right = offset === 0n && whence === WHENCE.CUR ? R.FD_TELL : R.FD_SEEK
    const f = this.#file(fd, right)
    if (typeof f === 'number') return f
    this.#mem.check(outPtr, 8)
    let base: number
    if (whence === WHENCE.SET) base = 0
    else if (whence === WHENCE.CUR) base = f.position
    else if (whence === WHENCE.END) base = fstatSync(f.fd).size
    else return E.INVAL
    const next = BigInt(base) + offset
    if (next < 0n || next > BigInt(Number.MAX_SAFE_INTEGER)) return E.INVAL
    f.position = Number(next)
    this.#mem.setU64(outPtr, next)
    return E.SUCCESS
  }

  tell (fd: number, outPtr: number): number {
    const f = this.#file(fd, R.FD_TELL)
    if (typeof f === 'number') return f
    this.#mem.setU64(outPtr, f.position)
    return E.SUCCESS
  }

  sync (fd: number, data: boolean): number {
    const e = this.entry(fd, data ? R.FD_DATASYNC : R.FD_SYNC)
    if (typeof e === 'number') return e
    if (e.kind === 'file') {
      if (data) fdatasyncSync(e.fd)
      else fsyncSync(e.fd)
      return E.SUCCESS
    }
    if (e.kind === 'dir') {
      const fd = openSync(at(e.fd), constants.O_RDONLY | constants.O_DIRECTORY)
      try { fsyncSync(fd) } finally { closeSync(fd) }
      return E.SUCCESS
    }
    return E.INVAL
  }

  advise (fd: number, offset: bigint, len: bigint, advice: number): number {
    const f = this.#file(fd, R.FD_ADVISE)
    if (typeof f === 'number') return f
    if (advice < 0 || advice > 5) return E.INVAL
    if (offset < 0n || len < 0n) return E.INVAL
    return E.SUCCESS
  }

  allocate (fd: number, offset: bigint, len: bigint): number {
    const f = this.#file(fd, R.FD_ALLOCATE)
    if (typeof f === 'number') return f
    if (offset < 0n || len <= 0n) return E.INVAL
    const end = offset + len
    if (end > BigInt(Number.MAX_SAFE_INTEGER)) return E.FBIG
    if (BigInt(fstatSync(f.fd).size) < end) ftruncateSync(f.fd, Number(end))
    return E.SUCCESS
  }

  filestatGet (fd: number, outPtr: number): number {
    const e = this.entry(fd, R.FD_FILESTAT_GET)
    if (typeof e === 'number') return e
    this.#mem.check(outPtr, SIZE.FILESTAT)
    if (e.kind === 'file' || e.kind === 'dir') {
      writeFilestat(this.#mem, outPtr, fstatSync(e.fd, { bigint: true }), e.kind === 'dir' ? FILETYPE.DIRECTORY : undefined)
      return E.SUCCESS
    }
    this.#mem.u8.fill(0, outPtr, outPtr + SIZE.FILESTAT)
    this.#mem.setU8(outPtr + 16, filetypeOf(e))
    return E.SUCCESS
  }

  setSize (fd: number, size: bigint): number {
    const f = this.#file(fd, R.FD_FILESTAT_SET_SIZE)
    if (typeof f === 'number') return f
    if (size < 0n || size > BigInt(Number.MAX_SAFE_INTEGER)) return E.INVAL
    if (!f.writable) return E.BADF
    ftruncateSync(f.fd, Number(size))
    return E.SUCCESS
  }

  /** The (atime, mtime) to set from fstflags, given the current ones; null when the flags are invalid. */
  #times (atim: bigint, mtim: bigint, fst: number, current: () => BigIntStats): [number, number] | null {
    if ((fst & ~15) !== 0) return null
    if ((fst & FSTFLAGS.ATIM) !== 0 && (fst & FSTFLAGS.ATIM_NOW) !== 0) return null
    if ((fst & FSTFLAGS.MTIM) !== 0 && (fst & FSTFLAGS.MTIM_NOW) !== 0) return null
    const now = Date.now() / 1000
    let cur: BigIntStats | null = null
    const a = (fst & FSTFLAGS.ATIM_NOW) !== 0 ? now : (fst & FSTFLAGS.ATIM) !== 0 ? seconds(atim) : seconds((cur ??= current()).atimeNs)
    const m = (fst & FSTFLAGS.MTIM_NOW) !== 0 ? now : (fst & FSTFLAGS.MTIM) !== 0 ? seconds(mtim) : seconds((cur ??= current()).mtimeNs)
    return [a, m]
  }

  setTimes (fd: number, atim: bigint, mtim: bigint, fst: number): number {
    const e = this.entry(fd, R.FD_FILESTAT_SET_TIMES)
    if (typeof e === 'number') return e
    if (e.kind !== 'file' && e.kind !== 'dir') return E.BADF
    const t = this.#times(atim, mtim, fst, () => fstatSync(e.fd, { bigint: true }))
    if (t === null) return E.INVAL
    if (e.kind === 'dir') utimesSync(at(e.fd), t[0], t[1])
    else futimesSync(e.fd, t[0], t[1])
    return E.SUCCESS
  }

  pathFilestatGet (dirfd: number, lookup: number, pathPtr: number, pathLen: number, outPtr: number): number {
    const dir = this.#dir(dirfd, R.PATH_FILESTAT_GET)
    if (typeof dir === 'number') return dir
    this.#mem.check(outPtr, SIZE.FILESTAT)
    return this.#at(dir, pathPtr, pathLen, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0, (r) => {
      writeFilestat(this.#mem, outPtr, lstatSync(at(r.dir, r.name), { bigint: true }))
      return E.SUCCESS
    })
  }

  pathSetTimes (dirfd: number, lookup: number, pathPtr: number, pathLen: number, atim: bigint, mtim: bigint, fst: number): number {
    const dir = this.#dir(dirfd, R.PATH_FILESTAT_SET_TIMES)
    if (typeof dir === 'number') return dir
    return this.#at(dir, pathPtr, pathLen, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0, (r) => {
      const where = at(r.dir, r.name)
      const t = this.#times(atim, mtim, fst, () => lstatSync(where, { bigint: true }))
      if (t === null) return E.INVAL
      // The resolved name is not a link when following was asked; else the link itself is meant.
      lutimesSync(where, t[0], t[1])
      return E.SUCCESS
    })
  }

  mkdir (dirfd: number, pathPtr: number, pathLen: number): number {
    const dir = this.#dir(dirfd, R.PATH_CREATE_DIRECTORY)
    if (typeof dir === 'number') return dir
    return this.#at(dir, pathPtr, pathLen, false, (r) => {
      if (r.name === '.') return E.EXIST
      mkdirSync(at(r.dir, r.name))
      return E.SUCCESS
    })
  }

  rmdir (dirfd: number, pathPtr: number, pathLen: number): number {
    const dir = this.#dir(dirfd, R.PATH_REMOVE_DIRECTORY)
    if (typeof dir === 'number') return dir
    return this.#at(dir, pathPtr, pathLen, false, (r) => {
      if (r.name === '.') return E.INVAL
      rmdirSync(at(r.dir, r.name))
      return E.SUCCESS
    })
  }

  unlink (dirfd: number, pathPtr: number, pathLen: number): number {
    const dir = this.#dir(dirfd, R.PATH_UNLINK_FILE)
    if (typeof dir === 'number') return dir
    return this.#at(dir, pathPtr, pathLen, false, (r) => {
      if (r.name === '.') return E.ISDIR
      const where = at(r.dir, r.name)
      if (lstatSync(where).isDirectory()) return E.ISDIR
      if (r.trailingSlash) return E.NOTDIR
      unlinkSync(where)
      return E.SUCCESS
    })
  }

  rename (fromFd: number, fromPtr: number, fromLen: number, toFd: number, toPtr: number, toLen: number): number {
    const a = this.#dir(fromFd, R.PATH_RENAME_SOURCE)
    if (typeof a === 'number') return a
    const b = this.#dir(toFd, R.PATH_RENAME_TARGET)
    if (typeof b === 'number') return b
    return this.#at(a, fromPtr, fromLen, false, (ra) => this.#at(b, toPtr, toLen, false, (rb) => {
      if (ra.name === '.' || rb.name === '.') return E.BUSY
      const from = at(ra.dir, ra.name)
      const st = lstatSync(from)
      if ((ra.trailingSlash || rb.trailingSlash) && !st.isDirectory()) return E.NOTDIR
      renameSync(from, at(rb.dir, rb.name))
      return E.SUCCESS
    }))
  }

  link (fromFd: number, lookup: number, fromPtr: number, fromLen: number, toFd: number, toPtr: number, toLen: number): number {
    const a = this.#dir(fromFd, R.PATH_LINK_SOURCE)
    if (typeof a === 'number') return a
    const b = this.#dir(toFd, R.PATH_LINK_TARGET)
    if (typeof b === 'number') return b
    return this.#at(a, fromPtr, fromLen, (lookup & LOOKUP_SYMLINK_FOLLOW) !== 0, (ra) => this.#at(b, toPtr, toLen, false, (rb) => {
      if (ra.name === '.') return E.PERM
      if (rb.trailingSlash) return E.NOENT
      linkSync(at(ra.dir, ra.name), at(rb.dir, rb.name))
      return E.SUCCESS
    }))
  }

  symlink (targetPtr: number, targetLen: number, dirfd: number, pathPtr: number, pathLen: number): number {
    const dir = this.#dir(dirfd, R.PATH_SYMLINK)
    if (typeof dir === 'number') return dir
    const target = this.#mem.string(targetPtr, targetLen)
    // A link whose target is a host path would lead outside for whoever follows it on the host.
    if (target.startsWith('/')) return E.NOTCAPABLE
    return this.#at(dir, pathPtr, pathLen, false, (r) => {
      if (r.name === '.') return E.EXIST
      if (r.trailingSlash) return E.NOENT
      symlinkSync(target, at(r.dir, r.name))
      return E.SUCCESS
    })
  }

  readlink (dirfd: number, pathPtr: number, pathLen: number, buf: number, bufLen: number, outPtr: number): number {
    const dir = this.#dir(dirfd, R.PATH_READLINK)
    if (typeof dir === 'number') return dir
    this.#mem.check(buf, bufLen)
    this.#mem.check(outPtr, 4)
    return this.#at(dir, pathPtr, pathLen, false, (r) => {
      const target = readlinkSync(at(r.dir, r.name), { encoding: 'buffer' })
      const n = Math.min(target.length, bufLen)
      this.#mem.write(buf, target.subarray(0, n))
      this.#mem.setU32(outPtr, n)
      return E.SUCCESS
    })
  }

  readdir (fd: number, buf: number, bufLen: number, cookie: bigint, outPtr: number): number {
    const dir = this.#dir(fd, R.FD_READDIR)
    if (typeof dir === 'number') return dir
    this.#mem.check(buf, bufLen)
    this.#mem.check(outPtr, 4)
    if (cookie === 0n || dir.listing === null) {
      const here = fstatSync(dir.fd, { bigint: true })
      const list: Array<{ name: string, ino: bigint, type: number }> = [
        { name: '.', ino: here.ino, type: FILETYPE.DIRECTORY },
        { name: '..', ino: 0n, type: FILETYPE.DIRECTORY }
      ]
      for (const name of readdirSync(at(dir.fd))) {
        let ino = 0n
        let type: number = FILETYPE.UNKNOWN
        try {
          const st = lstatSync(at(dir.fd, name), { bigint: true })
          ino = st.ino
          type = filetypeOfStats(st)
        } catch { /* removed meanwhile */ }
        list.push({ name, ino, type })
      }
      dir.listing = list
    }
    const list = dir.listing
    const enc = new TextEncoder()
    let used = 0
    for (let i = Number(cookie); i < list.length && used < bufLen; i++) {
      const e = list[i]
      const name = enc.encode(e.name)
      const record = new Uint8Array(SIZE.DIRENT + name.length)
      const v = new DataView(record.buffer)
      v.setBigUint64(0, BigInt(i + 1), true)
      v.setBigUint64(8, e.ino, true)
      v.setUint32(16, name.length, true)
      v.setUint8(20, e.type)
      record.set(name, SIZE.DIRENT)
      const n = Math.min(record.length, bufLen - used)
      this.#mem.write(buf + used, record.subarray(0, n))
      used += n
    }
    this.#mem.setU32(outPtr, used)
    return E.SUCCESS
  }

  close (fd: number): number {
    const e = this.#t.get(fd)
    if (e === undefined) return E.BADF
    this.#t.delete(fd)
    closeHost(e)
    return E.SUCCESS
  }
}
