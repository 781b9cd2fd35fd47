// On-disk cache of fuel-rewritten modules, so that neither `wasmos run` nor `wasmos exec` redoes
// the rewrite on every start. Entries live in WASMOS_HOME/cache/fuel/ (default home ~/.wasmos), one
// file per key: the key hashes the rewrite version, its options and the program (its CID when the
// caller knows it, else the SHA-256 of the bytes). `rewriteForRun` keys and stores the bytes as they
// are compiled (after the bounds pass of ../bounds.ts too), so a hit is one read and a check: no
// rewrite, no re-encoding, and no hash of the module beyond the CID the caller already has.
//
// A file is a 16-byte header (magic, a checksum of the module, its length) followed by the module;
// an entry that is truncated, altered or unreadable is ignored and written again. The checksum
// only has to catch damage (a torn or flipped file): whoever can write the cache could write a
// matching hash as well, so a cryptographic one would buy nothing. Once an entry's checksum has
// been verified and the file has not changed for a while, a seal beside it (`<key>.wasm.ok`)
// records the file's identity (device, inode, size, mtime, ctime); a later read whose file has
// that identity skips the checksum, since any change to the file (a write, a truncation, another
// file renamed over it) changes its ctime or inode (README.md, "The cache and a program's start").
// Writes go to a temporary file that is then renamed, so readers never see half an entry. The
// cache is best-effort: if it cannot be written the rewritten bytes are still returned.
//
// Only bytes are cached: Node offers no way to serialize a compiled WebAssembly.Module to disk.
import { closeSync, fdatasyncSync, fstatSync, openSync, readFileSync, renameSync, rmSync, mkdirSync, writeFileSync, writeSync } from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { join } from 'node:path'
import { BOUNDS_VERSION, boundSections } from '../bounds.ts'
import { sha256 as sha256Of } from '../sha256.ts'
import { REWRITE_VERSION, rewriteModule, type RewriteOptions } from './rewrite/index.ts'
import { wasmosHome } from '../home.ts'

export interface CacheOptions {
  /** WASMOS_HOME; defaults to $WASMOS_HOME, then ~/.wasmos. */
  home?: string
  /** The program's CID, when known: keys the entry without hashing the bytes. */
  cid?: string
  /** The wall clock in milliseconds (default Date.now): when an entry counts as settled (tests move it on). */
  now?: () => number
}

export interface CachedRewrite {
  bytes: Uint8Array
  /** Whether the entry came from the cache. */
  hit: boolean
  /** Where the entry is (or would be). */
  path: string
  /** Whether a new entry was written (false on a hit, or when the cache is not writable). */
  stored: boolean
  /** How a hit was found sound: by its seal (the file unchanged since verified) or by its checksum. */
  checked?: 'seal' | 'checksum'
}

export function fuelCacheDir (home?: string): string {
  return join(wasmosHome(home), 'cache', 'fuel')
}

function sha256 (data: Uint8Array | string): Buffer {
  const digest = sha256Of(data)
  return Buffer.from(digest.buffer, digest.byteOffset, digest.length)
}

/**
 * The cache key of a program under given rewrite options; `stage` names what else was done to the
 * bytes after the rewrite (none for the plain rewrite).
 */
export function fuelCacheKey (bytes: Uint8Array, opts: RewriteOptions, cid?: string, stage?: string): string {
  const program = cid !== undefined ? `cid:${cid}` : `sha256:${sha256(bytes).toString('hex')}`
  const extra = stage === undefined ? '' : `stage=${stage}\n`
  return sha256(`wasmos-fuel\nversion=${REWRITE_VERSION}\nmaxMemoryPages=${opts.maxMemoryPages}\n${extra}${program}`).toString('hex')
}

/** The rewritten module, from the cache when a sound entry exists; else rewritten and stored. */
export function rewriteCached (bytes: Uint8Array, opts: RewriteOptions, cache: CacheOptions = {}): CachedRewrite {
  return cached(fuelCacheKey(bytes, opts, cache.cid), cache, () => rewriteModule(bytes, opts))
}

export interface RunRewriteOptions extends RewriteOptions {
  /** Most table entries of the program (see ../bounds.ts). */
  maxTableEntries: number
}

/**
 * The module as a run compiles it: fuel-rewritten, tables capped and the start function made an
 * export (`boundSections`, applied as the rewrite writes its sections: no second copy), from the
 * cache when a sound entry exists; else made and stored. `bytes` may be a reader of the original:
 * with `cache.cid` a hit never calls it (the caller need not read the program at all).
 */
export function rewriteForRun (bytes: Uint8Array | (() => Uint8Array), opts: RunRewriteOptions, cache: CacheOptions = {}): CachedRewrite {
  const { maxMemoryPages, maxTableEntries } = opts
  const original = typeof bytes === 'function' ? bytes : () => bytes
  const stage = `bounds=${BOUNDS_VERSION},maxTableEntries=${maxTableEntries}`
  const key = cache.cid !== undefined ? fuelCacheKey(new Uint8Array(0), { maxMemoryPages }, cache.cid, stage) : fuelCacheKey(original(), { maxMemoryPages }, undefined, stage)
  return cached(key, cache, () => rewriteModule(original(), { maxMemoryPages }, (sections) => boundSections(sections, maxTableEntries)))
}

