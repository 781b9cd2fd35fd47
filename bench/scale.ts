// Benchmark of how the Node host scales with the number of processes: 10, 100, 1 000 and 10 000
// idle processes (programs/idle: registers nothing, waits forever) started from one compiled
// module, then the pingpong call round trip measured while they all exist, next to the round trip
// with only the two ping-pong processes (measured in the same bench). Per level: time per spawn
// (wall, CPU of all threads, and the main thread's GC pauses among it), resident memory per idle
// process (RSS growth / n, after a full GC) and the round trip.
// Each level runs in a process of its own (`--level n`), so memory freed by one does not flatter
// the next. The run is a real `wasmos run` (the CLI's own options, features and limits); the idle
// processes are spawned by the host once the pingpong handler is up, before the client starts.
// Run: node bench/scale.ts [--json] [--quick]   (needs npm run build -- programs)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Command } from 'commander'
import { BenchError, benchFlags, quantile, report, round, table, target } from './report.ts'
import { FileSource, run } from '../src/cli/run.ts'
import { addFeatureOptions, applyFeatures } from '../src/cli/features/index.ts'
import { addRunOptions, runSettings } from '../src/cli/options.ts'
import type { RunFlags } from '../src/cli/options.ts'
import type { LoadOptions, Program } from '../src/kernel/node/program.ts'

const flags = benchFlags({ level: '' })
const root = join(import.meta.dirname, '..')
const build = (name: string): string => join(root, 'programs', 'build', `${name}.wasm`)
for (const name of ['idle', 'pingpong-server', 'bench-client']) {
  if (!existsSync(build(name))) throw new BenchError('not-built', `${build(name)} is missing: run npm run build -- programs`)
}
const LEVELS = flags.quick ? [10, 100, 1000] : [10, 100, 1000, 10_000]
// Enough batches that a scavenge (whose pause grows with the processes alive) is averaged in
// rather than landing in a few batches or none.
const BATCHES = flags.quick ? 40 : 1000
const RAW_INSTANCES = flags.quick ? 200 : 2000
const BATCH = 200

/** What one level measures (in its own process). */
interface Level {
  processes: number
  spawnUs: number
  /** CPU time per spawn, all threads of this process (GC helpers too): steadier on a busy machine. */
  spawnCpuUs: number
  /** Main-thread GC pauses while spawning, per spawn, and the full (mark-compact) collections among them. */
  spawnGcUs: number
  fullGcs: number
  /** A bare WebAssembly.Instance of the same module (measured at level 0 only). */
  bareInstanceUs: number
  rssKiBPerProcess: number
  alive: number
  rttUs: number
  rttP99Us: number
}

/**
 * The engine's own cost of an instance of the same compiled module (imports that do nothing),
 * for comparison with a spawn: what the host adds is the difference.
 */
function rawInstanceUs (module: WebAssembly.Module): number {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {}
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.kind !== 'function') throw new BenchError('bad-module', `idle imports a ${i.kind}`)
    imports[i.module] ??= {}
    imports[i.module][i.name] = () => 0
  }
  const keep: WebAssembly.Instance[] = []
  const t0 = performance.now()
  for (let i = 0; i < RAW_INSTANCES; i++) keep.push(new WebAssembly.Instance(module, imports))
  return (performance.now() - t0) * 1000 / keep.length
}

/** One level, in this process: spawn `n` idle processes, then time the ping-pong round trip. */
async function level (n: number): Promise<Level> {
  setFlagsFromString('--expose-gc')
  const gc = runInNewContext('gc') as () => void
  let out = ''
  const stdout = new Writable({ write (chunk: Buffer, _enc, done) { out += chunk.toString(); done() } })
  let measured: Omit<Level, 'rttUs' | 'rttP99Us'> | null = null
  const cmd = new Command('scale').argument('<file>').argument('[args...]').passThroughOptions().exitOverride()
  addFeatureOptions(addRunOptions(cmd, 'a .wasm file')).action(async (file: string, args: string[], runFlags: RunFlags) => {
    const settings = runSettings(runFlags)
    const source = new FileSource([file, build('idle'), ...settings.handlers.map((h) => h.program)])
    const opts = await applyFeatures(runFlags as unknown as Record<string, unknown>, {
      ...settings, main: file, args, source, streams: { stdin: process.stdin, stdout, stderr: process.stderr }
    })
    // Called once the handlers run and before the main program starts: the idle processes then.
    opts.mainSource = (host) => ({
      load: async (name: string, lo?: LoadOptions): Promise<Program | null> => {
        const idle = await source.load(build('idle'), lo)
        if (idle === null) throw new BenchError('not-built', 'programs/build/idle.wasm did not load')
        if (n === 0) {
          measured = { processes: 0, spawnUs: 0, spawnCpuUs: 0, spawnGcUs: 0, fullGcs: 0, bareInstanceUs: rawInstanceUs(idle.module), rssKiBPerProcess: 0, alive: 0 }
          return await source.load(name, lo)
        }
        // One spawn first, so that the compiled module and the host's paths are warm.
        await host.spawn(idle, [])
        gc()
        const rss0 = process.memoryUsage().rss
        const pauses: PerformanceEntry[] = []
        const gcs = new PerformanceObserver((list) => { pauses.push(...list.getEntries()) })
        gcs.observe({ entryTypes: ['gc'] })
        const t0 = performance.now()
        const cpu0 = process.cpuUsage()
        for (let i = 1; i < n; i++) await host.spawn(idle, [])
        const cpu = process.cpuUsage(cpu0)
        const t1 = performance.now()
        const spawnUs = (t1 - t0) * 1000 / Math.max(1, n - 1)
        const spawnCpuUs = (cpu.user + cpu.system) / Math.max(1, n - 1)
        await nextTurn()
        // GC entries reach the observer a little later.
        await new Promise((resolve) => setTimeout(resolve, 20))
        gcs.disconnect()
        const during = pauses.filter((e) => e.startTime >= t0 && e.startTime < t1)
        const spawnGcUs = during.reduce((sum, e) => sum + e.duration, 0) * 1000 / Math.max(1, n - 1)
        const fullGcs = during.filter((e) => (e.detail as { kind?: number } | null)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR).length
        gc()
        const rss1 = process.memoryUsage().rss
        let alive = 0
        for (const p of host.procs.values()) if (p.program === idle && !p.ended) alive++
        measured = { processes: n, spawnUs, spawnCpuUs, spawnGcUs, fullGcs, bareInstanceUs: 0, rssKiBPerProcess: (rss1 - rss0) / 1024 / Math.max(1, n - 1), alive }
        return await source.load(name, lo)
      }
    })
    const status = await run(opts)
    if (status !== 0) throw new BenchError('client-failed', `bench-client exited with ${status}`)
  })
  await cmd.parseAsync(['--allow=pingpong,time', `--handler=pingpong=${build('pingpong-server')}`, `--max-processes=${n + 16}`,
    '--log-level=warn', build('bench-client'), 'rtt', String(BATCHES), String(BATCH)], { from: 'user' })
  const batches = out.trim().split(' ').map(Number).slice(BATCHES / 10)
  if (batches.length === 0 || batches.some((b) => !Number.isFinite(b))) throw new BenchError('client-failed', `bench-client printed ${JSON.stringify(out)}`)
  if (measured === null) throw new BenchError('no-samples', 'the idle processes were never spawned')
  return { ...(measured as Level), rttUs: quantile(batches, 0.5) / 1000, rttP99Us: quantile(batches, 0.99) / 1000 }
}

