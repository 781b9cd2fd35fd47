// Run feature: host I/O: the natively handled tcp, udp, fs (rooted at --dir) and env (--env)
// interfaces, and WASI programs. Programs still need a grant for each (`--allow tcp,fs`).
import type { Command } from 'commander'
import { envHandler, parseEnv } from '../../interfaces/native/env.ts'
import { fsHandler, parseDir, resolveMounts } from '../../interfaces/native/fs.ts'
import { tcpHandler } from '../../interfaces/native/tcp.ts'
import { udpHandler } from '../../interfaces/native/udp.ts'
import { WasiRunner } from '../../wasi/runner.ts'
import type { Feature, Flags } from './feature.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export const hostIo: Feature = {
  addOptions (cmd: Command) {
    cmd
      .option('--dir <host[:guest]>', 'let programs granted fs use this directory, seen as guest (default /<its name>) (repeatable)', collect, [])
      .option('--env <NAME=value>', 'an environment variable for programs granted env, and for WASI programs (repeatable)', collect, [])
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
    const wasi = new WasiRunner(vars)
    opts.wasi = wasi
    const before = opts.onHost
    opts.onHost = (host) => { before?.(host); wasi.bind(host) }
  }
}
