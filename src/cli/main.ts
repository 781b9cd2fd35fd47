#!/usr/bin/env node
// The `wasmos` command. Each command group lives in src/cli/commands and registers itself here.
import { Command, CommanderError } from 'commander'
import { reportError } from './errors.ts'
import { registerInterfaceCommands } from './commands/interfaces.ts'
import { registerRunCommands } from './commands/run.ts'
import { registerGrantCommands } from './commands/grants.ts'
import { registerInspectCommands } from './commands/inspect.ts'
import { registerExecCommands } from './commands/exec.ts'
import { registerStoreCommands } from './commands/store.ts'
import { registerIsoCommands } from './commands/iso.ts'


if (typeof (WebAssembly as { Suspending?: unknown }).Suspending !== 'function') {
  process.stderr.write(`wasmos: needs Node 24 or later (JSPI); this is Node ${process.versions.node}\n`)
  process.exit(1)
}

const program = new Command('wasmos')
  .description('run WebAssembly programs named by their hash')
  .version('0.1.0')
  .enablePositionalOptions()
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride()
  .configureOutput({ writeErr: (s) => process.stderr.write(s) })

registerRunCommands(program)
registerExecCommands(program)
registerStoreCommands(program)
registerInterfaceCommands(program)
registerGrantCommands(program)
registerInspectCommands(program)
registerIsoCommands(program)

try {
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode)
  }
  process.exitCode = reportError(err)
}
// Helia and libp2p leave timers behind; the run is over, so leave explicitly.
process.exit(process.exitCode ?? 0)
