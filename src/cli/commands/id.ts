// `wasmos id`: this home's libp2p peer id, the name peers know it by (what `--allow-peer` takes on
// a serving peer). The key is kept in WASMOS_HOME/datastore and made the first time it is needed.
import type { Command } from 'commander'
import { wasmosHome } from '../../kernel/node/home.ts'

export function registerIdCommands (program: Command): void {
  program
    .command('id')
    .description('print this home\'s peer id (its key is kept under WASMOS_HOME; made on first use)')
    .option('--json', 'print {peerId, home} as JSON')
    .action(async (flags: { json?: boolean }) => {
      const { homePeerId } = await import('../../remote/node.ts')
      const home = wasmosHome()
      const peerId = await homePeerId(home)
      process.stdout.write(flags.json === true ? JSON.stringify({ peerId, home }) + '\n' : peerId + '\n')
    })
}
