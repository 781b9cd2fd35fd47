// Benchmark of how the Node host scales with the number of processes: 10, 100, 1 000 and 10 000
// idle processes (programs/idle: registers nothing, waits forever) started from one compiled
// module, then the pingpong call round trip measured while they all exist, next to the round trip
// with only the two ping-pong processes (measured in the same bench). Per level: time per spawn
// (wall, CPU of all threads, and the main thread's GC pauses among it), resident memory per idle
// process (RSS growth / n, after a full GC) and the round trip.
// The spawns are a program's: the run's main program is programs/spawner, which spawns the idle
// processes through the `process` interface (granted with --allow, as any run would; the module
// compiled before the run, named by its file), one first, then the rest with up to 64 requests in
// flight, and then runs bench-client as its child. The time per spawn runs from the spawner's
// "spawning" line (written before its first pipelined request) to its "spawned" line (after the
// last answer) or to the last idle process's first `wait`, whichever is later: a spawn is over once
// the child waits. The same level spawned by the bench with `host.spawn` directly (`--via host`,
// a few round-trip batches only) gives the "host.spawn" columns: what the interface adds is the
// difference. The engine's floor (`--via engine`) is the same compiled module (the host's, after
// the fuel rewrite) instantiated by the bench with imports that do nothing, its `wait` a
// `WebAssembly.Suspending` that never resolves, its `_start` run under `WebAssembly.promising` until
// it suspends, n kept alive: V8's own cost of the same processes (instance, memory, coroutine stack,
// their collections), with no host. The control socket is off (--no-control): it opens on a timer,
// a one-time cost.
// Each level runs in a process of its own (`--level n [--via process|host|engine]`), so memory freed by
// one does not flatter the next. The run is a real `wasmos run` (the CLI's own options, features
// and limits).
// Run: node bench/scale.ts [--json] [--quick]   (needs npm run build -- programs)
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { constants as perfConstants, PerformanceObserver } from 'node:perf_hooks'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { Command } from 'commander'
import { BenchError, benchFlags, quantile, report, round, table, target } from './report.ts'
import { FileSource, run } from '../src/cli/run.ts'
import { addFeatureOptions, applyFeatures } from '../src/cli/features/index.ts'
import { addRunOptions, runSettings } from '../src/cli/options.ts'
import type { RunFlags } from '../src/cli/options.ts'
import type { LoadOptions, Program } from '../src/kernel/node/program.ts'
import { START_EXPORT } from '../src/kernel/node/bounds.ts'
import { noteAlive } from '../src/kernel/node/memories.ts'
import { REFUEL_MODULE } from '../src/kernel/node/limits/rewrite/index.ts'

const flags = benchFlags({ level: '', via: 'process' })
const root = join(import.meta.dirname, '..')
const build = (name: string): string => join(root, 'programs', 'build', `${name}.wasm`)
for (const name of ['idle', 'spawner', 'pingpong-server', 'bench-client']) {
  if (!existsSync(build(name))) throw new BenchError('not-built', `${build(name)} is missing: run npm run build -- programs`)
}
const LEVELS = flags.quick ? [10, 100, 1000] : [10, 100, 1000, 10_000]
// Enough batches that a scavenge (whose pause grows with the processes alive) is averaged in
// rather than landing in a few batches or none.
const BATCHES = flags.quick ? 40 : 1000
const RAW_INSTANCES = flags.quick ? 200 : 2000
const BATCH = 200

/** Who spawns: a program through `process`, the bench with `host.spawn`, or the bench with V8 alone (the engine's floor). */
type Via = 'process' | 'host' | 'engine'

