// Benchmarks of the program store, each next to its comparison measured in the same run:
//  - whole-process wall time of loading a stored hello by CID prefix (what `wasmos exec` does
//    before running it), of `wasmos publish` and `wasmos exec` (the shipped CLI, bin/wasmos.mjs),
//    next to `node -e 0` (target: exec ≤ 1.5× node -e 0), and `wasmos --version` and
//    `wasmos interfaces` (targets ≤ 1.2×): these and `node -e 0` run in turn, run after run, so
//    that a machine's drift falls on all of them alike;
//  - fetch of a 1 MiB module from a loopback peer: in process with the node started and the
//    peer dialled (target ≤ 150 ms), from a cold start (node start + dial + fetch), and a whole
//    `wasmos fetch` process.
// Run: node bench/loader.ts [--runs N] [--json] [--quick]   (needs npm run build)
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { BenchError, benchFlags, median, report, round, table, target } from './report.ts'
import { wasmOf } from './modules.ts'
import { openStore } from '../src/loader/index.ts'
import { serve } from '../src/loader/serve.ts'

const flags = benchFlags({ runs: '' })
const ROOT = join(import.meta.dirname, '..')
const NODE = process.execPath
const RUNS = flags.runs !== '' ? Number(flags.runs) : flags.quick ? 3 : 21
if (!Number.isInteger(RUNS) || RUNS < 1) throw new BenchError('bad-option', `--runs must be a positive integer, got ${flags.runs}`)
// Modules fetched: the first cold, the last by a `wasmos fetch` process, the others warm.
const FETCHES = flags.quick ? 3 : 6
// The shipped command: the bundled CLI loaded with V8's compile cache (npm run build).
const CLI = join(ROOT, 'bin', 'wasmos.mjs')
const HELLO = join(ROOT, 'programs', 'build', 'hello.wasm')
for (const f of [CLI, join(ROOT, 'dist', 'wasmos.mjs'), HELLO]) {
  if (!existsSync(f)) throw new BenchError('not-built', `${f} is missing: run npm run build first`)
}

