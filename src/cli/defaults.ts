// The options of `wasmos run` and `wasmos exec` as commander gives them when none is on the
// command line: read from the commands' own definitions (commander sets each default as an option
// is added). The bundle step writes them into the bundle, so that main.ts can start a run given
// no options without building the forty-odd option definitions first (see main.ts).
import { Command } from 'commander'
import { registerExecCommands } from './commands/exec.ts'
import { registerRunCommands } from './commands/run.ts'

export type RunDefaults = Record<'run' | 'exec', Record<string, unknown>>

export function runDefaults (): RunDefaults {
  const program = new Command('wasmos').enablePositionalOptions()
  registerRunCommands(program)
  registerExecCommands(program)
  const opts = (word: string): Record<string, unknown> => program.commands.find((c) => c.name() === word)!.opts()
  return { run: opts('run'), exec: opts('exec') }
}
