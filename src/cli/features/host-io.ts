// Run feature: host I/O: the natively handled tcp, udp, fs (rooted at --dir) and env (--env)
// interfaces, and WASI programs (which see the --dir directories as preopens and the --listen
// listeners as sockets). Programs still need a grant for each (`--allow tcp,fs`). The tcp, udp
// and fs handlers' modules (and WASI) are loaded when a program first uses them: most runs use none.
import type { Command } from 'commander'
import { fs } from '../../interfaces/gen/fs.ts'
import { tcp } from '../../interfaces/gen/tcp.ts'
import { udp } from '../../interfaces/gen/udp.ts'
import { envHandler, parseEnv } from '../../interfaces/native/env.ts'
import type { Mount } from '../../interfaces/native/fs.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import type { HostMonitor, NodeHost, WasiAdapter } from '../../kernel/node/host.ts'
import type { HostServices, NativeHandler, NativeMessage } from '../../kernel/node/native.ts'
import type { Proc } from '../../kernel/node/proc.ts'
import type { Listen, WasiOptions, WasiRunner } from '../../wasi/runner.ts'
import type { Feature, Flags } from './feature.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Parses `--listen host:port` (`[::1]:port` for IPv6). */
export function parseListen (spec: string): Listen {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(spec)
  const port = m === null ? NaN : Number(m[3])
  if (m === null || port > 65535) throw new WasmosError('ERR_BAD_OPTION', `--listen ${spec}: expected host:port, e.g. 127.0.0.1:8080`)
  return { host: m[1] ?? m[2], port }
}

/**
 * A native handler whose module is loaded when its interface gets its first message; until then
 * what arrives waits, in order. A process that ends before then held nothing in it.
 */
export function lazyHandler (iface: { key: string, name: string }, host: HostServices, load: () => Promise<NativeHandler>): NativeHandler {
  let real: NativeHandler | undefined
  let loading: Promise<NativeHandler | undefined> | undefined
  const waiting: Array<(h: NativeHandler) => void> = []
  const later = (f: (h: NativeHandler) => void): void => {
    if (real !== undefined) { f(real); return }
    waiting.push(f)
    loading ??= load().then((h) => {
      real = h
      for (const w of waiting.splice(0)) w(h)
      return h
    }, (err: unknown) => { host.internalError(iface.name, err); return undefined })
  }
  return {
    key: iface.key,
    name: iface.name,
    handle (msg: NativeMessage) { later((h) => { h.handle(msg) }) },
    processEnded (pid: number) { if (loading !== undefined) later((h) => { h.processEnded?.(pid) }) },
    async close () { await (await loading)?.close?.() }
  }
}

/**
 * The run's WASI adapter, which loads src/wasi only when a WASI program starts: most runs have
 * none, and the WASI modules would be a good part of what every run compiles at its start.
 */
export class LazyWasi implements WasiAdapter {
  readonly #opts: WasiOptions
  #bound: [NodeHost, HostMonitor | undefined] | undefined
  #runner: Promise<WasiRunner> | undefined
  /** As WasiRunner's (`--record` sets it): handed to the runner when it is made. */
  tap: WasiRunner['tap'] = null

  constructor (opts: WasiOptions) {
    this.#opts = opts
  }

  /** The host the programs run on, and what observes processes: set once the host exists. */
  bind (host: NodeHost, monitor?: HostMonitor): void {
    this.#bound = [host, monitor]
  }

  async instantiate (proc: Proc, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
    this.#runner ??= import('../../wasi/runner.ts').then(({ WasiRunner }) => {
      const runner = new WasiRunner(this.#opts)
      runner.tap = this.tap
      if (this.#bound !== undefined) runner.bind(...this.#bound)
      return runner
    })
    return await (await this.#runner).instantiate(proc, imports)
  }
}

export const hostIo: Feature = {
  addOptions (cmd: Command) {
    cmd
      .option('--dir <host[:guest]>', 'let programs granted fs use this directory, seen as guest (default /<its name>; "." gives WASI programs the preopen ".") (repeatable)', collect, [])
      .option('--env <NAME=value>', 'an environment variable for programs granted env, and for WASI programs (repeatable)', collect, [])
      .option('--listen <host:port>', 'a listening socket the main program, if WASI and granted tcp, gets as a pre-opened fd after the --dir ones (repeatable)', collect, [])
  },
  async apply (flags: Flags, opts) {
    const dirs = (flags.dir as string[] | undefined) ?? []
    const vars = parseEnv((flags.env as string[] | undefined) ?? [])
    let mounts: Mount[] = []
    if (dirs.length > 0) {
      const { parseDir, resolveMounts } = await import('../../interfaces/native/fs.ts')
      mounts = await resolveMounts(dirs.map(parseDir))
    }
    opts.natives ??= []
    opts.natives.push(
      (host) => lazyHandler(tcp, host, async () => (await import('../../interfaces/native/tcp.ts')).tcpHandler(host)),
      (host) => lazyHandler(udp, host, async () => (await import('../../interfaces/native/udp.ts')).udpHandler(host)),
      (host) => lazyHandler(fs, host, async () => (await import('../../interfaces/native/fs.ts')).fsHandler(host, mounts)),
      (host) => envHandler(host, vars)
    )
    const listen = ((flags.listen as string[] | undefined) ?? []).map(parseListen)
    const wasi = new LazyWasi({ env: vars, mounts, listen })
    opts.wasi = wasi
    const before = opts.onHost
    // Bound once the host exists, when every feature has applied: limits' monitor is known then.
    opts.onHost = (host) => { before?.(host); wasi.bind(host, opts.monitor) }
  }
}
