#!/usr/bin/env node
// The `wasmos` command. Each command group lives in src/cli/commands and registers itself here.
// Only the group of the command being run is loaded (all of them for an unknown word, none for
// the overview): starting `wasmos run` should not pay for the store, the ISO builder or the grant commands.
import type { Command, CommanderError } from 'commander'
import { reportError } from './errors.ts'
import type { FetchFlags } from './commands/fetch-flags.ts'
import type { RunDefaults } from './defaults.ts'
import type { RunFlags } from './options.ts'

type Register = (program: Command) => void

/**
 * The options of `run` and `exec` when none is given (defaults.ts), as JSON: written into the bundle
 * by its build step; not defined when the CLI runs from the sources.
 */
declare const WASMOS_RUN_DEFAULTS: string | undefined

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
  { commands: ['iso'], load: async () => (await import('./commands/iso.ts')).registerIsoCommands },
  { commands: ['ps'], load: async () => (await import('./commands/ps.ts')).registerPsCommands },
  { commands: ['top'], load: async () => (await import('./commands/top.ts')).registerTopCommands },
  { commands: ['replay'], load: async () => (await import('./commands/replay.ts')).registerReplayCommands },
  { commands: ['log'], load: async () => (await import('./commands/log.ts')).registerLogCommands },
  { commands: ['id'], load: async () => (await import('./commands/id.ts')).registerIdCommands }
]

/**
 * What `wasmos` alone (or `wasmos --help`) prints: the commands grouped as in the README, one
 * example each, so that a first look teaches how to start.
 */
const OVERVIEW = `wasmos: run WebAssembly programs named by the hash of their bytes

Run programs
  run <file.wasm> [args…]     run a program from a file
      $ wasmos run hello.wasm
  exec <cid> [args…]          run a program by CID (or a unique prefix): from the store, else from a peer
      $ wasmos exec bafkrei… --peer /ip4/127.0.0.1/tcp/4001/p2p/12D3KooW…
  Options go before the program, e.g. --allow=kv, --handler kv=kv-server.wasm, --timeout 5 (wasmos run --help)

The program store (in WASMOS_HOME, default ~/.wasmos)
  publish <file.wasm>         add a program to the store; prints its CID
      $ wasmos publish hello.wasm
  serve | fetch | ls | pin | unpin | rm | gc | export | import
                              share the store with peers (serve prints the address for --peer), list, keep, move
      $ wasmos serve
  id                          this home's peer id (what --allow-peer takes on a serving peer)

Grants and programs
  grants | inspect            remembered grant decisions; what a program is and the interfaces it declares
      $ wasmos grants allow kv-client.wasm kv
  interfaces [--json]         the known interfaces and their CIDs
      $ wasmos interfaces

Seeing what programs did
  ps [--json] | top           the running programs of this user, once or refreshing (top kills, revokes grants)
      $ wasmos top
  replay <file> | log show    run a recording (run --record run.wlog) again exactly; print one
      $ wasmos replay run.wlog
  Runs take --trace run.json (open in ui.perfetto.dev) and --audit audit.jsonl (grant decisions)

Bare metal
  iso                         a bootable ISO of the bare-metal kernel with programs and their grants
      $ wasmos iso --program hello.wasm -o wasmos.iso

wasmos <command> --help       every option of a command
wasmos --version              the version
`

if (process.argv.length === 2 || (process.argv.length === 3 && ['--help', '-h', 'help'].includes(process.argv[2]))) {
  process.stdout.write(OVERVIEW)
  process.exit(0)
}

if (typeof (WebAssembly as { Suspending?: unknown }).Suspending !== 'function') {
  process.stderr.write(`wasmos: needs Node 24 or later (JSPI); this is Node ${process.versions.node} (install Node 24; in a clone of wasmos, npm install brings it as node_modules/.bin/node)\n`)
  process.exit(1)
}

/** The command line as commander reads it: every command but a run given no options (see main). */
async function newProgram (): Promise<{ program: Command, CommanderError: typeof CommanderError }> {
  const commander = await import('commander')
  const program = new commander.Command('wasmos')
    .description('run WebAssembly programs named by their hash')
    .version('0.1.0')
    .enablePositionalOptions()
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride()
    .configureOutput({ writeErr: (s) => process.stderr.write(s) })
  return { program, CommanderError: commander.CommanderError }
}

/**
 * Parses the command line and runs the command. Not top-level await: bin/wasmos.mjs may run the
 * bundle as a classic script, to give V8 a code cache of what the command ran.
 */
async function main (): Promise<never> {
  // Known once commander is loaded: a run given no options never loads it.
  let commanderError: typeof CommanderError | undefined
  try {
    const word = process.argv[2]
    const target = process.argv[3]
    if (typeof WASMOS_RUN_DEFAULTS === 'string' && (word === 'run' || word === 'exec') && target !== undefined && !target.startsWith('-')) {
      // No option before the program: commander would give every option its default and pass
      // the rest to the program (passThroughOptions), which is what this does without building
      // the command's option definitions; anything else, help included, goes through commander.
      const flags = (JSON.parse(WASMOS_RUN_DEFAULTS) as RunDefaults)[word]
      if (word === 'run') await (await import('./commands/run.ts')).runAction(target, process.argv.slice(4), flags as unknown as RunFlags)
      else await (await import('./commands/exec.ts')).execAction(target, process.argv.slice(4), flags as unknown as RunFlags & FetchFlags)
    } else {
      const { program, CommanderError } = await newProgram()
      commanderError = CommanderError
      const wanted = GROUPS.filter((g) => g.commands.includes(word ?? ''))
      for (const group of wanted.length > 0 ? wanted : GROUPS) (await group.load())(program)
      await program.parseAsync(process.argv)
    }
  } catch (err) {
    if (commanderError !== undefined && err instanceof commanderError) {
      process.exit(err.exitCode)
    }
    process.exitCode = reportError(err)
  }
  // Helia and libp2p leave timers behind; the run is over, so leave explicitly.
  process.exit(process.exitCode ?? 0)
}

main().catch((err: unknown) => { process.exitCode = reportError(err); process.exit(process.exitCode) })
