// `wasmos exec [options] <cid> [args…]`: runs a program by CID (or a unique prefix of a stored
// one): from the local store, else fetched from the peers or gateways, verified, then run exactly as
// `wasmos run` runs a file. `--handler <iface>=<cid>` starts handlers by CID;
// `--handler loader=<cid>` makes that program the loader of the main program.
import type { Command } from 'commander'
import { WasmosError } from '../../kernel/node/errors.ts'
import { run } from '../run.ts'
import { openStore } from '../../loader/index.ts'
import { loaderHandler } from '../../loader/handler.ts'
import { StoreSource } from '../../loader/source.ts'
import { LoaderProgramSource } from '../../loader/via-program.ts'
import { loader } from '../../interfaces/gen/loader.ts'
import { addFeatureOptions, applyFeatures } from '../features/index.ts'
import { addRunOptions, runSettings } from '../options.ts'
import type { RunFlags } from '../options.ts'
import { addFetchOptions, interruptSignal, storeOptionsFromFlags } from './fetch-flags.ts'
import type { FetchFlags } from './fetch-flags.ts'

/**
 * `wasmos exec <cid> --peer <addr>` reads naturally, so --peer, --gateway, --network and --fetch-timeout right after the
 * CID are still wasmos's; the program's arguments start at the first other word (after `--`, a
 * program gets even these).
 */
function takeFetchOptions (rest: string[], flags: FetchFlags): string[] {
  let i = 0
  for (; i < rest.length; i++) {
    const a = rest[i]
    if (a === '--') return rest.slice(i + 1)
    const m = /^--(peer|gateway|network|fetch-timeout)(?:=(.*))?$/.exec(a)
    if (m === null) break
    const value = m[2] ?? rest[++i]
    if (value === undefined) throw new WasmosError('ERR_BAD_OPTION', `--${m[1]}: a value is needed`)
    if (m[1] === 'peer') flags.peer = [...(flags.peer ?? []), value]
    else if (m[1] === 'gateway') flags.gateway = [...(flags.gateway ?? []), value]
    else if (m[1] === 'network') flags.network = value
    else flags.fetchTimeout = value
  }
  return rest.slice(i)
}

export function registerExecCommands (program: Command): void {
  const cmd = program.command('exec')
    .description('run a program by CID, from the store or fetched from peers or gateways')
    .argument('<cid>', 'the program: a CID, or a unique prefix of a stored one')
    .argument('[args...]', 'arguments for the program')
    .passThroughOptions()
  addFetchOptions(addFeatureOptions(addRunOptions(cmd, 'a program by CID')))
    .action(execAction)
}

/** What `wasmos exec` does once its command line is parsed (main.ts may parse it without commander). */
export async function execAction (cid: string, rest: string[], flags: RunFlags & FetchFlags): Promise<void> {
  const args = takeFetchOptions(rest, flags)
  const settings = runSettings(flags)
  const storeOptions = storeOptionsFromFlags(flags, interruptSignal())
  const store = await openStore(storeOptions)
  const isLoader = (iface: string): boolean => iface === loader.name || iface === loader.cid || iface === loader.key
  const viaProgram = settings.handlers.some((h) => isLoader(h.iface))
  try {
    const status = await run(await applyFeatures(flags as unknown as Record<string, unknown>, {
      ...settings,
      main: cid,
      args,
      source: new StoreSource(store),
      natives: viaProgram ? [] : [loaderHandler(store)],
      ...(viaProgram ? { mainSource: (host) => new LoaderProgramSource(host, storeOptions.fetchTimeoutMs ?? 30_000) } : {})
    }))
    process.exitCode = status & 0xff
  } finally {
    await store.close()
  }
}
