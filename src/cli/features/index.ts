// Features of a run that add their own options to `wasmos run` and `wasmos exec` and adjust the
// run from them: host I/O (tcp, udp, fs, env, WASI), the permission prompt and stored grants,
// and limits (fuel, CPU, memory). Each lives in its own module here.
import type { Command } from 'commander'
import type { Feature, Flags } from './feature.ts'
import type { RunOptions } from '../run.ts'
import { hostIo } from './host-io.ts'
import { limits } from './limits.ts'
import { prompt } from './prompt.ts'
import { remote } from './remote.ts'
import { trace } from './trace.ts'
import { audit } from './audit.ts'
import { control } from './control.ts'
import { record } from './record.ts'

export const FEATURES: Feature[] = [hostIo, prompt, limits, trace, audit, control, record, remote]

export function addFeatureOptions (cmd: Command): Command {
  for (const f of FEATURES) f.addOptions(cmd)
  return cmd
}

export async function applyFeatures (flags: Flags, opts: RunOptions): Promise<RunOptions> {
  for (const f of FEATURES) await f.apply(flags, opts)
  return opts
}
