// The WASI adapter: instantiates programs that import `wasi_snapshot_preview1` with wasmos's own
// WASI (imports.ts), their file descriptors set up per process: 0–2 standard I/O, then one per
// `--dir` preopen (only once the process is granted `fs`), then, for the run's main program, one
// per `--listen` listener (opened through the tcp interface as the process, so only with a `tcp`
// grant). Everything is released when the process ends. Programs importing only the older
// `wasi_unstable` go to legacy.ts.
import { fstatSync, statSync } from 'node:fs'
import { isatty } from 'node:tty'
import { fs } from '../interfaces/gen/fs.ts'
import { tcp } from '../interfaces/gen/tcp.ts'
import { openRoot } from '../interfaces/native/safe-path.ts'
import type { Mount } from '../interfaces/native/fs.ts'
import type { HostMonitor, NodeHost, WasiAdapter } from '../kernel/node/host.ts'
import type { Proc } from '../kernel/node/proc.ts'
import { RIGHTS_ALL, RIGHTS_DIR, RIGHTS_SOCKET, RIGHTS_STDIO, R } from './constants.ts'
import { FdTable } from './fds.ts'
import { wasiImports } from './imports.ts'
import type { WasiContext } from './imports.ts'
import { LegacyWasi } from './legacy.ts'
import { DENIED, ProcLink } from './link.ts'
import { Mem } from './memory.ts'

/** A listener to pre-open for WASI programs (`--listen host:port`). */
export interface Listen { host: string, port: number }

export interface WasiOptions {
  env?: Map<string, string>
  /** Directories granted with --dir (host side resolved). */
  mounts?: Mount[]
  listen?: Listen[]
}

/**
 * Whether a standard descriptor is a terminal, asking node:tty (whose loading, with the stream
 * modules it pulls in, costs a start milliseconds) only about a character device other than
 * /dev/null: a pipe, a file or /dev/null is answered by a stat.
 */
function isTerminal (fd: number): boolean {
  try {
    const st = fstatSync(fd)
    return st.isCharacterDevice() && st.rdev !== statSync('/dev/null').rdev && isatty(fd)
  } catch {
    return false
  }
}

export class WasiRunner implements WasiAdapter {
  readonly #env: Map<string, string>
  readonly #mounts: Mount[]
  readonly #listen: Listen[]
  readonly #legacy: LegacyWasi
  #host: NodeHost | null = null
  #monitor: HostMonitor | undefined
  /**
   * Wraps each WASI import of a process (`--record`): given its memory, the sizes of its argument
   * and environment lists, and which standard stream an fd is (1, 2, else -1).
   */
  tap: ((proc: Proc, mem: Mem, sizes: { args: [number, number], env: [number, number] }, stdioOf: (fd: number) => number) => WasiContext['tap']) | null = null

  constructor (opts: WasiOptions = {}) {
    this.#env = opts.env ?? new Map()
    this.#mounts = opts.mounts ?? []
    this.#listen = opts.listen ?? []
    this.#legacy = new LegacyWasi(this.#env)
  }

  /** The host the programs run on, and what observes processes (limits): set once the host exists. */
  bind (host: NodeHost, monitor?: HostMonitor): void {
    this.#host = host
    this.#monitor = monitor
    this.#legacy.bind(host)
  }

  async instantiate (proc: Proc, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
    const host = this.#host
    if (host === null) throw new Error('the WASI adapter is not bound to a host')
    const module = proc.program.module
    if (!WebAssembly.Module.imports(module).some((i) => i.module === 'wasi_snapshot_preview1')) {
      return await this.#legacy.instantiate(proc, imports)
    }
    const mem = new Mem()
    const table = new FdTable()
    const link = new ProcLink(host, proc)
    let ended = false
    proc.exited.then(() => { ended = true; table.closeAll(); link.close() })
    for (const n of [0, 1, 2] as const) {
      table.set(n, { kind: 'stdio', n, tty: isTerminal(n), incoming: null, flags: 0, rights: RIGHTS_STDIO & ~(n === 0 ? R.FD_WRITE : R.FD_READ), inheriting: 0n })
    }
    // A preopen gives reading and writing under its directory: the process must hold both there,
    // decided as any program's fs request is (flags, scopes, stored decisions, the prompt);
    // a directory it may not use is not preopened.
    for (const m of this.#mounts) {
      if (!(await host.allowed(proc.pid, fs.key, { iface: 'fs', path: m.guest, access: 'rw' })) || ended) continue
      table.add({ kind: 'dir', fd: openRoot(m.host), preopen: m.preopen ?? m.guest, listing: null, flags: 0, rights: RIGHTS_DIR | R.FD_FILESTAT_GET, inheriting: RIGHTS_ALL })
    }
    // A listener is one socket: it goes to the run's main program, not to the programs it starts.
    for (const l of proc.main ? this.#listen : []) {
      const r = await link.call(tcp.key, tcp.digest, tcp.encode({ name: 'listen', host: l.host, port: l.port, backlog: 128 }))
      if (r.status === DENIED || ended) break
      if (r.status !== 0) throw new Error(`--listen ${l.host}:${l.port}: could not listen (status ${r.status})`)
      const { handle, port } = tcp.decodeAnswer('listen', r.payload)
      table.add({ kind: 'listener', handle, address: `${l.host}:${port}`, accepted: [], pending: null, flags: 0, rights: RIGHTS_SOCKET, inheriting: RIGHTS_SOCKET })
    }
    const env = [...this.#env.entries()]
    const size = (list: string[]): [number, number] => [list.length, list.reduce((n, s) => n + Buffer.byteLength(s) + 1, 0)]
    const stdioOf = (fd: number): number => { const e = table.get(fd); return e?.kind === 'stdio' ? e.n : -1 }
    const wasi = wasiImports({
      tap: this.tap?.(proc, mem, { args: size(proc.args), env: size(env.map(([k, v]) => `${k}=${v}`)) }, stdioOf),
      args: proc.args,
      env,
      table,
      mem,
      link,
      onInternalError: (call, err) => host.internalError(`wasi ${call}`, err),
      blocked: () => this.#monitor?.blocked(proc),
      resumed: () => { if (!proc.ended) this.#monitor?.resumed(proc) }
    })
    const merged: WebAssembly.Imports = { ...imports, wasi_snapshot_preview1: wasi }
    const instance = await WebAssembly.instantiate(module, merged)
    const memory = instance.exports.memory
    if (!(memory instanceof WebAssembly.Memory)) throw new Error('a WASI program must export its memory')
    mem.bind(memory)
    return instance
  }
}