function cached (key: string, cache: CacheOptions, make: () => Uint8Array): CachedRewrite {
  const dir = fuelCacheDir(cache.home)
  const path = join(dir, `${key}.wasm`)
  const found = readEntry(path, cache.now ?? Date.now)
  if (found !== undefined) return { bytes: found.bytes, hit: true, path, stored: false, checked: found.checked }
  const out = make()
  return { bytes: out, hit: false, path, stored: writeEntry(dir, path, out) }
}

/**
 * The checksum of an entry: MurmurHash3 (32-bit, seeded with the length) of the module, read a 32-bit word at a time in
 * the machine's byte order (the cache never leaves the machine). Not zlib's CRC-32: loading
 * node:zlib costs a start more than the sum itself, and a CRC in JavaScript goes a byte at a time,
 * slowly before V8 optimises it, as it has not yet at a start.
 */
export function checksum (bytes: Uint8Array): number {
  const n = bytes.length >>> 2
  const aligned = bytes.byteOffset % 4 === 0 ? bytes : bytes.slice()
  const words = new Uint32Array(aligned.buffer, aligned.byteOffset, n)
  let h = bytes.length | 0
  for (let i = 0; i < n; i++) {
    h ^= mix(words[i])
    h = (Math.imul((h << 13) | (h >>> 19), 5) + 0xe6546b64) | 0
  }
  let tail = 0
  for (let i = bytes.length - 1; i >= n * 4; i--) tail = (tail << 8) | bytes[i]
  if ((bytes.length & 3) !== 0) h ^= mix(tail)
  h ^= bytes.length
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b)
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

function mix (k: number): number {
  k = Math.imul(k, 0xcc9e2d51)
  return Math.imul((k << 15) | (k >>> 17), 0x1b873593)
}

/** An entry's header: MAGIC, then the module's checksum and its length (little-endian u32s). */
const MAGIC = Buffer.from('wasmosF3')
const HEADER = 16

/**
 * How much older than the read of an entry its ctime and mtime must be for the entry to be sealed:
 * a change within the same tick of the file system's clock could keep the ctime (as the CID memo
 * of src/cli, and git's index, reason).
 */
export const SETTLED_MS = 2000

/** The seal's text for a file: the format, then the identity that any change to the file alters. */
function sealOf (st: BigIntStats): string {
  return `${MAGIC.toString('latin1')} ${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}\n`
}

function readEntry (path: string, now: () => number): { bytes: Uint8Array, checked: 'seal' | 'checksum' } | undefined {
  const startMs = now()
  let fd: number | undefined
  try {
    fd = openSync(path, 'r')
    const file = readFileSync(fd)
    // After the read: a change to the file before this point, during the read too, shows in it.
    const st = fstatSync(fd, { bigint: true })
    if (file.length < HEADER + 8 || !file.subarray(0, 8).equals(MAGIC)) return undefined
    const body = file.subarray(HEADER)
    if (file.readUInt32LE(12) !== body.length) return undefined
    const bytes = new Uint8Array(body.buffer, body.byteOffset, body.length)
    const seal = sealOf(st)
    const sealPath = `${path}.ok`
    let sealed: string | undefined
    try { sealed = readFileSync(sealPath, 'latin1') } catch { /* not sealed yet */ }
    if (sealed === seal) return { bytes, checked: 'seal' }
    if (checksum(body) !== file.readUInt32LE(8)) return undefined
    const settled = BigInt(startMs - SETTLED_MS) * 1_000_000n
    if (st.ctimeNs < settled && st.mtimeNs < settled) {
      // The entry's bytes on disk before the seal: a crash cannot leave a sealed entry whose data
      // never reached the disk (same inode, size and times, other bytes), which the seal would pass.
      try {
        fdatasyncSync(fd)
        writeAtomic(sealPath, seal)
      } catch { /* not sealed: the next run sums it again */ }
    }
    return { bytes, checked: 'checksum' }
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Writes a small file through a temporary one and a rename; best-effort (a failed seal only costs a checksum). */
function writeAtomic (path: string, text: string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`
  try {
    writeFileSync(tmp, text, { flag: 'wx' })
    renameSync(tmp, path)
  } catch {
    try { rmSync(tmp, { force: true }) } catch { /* the directory itself is unusable */ }
  }
}

function writeEntry (dir: string, path: string, bytes: Uint8Array): boolean {
  // Unique enough with the pid ('wx' refuses an existing file), and no node:crypto at start.
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2, 10)}.tmp`
  let fd: number | undefined
  try {
    mkdirSync(dir, { recursive: true })
    const header = Buffer.alloc(HEADER)
    MAGIC.copy(header)
    header.writeUInt32LE(checksum(bytes), 8)
    header.writeUInt32LE(bytes.length, 12)
    fd = openSync(tmp, 'wx')
    // Written in place rather than concatenated: no second copy of a large module.
    writeAll(fd, header)
    writeAll(fd, bytes)
    closeSync(fd)
    fd = undefined
    renameSync(tmp, path)
    return true
  } catch {
    try { if (fd !== undefined) closeSync(fd) } catch { /* already closed */ }
    try { rmSync(tmp, { force: true }) } catch { /* the directory itself is unusable */ }
    return false
  }
}

function writeAll (fd: number, bytes: Uint8Array): void {
  for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at)
}
