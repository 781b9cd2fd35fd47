// The audit log: one JSON line per grant decision, per message refused for want of a grant, and
// per action taken from the console (a process killed, a grant revoked), appended to a file.
// Lines are written synchronously as they happen, so the log is complete however the run ends.
import { closeSync, openSync, writeSync } from 'node:fs'
import { DENIED } from '../../core/index.ts'
import { WasmosError } from '../errors.ts'
import type { Proc } from '../proc.ts'
import { ConsoleKilled, NullObserver } from './observer.ts'
import type { DecidedBy, GrantKind } from './observer.ts'

/**
 * Where a decision came from: a flag (`--allow`, `--deny`, `--handler`…), a decision remembered
 * in WASMOS_HOME (or given earlier in this run), the prompt, a default (DESIGN.md's defaults,
 * or denied with nobody to ask), the parent not holding the grant, or the console.
 */
export type AuditSource = 'flag' | 'remembered' | 'prompt' | 'default' | 'parent' | 'console'

export interface AuditRecord {
  time: string
  event: 'grant' | 'denied' | 'revoke' | 'kill' | 'denied-suppressed'
  pid: number
  program: string
  programCid: string
  interface?: string | null
  interfaceCid?: string
  kind?: GrantKind
  decision?: 'allow' | 'deny'
  source?: AuditSource
  status?: number
}

export interface AuditOptions {
  path: string
  /** An interface's name (null when it has none) and CID, from its key. */
  describe: (key: string) => { name: string | null, cid: string }
  /** Where a decision the policy made came from (the policy's owner knows). */
  sourceOf?: (pid: number, key: string, kind: GrantKind, allowed: boolean) => AuditSource | undefined
  /** Lines for refused messages in one run; past it one `denied-suppressed` line. */
  maxDenied?: number
}

/** Refused messages logged in one run unless told otherwise: a loop of refused sends must not fill the disk. */
export const DEFAULT_MAX_DENIED = 10_000

export class AuditLog extends NullObserver {
  readonly #fd: number
  readonly #opts: AuditOptions
  readonly #programs = new Map<number, { name: string, cid: string }>()
  /** The source of the latest decision, by `pid kind key`: a refused message names it. */
  readonly #sources = new Map<string, AuditSource>()
  #denied = 0
  #closed = false

  constructor (opts: AuditOptions) {
    super()
    this.#opts = opts
    try {
      this.#fd = openSync(opts.path, 'a', 0o600)
    } catch (err) {
      throw new WasmosError('ERR_AUDIT', `--audit: cannot open ${opts.path}: ${(err as Error).message}`)
    }
  }

  /** Appends one record (time and program filled in from the pid). Never throws. */
  note (r: Omit<AuditRecord, 'time' | 'program' | 'programCid'> & Partial<AuditRecord>): void {
    if (this.#closed) return
    const p = this.#programs.get(r.pid)
    const record: AuditRecord = { time: new Date().toISOString(), program: p?.name ?? '', programCid: p?.cid ?? '', ...r }
    try {
      writeSync(this.#fd, `${JSON.stringify(record)}\n`)
    } catch {
      // A full disk must not end the run; the log is then incomplete, as with any logger.
    }
  }

  #iface (key: string): { interface: string | null, interfaceCid: string } {
    const d = this.#opts.describe(key)
    return { interface: d.name, interfaceCid: d.cid }
  }

  override spawned (proc: Proc): void {
    this.#programs.set(proc.pid, { name: proc.program.name, cid: proc.program.cid })
  }

  override ended (proc: Proc, status: number, error: WasmosError | null): void {
    if (error instanceof ConsoleKilled) this.note({ event: 'kill', pid: proc.pid, status, source: 'console' })
  }

  override granted (pid: number, key: string, kind: GrantKind, allowed: boolean, by: DecidedBy): void {
    const source: AuditSource = by === 'policy'
      ? (this.#opts.sourceOf?.(pid, key, kind, allowed) ?? 'default')
      : by === 'handler' ? 'flag' : by
    this.#sources.set(`${pid} ${kind} ${key}`, source)
    this.note({ event: by === 'console' ? 'revoke' : 'grant', pid, ...this.#iface(key), kind, decision: allowed ? 'allow' : 'deny', source })
  }

  override sent (pid: number, key: string, _id: number, _payload: Uint8Array, _flags: number, code: number): void {
    if (code !== DENIED) return
    const max = this.#opts.maxDenied ?? DEFAULT_MAX_DENIED
    if (++this.#denied > max) {
      if (this.#denied === max + 1) this.note({ event: 'denied-suppressed', pid })
      return
    }
    const source = this.#sources.get(`${pid} send ${key}`) ?? 'default'
    this.note({ event: 'denied', pid, ...this.#iface(key), kind: 'send', decision: 'deny', source })
  }

  close (): void {
    if (this.#closed) return
    this.#closed = true
    try { closeSync(this.#fd) } catch {}
  }
}
