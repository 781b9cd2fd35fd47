// One run of wasmos on Node: a host with the native interfaces, the handlers the user chose, then
// the main program; resolves with the main program's exit status. `wasmos run` and `wasmos exec`
// both come here; they differ only in where the bytes come from.
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { resolve as resolvePath } from 'node:path'
import { INTERFACES } from '../interfaces/gen/index.ts'
import { summaryOf } from '../interfaces/names.ts'
import { logHandler } from '../interfaces/native/log.ts'
import { processHandler } from '../interfaces/native/process.ts'
import { randomHandler } from '../interfaces/native/random.ts'
import { registryHandler } from '../interfaces/native/registry.ts'
import { stdioHandler } from '../interfaces/native/stdio.ts'
import type { StdioStreams } from '../interfaces/native/stdio.ts'
import { timeHandler } from '../interfaces/native/time.ts'
import { WasmosError } from '../kernel/node/errors.ts'
import { FlagPolicy, resolveInterface } from '../kernel/node/grants/policy.ts'
import type { GrantFlags, KnownInterface } from '../kernel/node/grants/policy.ts'
import { NodeHost } from '../kernel/node/host.ts'
import type { HostOptions } from '../kernel/node/host.ts'
import type { GrantPolicy } from '../kernel/node/grants/request.ts'
import type { Proc } from '../kernel/node/proc.ts'
import { createLogger } from '../kernel/node/logger.ts'
import type { LogFormat, Logger, LogLevel } from '../kernel/node/logger.ts'
import type { NativeHandler } from '../kernel/node/native.ts'
import { cidOfBytes, loadProgram } from '../kernel/node/program.ts'
import { CidMemo, identityOf } from './cid-memo.ts'
import type { LoadOptions, Program, ProgramSource } from '../kernel/node/program.ts'
import { wasmosHome } from '../kernel/node/home.ts'

export interface HandlerSpec {
  /** The interface, by name, CID or hex digest. */
  iface: string
  /** The program, as the source understands it. */
  program: string
}

export interface RunOptions extends GrantFlags {
  main: string
  args: string[]
  handlers: HandlerSpec[]
  source: ProgramSource
  logLevel?: LogLevel
  logFormat?: LogFormat
  logger?: Logger
  timeoutSeconds?: number
  queueLimit?: number
  maxMessageSize?: number
  /** Processes alive at once (`--max-processes`). */
  maxProcesses?: number
  streams?: StdioStreams
  /** Replaces the flag policy's fallback for undecided grants (the terminal prompt). */
  configurePolicy?: (policy: FlagPolicy) => void
  /** More native handlers (tcp, fs, …), built once the host exists. */
  natives?: Array<(host: NodeHost) => NativeHandler>
  wasi?: HostOptions['wasi']
  /** How programs are loaded: the fuel rewrite and the imports it adds (set by features). */
  load?: LoadOptions
  /** More imports for each process, beside `wasmos` (set by features). */
  imports?: HostOptions['imports']
  /** Observes processes (set by features: limits, stats). */
  monitor?: HostOptions['monitor']
  /** Called once the run is over, whatever its outcome (e.g. to print `--stats`). */
  onEnd?: () => void
  /** Called with the host before any program starts. */
  onHost?: (host: NodeHost) => void
  /**
   * Where the main program comes from once the handlers run, when not from `source` (a wasm
   * program handling `loader`); the main program is then loaded after the handlers start.
   */
  mainSource?: (host: NodeHost) => ProgramSource | null
}

/** Every interface defined in interfaces/, by key (a summary is worked out when it is shown). */
export function knownInterfaces (): Map<string, KnownInterface> {
  const known = new Map<string, KnownInterface>()
  for (const iface of INTERFACES.values()) {
    known.set(iface.key, { key: iface.key, name: iface.name, cid: iface.cid, get summary () { return summaryOf(iface.def) } })
  }
  return known
}

/** Files up to this size are named by hashing them; larger ones through the memo of their CIDs. */
const MEMO_MIN_BYTES = 256 * 1024

/** Programs from files: `run` knows the files named on its command line. */
export class FileSource implements ProgramSource {
  readonly #byName = new Map<string, Program>()
  readonly #files: Set<string>
  readonly #home: string | undefined
  #memo: CidMemo | undefined

  /** `home` is the WASMOS_HOME whose memo of file CIDs is used (default: wasmosHome()). */
  constructor (files: string[], home?: string) {
    this.#files = new Set(files.map((f) => resolvePath(f)))
    this.#home = home
  }