if (flags.level !== '') {
  const n = Number(flags.level)
  if (!Number.isInteger(n) || n < 0) throw new BenchError('bad-option', `--level must be a whole number, got ${flags.level}`)
  process.stdout.write(`${JSON.stringify(await level(n))}\n`)
  process.exit(0)
}

/** Runs one level in a process of its own. */
function levelProcess (n: number): Level {
  const r = spawnSync(process.execPath, [import.meta.filename, '--level', String(n)], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024, timeout: 20 * 60_000
  })
  if (r.status !== 0) throw new BenchError('level-failed', `the level of ${n} processes failed (exit ${String(r.status ?? r.signal)})`)
  return JSON.parse(r.stdout) as Level
}

// The comparison: the round trip with no idle process beside the client and the server.
const base = levelProcess(0)
const levels = LEVELS.map(levelProcess)
const top = levels[levels.length - 1]
const us = (x: number): Measure => ({ value: x, unit: 'µs' })
interface Measure { value: number, unit: string }

const targets = [
  target(`idle processes running at once (of ${top.processes})`, { value: top.alive, unit: '' }, '>=', 10_000, '≥ 10 000'),
  target(`time per spawn of a compiled module (${top.processes} processes)`, us(top.spawnUs), '<=', 50, '≤ 50 µs',
    { measure: 'a bare WebAssembly.Instance of it', value: base.bareInstanceUs, unit: 'µs' }),
  target(`resident memory per idle process (${top.processes} processes)`, { value: top.rssKiBPerProcess, unit: 'KiB' }, '<=', 256, '≤ 256 KiB'),
  target(`call round trip with ${top.processes} idle processes (median)`, us(top.rttUs), '<=', 1.2, '≤ 1.2× with none',
    { measure: 'round trip with only the client and server', value: base.rttUs, unit: 'µs', relative: true })
]
const rows = levels.map((l) => ({
  processes: l.processes,
  alive: l.alive,
  spawnUs: round(l.spawnUs),
  spawnCpuUs: round(l.spawnCpuUs),
  spawnGcUs: round(l.spawnGcUs),
  fullGcs: l.fullGcs,
  rssKiBPerProcess: round(l.rssKiBPerProcess),
  rttUs: round(l.rttUs),
  rttP99Us: round(l.rttP99Us),
  rttRatio: round(l.rttUs / base.rttUs)
}))

report(flags, { bench: 'scale', setup: { levels: LEVELS, batches: BATCHES, batch: BATCH }, base: { rttUs: round(base.rttUs), rttP99Us: round(base.rttP99Us), bareInstanceUs: round(base.bareInstanceUs) }, rows, targets }, () => [
  `processes on Node ${process.versions.node}${flags.quick ? ' (quick)' : ''}: idle processes, then the pingpong round trip beside them`,
  `  round trip with only the client and server: median ${base.rttUs.toFixed(2)} µs, p99 ${base.rttP99Us.toFixed(2)} µs`,
  `  a bare WebAssembly.Instance of the idle module (no host): ${base.bareInstanceUs.toFixed(1)} µs`,
  table(['idle processes', 'running', 'spawn µs each', 'CPU µs each', 'GC µs each', 'full GCs', 'KiB resident each', 'round trip µs', 'p99 µs', '× with none'],
    rows.map((r) => [String(r.processes), String(r.alive), String(r.spawnUs), String(r.spawnCpuUs), String(r.spawnGcUs), String(r.fullGcs), String(r.rssKiBPerProcess), String(r.rttUs), String(r.rttP99Us), String(r.rttRatio)]))
    .split('\n').map((l) => `  ${l}`).join('\n')
].join('\n'))
