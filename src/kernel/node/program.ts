// A program ready to run: its module compiled and checked against what wasmos provides, and how it
// is named (the CID of its bytes, the name from its name section or file).
import { basename } from 'node:path'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'
import { checkSignatures } from './bounds.ts'
import { badModule, notWasm } from './errors.ts'
import { sha256 } from './sha256.ts'
import { shortCid } from './text.ts'
import { unixfsCidOf } from './unixfs-cid.ts'

export interface Program {
  /** What the user knows it by: the module's name section, else the file name. */
  name: string
  /** The CID of its bytes (DESIGN.md, "Names"). */
  cid: string
  module: WebAssembly.Module
  /** Where it came from, for messages: a path or a CID. */
  source: string
  /** Whether it imports WASI (`wasi_snapshot_preview1`). */
  wasi: boolean
}

/** Where programs come from: a file path for `run`, a CID (or prefix) for `exec`. */
export interface ProgramSource {
  /** Loads the program a user or a program named; null when it names nothing known. */
  load (name: string, opts?: LoadOptions): Promise<Program | null>
}

const MAGIC = [0x00, 0x61, 0x73, 0x6d]

function checkMagic (bytes: Uint8Array, source: string): void {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw notWasm(source)
}
const CHUNK = 256 * 1024

/**
 * The CID of a file's bytes as `ipfs add --cid-version=1` gives it, for files of one chunk
 * (256 KiB or less): a raw block, sha2-256. Larger files are UnixFS DAGs (see unixfs-cid.ts).
 */
export async function rawCidOf (bytes: Uint8Array): Promise<string> {
  const digest = sha256(bytes)
  return CID.createV1(0x55, createDigest(0x12, digest)).toString()
}

/** The CID of a program's bytes, as loadProgram names it when not told: a raw block, or the UnixFS DAG of a larger file. */
export function cidOfBytes (bytes: Uint8Array): string {
  return bytes.length <= CHUNK ? CID.createV1(0x55, createDigest(0x12, sha256(bytes))).toString() : unixfsCidOf(bytes)
}

/** Reads the `name` subsection 0 (module name) of a module's name section, if any. */
export function moduleName (module: WebAssembly.Module): string | null {
  const sections = WebAssembly.Module.customSections(module, 'name')
  if (sections.length === 0) return null
  const b = new Uint8Array(sections[0])
  let i = 0
  const leb = (): number => {
    let result = 0; let shift = 0
    for (;;) {
      if (i >= b.length) throw new RangeError('truncated')
      const byte = b[i++]
      result += (byte & 0x7f) * 2 ** shift
      shift += 7
      if ((byte & 0x80) === 0) return result
    }
  }
  try {
    while (i < b.length) {
      const id = b[i++]
      const size = leb()
      if (id === 0) {
        const len = leb()
        return new TextDecoder('utf-8', { fatal: true }).decode(b.subarray(i, i + len))
      }
      i += size
    }
  } catch {
    return null
  }
  return null
}

/**
 * A program's original bytes, read when first called (then the same array each call): a cached
 * rewrite keyed by the CID never calls it, so a large file the caller could name without reading
 * it is never read. It throws what reading them throws.
 */
export type OriginalBytes = () => Uint8Array

/**
 * Rewrites a module before it is compiled (the fuel rewrite of `limits`); `cid` names the
 * original, whose bytes `original` reads, if the rewrite needs them (a cache miss).
 */
export type Rewrite = (original: OriginalBytes, cid: string) => Uint8Array | Promise<Uint8Array>

export interface LoadOptions {
  rewrite?: Rewrite
  /** The CID, when the caller computed or verified it already (e.g. from the store). */
  cid?: string
  /** Computes the CID of bytes larger than one chunk (default: `ipfs add --cid-version=1`'s). */
  cidOf?: (bytes: Uint8Array) => Promise<string>
  /** Imports the host provides beyond `wasmos` (e.g. the refuel import added by the rewrite). */
  allowImport?: (module: string, name: string) => boolean
}

/** `bytes` as an OriginalBytes: a given array, or a reader called once; `failed` is what the read threw. */
function once (bytes: Uint8Array | OriginalBytes): { read: OriginalBytes, failed?: unknown } {
  if (typeof bytes !== 'function') return { read: () => bytes }
  let got: Uint8Array | undefined
  const r: { read: OriginalBytes, failed?: unknown } = {
    read: () => {
      if (got !== undefined) return got
      if ('failed' in r) throw r.failed
      try {
        got = bytes()
      } catch (err) {
        r.failed = err
        throw err
      }
      return got
    }
  }
  return r
}

/**
 * Checks and compiles a program. `source` names it in errors. `bytes` may be a reader of them
 * when `opts.cid` names them and a rewrite may make them unnecessary (a cache hit): then the
 * checks run on the module compiled, and the reader is called only if something needs the
 * original (a miss, a rewrite that stores it, a module that fails to compile).
 */
export async function loadProgram (bytes: Uint8Array | OriginalBytes, source: string, opts: LoadOptions = {}): Promise<Program> {
  const reader = once(bytes)
  const original = reader.read
  const lazy = typeof bytes === 'function' && opts.cid !== undefined && opts.rewrite !== undefined
  if (!lazy) checkMagic(original(), source)
  let cid = opts.cid
  if (cid === undefined) {
    const b = original()
    if (b.length <= CHUNK) cid = await rawCidOf(b)
    else if (opts.cidOf !== undefined) cid = await opts.cidOf(b)
    else cid = unixfsCidOf(b)
  }
  let module: WebAssembly.Module
  let code: Uint8Array
  try {
    code = opts.rewrite === undefined ? original() : await opts.rewrite(original, cid)
    // A small module compiles in a fraction of a millisecond: on this thread, rather than on V8's
    // background threads with the wait for them through the event loop.
    module = code.length <= CHUNK ? new WebAssembly.Module(code as Uint8Array<ArrayBuffer>) : await WebAssembly.compile(code as Uint8Array<ArrayBuffer>)
  } catch (err) {
    // The original could not be read (a lazy read): nothing for V8 to judge.
    if ('failed' in reader) throw err
    // Whether it failed in the rewrite or in V8, V8 says best what is wrong with a module;
    // a valid module the rewrite refuses (its memory is over the cap) keeps the rewrite's reason.
    const b = original()
    checkMagic(b, source)
    const invalid = await WebAssembly.compile(b as Uint8Array<ArrayBuffer>).then(() => null, (e: unknown) => e as Error)
    if (invalid !== null) throw badModule(source, `invalid module (${invalid.message.replace(/^WebAssembly\.compile\(\): /, '')})`)
    throw badModule(source, (err as Error).message)
  }
  const exports = WebAssembly.Module.exports(module)
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw badModule(source, 'no _start function exported')
  }
  // On the module compiled: the rewrite keeps the types, the `wasmos` imports and `_start`.
  checkSignatures(code, source)
  let wasi = false
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module === 'wasi_snapshot_preview1' || imp.module === 'wasi_unstable') { wasi = true; continue }
    if (imp.module === 'wasmos' && ['send', 'answer', 'wait'].includes(imp.name) && imp.kind === 'function') continue
    if (opts.allowImport?.(imp.module, imp.name) === true) continue
    throw badModule(source, `imports ${imp.module}.${imp.name}, which wasmos does not provide`)
  }
  if (!wasi && !exports.some((e) => e.name === 'memory' && e.kind === 'memory')) {
    throw badModule(source, 'no memory exported')
  }
  const name = moduleName(module) ?? (source === cid ? shortCid(cid) : basename(source).replace(/\.wasm$/, ''))
  return { name, cid, module, source, wasi }
}