/** Medians of whole-process times of several commands run in turn (A B C A B C …). */
function alternate (commands: string[][], env: NodeJS.ProcessEnv): number[] {
  const times: number[][] = commands.map(() => [])
  for (let i = 0; i < RUNS; i++) {
    commands.forEach((args, k) => {
      const t = performance.now()
      execFileSync(NODE, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
      times[k].push(performance.now() - t)
    })
  }
  return times.map(median)
}

function timeProcess (args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    execFileSync(NODE, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    times.push(performance.now() - t)
  }
  return median(times)
}

interface Row { measure: string, ms: number, note: string }
const rows: Row[] = []
const homeA = mkdtempSync(join(tmpdir(), 'wasmos-bench-a-'))
const homeB = mkdtempSync(join(tmpdir(), 'wasmos-bench-b-'))
let nodeE0 = 0
let exec = 0
let version = 0
let interfaces = 0
let warmFetch = 0
try {
  // Local exec path.
  const hello = readFileSync(HELLO)
  const storeA = await openStore({ home: homeA })
  const helloCid = (await storeA.publish(hello)).toString()
  const env = { ...process.env, WASMOS_HOME: homeA }
  // Two runs of each, not counted: a command's code cache is written by its second start (the
  // first, which also rewrites the program for fuel, only notes that it ran).
  for (const args of [[CLI, 'exec', helloCid.slice(0, 16)], [CLI, 'interfaces']]) {
    for (let i = 0; i < 2; i++) execFileSync(NODE, args, { env, stdio: 'ignore' })
  }
  ;[nodeE0, exec, version, interfaces] = alternate([['-e', '0'], [CLI, 'exec', helloCid.slice(0, 16)], [CLI, '--version'], [CLI, 'interfaces']], env)
  rows.push({ measure: 'node -e 0', ms: nodeE0, note: 'baseline' })
  rows.push({ measure: 'wasmos exec <stored hello>', ms: exec, note: `${(exec / nodeE0).toFixed(2)}× node -e 0` })
  rows.push({ measure: 'wasmos --version', ms: version, note: `${(version / nodeE0).toFixed(2)}× node -e 0` })
  rows.push({ measure: 'wasmos interfaces', ms: interfaces, note: `${(interfaces / nodeE0).toFixed(2)}× node -e 0` })
  // The store alone, from the sources (type stripping), without the CLI around it.
  const loadScript = `const { openStore } = await import(${JSON.stringify(join(ROOT, 'src/loader/index.ts'))}); ` +
    `await (await openStore()).load(${JSON.stringify(helloCid.slice(0, 16))})`
  const load = timeProcess(['--input-type=module', '-e', loadScript], env)
  rows.push({ measure: 'process: load stored hello by prefix (src/loader, .ts)', ms: load, note: `${(load / nodeE0).toFixed(2)}× node -e 0` })
  const helloFile = join(homeA, 'hello.wasm')
  writeFileSync(helloFile, hello)
  const publish = timeProcess([CLI, 'publish', helloFile], env)
  rows.push({ measure: 'wasmos publish <hello>', ms: publish, note: `${(publish / nodeE0).toFixed(2)}× node -e 0` })

  // Fetching from a loopback peer.
  const MiB = 1024 * 1024
  const cids: string[] = []
  for (let i = 0; i < FETCHES; i++) cids.push((await storeA.publish(wasmOf(MiB))).toString())
  const server = await serve({ home: homeA })
  try {
    const cold = performance.now()
    const storeB = await openStore({ home: homeB, peers: server.multiaddrs })
    try {
      await storeB.load(cids[0])
      rows.push({ measure: 'fetch 1 MiB, cold (node start + dial + fetch)', ms: performance.now() - cold, note: 'in process' })
      const warm: number[] = []
      for (const cid of cids.slice(1, -1)) {
        const t = performance.now()
        await storeB.load(cid)
        warm.push(performance.now() - t)
      }
      warmFetch = median(warm)
      rows.push({ measure: 'fetch 1 MiB, node started and dialled', ms: warmFetch, note: `median of ${warm.length}` })
    } finally {
      await storeB.close()
    }
    const homeC = mkdtempSync(join(tmpdir(), 'wasmos-bench-c-'))
    const t = performance.now()
    try {
      // Asynchronously: the serving node lives in this process and must keep answering.
      await promisify(execFile)(NODE, [CLI, 'fetch', cids[cids.length - 1], '--peer', server.multiaddrs[0]], { env: { ...process.env, WASMOS_HOME: homeC } })
    } finally {
      rmSync(homeC, { recursive: true, force: true })
    }
    rows.push({ measure: 'process: wasmos fetch 1 MiB', ms: performance.now() - t, note: 'includes loading helia/libp2p' })
  } finally {
    await server.stop()
  }
  await storeA.close()
} finally {
  rmSync(homeA, { recursive: true, force: true })
  rmSync(homeB, { recursive: true, force: true })
}

const targets = [
  target('wasmos exec <stored hello>, whole process', { value: exec, unit: 'ms' }, '<=', 1.5, '≤ 1.5× node -e 0',
    { measure: 'node -e 0', value: nodeE0, unit: 'ms', relative: true }),
  target('wasmos --version, whole process', { value: version, unit: 'ms' }, '<=', 1.2, '≤ 1.2× node -e 0',
    { measure: 'node -e 0', value: nodeE0, unit: 'ms', relative: true }),
  target('wasmos interfaces, whole process', { value: interfaces, unit: 'ms' }, '<=', 1.2, '≤ 1.2× node -e 0',
    { measure: 'node -e 0', value: nodeE0, unit: 'ms', relative: true }),
  target('fetch 1 MiB from a loopback peer, node started and dialled', { value: warmFetch, unit: 'ms' }, '<=', 150, '≤ 150 ms'),
]

report(flags, { bench: 'loader', runs: RUNS, rows: rows.map((r) => ({ ...r, ms: round(r.ms) })), targets }, () => [
  `program store: whole processes median of ${RUNS}${flags.quick ? ' (quick)' : ''}`,
  table(['measure', 'ms', ''], rows.map((r) => [r.measure, r.ms.toFixed(1), r.note]), 'lrl'),
].join('\n'))
// the Helia nodes may leave timers behind
process.exit(0)
