// Grant decisions remembered across runs ("always" / "never" at the prompt, `wasmos grants allow|deny`),
// per program CID, interface CID and kind (send to it, or handle it), in WASMOS_HOME/grants.json.
// A scoped decision (A or a at a prompt that showed a scope) is kept under `<interface CID>=<pattern>`
// beside the interface's own, so older files read unchanged.
// Every change takes the lock file (grants.json.lock, created with O_EXCL; one left by a writer that
// died is taken over), re-reads the file, applies itself and writes the whole file to a temporary
// file that is then renamed over it: a crash or Ctrl-C never leaves it half-written, and runs that
// answer prompts at the same moment all keep their answers.
// File I/O is synchronous on purpose: the grant policy's `known` hook is synchronous, files are tiny,
// and a write finishes before an interrupted run exits.
import { closeSync, linkSync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { WasmosError } from '../errors.ts'
import { wasmosHome } from '../home.ts'

export type GrantKind = 'send' | 'handle'
export type Decision = 'allow' | 'deny'

/** One remembered decision, as `wasmos grants --json` prints it. */
export interface StoredGrant {
  program: string
  /** The program's name when the decision was made (for people; the CID is what counts). */
  name: string
  /** The interface's CID. */
  interface: string
  /** The scope pattern (scope.ts), or null for the whole interface. */
  scope: string | null
  kind: GrantKind
  decision: Decision
  /** When it was decided (ISO 8601). */
  at: string
  /** Who decided: 'prompt' (an answer at the prompt) or 'command' (`wasmos grants allow|deny`). */
  by: string
}

interface StoredDecision { decision: Decision, at: string, by?: string }

interface ProgramEntry {
  name: string
  send: Record<string, StoredDecision>
  handle: Record<string, StoredDecision>
}

/** The key of a decision in a program's map: the interface CID, and `=pattern` when scoped. */
export function decisionKey (iface: string, scope?: string | null): string {
  return scope === undefined || scope === null ? iface : `${iface}=${scope}`
}

interface GrantFile {
  version: 1
  programs: Record<string, ProgramEntry>
}

/** The printable CID (raw, sha2-256) of an interface digest given in hex. */
export function interfaceCidOfKey (key: string): string {
  return CID.createV1(0x55, createDigest(0x12, Buffer.from(key, 'hex'))).toString()
}

function storeError (path: string, why: string): WasmosError {
  return new WasmosError('ERR_GRANT_STORE', `${path}: ${why}; fix it or remove the file (it only holds remembered grant decisions)`)
}

function emptyFile (): GrantFile {
  return { version: 1, programs: {} }
}

function isDecisionMap (v: unknown): v is Record<string, { decision: Decision, at: string }> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return false
  return Object.values(v).every((d: unknown) => {
    const e = d as { decision?: unknown, at?: unknown } | null
    return e !== null && typeof e === 'object' && (e.decision === 'allow' || e.decision === 'deny') && typeof e.at === 'string'
  })
}

/** How long a writer waits for the lock before giving up. */
const LOCK_WAIT_MS = 10_000
/** A lock older than this is taken over whoever holds it: a write takes milliseconds. */
const LOCK_STALE_MS = 5_000

/**
 * The content of a lock file left by a writer that died (its pid is gone) or far too old, or null
 * when the lock is held (or gone).
 */
function staleLock (lock: string): string | null {
  let text: string
  let age: number
  try {
    text = readFileSync(lock, 'utf8')
    age = Date.now() - statSync(lock).mtimeMs
  } catch {
    return null
  }
  if (age > LOCK_STALE_MS) return text
  const pid = Number.parseInt(text, 10)
  // An empty lock is one being written this instant: not stale unless it stays so.
  if (!Number.isInteger(pid) || pid <= 0) return null
  try {
    process.kill(pid, 0)
    return null
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ESRCH' ? text : null
  }
}

/**
 * Removes a stale lock, and only it: it is first renamed aside, then checked to be the lock judged
 * stale; a lock another writer took in between is put back (link fails if yet another exists).
 */
function takeOver (lock: string, stale: string): void {
  const aside = `${lock}.${process.pid}.${Math.random().toString(36).slice(2)}.stale`
  try {
    renameSync(lock, aside)
  } catch {
    return
  }
  try {
    if (readFileSync(aside, 'utf8') !== stale) linkSync(aside, lock)
  } catch {}
  try { unlinkSync(aside) } catch {}
}

export class GrantStore {
  readonly path: string
  #file: GrantFile

  constructor (home: string = wasmosHome()) {
    this.path = join(home, 'grants.json')
    this.#file = this.#read()
  }

