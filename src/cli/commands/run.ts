// `wasmos run [options] <file.wasm> [args…]`: runs a program from a file. Options of wasmos come
// before the program; everything after it is the program's.
import type { Command } from 'commander'
import { FileSource, run } from '../run.ts'
import { addFeatureOptions, applyFeatures } from '../features/index.ts'
import { addRunOptions, runSettings } from '../options.ts'
import type { RunFlags } from '../options.ts'

export function registerRunCommands (program: Command): void {
  const cmd = program.command('run')
    .description('run a program from a .wasm file')
    .argument('<file>', 'the program (.wasm)')
    .argument('[args...]', 'arguments for the program')
    .passThroughOptions()
  addFeatureOptions(addRunOptions(cmd, 'a .wasm file'))
    .action(runAction)
}

/** What `wasmos run` does once its command line is parsed (main.ts may parse it without commander). */
export async function runAction (file: string, args: string[], flags: RunFlags): Promise<void> {
  const settings = runSettings(flags)
  const files = [file, ...settings.handlers.map((h) => h.program), ...flags.program]
  const status = await run(await applyFeatures(flags as unknown as Record<string, unknown>, {
    ...settings,
    main: file,
    args,
    source: new FileSource(files)
  }))
  process.exitCode = status & 0xff
}
