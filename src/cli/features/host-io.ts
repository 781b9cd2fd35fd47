// Run feature: host I/O: the natively handled tcp, udp, fs (rooted at --dir) and env (--env)
// interfaces, and WASI programs (which see the --dir directories as preopens and the --listen
// listeners as sockets). Programs still need a grant for each (`--allow tcp,fs`).
import type { Command } from 'commander'
import { WasmosError } from '../../kernel/node/errors.ts'
import { envHandler, parseEnv } from '../../interfaces/native/env.ts'
import { fsHandler, parseDir, resolveMounts } from '../../interfaces/native/fs.ts'
import { tcpHandler } from '../../interfaces/native/tcp.ts'
import { udpHandler } from '../../interfaces/native/udp.ts'
import { WasiRunner } from '../../wasi/runner.ts'
import type { Listen } from '../../wasi/runner.ts'
import type { Feature, Flags } from './feature.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

/** Parses `--listen host:port` (`[::1]:port` for IPv6). */
export function parseListen (spec: string): Listen {
  const m = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(spec)
  const port = m === null ? NaN : Number(m[3])
  if (m === null || port > 65535) throw new WasmosError('ERR_BAD_OPTION', `--listen ${spec}: expected host:port, e.g. 127.0.0.1:8080`)
  return { host: m[1] ?? m[2], port }
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
    const wasi = new WasiRunner({ env: vars, mounts, listen })
    opts.wasi = wasi
    const before = opts.onHost
    // Bound once the host exists, when every feature has applied: limits' monitor is known then.
    opts.onHost = (host) => { before?.(host); wasi.bind(host, opts.monitor) }
  }
}
