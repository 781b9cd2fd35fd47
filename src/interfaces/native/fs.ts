// The `fs` interface, handled natively: files under the directories the user granted with
// `--dir host[:guest]`. A guest path is normalised (so `..` never climbs above /) and matched to
// the longest granted guest directory; the rest is resolved by safe-path.ts one component at a
// time from a handle on that directory, symbolic links walked under the same rules, so nothing
// outside it can be reached through `..`, an absolute link, or a directory swapped for a link
// while we resolve (the final step acts on /proc/self/fd/<dir>/<name> without following links).
// Only regular files can be opened. Open files are held per process and closed when it ends.
// Each path is asked of the host first, with its access (read: open for reading, stat, readdir;
// write: open for writing, mkdir, remove, rename): a grant may be scoped (`--allow fs=/www:read`).
//
// Metadata operations and reads and writes up to SYNC_LIMIT run synchronously on the kernel's
// thread: on local disks they take microseconds, far less than a round trip through libuv's
// thread pool, and a program waits for each answer anyway. Larger reads and writes go through the
// pool so that the kernel keeps serving everyone else meanwhile.
import {
  closeSync, constants, fstatSync, lstatSync, mkdirSync, openSync, read as readAsync, readdirSync, readSync,
  realpathSync, renameSync, rmdirSync, statSync, unlinkSync, write as writeAsync, writeSync
} from 'node:fs'
import { basename, posix, resolve as resolvePath } from 'node:path'
import { WasmosError } from '../../kernel/node/errors.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { fs } from '../gen/fs.ts'
import { at, openRoot, resolveBeneath } from './safe-path.ts'
import { whenAllowed } from './scoped.ts'
import type { Resolved } from './safe-path.ts'

const MAX_READ = 4 * 1024 * 1024
const SYNC_LIMIT = 64 * 1024

export const OPEN_READ = 1
export const OPEN_WRITE = 2
export const OPEN_CREATE = 4
export const OPEN_TRUNCATE = 8
export const OPEN_APPEND = 16
export const OPEN_EXCLUSIVE = 32

const E = {
  notFound: fs.error('not_found'),
  exists: fs.error('exists'),
  denied: fs.error('denied'),
  notDir: fs.error('not_dir'),
  isDir: fs.error('is_dir'),
  notEmpty: fs.error('not_empty'),
  badHandle: fs.error('bad_handle'),
  invalid: fs.error('invalid'),
  io: fs.error('io')
}

/** A granted directory: the host directory (resolved) and where programs see it. */
export interface Mount {
  host: string
  guest: string
  /** The name WASI programs see for it, when not `guest`: `.` (`--dir host:.`), as older toolchains expect. */
  preopen?: string
}

/**
 * Parses `--dir host[:guest]`. The guest path defaults to `/` + the host directory's name; it must
 * be absolute, or `.`: then programs see it as `/`, and WASI programs as the preopen `.`. The host directory must exist (checked by `resolveMounts`).
 */
export function parseDir (spec: string): Mount {
  const i = spec.indexOf(':')
  const host = i < 0 ? spec : spec.slice(0, i)
  let guest = i < 0 ? '/' + basename(resolvePath(host)) : spec.slice(i + 1)
  if (host === '') throw new WasmosError('ERR_BAD_DIR', `--dir ${spec}: no host directory given`)
  if (guest === '.') return { host, guest: '/', preopen: '.' }
  if (!guest.startsWith('/')) guest = '/' + guest
  guest = posix.normalize(guest)
  if (guest.length > 1 && guest.endsWith('/')) guest = guest.slice(0, -1)
  return { host, guest }
}

/**
 * Resolves the host side of each mount (realpath) and checks it is a directory. Synchronously, a
 * few system calls before anything runs: node:fs/promises would cost a start more to load.
 */
export async function resolveMounts (mounts: Mount[]): Promise<Mount[]> {
  const out: Mount[] = []
  // Paths are resolved through /proc/self/fd (safe-path.ts): without it nothing could be reached.
  if (mounts.length > 0 && !isDirectory('/proc/self/fd')) {
    throw new WasmosError('ERR_BAD_DIR', '--dir needs /proc/self/fd (Linux) to keep programs inside the directories')
  }
  for (const m of mounts) {
    let real: string
    try {
      real = realpathSync(m.host)
      if (!statSync(real).isDirectory()) throw new WasmosError('ERR_BAD_DIR', `--dir ${m.host}: not a directory`)
    } catch (err) {
      if (err instanceof WasmosError) throw err
      throw new WasmosError('ERR_BAD_DIR', `--dir ${m.host}: no such directory`)
    }
    if (out.some((o) => o.guest === m.guest)) throw new WasmosError('ERR_BAD_DIR', `--dir: ${m.guest} is granted twice`)
    out.push({ ...m, host: real })
  }
  return out
}