/** What one level measures (in its own process). */
interface Level {
  processes: number
  spawnUs: number
  /** CPU time per spawn, all threads of this process (GC helpers too): steadier on a busy machine. */
  spawnCpuUs: number
  /** The main thread's share of it (JavaScript, wasm, instantiation, GC pauses; not GC helpers or compilers). */
  spawnMainCpuUs: number
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

/** Never resolves: the `wait` of the engine's floor, as a blocked process's is. */
const never = new Promise<number>(() => {})

/**
 * The engine's floor for `n` processes of `module`: each instantiated with imports that do nothing
 * (the fuel rewrite's refuel gives a budget, `wait` suspends for good), its start function and
 * `_start` run under `promising` until `_start` suspends, all kept alive, bracketed as a level.
 */
function engineLevel (module: WebAssembly.Module, n: number, bracket: Bracket): void {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {}
  for (const i of WebAssembly.Module.imports(module)) {
    if (i.kind !== 'function') throw new BenchError('bad-module', `idle imports a ${i.kind}`)
    imports[i.module] ??= {}
    imports[i.module][i.name] = i.module === REFUEL_MODULE
      ? () => 1_000_000
      : i.name === 'wait' ? new WebAssembly.Suspending(() => never) as unknown as WebAssembly.ImportValue : () => 0
  }
  const keep: Array<Promise<unknown>> = []
  const one = (): void => {
    // The host's V8 settings once as many processes are alive (memories.ts), as a spawn has them.
    noteAlive(keep.length)
    const e = new WebAssembly.Instance(module, imports).exports
    const init = e[START_EXPORT]
    if (typeof init === 'function') (init as () => void)()
    keep.push(WebAssembly.promising(e._start as () => void)())
  }
  one()
  bracket.begin()
  for (let i = 1; i < n; i++) one()
}

/**
 * Brackets the spawns of a level: `begin` after a full GC (resident memory then) just before the
 * second spawn, `end` after the last (wall, CPU, then resident memory after a full GC), `gcs` once
 * the GC entries of the spawns reached the observer (it is told of them only later).
 */
class Bracket {
  readonly #gc: () => void
  readonly #pauses: PerformanceEntry[] = []
  readonly #observer = new PerformanceObserver((list) => { this.#pauses.push(...list.getEntries()) })
  readonly #each: number
  #rss0 = 0
  #t0 = 0
  #t1 = 0
  #cpu0 = process.cpuUsage()
  #main0 = process.threadCpuUsage()

  constructor (n: number) {
    setFlagsFromString('--expose-gc')
    this.#gc = runInNewContext('gc') as () => void
    this.#each = Math.max(1, n - 1)
  }

  begin (): void {
    this.#gc()
    this.#rss0 = process.memoryUsage().rss
    this.#observer.observe({ entryTypes: ['gc'] })
    this.#t0 = performance.now()
    this.#cpu0 = process.cpuUsage()
    this.#main0 = process.threadCpuUsage()
  }

