// The control socket of a running kernel: WASMOS_HOME/run/<os pid>.sock (the directory owner-only,
// the socket 0600), through which `wasmos ps` and `wasmos top` read a snapshot of the processes and
// kill a process or revoke a grant. Newline-delimited JSON, one answer per request. While a
// console is connected an observer measures how long each process is busy (not waiting for a
// message); with nobody connected the host pays nothing for it.
import { chmodSync, mkdirSync, readdirSync, statSync, unlinkSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { join } from 'node:path'
import { GRANT_ALLOWED, GRANT_ASKED, GRANT_DENIED, GRANT_DENIED_REPORTED, GRANT_HANDLE, GRANT_SEND, KILLED_STATUS } from '../../core/index.ts'
import type { NodeHost } from '../host.ts'
import type { Proc } from '../proc.ts'
import { ConsoleKilled, NullObserver } from './observer.ts'
import type { GrantKind } from './observer.ts'

export interface GrantView { iface: string, kind: GrantKind, state: 'allowed' | 'denied' | 'asked' }

export interface ProcessView {
  pid: number
  name: string
  cid: string
  /** `waiting`: blocked in `wait`; `running`: running or ready to run. */
  state: 'running' | 'waiting'
  /** Milliseconds it was busy (not waiting) while a console watched. */
  busyMs: number
  memory: number
  /** Notifications waiting in its queue. */
  queue: number
  sent: number
  received: number
  grants: GrantView[]
}

export interface Snapshot {
  /** The OS pid of the kernel (the `wasmos` process). */
  kernel: number
  main: string
  startedAt: number
  now: number
  processes: ProcessView[]
}

export type ControlRequest =
  | { op: 'snapshot' }
  | { op: 'kill', pid: number }
  | { op: 'revoke', pid: number, iface: string, kind: GrantKind }

export type ControlAnswer = { ok: true, snapshot?: Snapshot } | { ok: false, error: string }

export interface ControlOptions {
  /** WASMOS_HOME/run. */
  dir: string
  /** The run's main program, as `ps` shows it. */
  main: string
  /** An interface's name from its key (its key when it has none). */
  nameOf: (key: string) => string
  /** An interface's key from a name, CID or key; null when unknown. */
  keyOf: (token: string) => string | null
}

/** Longest request line: more is not a console talking. */
const MAX_LINE = 64 * 1024
/** Longest socket path the platform takes (sun_path, less a margin). */
const MAX_SOCKET_PATH = 100

/** Counts how long each process is busy while at least one console is connected. */
class BusyMeter extends NullObserver {
  readonly #busy = new Map<number, { total: number, since: number | null }>()

  #entry (proc: Proc): { total: number, since: number | null } {
    let e = this.#busy.get(proc.pid)
    if (e === undefined) {
      e = { total: 0, since: proc.wake === null ? performance.now() : null }
      this.#busy.set(proc.pid, e)
    }
    return e
  }

  override blocked (proc: Proc): void {
    const e = this.#entry(proc)
    if (e.since !== null) { e.total += performance.now() - e.since; e.since = null }
  }

  override resumed (proc: Proc): void {
    const e = this.#entry(proc)
    if (e.since === null) e.since = performance.now()
  }

  override ended (proc: Proc): void {
    this.#busy.delete(proc.pid)
  }

  busyMs (proc: Proc): number {
    const e = this.#entry(proc)
    return e.total + (e.since === null ? 0 : performance.now() - e.since)
  }
}

function grantState (s: number): GrantView['state'] | null {
  if (s === GRANT_ALLOWED) return 'allowed'
  if (s === GRANT_DENIED || s === GRANT_DENIED_REPORTED) return 'denied'
  if (s === GRANT_ASKED) return 'asked'
  return null
}