function isDirectory (path: string): boolean {
  try {
    return statSync(path).isDirectory()
  } catch {
    return false
  }
}

/** The interface status for a Node file system error. */
function statusOf (err: unknown): number {
  if (err instanceof InterfaceError) return err.status
  switch ((err as NodeJS.ErrnoException).code) {
    case 'ENOENT': return E.notFound
    case 'EEXIST': return E.exists
    case 'EACCES': case 'EPERM': case 'ELOOP': case 'EXDEV': case 'EROFS': case 'ENOTCAPABLE': return E.denied
    case 'ENOTDIR': return E.notDir
    case 'EISDIR': return E.isDir
    case 'ENOTEMPTY': return E.notEmpty
    case 'EINVAL': case 'ENAMETOOLONG': return E.invalid
    default: return E.io
  }
}

/** Runs a synchronous operation, turning Node errors into interface errors. */
function sync<T> (op: () => T): T {
  try {
    return op()
  } catch (err) {
    throw err instanceof InterfaceError ? err : new InterfaceError(statusOf(err))
  }
}

function kindOf (st: { isFile: () => boolean, isDirectory: () => boolean }): number {
  return st.isFile() ? 1 : st.isDirectory() ? 2 : 3
}

interface Open {
  fd: number
  position: number
  readable: boolean
  writable: boolean
  append: boolean
  /** Operations in the thread pool: later ones on this handle wait for them (they share the position). */
  busy: Promise<unknown> | null
}

/** Where a guest path leads: a mount and the path relative to it ('' for the mount itself). */
interface Place { mount: Mount, rel: string, isMountRoot: boolean }

