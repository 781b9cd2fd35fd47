// Features of a run that add their own options to `wasmos run` and `wasmos exec` and adjust the
// run from them: host I/O (tcp, udp, fs, env, WASI), the permission prompt and stored grants,
// and limits (fuel, CPU, memory). Each lives in its own module here.
import type { Command } from 'commander'
import type { RunOptions } from '../../kernel/run.ts'
import { hostIo } from './host-io.ts'
import { limits } from './limits.ts'
import { prompt } from './prompt.ts'

export type Flags = Record<string, unknown>

export interface Feature {
  /** Adds the feature's options to a run command. */
  addOptions (cmd: Command): void
  /** Adjusts the run from the parsed flags (throw a WasmosError for a bad value). */
  apply (flags: Flags, opts: RunOptions): void | Promise<void>
}

export const FEATURES: Feature[] = [hostIo, prompt, limits]

export function addFeatureOptions (cmd: Command): Command {
  for (const f of FEATURES) f.addOptions(cmd)
  return cmd
}

export async function applyFeatures (flags: Flags, opts: RunOptions): Promise<RunOptions> {
  for (const f of FEATURES) await f.apply(flags, opts)
  return opts
}