  async load (name: string, opts: LoadOptions = {}): Promise<Program | null> {
    const cached = this.#byName.get(name)
    if (cached !== undefined) return cached
    const path = resolvePath(name)
    if (!this.#files.has(path)) {
      // A program may also be named by its module name or CID once loaded.
      for (const p of this.#byName.values()) {
        if (p.name === name || p.cid === name) return p
      }
      return null
    }
    const file = this.#open(name, path)
    try {
      const program = await loadProgram(file.bytes, name, file.cid === undefined ? opts : { ...opts, cid: file.cid })
      this.#byName.set(name, program)
      return program
    } finally {
      file.close()
    }
  }

  /**
   * The file's bytes, or for a large file the memo knows (the file the one hashed before) its CID
   * and a reader of its bytes: a run whose rewrite is cached by that CID never reads the file.
   * A large file the memo does not know is read and hashed here, and remembered. Read
   * synchronously, in one go: one read of a file, mostly before anything runs; node:fs/promises
   * (and trips through libuv's thread pool, a chunk at a time) would cost the start of `wasmos
   * run` more than it. The stat is taken on the descriptor the bytes are read from, so it
   * describes the file read; the descriptor stays open until the program is loaded, and a lazy
   * read checks that the file it reads still has the identity the memo named (README.md).
   */
  #open (name: string, path: string): { bytes: Uint8Array | (() => Uint8Array), cid?: string, close: () => void } {
    let fd: number | undefined
    const fail = (err: unknown): WasmosError => {
      if (err instanceof WasmosError) return err
      const code = (err as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return new WasmosError('ERR_NOT_FOUND', `${name}: no such file${/(^|[\\/])programs[\\/]build[\\/][^\\/]+\.wasm$/.test(name) ? ' (run npm run build to build the programs)' : ''}`)
      if (code === 'EISDIR') return new WasmosError('ERR_NOT_FOUND', `${name}: is a directory`)
      return new WasmosError('ERR_READ', `${name}: ${(err as Error).message}`)
    }
    const close = (): void => {
      if (fd === undefined) return
      try { closeSync(fd) } catch { /* nothing left to do with it */ }
      fd = undefined
    }
    try {
      const readStartNs = BigInt(Date.now()) * 1_000_000n
      fd = openSync(path, 'r')
      const st = fstatSync(fd, { bigint: true })
      if (st.isDirectory()) throw fail(Object.assign(new Error('is a directory'), { code: 'EISDIR' }))
      if (st.size > BigInt(MEMO_MIN_BYTES)) {
        this.#memo ??= new CidMemo(wasmosHome(this.#home))
        const known = this.#memo.get(st)
        if (known !== undefined) {
          const at = fd
          return { bytes: () => this.#readKnown(name, at, st, known, fail), cid: known, close }
        }
      }
      const bytes = readFileSync(fd)
      if (bytes.length <= MEMO_MIN_BYTES || st.size !== BigInt(bytes.length)) { close(); return { bytes, close } }
      const cid = cidOfBytes(bytes)
      this.#memo?.set(st, cid, readStartNs)
      close()
      return { bytes, cid, close }
    } catch (err) {
      close()
      throw fail(err)
    }
  }

  /**
   * The bytes of a file named from the memo, read when first needed. The file may have changed
   * since its stat (a write between the start of the run and this read): its identity is taken
   * again after the read, and bytes of another identity are hashed; if their CID is not the one
   * the run has used, the run stops rather than run other bytes under that name.
   */
  #readKnown (name: string, fd: number, st: BigIntStats, cid: string, fail: (err: unknown) => WasmosError): Uint8Array {
    let bytes: Uint8Array
    let now: BigIntStats
    try {
      bytes = readFileSync(fd)
      now = fstatSync(fd, { bigint: true })
    } catch (err) {
      throw fail(err)
    }
    if (identityOf(now) === identityOf(st) && BigInt(bytes.length) === st.size) return bytes
    if (cidOfBytes(bytes) !== cid) throw new WasmosError('ERR_CHANGED', `${name}: changed while it was being loaded; run it again`)
    return bytes
  }
}

