// `wasmos interfaces`: the interfaces defined in interfaces/, with their CIDs.
// Reads the generated definitions alone: loading the run (host, logger, handlers) would double
// the command's start-up time for a list.
import type { Command } from 'commander'
import { INTERFACES } from '../../interfaces/gen/index.ts'
import { summaryOf } from '../../interfaces/names.ts'

/**
 * What the command prints, as text or JSON. The bundle step writes both beside the bundle, so
 * that bin/wasmos.mjs answers `wasmos interfaces` without loading the CLI.
 */
export function renderInterfaces (json: boolean): string {
  const list = [...INTERFACES.values()]
    .map((i) => ({ name: i.name, cid: i.cid, key: i.key, summary: summaryOf(i.def) }))
    .sort((a, b) => a.name.localeCompare(b.name))
  if (json) return JSON.stringify(list.map(({ name, cid, key, summary }) => ({ name, cid, digest: key, summary })), null, 2) + '\n'
  const width = Math.max(...list.map((i) => i.name.length))
  return list.map((i) => `${i.name.padEnd(width)}  ${i.cid}  ${i.summary}\n`).join('')
}

export function registerInterfaceCommands (program: Command): void {
  program.command('interfaces')
    .description('list the known interfaces and their CIDs')
    .option('--json', 'print JSON', false)
    .action((flags: { json: boolean }) => {
      process.stdout.write(renderInterfaces(flags.json))
    })
}
