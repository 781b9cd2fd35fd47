// The file descriptor table of one WASI process: what each number stands for (a host file, a
// directory handle under a preopen, standard I/O, a socket from the tcp interface), its rights and
// flags. Host handles are closed when the process ends.
import { closeSync } from 'node:fs'
import { FILETYPE } from './constants.ts'

export interface Common {
  rights: bigint
  inheriting: bigint
  /** fdflags (append, nonblock, …). */
  flags: number
}

/** A regular file (or another non-directory) opened on the host; its position is ours. */
export interface FileFd extends Common {
  kind: 'file'
  fd: number
  position: number
  filetype: number
  readable: boolean
  writable: boolean
}

/** A directory: an O_PATH handle paths are resolved from. */
export interface DirFd extends Common {
  kind: 'dir'
  fd: number
  /** Set on preopens: the name the program sees (fd_prestat_dir_name). */
  preopen: string | null
  /** The listing read at cookie 0, kept for the cookies that follow. */
  listing: Array<{ name: string, ino: bigint, type: number }> | null
}

/** Bytes arriving from somewhere else (standard input, a connection): read ahead for poll. */
export class Incoming {
  data: Uint8Array = new Uint8Array(0)
  eof = false
  /** An errno once reading failed. */
  error = 0
  /** The read in flight, if any. */
  pending: Promise<void> | null = null

  /** Whether a read would answer now. */
  get ready (): boolean { return this.data.length > 0 || this.eof || this.error !== 0 }

  /** Starts a read with `read` unless one is in flight. */
  start (read: () => Promise<{ data: Uint8Array } | { errno: number }>): Promise<void> {
    this.pending ??= read().then((r) => {
      this.pending = null
      if ('errno' in r) { this.error = r.errno; return }
      if (r.data.length === 0) this.eof = true
      else this.data = this.data.length === 0 ? r.data : concat(this.data, r.data)
    })
    return this.pending
  }

  take (max: number, peek = false): Uint8Array {
    const out = this.data.subarray(0, max)
    if (!peek) this.data = this.data.subarray(out.length)
    return out
  }
}

function concat (a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length)
  out.set(a)
  out.set(b, a.length)
  return out
}

/** Standard input, output or error: through the kernel's stdio interface. */
export interface StdioFd extends Common {
  kind: 'stdio'
  n: 0 | 1 | 2
  /**
   * The run's own stream is a terminal: then it is a character device (C's stdio buffers it by
   * line), else of unknown type, as wasmtime reports a pipe or a file (fully buffered).
   */
  tty: boolean
  incoming: Incoming | null
}

/** A pre-opened listener (`--listen`): a handle of the tcp interface. */
export interface ListenerFd extends Common {
  kind: 'listener'
  handle: number
  address: string
  /** Connections accepted ahead (for poll) and not yet taken by sock_accept. */
  accepted: Array<{ handle: number } | { errno: number }>
  pending: Promise<void> | null
}

/** A connection accepted from a listener. */
export interface ConnFd extends Common {
  kind: 'conn'
  handle: number
  incoming: Incoming
  shutRead: boolean
  shutWrite: boolean
}

export type Entry = FileFd | DirFd | StdioFd | ListenerFd | ConnFd

export function filetypeOf (e: Entry): number {
  switch (e.kind) {
    case 'file': return e.filetype
    case 'dir': return FILETYPE.DIRECTORY
    case 'stdio': return e.tty ? FILETYPE.CHARACTER_DEVICE : FILETYPE.UNKNOWN
    case 'listener': case 'conn': return FILETYPE.SOCKET_STREAM
  }
}

export class FdTable {
  readonly #entries = new Map<number, Entry>()

  get (fd: number): Entry | undefined { return this.#entries.get(fd) }
  set (fd: number, e: Entry): void { this.#entries.set(fd, e) }
  delete (fd: number): void { this.#entries.delete(fd) }
  has (fd: number): boolean { return this.#entries.has(fd) }
  entries (): IterableIterator<[number, Entry]> { return this.#entries.entries() }

  /** Adds an entry under the lowest free number from 3. */
  add (e: Entry): number {
    let fd = 3
    while (this.#entries.has(fd)) fd++
    this.#entries.set(fd, e)
    return fd
  }

  /** Closes every host handle (the process ended). Sockets are closed by the tcp interface itself. */
  closeAll (): void {
    for (const e of this.#entries.values()) closeHost(e)
    this.#entries.clear()
  }
}

export function closeHost (e: Entry): void {
  if (e.kind === 'file' || e.kind === 'dir') {
    try { closeSync(e.fd) } catch { /* already closed */ }
  }
}
