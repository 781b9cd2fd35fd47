// On-disk cache of fuel-rewritten modules, so `wasmos exec` does not redo the rewrite on every
// start. Entries live in WASMOS_HOME/cache/fuel/ (default home ~/.wasmos), one file per key: the
// key hashes the rewrite version, its options and the program (its CID when the caller knows it,
// else the SHA-256 of the bytes). A file is the SHA-256 of the rewritten module followed by the
// module; an entry that is truncated, altered or unreadable is ignored and written again. Writes
// go to a temporary file that is then renamed, so readers never see half an entry. The cache is
// best-effort: if it cannot be written the rewritten bytes are still returned.
//
// Only bytes are cached: Node offers no way to serialize a compiled WebAssembly.Module to disk.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
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

/** The cache key of a program under given rewrite options. */
export function fuelCacheKey (bytes: Uint8Array, opts: RewriteOptions, cid?: string): string {
  const program = cid !== undefined ? `cid:${cid}` : `sha256:${sha256(bytes).toString('hex')}`
  return sha256(`wasmos-fuel\nversion=${REWRITE_VERSION}\nmaxMemoryPages=${opts.maxMemoryPages}\n${program}`).toString('hex')
}

/** The rewritten module, from the cache when a sound entry exists; else rewritten and stored. */
export function rewriteCached (bytes: Uint8Array, opts: RewriteOptions, cache: CacheOptions = {}): CachedRewrite {
  const dir = fuelCacheDir(cache.home)
  const path = join(dir, `${fuelCacheKey(bytes, opts, cache.cid)}.wasm`)
  const found = readEntry(path)
  if (found !== undefined) return { bytes: found, hit: true, path, stored: false }
  const out = rewriteModule(bytes, opts)
  return { bytes: out, hit: false, path, stored: writeEntry(dir, path, out) }
}

function readEntry (path: string): Uint8Array | undefined {
  let file: Buffer
  try {
    file = readFileSync(path)
  } catch {
    return undefined
  }
  if (file.length < 32 + 8) return undefined
  const body = file.subarray(32)
  if (!sha256(body).equals(file.subarray(0, 32))) return undefined
  return new Uint8Array(body.buffer, body.byteOffset, body.length)
}

function writeEntry (dir: string, path: string, bytes: Uint8Array): boolean {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
  try {
    mkdirSync(dir, { recursive: true })
    writeFileSync(tmp, Buffer.concat([sha256(bytes), bytes]))
    renameSync(tmp, path)
    return true
  } catch {
    try { rmSync(tmp, { force: true }) } catch { /* the directory itself is unusable */ }
    return false
  }
}
