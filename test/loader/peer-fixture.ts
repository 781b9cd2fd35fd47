// A misbehaving peer for the tests: serves WASMOS_HOME like `wasmos serve`, but either alters
// every block it sends (`tamper`: a peer whose bytes do not match the CID asked for) or sends
// one block at a time with a delay (`slow <ms>`: a fetch long enough to show progress and to
// interrupt). Prints {"multiaddrs": [...]} on one line, like `wasmos serve --json`.
import type { Cid } from '../../src/loader/cid.ts'
import { LocalStore } from '../../src/loader/local.ts'
import { startNode } from '../../src/loader/network.ts'
import { wasmosHome } from '../../src/kernel/node/home.ts'

const [mode, arg] = process.argv.slice(2)
const delayMs = Number(arg ?? 0)
let queue = Promise.resolve()

class FixtureStore extends LocalStore {
  override async readBlock (cid: Cid): Promise<Uint8Array | undefined> {
    const bytes = await super.readBlock(cid)
    if (!bytes) return bytes
    if (mode === 'tamper') {
      const altered = Uint8Array.from(bytes)
      altered[altered.length >> 1]! ^= 0xff
      return altered
    }
    if (mode === 'slow') {
      const turn = queue.then(() => new Promise<void>((resolve) => setTimeout(resolve, delayMs)))
      queue = turn
      await turn
    }
    return bytes
  }
}

const node = await startNode({ local: new FixtureStore(wasmosHome()) })
process.stdout.write(JSON.stringify({ multiaddrs: node.multiaddrs() }) + '\n')
const stop = async (): Promise<void> => {
  await node.stop()
  process.exit(0)
}
process.once('SIGINT', () => { stop().catch(() => process.exit(1)) })
process.once('SIGTERM', () => { stop().catch(() => process.exit(1)) })