  end (): { spawnUs: number, spawnCpuUs: number, spawnMainCpuUs: number, rssKiBPerProcess: number } {
    const cpu = process.cpuUsage(this.#cpu0)
    const main = process.threadCpuUsage(this.#main0)
    this.#t1 = performance.now()
    this.#gc()
    const rss1 = process.memoryUsage().rss
    return {
      spawnUs: (this.#t1 - this.#t0) * 1000 / this.#each,
      spawnCpuUs: (cpu.user + cpu.system) / this.#each,
      spawnMainCpuUs: (main.user + main.system) / this.#each,
      rssKiBPerProcess: (rss1 - this.#rss0) / 1024 / this.#each
    }
  }

  gcs (): { spawnGcUs: number, fullGcs: number } {
    this.#observer.disconnect()
    const during = this.#pauses.filter((e) => e.startTime >= this.#t0 && e.startTime < this.#t1)
    return {
      spawnGcUs: during.reduce((sum, e) => sum + e.duration, 0) * 1000 / this.#each,
      fullGcs: during.filter((e) => (e.detail as { kind?: number } | null)?.kind === perfConstants.NODE_PERFORMANCE_GC_MAJOR).length
    }
  }
}

/**
 * One level, in this process: `n` idle processes, then the ping-pong round trip beside them.
 * `via` 'process': the run's main program is programs/spawner, which spawns them through the
 * `process` interface (granted with --allow, as any run would), then runs bench-client as its
 * child; the bench brackets the spawns by the two lines the spawner prints, each written before
 * it goes on. 'host': the bench calls `host.spawn` itself once the handlers run, before the main
 * program (bench-client) starts: what the interface adds is the difference.
 */
async function level (n: number, via: Via): Promise<Level> {
  let out = ''
  let spawned: ReturnType<Bracket['end']> | null = null
  let alive = 0
  let countAlive = (): number => 0
  const bracket = new Bracket(n)
  // A spawn is over once the child waits: the spawns end at the last answer or when the last
  // child first blocks in `wait`, whichever is later (a child yields once on its way there).
  let printed = false
  let settled = 0
  let finished = (): void => {}
  const allSettled = new Promise<void>((resolve) => { finished = resolve })
  const finish = (): void => {
    if (spawned !== null) return
    spawned = bracket.end()
    alive = countAlive()
    finished()
  }
  const stdout = new Writable({
    write (chunk: Buffer, _enc, done) {
      const text = chunk.toString()
      if (via === 'process' && text === 'spawning\n') {
        if (n > 0) bracket.begin()
      } else if (via === 'process' && text.startsWith('spawned ')) {
        printed = true
        if (n > 0 && settled >= n) finish()
        if (text !== `spawned ${n} 0\n`) { done(new BenchError('spawn-failed', `the spawner printed ${JSON.stringify(text)}`)); return }
      } else out += text
      done()
    }
  })
  // The host path measures no round trip worth keeping: a few batches only; the engine's none.
  const batches = via === 'process' ? BATCHES : 20
  let idle: Program | null = null
  const cmd = new Command('scale').argument('<file>').argument('[args...]').passThroughOptions().exitOverride()
  addFeatureOptions(addRunOptions(cmd, 'a .wasm file')).action(async (file: string, args: string[], runFlags: RunFlags) => {
    const settings = runSettings(runFlags)
    const source = new FileSource([file, ...settings.handlers.map((h) => h.program), ...runFlags.program])
    const opts = await applyFeatures(runFlags as unknown as Record<string, unknown>, {
      ...settings, main: file, args, source, streams: { stdin: process.stdin, stdout, stderr: process.stderr }
    })
    // Compiled before the run, as a module spawned again and again is.
    const program = idle = await source.load(build('idle'), opts.load)
    if (program === null) throw new BenchError('not-built', 'programs/build/idle.wasm did not load')
    if (via === 'engine') {
      if (n > 0) {
        engineLevel(program.module, n, bracket)
        spawned = bracket.end()
        alive = n
      }
      return
    }
    const monitor = opts.monitor
    if (monitor === undefined) throw new BenchError('no-monitor', 'the run has no monitor to tell when a process blocks')
    const blocked = monitor.blocked.bind(monitor)
    monitor.blocked = (proc) => {
      blocked(proc)
      if (proc.program !== program || ++settled < n) return
      if (via === 'host' || printed) finish()
    }
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      countAlive = () => { let k = 0; for (const p of host.procs.values()) if (p.program === program && !p.ended) k++; return k }
    }
    if (via === 'host' && n > 0) {
      // Called once the handlers run and before the main program starts: the idle processes then.
      opts.mainSource = (host) => ({
        load: async (name: string, lo?: LoadOptions): Promise<Program | null> => {
          // One spawn first, so that the host's paths are warm.
          await host.spawn(program, [])
          bracket.begin()
          for (let i = 1; i < n; i++) await host.spawn(program, [])
          await allSettled
          return await source.load(name, lo)
        }
      })
    }
    const status = await run(opts)
    if (status !== 0) throw new BenchError('client-failed', `bench-client exited with ${status}`)
  })
  const client = [build('bench-client'), 'rtt', String(batches), String(BATCH)]
  const main = via === 'process' ? [build('spawner'), build('idle'), String(n), ...client] : client
  await cmd.parseAsync(['--allow=process,pingpong,time', `--handler=pingpong=${build('pingpong-server')}`, `--max-processes=${n + 16}`,
    `--program=${build('idle')}`, `--program=${build('bench-client')}`, '--log-level=warn',
    // The control socket opens on a timer a little after the start: a one-time cost of the run
    // that would land in the spawns of some levels and not others.
    '--no-control', ...main], { from: 'user' })
  if (via === 'engine') {
    if (spawned === null) throw new BenchError('no-samples', 'the engine level made no instances')
    await new Promise((resolve) => setTimeout(resolve, 20))
    return { processes: n, ...(spawned as ReturnType<Bracket['end']>), ...bracket.gcs(), bareInstanceUs: 0, alive, rttUs: 0, rttP99Us: 0 }
  }
  const rtts = out.trim().split(' ').map(Number).slice(batches / 10)
  if (rtts.length === 0 || rtts.some((x) => !Number.isFinite(x))) throw new BenchError('client-failed', `bench-client printed ${JSON.stringify(out)}`)
  const rtt = { rttUs: quantile(rtts, 0.5) / 1000, rttP99Us: quantile(rtts, 0.99) / 1000 }
  const module = (idle as Program | null)?.module
  if (n === 0 && module !== undefined) {
    return { processes: 0, spawnUs: 0, spawnCpuUs: 0, spawnMainCpuUs: 0, spawnGcUs: 0, fullGcs: 0, bareInstanceUs: rawInstanceUs(module), rssKiBPerProcess: 0, alive: 0, ...rtt }
  }
  if (spawned === null) throw new BenchError('no-samples', 'the idle processes were never spawned')
  // GC entries reach the observer a little later.
  await new Promise((resolve) => setTimeout(resolve, 20))
  return { processes: n, ...(spawned as ReturnType<Bracket['end']>), ...bracket.gcs(), bareInstanceUs: 0, alive, ...rtt }
}

if (flags.level !== '') {
  const n = Number(flags.level)
  if (!Number.isInteger(n) || n < 0) throw new BenchError('bad-option', `--level must be a whole number, got ${flags.level}`)
  if (flags.via !== 'process' && flags.via !== 'host' && flags.via !== 'engine') throw new BenchError('bad-option', `--via must be process, host or engine, got ${flags.via}`)
  process.stdout.write(`${JSON.stringify(await level(n, flags.via))}\n`)
  process.exit(0)
}

/** Runs one level in a process of its own. */
function levelProcess (n: number, via: Via = 'process'): Level {
  const r = spawnSync(process.execPath, [import.meta.filename, '--level', String(n), '--via', via], {
    encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 16 * 1024 * 1024, timeout: 20 * 60_000
  })
  if (r.status !== 0) throw new BenchError('level-failed', `the level of ${n} processes failed (exit ${String(r.status ?? r.signal)})`)
  return JSON.parse(r.stdout) as Level
}

// The comparison: the round trip with no idle process beside the client and the server.
const base = levelProcess(0)
const levels = LEVELS.map((n) => levelProcess(n))
// The same spawns by the host directly, for what the interface adds to each.
const direct = LEVELS.map((n) => levelProcess(n, 'host'))
// V8's own cost of the same processes, for what the host adds to each.
const engine = LEVELS.map((n) => levelProcess(n, 'engine'))
const top = levels[levels.length - 1]
const engineTop = engine[engine.length - 1]
const us = (x: number): Measure => ({ value: x, unit: 'µs' })
interface Measure { value: number, unit: string }

const targets = [
  target(`idle processes running at once (of ${top.processes})`, { value: top.alive, unit: '' }, '>=', 10_000, '≥ 10 000'),
  target(`time per spawn of a compiled module through \`process\` (${top.processes} processes)`, us(top.spawnUs), '<=', 50, '≤ 50 µs',
    { measure: `the engine's floor: the same module instantiated and run to its first wait by V8 alone, no host (${engineTop.processes} processes)`, value: engineTop.spawnUs, unit: 'µs' }),
  target(`resident memory per idle process (${top.processes} processes)`, { value: top.rssKiBPerProcess, unit: 'KiB' }, '<=', 256, '≤ 256 KiB'),
  target(`call round trip with ${top.processes} idle processes (median)`, us(top.rttUs), '<=', 1.2, '≤ 1.2× with none',
    { measure: 'round trip with only the client and server', value: base.rttUs, unit: 'µs', relative: true })
]
const rows = levels.map((l, i) => ({
  processes: l.processes,
  alive: l.alive,
  spawnUs: round(l.spawnUs),
  spawnCpuUs: round(l.spawnCpuUs),
  spawnMainCpuUs: round(l.spawnMainCpuUs),
  hostSpawnUs: round(direct[i].spawnUs),
  hostSpawnCpuUs: round(direct[i].spawnCpuUs),
  hostSpawnMainCpuUs: round(direct[i].spawnMainCpuUs),
  engineSpawnUs: round(engine[i].spawnUs),
  engineSpawnCpuUs: round(engine[i].spawnCpuUs),
  engineSpawnMainCpuUs: round(engine[i].spawnMainCpuUs),
  engineGcUs: round(engine[i].spawnGcUs),
  engineRssKiBPerProcess: round(engine[i].rssKiBPerProcess),
  spawnGcUs: round(l.spawnGcUs),
  fullGcs: l.fullGcs,
  rssKiBPerProcess: round(l.rssKiBPerProcess),
  rttUs: round(l.rttUs),
  rttP99Us: round(l.rttP99Us),
  rttRatio: round(l.rttUs / base.rttUs)
}))

report(flags, { bench: 'scale', setup: { levels: LEVELS, batches: BATCHES, batch: BATCH }, base: { rttUs: round(base.rttUs), rttP99Us: round(base.rttP99Us), bareInstanceUs: round(base.bareInstanceUs) }, rows, targets }, () => [
  `processes on Node ${process.versions.node}${flags.quick ? ' (quick)' : ''}: idle processes spawned through \`process\` by programs/spawner, then the pingpong round trip beside them`,
  `  round trip with only the client and server: median ${base.rttUs.toFixed(2)} µs, p99 ${base.rttP99Us.toFixed(2)} µs`,
  `  a bare WebAssembly.Instance of the idle module (no host, no memory kept, no coroutine): ${base.bareInstanceUs.toFixed(1)} µs`,
  '  engine: the same module, instantiated and run under promising to its first wait by V8 alone (no host), as many kept alive',
  table(['idle processes', 'running', 'spawn µs each', 'CPU µs each', 'host.spawn µs', 'its CPU µs', 'engine µs', 'its CPU µs', 'GC µs each', 'engine GC µs', 'full GCs', 'KiB resident each', 'engine KiB', 'round trip µs', 'p99 µs', '× with none'],
    rows.map((r) => [String(r.processes), String(r.alive), String(r.spawnUs), String(r.spawnCpuUs), String(r.hostSpawnUs), String(r.hostSpawnCpuUs), String(r.engineSpawnUs), String(r.engineSpawnCpuUs), String(r.spawnGcUs), String(r.engineGcUs), String(r.fullGcs), String(r.rssKiBPerProcess), String(r.engineRssKiBPerProcess), String(r.rttUs), String(r.rttP99Us), String(r.rttRatio)]))
    .split('\n').map((l) => `  ${l}`).join('\n')
].join('\n'))
