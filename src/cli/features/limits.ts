// Run feature: limits — preemption by fuel (`--slice`), `--cpu-limit`, `--max-memory`, and
// `--stats` at exit. Programs are preemptible by default; `--no-preempt` runs them unmodified
// (to measure what preemption costs).
import { WasmosError } from '../../kernel/node/errors.ts'
import { DEFAULT_MAX_PROCESSES } from '../../kernel/node/host.ts'
import { Limits } from '../../kernel/node/limits/monitor.ts'
import { DEFAULT_MAX_MEMORY_PAGES, DEFAULT_SLICE_FUEL, DEFAULT_SLICE_MS, LimitError, parseDuration, parseMemorySize } from '../../kernel/node/limits/settings.ts'
import type { Feature } from './feature.ts'

/** The fuel of a slice when no --slice is given. */
const FIXED_SLICE_FUEL = 200_000_000

function parse<T> (fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof LimitError) throw new WasmosError('ERR_BAD_OPTION', err.message)
    throw err
  }
}

export const limits: Feature = {
  addOptions (cmd) {
    cmd
      .option('--slice <duration>', `CPU time a program runs before others get a turn (default: a fixed budget of about ${DEFAULT_SLICE_MS}ms of work)`)
      .option('--cpu-limit <duration>', 'end a program that uses more CPU time than this (e.g. 30s)')
      .option('--max-memory <size>', 'most memory a program may have (default 256MiB)')
      .option('--max-processes <n>', `most processes alive at once (default ${DEFAULT_MAX_PROCESSES})`)
      .option('--stats', 'print, at exit, each program\'s CPU time, slices, peak memory and messages', false)
      .addOption(cmd.createOption('--no-preempt', 'run programs unmodified: a program in a loop then freezes the others'))
  },
  apply (flags, opts) {
    const limits = new Limits({
      // Without --slice, a fixed budget of about 10 ms of work (14–25 million units per ms here)
      // spares measuring CPU time at every switch between programs.
      sliceFuel: flags.slice === undefined ? FIXED_SLICE_FUEL : DEFAULT_SLICE_FUEL,
      sliceMs: flags.slice === undefined ? undefined : parse(() => parseDuration(String(flags.slice), '--slice')),
      stats: flags.stats === true,
      cpuLimitMs: flags.cpuLimit === undefined ? undefined : parse(() => parseDuration(String(flags.cpuLimit), '--cpu-limit')),
      maxMemoryPages: flags.maxMemory === undefined ? DEFAULT_MAX_MEMORY_PAGES : parse(() => parseMemorySize(String(flags.maxMemory))),
      preempt: flags.preempt !== false
    })
    if (flags.maxProcesses !== undefined) {
      const n = Number(flags.maxProcesses)
      if (!Number.isInteger(n) || n < 1) throw new WasmosError('ERR_BAD_OPTION', `--max-processes: expected a positive integer, got '${String(flags.maxProcesses)}'`)
      opts.maxProcesses = n
    }
    opts.load = { ...opts.load, ...limits.loadOptions() }
    opts.monitor = limits
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      limits.onKill = (proc, err) => host.exit(proc.pid, err.status, err)
    }
    if (flags.stats === true) {
      const onEnd = opts.onEnd
      opts.onEnd = () => { onEnd?.(); process.stderr.write(`${limits.statsTable()}\n`) }
    }
  }
}
