// What `wasmos exec <cid> --peer …` does, for the tests while main.ts has no exec yet: a
// StoreSource over the store of WASMOS_HOME (peers from --peer), the kernel's run(), and the
// store's native loader handler. Usage: exec-standin.ts <cid> [--peer <multiaddr>]…
import { run } from '../../src/cli/run.ts'
import { reportError } from '../../src/cli/errors.ts'
import { openStore } from '../../src/loader/index.ts'
import { loaderHandler } from '../../src/loader/handler.ts'
import { StoreSource } from '../../src/loader/source.ts'

const args = process.argv.slice(2)
const peers: string[] = []
for (let i = args.indexOf('--peer'); i >= 0; i = args.indexOf('--peer')) peers.push(...args.splice(i, 2).slice(1))
try {
  const store = await openStore({ peers, fetchTimeoutMs: 10_000 })
  const status = await run({
    main: args[0]!,
    args: args.slice(1),
    handlers: [],
    allow: [],
    deny: [],
    allowAll: false,
    source: new StoreSource(store),
    natives: [loaderHandler(store)],
  })
  await store.close()
  process.exitCode = status & 0xff
} catch (err) {
  process.exitCode = reportError(err)
}
process.exit(process.exitCode ?? 0)
