// Run feature: `--trace <file>` writes the run's trace in the Chrome trace-event format (open it in
// https://ui.perfetto.dev or chrome://tracing), bounded by `--trace-limit`. The file is written when
// the run ends, however it ends: exit, trap, timeout, or Ctrl-C.
import { writeFileSync } from 'node:fs'
import { INTERFACES } from '../../interfaces/gen/index.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import { DEFAULT_TRACE_LIMIT, TraceRecorder } from '../../kernel/node/observe/trace.ts'
import type { DescribeInterface } from '../../kernel/node/observe/trace.ts'
import type { Feature } from './feature.ts'

/** Exit status of a run ended by Ctrl-C (128 + SIGINT), as a shell reports it. */
const SIGINT_STATUS = 130

/** Interface and message names of every interface defined in interfaces/, by key. */
export function describeInterfaces (): DescribeInterface {
  const byKey = new Map<string, { name: string, messages: string[] }>()
  for (const iface of INTERFACES.values()) {
    byKey.set(iface.key, { name: iface.name, messages: iface.def.messages.map((m) => m.name) })
  }
  return (key) => byKey.get(key)
}

function positive (value: unknown, flag: string): number {
  const n = Number(value)
  if (!Number.isInteger(n) || n < 16) throw new WasmosError('ERR_BAD_OPTION', `${flag}: expected an integer of at least 16, got '${String(value)}'`)
  return n
}

export const trace: Feature = {
  addOptions (cmd) {
    cmd
      .option('--trace <file>', 'write a trace of the run (processes, messages, grants) for Perfetto or chrome://tracing')
      .option('--trace-limit <events>', `most events in the trace; later ones are dropped (default ${DEFAULT_TRACE_LIMIT})`)
  },
  apply (flags, opts) {
    if (flags.trace === undefined) {
      if (flags.traceLimit !== undefined) throw new WasmosError('ERR_BAD_OPTION', '--trace-limit: needs --trace <file>')
      return
    }
    const path = String(flags.trace)
    const limit = flags.traceLimit === undefined ? DEFAULT_TRACE_LIMIT : positive(flags.traceLimit, '--trace-limit')
    // Fail before anything runs when the file cannot be written.
    try {
      writeFileSync(path, '')
    } catch (err) {
      throw new WasmosError('ERR_TRACE', `--trace: cannot write ${path}: ${(err as Error).message}`)
    }
    const recorder = new TraceRecorder({ limit, describe: describeInterfaces() })
    let written = false
    const write = (): void => {
      if (written) return
      written = true
      try {
        recorder.write(path)
      } catch (err) {
        process.stderr.write(`wasmos: --trace: cannot write ${path}: ${(err as Error).message}\n`)
      }
    }
    // Ctrl-C ends the process without unwinding the run: write the trace first.
    const onSigint = (): void => { write(); process.exit(SIGINT_STATUS) }
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      host.observe(recorder)
      process.once('SIGINT', onSigint)
    }
    const onEnd = opts.onEnd
    opts.onEnd = () => {
      process.removeListener('SIGINT', onSigint)
      write()
      onEnd?.()
    }
  }
}
