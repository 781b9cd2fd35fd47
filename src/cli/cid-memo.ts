// A memo of which CID a program file has, keyed by the file's identity (device, inode, size,
// mtime and ctime in nanoseconds), so that `wasmos run` of a large file it ran before does not
// hash the whole file again to name it. Like git's index: an entry whose key differs in any field
// is not used. With a CID from the memo, run.ts does not read the file at all unless the load needs
// its bytes (a fuel-cache miss, --record). Why a matching key is enough, and when an entry is not
// written: README.md here.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { join } from 'node:path'

/** Entries kept; beyond it the oldest written go first. */
export const MEMO_ENTRIES = 256
/**
 * How much older than the moment its bytes were read a file's ctime must be for its CID to be
 * remembered: a change within the same tick of the file system's clock would keep the ctime.
 */
export const SETTLED_NS = 2_000_000_000n
const VERSION = 1

interface Entry {
  /** `dev:ino:size:mtimeNs:ctimeNs`. */
  key: string
  cid: string
}

/** The identity of a file as the memo keys it. */
export function identityOf (st: BigIntStats): string {
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`
}

export class CidMemo {
  readonly path: string
  #entries: Entry[] | undefined

  /** The memo of WASMOS_HOME `home` (WASMOS_HOME/cache/cid-memo.json). */
  constructor (home: string) {
    this.path = join(home, 'cache', 'cid-memo.json')
  }

  /** The CID remembered for a file whose stat (with bigint: true) is `st`, if its identity is unchanged. */
  get (st: BigIntStats): string | undefined {
    const key = identityOf(st)
    return this.#load().find((e) => e.key === key)?.cid
  }

  /**
   * Remembers the CID of the bytes read from a file whose stat, taken on the descriptor they were
   * read from, is `st`; `readStartNs` is the wall clock (ns) before the read. Not remembered when
   * the file changed too recently to be told apart from a later change (see README.md). Returns
   * whether it was remembered. A memo that cannot be written is no error: the next run hashes.
   */
  set (st: BigIntStats, cid: string, readStartNs: bigint): boolean {
    if (st.ctimeNs > readStartNs - SETTLED_NS || st.mtimeNs > readStartNs - SETTLED_NS) return false
    const key = identityOf(st)
    // The same inode under another identity is the same file changed: its old entry goes too.
    const inode = `${st.dev}:${st.ino}:`
    const entries = this.#load().filter((e) => !e.key.startsWith(inode))
    entries.push({ key, cid })
    this.#entries = entries.slice(-MEMO_ENTRIES)
    const tmp = `${this.path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`
    try {
      mkdirSync(join(this.path, '..'), { recursive: true })
      writeFileSync(tmp, JSON.stringify({ version: VERSION, entries: this.#entries }) + '\n', { flag: 'wx' })
      renameSync(tmp, this.path)
      return true
    } catch {
      try { rmSync(tmp, { force: true }) } catch { /* the directory itself is unusable */ }
      return false
    }
  }

  /** The entries on disk; a missing, unreadable or malformed memo is an empty one (rewritten at the next set). */
  #load (): Entry[] {
    if (this.#entries !== undefined) return this.#entries
    let entries: Entry[] = []
    try {
      const parsed = JSON.parse(readFileSync(this.path, 'utf8')) as { version?: unknown, entries?: unknown }
      if (parsed.version === VERSION && Array.isArray(parsed.entries)) {
        entries = parsed.entries.filter((e: unknown): e is Entry => typeof e === 'object' && e !== null &&
          typeof (e as Entry).key === 'string' && typeof (e as Entry).cid === 'string' && /^b[a-z2-7]{58}$/.test((e as Entry).cid))
      }
    } catch {
      entries = []
    }
    this.#entries = entries
    return entries
  }
}
