// `wasmos interfaces`: the interfaces defined in interfaces/, with their CIDs.
import type { Command } from 'commander'
import { knownInterfaces } from '../run.ts'

export function registerInterfaceCommands (program: Command): void {
  program.command('interfaces')
    .description('list the known interfaces and their CIDs')
    .option('--json', 'print JSON', false)
    .action((flags: { json: boolean }) => {
      const list = [...knownInterfaces().values()].sort((a, b) => a.name.localeCompare(b.name))
      if (flags.json) {
        process.stdout.write(JSON.stringify(list.map(({ name, cid, key, summary }) => ({ name, cid, digest: key, summary })), null, 2) + '\n')
        return
      }
      const width = Math.max(...list.map((i) => i.name.length))
      for (const i of list) process.stdout.write(`${i.name.padEnd(width)}  ${i.cid}  ${i.summary}\n`)
    })
}
