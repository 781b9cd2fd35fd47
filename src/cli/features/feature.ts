// What a run feature is: options it adds to `wasmos run` and `wasmos exec`, and how it adjusts
// the run from them.
import type { Command } from 'commander'
import type { RunOptions } from '../run.ts'

export type Flags = Record<string, unknown>

export interface Feature {
  /** Adds the feature's options to a run command. */
  addOptions (cmd: Command): void
  /** Adjusts the run from the parsed flags (throw a WasmosError for a bad value). */
  apply (flags: Flags, opts: RunOptions): void | Promise<void>
}
