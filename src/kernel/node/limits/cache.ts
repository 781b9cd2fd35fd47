// On-disk cache of fuel-rewritten modules, so that neither `wasmos run` nor `wasmos exec` redoes
// the rewrite on every start. Entries live in WASMOS_HOME/cache/fuel/ (default home ~/.wasmos), one
// file per key: the key hashes the rewrite version, its options and the program (its CID when the
// caller knows it, else the SHA-256 of the bytes). `rewriteForRun` keys and stores the bytes as they
// are compiled (after the bounds pass of ../bounds.ts too), so a hit is one read and one checksum:
// no rewrite, no re-encoding, and no hash of the module beyond the CID the caller already has.
//
// A file is a 16-byte header (magic, the CRC-32 of the module, its length) followed by the module;
// an entry that is truncated, altered or unreadable is ignored and written again. The checksum
// only has to catch damage (a torn or flipped file): whoever can write the cache could write a
// matching hash as well, so a cryptographic one would buy nothing and cost a second full hash of
// a large module on every start. Writes go to a temporary file that is then renamed, so readers
// never see half an entry. The cache is best-effort: if it cannot be written the rewritten bytes
// are still returned.
//
// Only bytes are cached: Node offers no way to serialize a compiled WebAssembly.Module to disk.
import { createHash, randomBytes } from 'node:crypto'
import { closeSync, openSync, readFileSync, renameSync, rmSync, mkdirSync, writeSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { BOUNDS_VERSION, boundSections } from '../bounds.ts'
import { REWRITE_VERSION, rewriteModule, type RewriteOptions } from './rewrite/index.ts'

export interface CacheOptions {
  /** WASMOS_HOME; defaults to $WASMOS_HOME, then ~/.wasmos. */
  home?: string
  /** The program's CID, when known: keys the entry without hashing the bytes. */
  cid?: string
}

export interface CachedRewrite {
  bytes: Uint8Array
  /** Whether the entry came from the cache. */
  hit: boolean
  /** Where the entry is (or would be). */
  path: string
  /** Whether a new entry was written (false on a hit, or when the cache is not writable). */
  stored: boolean
}

export function wasmosHome (home?: string): string {
  return home ?? process.env.WASMOS_HOME ?? join(homedir(), '.wasmos')
}

export function fuelCacheDir (home?: string): string {
  return join(wasmosHome(home), 'cache', 'fuel')
}

function sha256 (data: Uint8Array | string): Buffer {
  return createHash('sha256').update(data).digest()
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
 * cache when a sound entry exists; else made and stored.
 */
export function rewriteForRun (bytes: Uint8Array, opts: RunRewriteOptions, cache: CacheOptions = {}): CachedRewrite {
  const { maxMemoryPages, maxTableEntries } = opts
  const key = fuelCacheKey(bytes, { maxMemoryPages }, cache.cid, `bounds=${BOUNDS_VERSION},maxTableEntries=${maxTableEntries}`)
  return cached(key, cache, () => rewriteModule(bytes, { maxMemoryPages }, (sections) => boundSections(sections, maxTableEntries)))
}

function cached (key: string, cache: CacheOptions, make: () => Uint8Array): CachedRewrite {
  const dir = fuelCacheDir(cache.home)
  const path = join(dir, `${key}.wasm`)
  const found = readEntry(path)
  if (found !== undefined) return { bytes: found, hit: true, path, stored: false }
  const out = make()
  return { bytes: out, hit: false, path, stored: writeEntry(dir, path, out) }
}

/**
 * Modules up to this size are checksummed here rather than by zlib: loading node:zlib (and the
 * stream modules it needs) costs a small program's start more than its checksum in JavaScript.
 */
const JS_CRC_MAX = 128 * 1024
let crcTable: Int32Array | undefined

/** The CRC-32 of zlib (and of PNG, gzip): the same number either way. */
export function crc32 (bytes: Uint8Array): number {
  if (bytes.length > JS_CRC_MAX) return zlibCrc32(bytes)
  const table = crcTable ??= makeCrcTable()
  let c = -1
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]) & 0xff] ^ (c >>> 8)
  return (c ^ -1) >>> 0
}

function makeCrcTable (): Int32Array {
  const table = new Int32Array(256)
  for (let i = 0; i < 256; i++) {
    let c = i
    for (let k = 0; k < 8; k++) c = (c & 1) !== 0 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
    table[i] = c
  }
  return table
}

/** An entry's header: MAGIC, then the module's CRC-32 and its length (little-endian u32s). */
const MAGIC = Buffer.from('wasmosF2')
const HEADER = 16

function readEntry (path: string): Uint8Array | undefined {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch {
    return undefined
  }
  if (file.length < HEADER + 8 || !file.subarray(0, 8).equals(MAGIC)) return undefined
  const body = file.subarray(HEADER)
  if (file.readUInt32LE(12) !== body.length || crc32(body) !== file.readUInt32LE(8)) return undefined
  return new Uint8Array(body.buffer, body.byteOffset, body.length)
}

function writeEntry (dir: string, path: string, bytes: Uint8Array): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  let fd: number | undefined
  try {
    mkdirSync(dir, { recursive: true })
    const header = Buffer.alloc(HEADER)
    MAGIC.copy(header)
    header.writeUInt32LE(crc32(bytes), 8)
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
