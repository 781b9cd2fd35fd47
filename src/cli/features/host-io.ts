// Run feature: host I/O: the natively handled tcp, udp, fs (rooted at --dir) and env (--env)
// interfaces, and WASI programs (which see the --dir directories as preopens and the --listen
// listeners as sockets). Programs still need a grant for each (`--allow tcp,fs`).
import type { Command } from 'commander'
import { WasmosError } from '../../kernel/node/errors.ts'
import { envHandler, parseEnv } from '../../interfaces/native/env.ts'
import { fsHandler, parseDir, resolveMounts } from '../../interfaces/native/fs.ts'
import { tcpHandler } from '../../interfaces/native/tcp.ts'
import { udpHandler } from '../../interfaces/native/udp.ts'
import type { HostMonitor, NodeHost, WasiAdapter } from '../../kernel/node/host.ts'
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
    const mounts = await resolveMounts(dirs.map(parseDir))
    opts.natives ??= []
    opts.natives.push(
      (host) => tcpHandler(host),
      (host) => udpHandler(host),
      (host) => fsHandler(host, mounts),
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
