// A stand-in for src/cli/main.ts while it does not register the store commands yet: the same
// setup (commander with positional options, registerStoreCommands, errors reported by
// src/cli/errors.ts as `wasmos: <message>`, explicit exit).
import { Command, CommanderError } from 'commander'
import { registerStoreCommands } from '../../src/cli/commands/store.ts'
import { reportError } from '../../src/cli/errors.ts'

const program = new Command('wasmos').enablePositionalOptions().exitOverride()
registerStoreCommands(program)
try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) process.exit(err.exitCode)
  process.exitCode = reportError(err)
}
process.exit(process.exitCode ?? 0)
