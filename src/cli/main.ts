#!/usr/bin/env node
// The `wasmos` command. Each command group lives in src/cli/commands and registers itself here.
// Only the group of the command being run is loaded (all of them for help or an unknown word):
// starting `wasmos run` should not pay for the store, the ISO builder or the grant commands.
import { Command, CommanderError } from 'commander'
import { reportError } from './errors.ts'

type Register = (program: Command) => void

/** Command groups: the commands each registers, and how to load it. */
const GROUPS: Array<{ commands: string[], load: () => Promise<Register> }> = [
  { commands: ['run'], load: async () => (await import('./commands/run.ts')).registerRunCommands },
  { commands: ['exec'], load: async () => (await import('./commands/exec.ts')).registerExecCommands },
  {
    commands: ['publish', 'fetch', 'serve', 'ls', 'pin', 'unpin', 'rm', 'gc', 'export', 'import'],
    load: async () => (await import('./commands/store.ts')).registerStoreCommands
  },
  { commands: ['interfaces'], load: async () => (await import('./commands/interfaces.ts')).registerInterfaceCommands },
  { commands: ['grants'], load: async () => (await import('./commands/grants.ts')).registerGrantCommands },
  { commands: ['inspect'], load: async () => (await import('./commands/inspect.ts')).registerInspectCommands },
  { commands: ['iso'], load: async () => (await import('./commands/iso.ts')).registerIsoCommands }
]

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

try {
  const word = process.argv[2]
  const wanted = GROUPS.filter((g) => g.commands.includes(word ?? ''))
  for (const group of wanted.length > 0 ? wanted : GROUPS) (await group.load())(program)
  await program.parseAsync(process.argv)
} catch (err) {
  if (err instanceof CommanderError) {
    process.exit(err.exitCode)
  }
  process.exitCode = reportError(err)
}
// Helia and libp2p leave timers behind; the run is over, so leave explicitly.
process.exit(process.exitCode ?? 0)