  #read (): GrantFile {
    let text: string
    try {
      text = readFileSync(this.path, 'utf8')
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return emptyFile()
      throw storeError(this.path, `cannot read (${(err as Error).message})`)
    }
    let data: unknown
    try {
      data = JSON.parse(text)
    } catch (err) {
      throw storeError(this.path, `not valid JSON (${(err as Error).message})`)
    }
    const f = data as Partial<GrantFile> | null
    if (f === null || typeof f !== 'object' || f.version !== 1 || f.programs === null || typeof f.programs !== 'object') {
      throw storeError(this.path, 'not a grant file of version 1')
    }
    for (const [cid, p] of Object.entries(f.programs)) {
      if (p === null || typeof p !== 'object' || typeof p.name !== 'string' || !isDecisionMap(p.send) || !isDecisionMap(p.handle)) {
        throw storeError(this.path, `malformed entry for program ${cid}`)
      }
    }
    return f as GrantFile
  }

  /** The remembered decision, or null. `iface` is the interface's CID. */
  get (program: string, iface: string, kind: GrantKind): Decision | null {
    return this.#file.programs[program]?.[kind][iface]?.decision ?? null
  }

  /** The remembered scoped decisions of a program on an interface (to send to it): pattern and decision. */
  scoped (program: string, iface: string): Array<{ pattern: string, decision: Decision }> {
    const map = this.#file.programs[program]?.send
    if (map === undefined) return []
    const prefix = `${iface}=`
    return Object.entries(map).filter(([k]) => k.startsWith(prefix)).map(([k, d]) => ({ pattern: k.slice(prefix.length), decision: d.decision }))
  }

  list (): StoredGrant[] {
    const out: StoredGrant[] = []
    for (const [program, p] of Object.entries(this.#file.programs)) {
      for (const kind of ['send', 'handle'] as const) {
        for (const [key, d] of Object.entries(p[kind])) {
          const eq = key.indexOf('=')
          out.push({ program, name: p.name, interface: eq < 0 ? key : key.slice(0, eq), scope: eq < 0 ? null : key.slice(eq + 1), kind, decision: d.decision, at: d.at, by: d.by ?? 'prompt' })
        }
      }
    }
    return out
  }

  /** Remembers decisions (each one replaces the earlier decision on the same grant). */
  set (entries: Array<{ program: string, name: string, iface: string, scope?: string | null, kind: GrantKind, decision: Decision, by?: string }>): void {
    const at = new Date().toISOString()
    this.#update((f) => {
      for (const e of entries) {
        const p = f.programs[e.program] ??= { name: e.name, send: {}, handle: {} }
        if (e.name !== '') p.name = e.name
        p[e.kind][decisionKey(e.iface, e.scope)] = { decision: e.decision, at, by: e.by ?? 'prompt' }
      }
    })
  }

  /**
   * Forgets a program's decisions on one interface (both kinds, and every scope of it unless
   * `scope` names one), or all of them; returns how many.
   */
  revoke (program: string, iface?: string, scope?: string): number {
    let removed = 0
    this.#update((f) => {
      const p = f.programs[program]
      if (p === undefined) return
      for (const kind of ['send', 'handle'] as const) {
        for (const key of Object.keys(p[kind])) {
          const hit = iface === undefined ||
            (scope === undefined ? key === iface || key.startsWith(`${iface}=`) : key === decisionKey(iface, scope))
          if (hit) { delete p[kind][key]; removed++ }
        }
      }
      if (Object.keys(p.send).length === 0 && Object.keys(p.handle).length === 0) delete f.programs[program]
    })
    return removed
  }

  #update (change: (f: GrantFile) => void): void {
    const dir = join(this.path, '..')
    try {
      mkdirSync(dir, { recursive: true })
    } catch (err) {
      throw storeError(this.path, `cannot write (${(err as Error).message})`)
    }
    const lock = `${this.path}.lock`
    this.#lock(lock)
    try {
      const file = this.#read()
      change(file)
      const tmp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`
      try {
        writeFileSync(tmp, JSON.stringify(file, null, 2) + '\n', { mode: 0o600 })
        renameSync(tmp, this.path)
      } catch (err) {
        try { unlinkSync(tmp) } catch {}
        throw storeError(this.path, `cannot write (${(err as Error).message})`)
      }
      this.#file = file
    } finally {
      try { unlinkSync(lock) } catch {}
    }
  }

  /** Takes the lock file, waiting for its holder; a lock whose holder died or hung is taken over. */
  #lock (lock: string): void {
    const deadline = Date.now() + LOCK_WAIT_MS
    const pause = new Int32Array(new SharedArrayBuffer(4))
    for (let attempt = 0; ; attempt++) {
      try {
        const fd = openSync(lock, 'wx', 0o600)
        writeSync(fd, `${process.pid}\n`)
        closeSync(fd)
        return
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw storeError(this.path, `cannot lock (${(err as Error).message})`)
      }
      const stale = staleLock(lock)
      if (stale !== null) {
        takeOver(lock, stale)
        continue
      }
      if (Date.now() > deadline) throw storeError(lock, 'another wasmos holds this lock')
      // Synchronous on purpose (see above): a short sleep, longer as the wait goes on.
      Atomics.wait(pause, 0, 0, Math.min(20, 1 + attempt))
    }
  }
}
