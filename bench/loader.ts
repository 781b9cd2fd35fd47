// Benchmarks of the program store. Prints a table:
//  - whole-process wall time of loading a stored hello by CID prefix (what `wasmos exec` does
//    before running it), of `wasmos publish` and `wasmos exec` (bin/wasmos.mjs), next to `node -e 0`
//    measured in the same run (target: exec ≤ 1.5× node -e 0);
//  - fetch of a 1 MiB module from a loopback peer: in process with the node started and the
//    peer dialled (target ≤ 150 ms), from a cold start (node start + dial + fetch), and a whole
//    `wasmos fetch` process.
// Run: node_modules/.bin/node bench/loader.ts [runs]
import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { openStore } from '../src/loader/index.ts'
import { serve } from '../src/loader/serve.ts'

const ROOT = join(import.meta.dirname, '..')
const NODE = join(ROOT, 'node_modules', '.bin', 'node')
const RUNS = Number(process.argv[2] ?? 15)
// The shipped command: the bundled CLI loaded with V8's compile cache (npm run build).
const CLI = join(ROOT, 'bin', 'wasmos.mjs')

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]!
}

function timeProcess(args: string[], env: NodeJS.ProcessEnv = process.env): number {
  const times: number[] = []
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now()
    execFileSync(NODE, args, { env, stdio: ['ignore', 'ignore', 'pipe'] })
    times.push(performance.now() - t)
  }
  return median(times)
}

/** A module of `size` bytes of data (random, so no two runs share blocks) and a name. */
function wasmOf(size: number): Uint8Array {
  const data = new Uint8Array(size).map(() => (Math.random() * 256) | 0)
  const len = (n: number): number[] => {
    const out: number[] = []
    do {
      out.push((n & 0x7f) | (n >= 0x80 ? 0x80 : 0))
      n = Math.floor(n / 128)
    } while (n > 0)
    return out
  }
  const pages = Math.ceil(size / 65536) + 1
  const dataSec = [1, 0, 0x41, 0, 0x0b, ...len(size)]
  return Buffer.concat([
    Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 4, 1, 0x60, 0, 0, 3, 2, 1, 0, 5, 2 + len(pages).length, 1, 0, ...len(pages)]),
    Uint8Array.from([7, 19, 2, 6, ...Buffer.from('_start'), 0, 0, 6, ...Buffer.from('memory'), 2, 0, 10, 4, 1, 2, 0, 0x0b]),
    Uint8Array.from([11, ...len(dataSec.length + size), ...dataSec]),
    data,
  ])
}

const rows: Array<[string, string, string]> = []
const homeA = mkdtempSync(join(tmpdir(), 'wasmos-bench-a-'))
const homeB = mkdtempSync(join(tmpdir(), 'wasmos-bench-b-'))
try {
  // Local exec path.
  const hello = existsSync(join(ROOT, 'programs/build/hello.wasm')) ? readFileSync(join(ROOT, 'programs/build/hello.wasm')) : wasmOf(100)
  const storeA = await openStore({ home: homeA })
  const helloCid = (await storeA.publish(hello)).toString()
  const env = { ...process.env, WASMOS_HOME: homeA }
  const nodeE0 = timeProcess(['-e', '0'])
  rows.push(['node -e 0', `${nodeE0.toFixed(1)} ms`, 'baseline'])
  // The installed CLI runs tsc's output (dist/); running .ts makes Node strip types first.
  const compiled = join(ROOT, 'dist/src/loader/index.js')
  for (const [label, entry] of [
    ['dist (tsc output)', compiled],
    ['.ts (type stripping)', join(ROOT, 'src/loader/index.ts')],
  ] as const) {
    if (!existsSync(entry)) continue
    const loadScript = `const { openStore } = await import(${JSON.stringify(entry)}); await (await openStore()).load(${JSON.stringify(helloCid.slice(0, 16))})`
    const load = timeProcess(['--input-type=module', '-e', loadScript], env)
    rows.push([`process: load stored hello by prefix, ${label}`, `${load.toFixed(1)} ms`, `${(load / nodeE0).toFixed(2)}× node -e 0`])
  }
  const helloFile = join(homeA, 'hello.wasm')
  writeFileSync(helloFile, hello)
  const publish = timeProcess([CLI, 'publish', helloFile], env)
  rows.push(['wasmos publish <hello>', `${publish.toFixed(1)} ms`, `${(publish / nodeE0).toFixed(2)}× node -e 0`])
  const exec = timeProcess([CLI, 'exec', helloCid.slice(0, 16)], env)
  rows.push(['wasmos exec <stored hello>', `${exec.toFixed(1)} ms`, `${(exec / nodeE0).toFixed(2)}× node -e 0 (target ≤ 1.5×)`])

  // Fetching from a loopback peer.
  const MiB = 1024 * 1024
  const modules = Array.from({ length: 6 }, () => wasmOf(MiB))
  const cids: string[] = []
  for (const m of modules) cids.push((await storeA.publish(m)).toString())
  const server = await serve({ home: homeA })
  const cold = performance.now()
  const storeB = await openStore({ home: homeB, peers: server.multiaddrs })
  await storeB.load(cids[0]!)
  rows.push(['fetch 1 MiB, cold (node start + dial + fetch)', `${(performance.now() - cold).toFixed(1)} ms`, 'in process'])
  const warm: number[] = []
  for (const cid of cids.slice(1, 5)) {
    const t = performance.now()
    await storeB.load(cid)
    warm.push(performance.now() - t)
  }
  rows.push(['fetch 1 MiB, node started and dialled', `${median(warm).toFixed(1)} ms`, 'median of 4 (target ≤ 150 ms)'])
  await storeB.close()
  const t = performance.now()
  const homeC = mkdtempSync(join(tmpdir(), 'wasmos-bench-c-'))
  try {
    // Asynchronously: the serving node lives in this process and must keep answering.
    await promisify(execFile)(NODE, [CLI, 'fetch', cids[5]!, '--peer', server.multiaddrs[0]!], { env: { ...process.env, WASMOS_HOME: homeC } })
  } finally {
    rmSync(homeC, { recursive: true, force: true })
  }
  rows.push(['process: wasmos fetch 1 MiB', `${(performance.now() - t).toFixed(1)} ms`, 'includes loading helia/libp2p'])
  await server.stop()
} catch (err) {
  const e = err as Error & { stderr?: Buffer }
  process.stderr.write(`bench failed: ${e.message}\n${e.stderr?.toString() ?? ''}`)
  process.exitCode = 1
} finally {
  rmSync(homeA, { recursive: true, force: true })
  rmSync(homeB, { recursive: true, force: true })
}

const w0 = Math.max(...rows.map((r) => r[0].length))
const w1 = Math.max(...rows.map((r) => r[1].length))
const table = rows.map(([a, b, c]) => `${a.padEnd(w0)}  ${b.padStart(w1)}  ${c}`).join('\n')
process.stdout.write(table + '\n')
if (process.env['BENCH_OUT']) writeFileSync(process.env['BENCH_OUT'], table + '\n')
process.exit(process.exitCode ?? 0)