/** Whether a pid names a live OS process (one of ours or not). */
function alive (pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** Makes WASMOS_HOME/run owner-only and removes sockets of kernels that are gone; false if it is not ours. */
export function prepareRunDir (dir: string): boolean {
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const st = statSync(dir)
  if (typeof process.getuid === 'function' && st.uid !== process.getuid()) return false
  if ((st.mode & 0o077) !== 0) chmodSync(dir, 0o700)
  for (const f of readdirSync(dir)) {
    const m = /^(\d+)\.sock$/.exec(f)
    if (m !== null && Number(m[1]) !== process.pid && !alive(Number(m[1]))) {
      try { unlinkSync(join(dir, f)) } catch {}
    }
  }
  return true
}

export class ControlServer {
  readonly path: string
  readonly #host: NodeHost
  readonly #opts: ControlOptions
  readonly #server: Server
  readonly #sockets = new Set<Socket>()
  readonly #meter = new BusyMeter()
  readonly #startedAt = Date.now()
  readonly #onExit = (): void => { try { unlinkSync(this.path) } catch {} }
  #closed = false

  private constructor (host: NodeHost, opts: ControlOptions, path: string) {
    this.#host = host
    this.#opts = opts
    this.path = path
    this.#server = createServer((s) => this.#connected(s))
  }

  /**
   * Opens the control socket of this kernel; null when it cannot (the home is not writable, the
   * directory is not the user's own, the path is too long for a socket): a run never fails for it.
   */
  static async open (host: NodeHost, opts: ControlOptions): Promise<ControlServer | null> {
    const path = join(opts.dir, `${process.pid}.sock`)
    if (path.length > MAX_SOCKET_PATH) return null
    try {
      if (!prepareRunDir(opts.dir)) return null
      try { unlinkSync(path) } catch {}
    } catch {
      return null
    }
    const c = new ControlServer(host, opts, path)
    const ok = await new Promise<boolean>((resolve) => {
      c.#server.once('error', () => resolve(false))
      // The socket is made by the bind inside listen(): owner-only from the start, not after.
      const umask = process.umask(0o177)
      try {
        c.#server.listen(path, () => resolve(true))
      } finally {
        process.umask(umask)
      }
    })
    if (!ok) return null
    try { chmodSync(path, 0o600) } catch {}
    // Neither the socket nor a console's connection keeps the run alive (or hides a deadlock).
    c.#server.unref()
    process.once('exit', c.#onExit)
    return c
  }

  close (): void {
    if (this.#closed) return
    this.#closed = true
    for (const s of this.#sockets) s.destroy()
    this.#host.unobserve(this.#meter)
    this.#server.close()
    process.removeListener('exit', this.#onExit)
    this.#onExit()
  }

  #connected (s: Socket): void {
    s.unref()
    this.#sockets.add(s)
    if (this.#sockets.size === 1) this.#host.observe(this.#meter)
    s.setEncoding('utf8')
    let buf = ''
    s.on('data', (d: string) => {
      buf += d
      let nl: number
      while ((nl = buf.indexOf('\n')) >= 0) {
        const line = buf.slice(0, nl)
        buf = buf.slice(nl + 1)
        s.write(`${JSON.stringify(this.#handle(line))}\n`)
      }
      if (buf.length > MAX_LINE) s.destroy()
    })
    s.on('error', () => {})
    s.on('close', () => {
      this.#sockets.delete(s)
      if (this.#sockets.size === 0) this.#host.unobserve(this.#meter)
    })
  }

  #handle (line: string): ControlAnswer {
    let req: ControlRequest
    try {
      req = JSON.parse(line) as ControlRequest
    } catch {
      return { ok: false, error: 'not JSON' }
    }
    if (req === null || typeof req !== 'object') return { ok: false, error: 'not a request' }
    if (req.op === 'snapshot') return { ok: true, snapshot: this.snapshot() }
    if (req.op === 'kill') return this.#kill(req.pid)
    if (req.op === 'revoke') return this.#revoke(req.pid, req.iface, req.kind)
    return { ok: false, error: 'unknown request' }
  }

  #kill (pid: unknown): ControlAnswer {
    const proc = typeof pid === 'number' ? this.#host.process(pid) : undefined
    if (proc === undefined) return { ok: false, error: `no process ${String(pid)}` }
    this.#host.exit(proc.pid, KILLED_STATUS, new ConsoleKilled(KILLED_STATUS, `${proc.program.name} was killed from the console`))
    return { ok: true }
  }

  #revoke (pid: unknown, iface: unknown, kind: unknown): ControlAnswer {
    const proc = typeof pid === 'number' ? this.#host.process(pid) : undefined
    if (proc === undefined) return { ok: false, error: `no process ${String(pid)}` }
    if (kind !== 'send' && kind !== 'handle') return { ok: false, error: 'kind must be send or handle' }
    const key = typeof iface === 'string' ? this.#opts.keyOf(iface) : null
    if (key === null) return { ok: false, error: `unknown interface ${String(iface)}` }
    const kernel = this.#host.kernel
    // Denied from now on: the kernel refuses its later messages (or registrations) at once.
    kernel.decide(proc.pid, key, kind === 'send' ? GRANT_SEND : GRANT_HANDLE, false)
    if (kind === 'handle') this.#host.unregister(proc.pid, key)
    this.#host.observer?.granted(proc.pid, key, kind, false, 'console')
    return { ok: true }
  }

  snapshot (): Snapshot {
    const processes: ProcessView[] = []
    const kernel = this.#host.kernel
    for (const proc of this.#host.procs.values()) {
      if (proc.ended || !kernel.exists(proc.pid)) continue
      const k = kernel.process(proc.pid)
      const grants: GrantView[] = []
      for (const [kind, map] of [['send', k.sendGrants], ['handle', k.handleGrants]] as const) {
        for (const [key, s] of map) {
          const state = grantState(s)
          if (state !== null) grants.push({ iface: this.#opts.nameOf(key), kind, state })
        }
      }
      processes.push({
        pid: proc.pid,
        name: proc.program.name,
        cid: proc.program.cid,
        state: proc.wake === null ? 'running' : 'waiting',
        busyMs: Math.round(this.#meter.busyMs(proc) * 1000) / 1000,
        memory: proc.memory?.buffer.byteLength ?? 0,
        queue: k.length(),
        sent: k.sent,
        received: k.receivedCount,
        grants
      })
    }
    return { kernel: process.pid, main: this.#opts.main, startedAt: this.#startedAt, now: Date.now(), processes }
  }
}
