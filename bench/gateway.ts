// Bench: fetching a 1 MiB program (four 256 KiB blocks and a root) through the loopback trustless
// gateway (`wasmos serve --gateway`, Helia's trustless-gateway block broker on the client) against
// over bitswap from a dialled loopback peer (the same serving process), in one run. Every fetch is
// of a module not fetched before, into a store that verifies every block. Measured: the first
// fetch (client node start included, and for bitswap the dial), the median of the next ones, and
// a whole `wasmos fetch` process each way.
// Run: node bench/gateway.ts [--runs N] [--json] [--quick]   (needs npm run build)
import { execFile } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { BenchError, benchFlags, median, report, round, table, target } from './report.ts'
import { wasmOf } from './modules.ts'
import { openStore, type Store } from '../src/loader/index.ts'
import { serve } from '../src/loader/serve.ts'

const flags = benchFlags({ runs: '' })
const ROOT = join(import.meta.dirname, '..')
const CLI = join(ROOT, 'bin', 'wasmos.mjs')
const RUNS = flags.runs !== '' ? Number(flags.runs) : flags.quick ? 3 : 11
if (!Number.isInteger(RUNS) || RUNS < 1) throw new BenchError('bad-option', `--runs must be a positive integer, got ${flags.runs}`)
if (!existsSync(join(ROOT, 'dist', 'wasmos.mjs'))) throw new BenchError('not-built', 'dist/wasmos.mjs is missing: run npm run build first')
const MiB = 1024 * 1024

interface Way { name: string, first: number, warm: number, process: number }
const homes: string[] = []
const home = (label: string): string => {
  const h = mkdtempSync(join(tmpdir(), `wasmos-bench-gw-${label}-`))
  homes.push(h)
  return h
}

/** Fetches each CID in order into one fresh store: the first fetch, then the median of the rest. */
async function fetchAll (store: Store, cids: string[]): Promise<{ first: number, warm: number }> {
  const times: number[] = []
  for (const cid of cids) {
    const t = performance.now()
    const bytes = await store.load(cid)
    times.push(performance.now() - t)
    if (bytes.length < MiB) throw new BenchError('bad-result', `fetched ${bytes.length} bytes of ${cid}`)
  }
  return { first: times[0]!, warm: median(times.slice(1)) }
}

const ways: Way[] = []
try {
  const a = home('a')
  const publisher = await openStore({ home: a })
  // Per way: RUNS + 1 in process (the first one cold), one more for the whole process.
  const cids: string[] = []
  for (let i = 0; i < 2 * (RUNS + 2); i++) cids.push((await publisher.publish(wasmOf(MiB))).toString())
  await publisher.close()
  const server = await serve({ home: a, gateway: '127.0.0.1:0' })
  try {
    const gatewayUrl = server.gatewayUrl!
    const peer = server.multiaddrs[0]!
    const half = RUNS + 2
    const plan = [
      { name: 'trustless gateway (HTTP)', opts: { gateways: [gatewayUrl], peers: [] }, cli: ['--gateway', gatewayUrl], cids: cids.slice(0, half) },
      { name: 'bitswap (libp2p peer)', opts: { peers: [peer], gateways: [] }, cli: ['--peer', peer], cids: cids.slice(half) }
    ]
    for (const p of plan) {
      const store = await openStore({ home: home('b'), ...p.opts })
      let r
      try {
        r = await fetchAll(store, p.cids.slice(0, -1))
      } finally {
        await store.close()
      }
      const t = performance.now()
      // Asynchronously: the serving node lives in this process and must keep answering.
      await promisify(execFile)(process.execPath, [CLI, 'fetch', p.cids[p.cids.length - 1]!, ...p.cli], { env: { ...process.env, WASMOS_HOME: home('c') } })
      ways.push({ name: p.name, ...r, process: performance.now() - t })
    }
  } finally {
    await server.stop()
  }
} finally {
  for (const h of homes) rmSync(h, { recursive: true, force: true })
}

const [gw, bs] = ways as [Way, Way]
const targets = [
  target('fetch 1 MiB through the loopback gateway, client started', { value: gw.warm, unit: 'ms' }, '<=', 150, '≤ 150 ms'),
  target('fetch 1 MiB: gateway vs bitswap from a dialled peer', { value: gw.warm, unit: 'ms' }, '<=', 2, '≤ 2× bitswap',
    { measure: 'bitswap', value: bs.warm, unit: 'ms', relative: true })
]
report(flags, {
  bench: 'gateway',
  runs: RUNS,
  ways: ways.map((w) => ({ name: w.name, firstMs: round(w.first), warmMs: round(w.warm), processMs: round(w.process) })),
  targets
}, () => [
  `fetching a 1 MiB program on loopback: median of ${RUNS}${flags.quick ? ' (quick)' : ''}, each fetch a module not fetched before`,
  table(['way', 'first (start+fetch) ms', 'started ms', 'wasmos fetch process ms'],
    ways.map((w) => [w.name, w.first.toFixed(1), w.warm.toFixed(1), w.process.toFixed(1)]), 'lrrr')
].join('\n'))
// the Helia nodes may leave timers behind
process.exit(0)
