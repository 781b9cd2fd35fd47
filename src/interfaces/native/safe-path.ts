// Path resolution that cannot leave a directory, shared by the `fs` interface and WASI: a path is
// walked one component at a time from a directory handle, each step opened relative to the handle
// of the step before (openat emulated by opening /proc/self/fd/<dir>/<name>: the kernel follows
// the /proc link to the directory the handle holds, not to a path, so renaming or swapping a
// directory in the middle of the path cannot redirect the walk). Symbolic links are read and
// walked by us, under the same rules; `..` pops what we walked and never goes above the start;
// absolute paths and absolute link targets are refused. Why this and not realpath + open: see
// src/wasi/README.md.
import { closeSync, constants, fstatSync, openSync, readlinkSync } from 'node:fs'

/** open(2)'s O_PATH on Linux: a handle that names a file or directory without opening it for I/O. */
export const O_PATH = 0o10000000
const MAX_LINKS = 40

/** Why a path could not be resolved; `code` is a POSIX name (ENOTCAPABLE: it would leave the root). */
export class PathError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** The path under which the kernel resolves `name` inside the directory handle `fd`. */
export function at (fd: number, name = '.'): string {
  // `<fd>/.` rather than `<fd>`: the /proc link is then crossed, not the last component, so
  // O_NOFOLLOW on the result does not refuse the link itself.
  return `/proc/self/fd/${fd}/${name}`
}

/** Opens a directory as a handle to resolve paths from (O_PATH | O_DIRECTORY). */
export function openRoot (path: string): number {
  return openSync(path, O_PATH | constants.O_DIRECTORY)
}

/** Where a path led: the directory holding its last component, and that component's name. */
export interface Resolved {
  /** A directory handle: the start handle or one this resolution opened (valid until `release`). */
  dir: number
  /** The last component ('.' for the directory itself); it was not followed if it is a link. */
  name: string
  /** The path ended with '/': it must be a directory. */
  trailingSlash: boolean
  /** The last component came from a symbolic link's target (a link was followed to get there). */
  viaLink: boolean
  /** Closes the handles this resolution opened. */
  release: () => void
}

/**
 * Resolves `path` (relative) from the directory handle `start`. With `follow`, a symbolic link as
 * the last component is followed too (the result then names something that was not a link when
 * looked at: callers still act on it without following, so a link swapped in later is not
 * followed). Throws PathError: ENOTCAPABLE for an absolute path, an absolute link or `..` above
 * `start`; ENOENT, ENOTDIR, ELOOP as the walk finds them.
 */
export function resolveBeneath (start: number, path: string, follow: boolean): Resolved {
  if (path.includes('\0')) throw new PathError('EINVAL', 'a path may not contain NUL')
  if (path.startsWith('/')) throw new PathError('ENOTCAPABLE', `${path}: absolute paths lead outside`)
  const opened: number[] = []
  const release = (): void => {
    for (const fd of opened) { try { closeSync(fd) } catch { /* already closed */ } }
    opened.length = 0
  }
  const trailingSlash = path.endsWith('/')
  const queue = path.split('/').filter((c) => c !== '')
  let links = 0
  const cur = (): number => opened.length > 0 ? opened[opened.length - 1] : start
  try {
    while (queue.length > 0) {
      const c = queue.shift()!
      const last = queue.length === 0
      if (c === '.') continue
      if (c === '..') {
        if (opened.length === 0) throw new PathError('ENOTCAPABLE', `${path}: .. leads outside`)
        closeSync(opened.pop()!)
        continue
      }
      if (last && !follow && !trailingSlash) return { dir: cur(), name: c, trailingSlash, viaLink: links > 0, release }
      let fd: number
      try {
        fd = openSync(at(cur(), c), O_PATH | constants.O_NOFOLLOW)
      } catch (err) {
        if (last && (err as NodeJS.ErrnoException).code === 'ENOENT') return { dir: cur(), name: c, trailingSlash, viaLink: links > 0, release }
        if (links > 0) Object.assign(err as object, { viaLink: true })
        throw err
      }
      let st
      try { st = fstatSync(fd) } catch (err) { closeSync(fd); throw err }
      if (st.isSymbolicLink()) {
        closeSync(fd)
        if (++links > MAX_LINKS) throw new PathError('ELOOP', `${path}: too many symbolic links`)
        // The link is read by name: if it was swapped meanwhile we read another link, walked
        // under the same rules, so at worst the path leads elsewhere inside.
        const target = readlinkSync(at(cur(), c))
        if (target.startsWith('/')) throw new PathError('ENOTCAPABLE', `${path}: a symbolic link leads outside`)
        const parts = target.split('/').filter((p) => p !== '')
        if (last && trailingSlash) parts.push('.')
        queue.unshift(...parts)
        if (parts.length === 0) queue.unshift('.')
        continue
      }
      if (last && !st.isDirectory()) {
        closeSync(fd)
        if (trailingSlash) throw new PathError('ENOTDIR', `${path}: not a directory`)
        return { dir: cur(), name: c, trailingSlash, viaLink: links > 0, release }
      }
      if (!st.isDirectory()) { closeSync(fd); throw new PathError('ENOTDIR', `${path}: not a directory`) }
      if (last) {
        closeSync(fd)
        return { dir: cur(), name: c, trailingSlash, viaLink: links > 0, release }
      }
      opened.push(fd)
    }
    return { dir: cur(), name: '.', trailingSlash, viaLink: links > 0, release }
  } catch (err) {
    release()
    throw err
  }
}