/** A host with the native interfaces every run has, and the run's extra ones. */
function newHost (opts: Omit<RunOptions, 'main' | 'args'>, logger: Logger, policy: GrantPolicy): NodeHost {
  const host = new NodeHost({
    logger,
    grants: policy,
    queueLimit: opts.queueLimit,
    maxMessageSize: opts.maxMessageSize,
    maxProcesses: opts.maxProcesses,
    wasi: opts.wasi,
    imports: opts.imports,
    monitor: opts.monitor
  })
  // Built when first used: process.stdin costs a start a stream (from /dev/null, a file stream)
  // and most programs never read it.
  const streams = opts.streams ?? {
    get stdin () { return process.stdin },
    get stdout () { return process.stdout },
    get stderr () { return process.stderr }
  }
  host.addNative(registryHandler(host))
  host.addNative(logHandler(host))
  host.addNative(stdioHandler(host, streams))
  host.addNative(timeHandler(host))
  host.addNative(randomHandler(host))
  host.addNative(processHandler(host, async (name) => await opts.source.load(name, opts.load)))
  for (const make of opts.natives ?? []) host.addNative(make(host))
  return host
}

export type HandlersOptions = Omit<RunOptions, 'main' | 'args' | 'mainSource'> & {
  /** Wraps the grant policy before the host gets it (remote callers' grants). */
  wrapPolicy?: (policy: GrantPolicy) => GrantPolicy
}

/** Loads every `--handler` program, in order, before any starts. */
async function loadHandlers (opts: HandlersOptions): Promise<Program[]> {
  const programs: Program[] = []
  for (const h of opts.handlers) {
    const p = await opts.source.load(h.program, opts.load)
    if (p === null) throw new WasmosError('ERR_NOT_FOUND', `${h.program}: not found`)
    programs.push(p)
  }
  return programs
}

/**
 * A host with its native interfaces and the `--handler` programs running, without a main program:
 * what `wasmos serve --handler` serves to peers. Close it with `host.close()`.
 */
export async function startHandlers (opts: HandlersOptions): Promise<NodeHost> {
  const logger = opts.logger ?? createLogger({ level: opts.logLevel, format: opts.logFormat })
  const known = knownInterfaces()
  const flags = new FlagPolicy(opts, known, logger)
  opts.configurePolicy?.(flags)
  const handlerKeys = opts.handlers.map((h) => resolveInterface(h.iface, known, '--handler'))
  const programs = await loadHandlers(opts)
  const policy = opts.wrapPolicy?.(flags) ?? flags
  const host = newHost(opts, logger, policy)
  opts.onHost?.(host)
  try {
    for (let i = 0; i < programs.length; i++) {
      const p = await host.spawn(programs[i], [], 0, [handlerKeys[i]])
      if (p.ended && p.error !== null) throw p.error
    }
  } catch (err) {
    await host.close()
    throw err
  }
  return host
}

/** Runs the main program with its handlers; resolves with its exit status. */
export async function run (opts: RunOptions): Promise<number> {
  const logger = opts.logger ?? createLogger({ level: opts.logLevel, format: opts.logFormat })
  const known = knownInterfaces()
  const policy = new FlagPolicy(opts, known, logger)
  opts.configurePolicy?.(policy)
  const handlerKeys = opts.handlers.map((h) => resolveInterface(h.iface, known, '--handler'))
  // Load everything before starting anything: a bad file is reported before any program runs.
  let mainProgram = opts.mainSource === undefined ? await opts.source.load(opts.main, opts.load) : null
  if (mainProgram === null && opts.mainSource === undefined) throw new WasmosError('ERR_NOT_FOUND', `${opts.main}: not found`)
  const handlerPrograms = await loadHandlers(opts)
  const host = newHost(opts, logger, policy)
  opts.onHost?.(host)
  try {
    const handlerProcs: Proc[] = []
    for (let i = 0; i < handlerPrograms.length; i++) {
      handlerProcs.push(await host.spawn(handlerPrograms[i], [], 0, [handlerKeys[i]]))
    }
    for (const p of handlerProcs) {
      if (p.ended && p.error !== null) throw p.error
    }
    if (mainProgram === null) {
      const via = opts.mainSource?.(host) ?? opts.source
      mainProgram = await via.load(opts.main, opts.load)
      if (mainProgram === null) throw new WasmosError('ERR_NOT_FOUND', `${opts.main}: not found`)
    }
    const main = await host.spawn(mainProgram, opts.args, 0, [], true)
    return await host.runUntilExit(main, opts.timeoutSeconds)
  } finally {
    await host.close()
    opts.onEnd?.()
  }
}