export function fsHandler (host: HostServices, mountList: Mount[]): NativeHandler {
  const mounts = [...mountList].sort((a, b) => b.guest.length - a.guest.length)
  /** A handle on each granted directory, opened when first used: every path is resolved from one. */
  const roots = new Map<Mount, number>()
  const rootOf = (m: Mount): number => {
    let fd = roots.get(m)
    if (fd === undefined) { fd = openRoot(m.host); roots.set(m, fd) }
    return fd
  }
  const tables = new Map<number, Map<number, Open>>()
  let nextHandle = 3

  const normal = (path: string): string => {
    if (path.includes('\0')) throw new InterfaceError(E.invalid)
    let p = posix.normalize(path.startsWith('/') ? path : '/' + path)
    if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1)
    return p
  }

  /** The mount and relative path of a guest path; `denied` outside every mount. */
  const place = (path: string): Place => {
    const p = normal(path)
    for (const m of mounts) {
      if (p === m.guest || m.guest === '/' || p.startsWith(m.guest + '/')) {
        const rel = m.guest === '/' ? p.slice(1) : p.slice(m.guest.length + 1)
        return { mount: m, rel, isMountRoot: rel === '' }
      }
    }
    throw new InterfaceError(E.denied)
  }

  /**
   * Resolves a place inside its mount and runs `op` on where it led (a directory handle and a
   * name, see safe-path.ts); `follow`: a link as the last component is followed too.
   */
  const within = <T>(pl: Place, follow: boolean, op: (r: Resolved) => T): T => {
    let r: Resolved
    try {
      r = resolveBeneath(rootOf(pl.mount), pl.rel, follow)
    } catch (err) {
      // A link whose target is missing is refused like one pointing outside: it is not clear
      // what the program meant to reach.
      if ((err as { viaLink?: boolean }).viaLink === true) throw new InterfaceError(E.denied)
      throw err
    }
    try { return op(r) } finally { r.release() }
  }

  /** Runs `op` with a descriptor of the directory a place names, opened without following links. */
  const withDir = <T>(pl: Place, op: (dir: string) => T): T => within(pl, true, (r) => {
    const fd = openSync(at(r.dir, r.name), constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW)
    try { return op(at(fd)) } finally { closeSync(fd) }
  })

  /** Runs `act` once every (path, access) is allowed to `pid`; paths as the program sees them, normalised. */
  const allowed = <T>(pid: number, wants: Array<[string, 'read' | 'write' | 'rw']>, act: () => T | Promise<T>): T | Promise<T> => {
    const step = (i: number): T | Promise<T> => i === wants.length
      ? act()
      : whenAllowed(host, pid, fs.key, { iface: 'fs', path: normal(wants[i][0]), access: wants[i][1] }, () => step(i + 1))
    return step(0)
  }

  const handleOf = (pid: number, h: number): Open => {
    const o = tables.get(pid)?.get(h)
    if (o === undefined) throw new InterfaceError(E.badHandle)
    return o
  }

  /** Runs `op` on a handle, after its operations still in the thread pool, if any. */
  const onHandle = <T>(o: Open, op: () => T | Promise<T>): T | Promise<T> => {
    if (o.busy === null) {
      const r = sync(op)
      if (r instanceof Promise) track(o, r)
      return r
    }
    const r = o.busy.then(() => sync(op))
    track(o, r)
    return r
  }
  const track = (o: Open, p: Promise<unknown>): void => {
    const done = p.catch(() => {}).then(() => { if (o.busy === done) o.busy = null })
    o.busy = done
  }

  /** The names of directories above granted ones (/ and /a for /a/b): they exist, as directories. */
  const ancestorNames = (path: string): string[] | null => {
    const p = normal(path)
    const prefix = p === '/' ? '/' : p + '/'
    const names = new Set<string>()
    for (const m of mounts) {
      if (m.guest !== p && m.guest.startsWith(prefix)) names.add(m.guest.slice(prefix.length).split('/')[0])
    }
    return names.size > 0 ? [...names].sort() : null
  }

  const closeAll = (t: Map<number, Open>): void => {
    for (const o of t.values()) {
      if (o.busy === null) { try { closeSync(o.fd) } catch { /* already closed */ } } else o.busy.then(() => { try { closeSync(o.fd) } catch { /* already closed */ } })
    }
  }

  return native(host, fs, {
    open (req, call) {
      const f = req.flags
      if ((f & ~63) !== 0 || (f & (OPEN_READ | OPEN_WRITE | OPEN_APPEND)) === 0) throw new InterfaceError(E.invalid)
      const writable = (f & (OPEN_WRITE | OPEN_APPEND)) !== 0
      const readable = (f & OPEN_READ) !== 0
      const writes = writable || (f & (OPEN_CREATE | OPEN_TRUNCATE)) !== 0
      return allowed(call.pid, [[req.path, readable && writes ? 'rw' : writes ? 'write' : 'read']], () => sync(() => {
        const pl = place(req.path)
        if (pl.isMountRoot) throw new InterfaceError(E.isDir)
        return within(pl, true, (r) => {
          const path = at(r.dir, r.name)
          if (r.name === '.') throw new InterfaceError(E.isDir)
          // Only regular files: opening a FIFO or a device could block the kernel's thread.
          let existing: ReturnType<typeof lstatSync> | undefined
          try { existing = lstatSync(path) } catch { existing = undefined }
          if (existing === undefined && r.viaLink) throw new InterfaceError(E.denied)
          if (existing !== undefined && existing.isDirectory()) throw new InterfaceError(E.isDir)
          if (existing !== undefined && !existing.isFile()) throw new InterfaceError(existing.isSymbolicLink() ? E.denied : E.invalid)
          let flags = constants.O_NOFOLLOW | constants.O_NONBLOCK | (readable && writable ? constants.O_RDWR : writable ? constants.O_WRONLY : constants.O_RDONLY)
          if ((f & OPEN_CREATE) !== 0) flags |= constants.O_CREAT
          if ((f & OPEN_TRUNCATE) !== 0) flags |= constants.O_TRUNC
          if ((f & OPEN_APPEND) !== 0) flags |= constants.O_APPEND
          if ((f & OPEN_EXCLUSIVE) !== 0) flags |= constants.O_EXCL
          const fd = openSync(path, flags, 0o644)
          if (fstatSync(fd).isDirectory()) { closeSync(fd); throw new InterfaceError(E.isDir) }
          const h = nextHandle++
          let t = tables.get(call.pid)
          if (t === undefined) { t = new Map(); tables.set(call.pid, t) }
          t.set(h, { fd, position: 0, readable, writable, append: (f & OPEN_APPEND) !== 0, busy: null })
          return { handle: h }
        })
      }))
    },
    read (req, call) {
      const o = handleOf(call.pid, req.handle)
      if (!o.readable) throw new InterfaceError(E.badHandle)
      const max = Math.min(req.max, MAX_READ)
      return onHandle(o, () => {
        const buf = Buffer.allocUnsafe(max)
        if (max <= SYNC_LIMIT) {
          const n = readSync(o.fd, buf, 0, max, o.position)
          o.position += n
          return { data: new Uint8Array(buf.buffer, buf.byteOffset, n) }
        }
        return new Promise<{ data: Uint8Array }>((resolve, reject) => {
          readAsync(o.fd, buf, 0, max, o.position, (err, n) => {
            if (err !== null) { reject(new InterfaceError(statusOf(err))); return }
            o.position += n
            resolve({ data: new Uint8Array(buf.buffer, buf.byteOffset, n) })
          })
        })
      })
    },
    write (req, call) {
      const o = handleOf(call.pid, req.handle)
      if (!o.writable) throw new InterfaceError(E.badHandle)
      const data = req.data
      return onHandle(o, () => {
        if (data.length <= SYNC_LIMIT) {
          let done = 0
          while (done < data.length) {
            done += writeSync(o.fd, data, done, data.length - done, o.append ? null : o.position + done)
          }
          o.position = o.append ? fstatSync(o.fd).size : o.position + done
          return { written: done }
        }
        return new Promise<{ written: number }>((resolve, reject) => {
          let done = 0
          const more = (): void => {
            writeAsync(o.fd, data, done, data.length - done, o.append ? null : o.position + done, (err, n) => {
              if (err !== null) { reject(new InterfaceError(statusOf(err))); return }
              done += n
              if (done < data.length) { more(); return }
              o.position = o.append ? fstatSync(o.fd).size : o.position + done
              resolve({ written: done })
            })
          }
          more()
        })
      })
    },
    seek (req, call) {
      const o = handleOf(call.pid, req.handle)
      return onHandle(o, () => {
        let base: number
        if (req.whence === 0) base = 0
        else if (req.whence === 1) base = o.position
        else if (req.whence === 2) base = fstatSync(o.fd).size
        else throw new InterfaceError(E.invalid)
        const position = base + req.offset
        if (position < 0 || position > Number.MAX_SAFE_INTEGER) throw new InterfaceError(E.invalid)
        o.position = position
        return { position }
      })
    },
    stat (req, call) {
      return allowed(call.pid, [[req.path, 'read']], () => sync(() => {
        let pl: Place
        try {
          pl = place(req.path)
        } catch (err) {
          // / and the directories above granted ones exist, as empty directories.
          if (ancestorNames(req.path) !== null) return { kind: 2, size: 0, modified_ms: 0 }
          throw err
        }
        const st = pl.isMountRoot ? fstatSync(rootOf(pl.mount)) : within(pl, true, (r) => lstatSync(at(r.dir, r.name)))
        return { kind: kindOf(st), size: st.size, modified_ms: Math.max(0, Math.floor(st.mtimeMs)) }
      }))
    },
    readdir (req, call) {
      return allowed(call.pid, [[req.path, 'read']], () => sync(() => {
        const virtual = ancestorNames(req.path)
        const found = new Map<string, number>()
        let pl: Place | null = null
        try { pl = place(req.path) } catch (err) { if (virtual === null) throw err }
        if (pl !== null) {
          withDir(pl, (dir) => { for (const e of readdirSync(dir, { withFileTypes: true })) found.set(e.name, kindOf(e)) })
        }
        for (const v of virtual ?? []) if (!found.has(v)) found.set(v, 2)
        const names = [...found.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
        return { names, kinds: names.map((n) => found.get(n)!) }
      }))
    },
    mkdir (req, call) {
      return allowed(call.pid, [[req.path, 'write']], () => sync(() => {
        const pl = place(req.path)
        if (pl.isMountRoot) throw new InterfaceError(E.exists)
        within(pl, false, (r) => mkdirSync(at(r.dir, r.name)))
        return {}
      }))
    },
    remove (req, call) {
      return allowed(call.pid, [[req.path, 'write']], () => sync(() => {
        const pl = place(req.path)
        if (pl.isMountRoot) throw new InterfaceError(E.denied)
        // The entry itself is removed, not what a link points to.
        within(pl, false, (r) => {
          const path = at(r.dir, r.name)
          if (r.name === '.') throw new InterfaceError(E.denied)
          if (lstatSync(path).isDirectory()) rmdirSync(path)
          else unlinkSync(path)
        })
        return {}
      }))
    },
    rename (req, call) {
      return allowed(call.pid, [[req.from, 'write'], [req.to, 'write']], () => sync(() => {
        const from = place(req.from)
        const to = place(req.to)
        if (from.isMountRoot || to.isMountRoot || from.mount !== to.mount) throw new InterfaceError(E.denied)
        within(from, false, (a) => within(to, false, (b) => {
          if (a.name === '.' || b.name === '.') throw new InterfaceError(E.denied)
          renameSync(at(a.dir, a.name), at(b.dir, b.name))
        }))
        return {}
      }))
    },
    close (req, call) {
      const t = tables.get(call.pid)
      const o = t?.get(req.handle)
      if (o === undefined) throw new InterfaceError(E.badHandle)
      t!.delete(req.handle)
      return onHandle(o, () => { closeSync(o.fd); return {} })
    }
  }, {
    processEnded (pid) {
      const t = tables.get(pid)
      if (t === undefined) return
      tables.delete(pid)
      closeAll(t)
    },
    close () {
      for (const t of tables.values()) closeAll(t)
      tables.clear()
      for (const fd of roots.values()) { try { closeSync(fd) } catch { /* already closed */ } }
      roots.clear()
    }
  })
}
