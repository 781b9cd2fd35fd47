// `wasmos publish | fetch | serve | ls | pin | unpin | rm | gc | export | import`: the commands
// of the program store (src/loader). Errors are LoaderErrors (a `code`, a one-line message);
// main prints them as `wasmos: <message>` and exits 1. The fetch flags `wasmos exec` shares are in
// fetch-flags.ts.
import { readFile } from 'node:fs/promises'
import type { Command } from 'commander'
import { Cid, cidOfBytes, LoaderError, openStore, type Store, type StoreOptions } from '../../loader/index.ts'
import { addFetchOptions, formatBytes, interruptSignal, parseDuration, storeOptionsFromFlags } from './fetch-flags.ts'
import type { FetchFlags } from './fetch-flags.ts'

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

// tsconfig's libs do not declare the WebAssembly namespace; Node has it.
const validateWasm = (bytes: Uint8Array): boolean =>
  (globalThis as unknown as { WebAssembly: { validate(b: Uint8Array): boolean } }).WebAssembly.validate(bytes)

/** Canonical bytes of interface definition files (their CIDv1 raw is the interface's name). */
async function readDefinitions (files: string[]): Promise<Array<{ bytes: Uint8Array; name: string }>> {
  if (files.length === 0) return []
  const { checkDefinition, canonicalBytes } = await import('../../interfaces/definition.ts')
  const out: Array<{ bytes: Uint8Array; name: string }> = []
  for (const file of files) {
    let value: unknown
    try {
      value = JSON.parse(await readFile(file, 'utf8'))
    } catch (err) {
      throw new LoaderError('ERR_IO', `cannot read interface definition ${file}: ${(err as Error).message}`)
    }
    try {
      const def = checkDefinition(value, file)
      out.push({ bytes: canonicalBytes(def), name: def.name })
    } catch (err) {
      throw new LoaderError('ERR_BAD_CONFIG', (err as Error).message)
    }
  }
  return out
}

function parseCidVersion (text: string): 0 | 1 {
  if (text === '0' || text === '1') return Number(text) as 0 | 1
  throw new LoaderError('ERR_BAD_CONFIG', `--cid-version must be 0 or 1, not ${JSON.stringify(text)}`)
}

function parseBool (text: string | boolean): boolean {
  // Runs while commander parses, so `--raw-leaves file.wasm` is reported as what it is.
  if (typeof text === 'boolean') return text
  if (text === 'true') return true
  if (text === 'false') return false
  throw new LoaderError('ERR_BAD_CONFIG', `expected true or false, not ${JSON.stringify(text)}`)
}

function print (json: boolean, data: unknown, text: string): void {
  process.stdout.write(json ? JSON.stringify(data) + '\n' : text + '\n')
}

async function withStore<T> (options: StoreOptions, fn: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(options)
  try {
    return await fn(store)
  } finally {
    await store.close()
  }
}

