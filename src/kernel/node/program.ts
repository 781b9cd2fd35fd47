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

/** Rewrites a module's bytes before it is compiled (the fuel rewrite of `limits`); `cid` names the original. */
export type Rewrite = (bytes: Uint8Array, cid: string) => Uint8Array | Promise<Uint8Array>

export interface LoadOptions {
  rewrite?: Rewrite
  /** The CID, when the caller computed or verified it already (e.g. from the store). */
  cid?: string
  /** Computes the CID of bytes larger than one chunk (default: `ipfs add --cid-version=1`'s). */
  cidOf?: (bytes: Uint8Array) => Promise<string>
  /** Imports the host provides beyond `wasmos` (e.g. the refuel import added by the rewrite). */
  allowImport?: (module: string, name: string) => boolean
}

/** Checks and compiles a program. `source` names it in errors. */
export async function loadProgram (bytes: Uint8Array, source: string, opts: LoadOptions = {}): Promise<Program> {
  if (bytes.length < 8 || MAGIC.some((m, i) => bytes[i] !== m)) throw notWasm(source)
  let cid = opts.cid
  if (cid === undefined) {
    if (bytes.length <= CHUNK) cid = await rawCidOf(bytes)
    else if (opts.cidOf !== undefined) cid = await opts.cidOf(bytes)
    else cid = unixfsCidOf(bytes)
  }
  let module: WebAssembly.Module
  try {
    const code = opts.rewrite === undefined ? bytes : await opts.rewrite(bytes, cid)
    // A small module compiles in a fraction of a millisecond: on this thread, rather than on V8's
    // background threads with the wait for them through the event loop.
    module = code.length <= CHUNK ? new WebAssembly.Module(code as Uint8Array<ArrayBuffer>) : await WebAssembly.compile(code as Uint8Array<ArrayBuffer>)
  } catch (err) {
    // Whether it failed in the rewrite or in V8, V8 says best what is wrong with a module;
    // a valid module the rewrite refuses (its memory is over the cap) keeps the rewrite's reason.
    const invalid = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>).then(() => null, (e: unknown) => e as Error)
    if (invalid !== null) throw badModule(source, `invalid module (${invalid.message.replace(/^WebAssembly\.compile\(\): /, '')})`)
    throw badModule(source, (err as Error).message)
  }
  const exports = WebAssembly.Module.exports(module)
  if (!exports.some((e) => e.name === '_start' && e.kind === 'function')) {
    throw badModule(source, 'no _start function exported')
  }
  checkSignatures(bytes, source)
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