export function registerStoreCommands (program: Command): void {
  program
    .command('publish')
    .description('add a wasm module to the store and print its CID (what `ipfs add` gives)')
    .argument('<file.wasm>', 'the module')
    .option('--cid-version <n>', 'CID version, 0 (Qm…) or 1', '1')
    .option('--raw-leaves <bool>', 'leaves as raw blocks: true or false (default: true with CIDv1, false with CIDv0)', parseBool)
    .option('--no-raw-leaves', 'same as --raw-leaves=false')
    .option('-n, --only-hash', 'compute the CID without storing anything')
    .option('--interface <definition.json>', 'also store this interface definition (repeatable)', collect)
    .option('--announce', 'then announce it on the public IPFS network (DHT provider record, delegated routing): contacts public hosts')
    .option('--json', 'print {cid, size, interfaces} as JSON')
    .action(async (file: string, flags: { cidVersion: string, rawLeaves?: string | boolean, onlyHash?: boolean, interface?: string[], announce?: boolean, json?: boolean }) => {
      const cidVersion = parseCidVersion(flags.cidVersion)
      const rawLeaves = flags.rawLeaves === undefined ? cidVersion === 1 : parseBool(flags.rawLeaves)
      if (cidVersion === 0 && rawLeaves) throw new LoaderError('ERR_UNSUPPORTED_CID', 'CIDv0 cannot have raw leaves: use --raw-leaves=false')
      let bytes: Uint8Array
      try {
        bytes = await readFile(file)
      } catch (err) {
        throw new LoaderError('ERR_IO', `cannot read ${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? `no such file${/(^|[\\/])programs[\\/]build[\\/][^\\/]+\.wasm$/.test(file) ? ' (run npm run build to build the programs)' : ''}` : (err as Error).message}`)
      }
      if (!validateWasm(bytes)) throw new LoaderError('ERR_BAD_BLOCK', `${file} is not a valid WebAssembly module`)
      const interfaces = await readDefinitions(flags.interface ?? [])
      const cid = flags.onlyHash
        ? await cidOfBytes(bytes, { cidVersion, rawLeaves })
        : await withStore({}, (store) => store.publish(bytes, { cidVersion, rawLeaves, interfaces }))
      const ifaceCids = interfaces.map((d) => Cid.ofBytes(d.bytes).toString())
      if (flags.announce && flags.onlyHash) throw new LoaderError('ERR_BAD_CONFIG', '--announce needs the program stored: drop --only-hash')
      if (flags.announce) {
        const signal = interruptSignal()
        await withStore({ network: 'public', signal }, (store) => store.announce(cid, signal))
        process.stderr.write(`announced ${cid} on the public IPFS network\n`)
      }
      print(!!flags.json, { cid: cid.toString(), size: bytes.length, interfaces: ifaceCids, ...(flags.announce ? { announced: true } : {}) }, cid.toString())
    })

  addFetchOptions(
    program
      .command('fetch')
      .description('fetch a program from peers or gateways into the store and pin it')
      .argument('<cid>', 'the program to fetch')
      .option('--json', 'print the stored entry as JSON')
  ).action(async (text: string, flags: FetchFlags & { json?: boolean }) => {
    const signal = interruptSignal()
    const entry = await withStore(storeOptionsFromFlags(flags, signal), async (store) => store.fetch(await store.resolve(text)))
    print(!!flags.json, entry, `${entry.cid} ${formatBytes(entry.size)}${entry.name ? ` ${entry.name}` : ''}`)
  })

  program
    .command('serve')
    .description('serve the local store to peers over libp2p (and with --gateway over HTTP) until Ctrl-C; prints the multiaddrs to give as --peer')
    .option('--listen <multiaddr>', 'address to listen on (repeatable; default /ip4/127.0.0.1/tcp/0)', collect)
    .option('--gateway <host:port>', 'also serve a trustless HTTP gateway (raw blocks and CARs) here, e.g. 127.0.0.1:8080')
    .option('--network <mode>', 'explicit (default: loopback, only peers that dial in) or public (join the IPFS network: bootstrap, DHT client, delegated routing)')
    .option('--handler <iface=program.wasm>', 'run this program as the handler of an interface, for --export (repeatable)', collect)
    .option('--export <iface>', 'let peers send to this interface, handled here (repeatable; see docs/DISTRIBUTED.md)', collect)
    .option('--allow-peer <peer id[=iface,…]>', 'let this peer send to the exported interfaces, all or those listed (repeatable)', collect)
    .option('--json', 'print {peerId, multiaddrs, gateway} as JSON')
    .action(async (flags: { listen?: string[], gateway?: string, network?: string, json?: boolean, handler?: string[], export?: string[], allowPeer?: string[] }) => {
      const { serve } = await import('../../loader/serve.ts')
      const network = flags.network === undefined ? undefined : (await import('../../loader/node-config.ts')).checkMode(flags.network)
      // Exports are checked, and their handler programs loaded, before the node starts.
      const exportPlan = await (await import('../features/remote.ts')).planExports(flags)
      let server
      try {
        server = await serve({
          ...(flags.listen ? { listen: flags.listen } : {}),
          ...(flags.gateway !== undefined ? { gateway: flags.gateway } : {}),
          ...(network ? { network } : {})
        })
      } catch (err) {
        if (err instanceof LoaderError) throw err
        throw new LoaderError('ERR_BAD_PEER', `cannot serve: ${(err as Error).message}`)
      }
      let exported = null
      if (exportPlan !== null) {
        try {
          exported = await exportPlan.start(server.libp2p!)
        } catch (err) {
          await server.stop()
          throw err
        }
        process.stderr.write(`exporting ${exportPlan.names.join(', ')} to peers as ${server.peerId}\n`)
      }
      const gateway = server.gatewayUrl !== undefined ? { gateway: server.gatewayUrl } : {}
      const exports = exportPlan !== null ? { exports: exportPlan.names } : {}
      print(!!flags.json, { peerId: server.peerId, multiaddrs: server.multiaddrs, ...gateway, ...exports }, [...server.multiaddrs, ...(server.gatewayUrl !== undefined ? [`gateway ${server.gatewayUrl}`] : [])].join('\n'))
      const stopped = new Promise<void>((resolve) => {
        process.once('SIGINT', resolve)
        process.once('SIGTERM', resolve)
      })
      await stopped
      await exported?.stop()
      await server.stop()
      // libp2p leaves a timer behind for about a second after stop().
      process.exit(0)
    })

  program
    .command('ls')
    .description('list the programs in the store: CID, size, name (from the module name section), pinned')
    .option('--json', 'print an array of entries as JSON')
    .action(async (flags: { json?: boolean }) => {
      const entries = await withStore({}, (store) => store.list())
      if (flags.json) {
        print(true, entries, '')
        return
      }
      for (const e of entries) {
        process.stdout.write(`${e.cid}  ${formatBytes(e.size).padStart(10)}  ${e.pinned ? 'pinned' : 'cached'}  ${e.name ?? (e.kind === 'program' ? '' : `(${e.kind})`)}`.trimEnd() + '\n')
      }
    })

  program
    .command('pin')
    .description('keep stored programs through gc; with --remote, ask an IPFS pinning service to pin them')
    .argument('<cid...>', 'CIDs or unique prefixes of stored programs (any CID with --remote)')
    .option('--remote <service url>', 'pin at this IPFS Pinning Service API endpoint instead of locally (e.g. https://api.pinata.cloud/psa)')
    .option('--token <token>', 'the pinning service\'s access token (default: $WASMOS_PINNING_TOKEN)')
    .option('--name <name>', 'a name for the remote pin')
    .option('--origin <multiaddr>', 'a peer that has the data, for the service to fetch from (repeatable)', collect)
    .option('--background', 'return once the service has the request (queued), without waiting for pinned')
    .option('--pin-timeout <duration>', 'how long to wait for the service to report pinned', '5m')
    .option('--json', 'print the updated entries (remote: the PinStatus objects) as JSON')
    .action(async (texts: string[], flags: { remote?: string, token?: string, name?: string, origin?: string[], background?: boolean, pinTimeout: string, json?: boolean }) => {
      if (flags.remote === undefined) {
        for (const f of ['token', 'name', 'origin', 'background'] as const) {
          if (flags[f] !== undefined) throw new LoaderError('ERR_BAD_CONFIG', `--${f} is for remote pins: add --remote <service url>`)
        }
        const entries = await withStore({}, async (store) => {
          const out = []
          for (const text of texts) out.push(await store.pin(await store.resolve(text)))
          return out
        })
        print(!!flags.json, entries, entries.map((e) => `pinned ${e.cid}`).join('\n'))
        return
      }
      const { pinRemote, checkService } = await import('../../loader/remote-pin.ts')
      const service = checkService(flags.remote)
      const token = flags.token ?? process.env['WASMOS_PINNING_TOKEN']
      if (token === undefined || token === '') throw new LoaderError('ERR_BAD_CONFIG', '--remote needs --token <token> (or $WASMOS_PINNING_TOKEN)')
      const timeoutMs = parseDuration(flags.pinTimeout)
      const signal = interruptSignal()
      const cids = await withStore({}, async (store) => Promise.all(texts.map(async (t) => (await store.resolve(t)).toString())))
      const results = []
      for (const cid of cids) {
        let last = ''
        const status = await pinRemote({
          service,
          token,
          cid,
          ...(flags.name !== undefined ? { name: flags.name } : {}),
          ...(flags.origin ? { origins: flags.origin } : {}),
          wait: !flags.background,
          timeoutMs,
          signal,
          onStatus: (s) => {
            if (!flags.json && s.status !== last && (s.status === 'queued' || s.status === 'pinning')) process.stderr.write(`${cid}: ${s.status} at ${service}\n`)
            last = s.status
          }
        })
        results.push(status)
      }
      print(!!flags.json, results, results.map((r) => `${r.status === 'pinned' ? 'pinned' : r.status} ${r.pin.cid} at ${service} (request ${r.requestid})`).join('\n'))
    })

  program
    .command('unpin')
    .description('let gc remove stored programs')
    .argument('<cid...>', 'CIDs or unique prefixes of stored programs')
    .option('--json', 'print the updated entries as JSON')
    .action(async (texts: string[], flags: { json?: boolean }) => {
      const entries = await withStore({}, async (store) => {
        const out = []
        for (const text of texts) out.push(await store.unpin(await store.resolve(text)))
        return out
      })
      print(!!flags.json, entries, entries.map((e) => `unpinned ${e.cid}`).join('\n'))
    })

  program
    .command('rm')
    .description('remove programs and the blocks no other stored program uses')
    .argument('<cid...>', 'CIDs or unique prefixes of stored programs')
    .option('-f, --force', 'remove even if pinned')
    .option('--json', 'print {removed, removedBlocks, freedBytes} as JSON')
    .action(async (texts: string[], flags: { force?: boolean; json?: boolean }) => {
      const result = await withStore({}, async (store) => {
        const removed: string[] = []
        let removedBlocks = 0
        let freedBytes = 0
        for (const text of texts) {
          const cid = await store.resolve(text)
          const r = await store.remove(cid, { force: !!flags.force })
          removed.push(cid.toString())
          removedBlocks += r.removedBlocks
          freedBytes += r.freedBytes
        }
        return { removed, removedBlocks, freedBytes }
      })
      print(!!flags.json, result, result.removed.map((c) => `removed ${c}`).join('\n'))
    })

  program
    .command('gc')
    .description('delete every block not reachable from a pinned program')
    .option('--json', 'print {removedBlocks, freedBytes} as JSON')
    .action(async (flags: { json?: boolean }) => {
      const result = await withStore({}, (store) => store.gc())
      print(!!flags.json, result, `removed ${result.removedBlocks} blocks, freed ${formatBytes(result.freedBytes)}`)
    })

  program
    .command('export')
    .description('write a program and all its blocks to a CAR file (CARv1, as `ipfs dag export`)')
    .argument('<cid>', 'CID or unique prefix of a stored program')
    .requiredOption('-o, --output <file.car>', 'the CAR file to write')
    .option('--json', 'print {cid, file, blocks, bytes} as JSON')
    .action(async (text: string, flags: { output: string; json?: boolean }) => {
      const result = await withStore({}, async (store) => {
        const cid = await store.resolve(text)
        return { cid: cid.toString(), file: flags.output, ...(await store.exportCar(cid, flags.output)) }
      })
      print(!!flags.json, result, `${result.cid} → ${result.file} (${result.blocks} blocks, ${formatBytes(result.bytes)})`)
    })

  program
    .command('import')
    .description('add the blocks of a CAR file (as `ipfs dag import`) and pin its roots')
    .argument('<file.car>', 'the CAR file')
    .option('--json', 'print the roots as a JSON array')
    .action(async (file: string, flags: { json?: boolean }) => {
      const roots = await withStore({}, (store) => store.importCar(file))
      const names = roots.map((r) => r.toString())
      print(!!flags.json, names, names.map((r) => `imported ${r}`).join('\n'))
    })
}
