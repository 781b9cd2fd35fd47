// `wasmos replay <file> [--until <n>]`: runs a recording made by `wasmos run --record` again, with
// no clock, network, file or terminal: the program gets exactly what it got, prints the same, and
// ends with the same status; anything it does differently is reported as a divergence (status 1).
import { readFileSync } from 'node:fs'
import type { Command } from 'commander'
import { INTERFACES } from '../../interfaces/gen/index.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import { messageIndex } from '../../kernel/node/observe/observer.ts'
import { readRecording, replay } from '../../kernel/node/observe/replay.ts'
import type { Recording } from '../../kernel/node/observe/replay.ts'
import { sanitize } from '../../kernel/node/text.ts'
import { describeInterfaces } from '../features/trace.ts'

const LEVELS = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']

/** `interface.message (n bytes)` for a payload sent to `key`. */
export function sendLabel (key: string, payload: Uint8Array): string {
  const d = describeInterfaces()(key)
  const i = messageIndex(payload)
  return `send ${d?.name ?? key.slice(0, 12)}.${i < 0 ? '?' : (d?.messages[i] ?? `#${i}`)} (${payload.length} bytes)`
}

/** Reads a recording file; a one-line error when it cannot. */
export function loadRecording (path: string): Recording {
  let bytes: Uint8Array
  try {
    bytes = readFileSync(path)
  } catch (err) {
    throw new WasmosError('ERR_NOT_FOUND', `${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
  }
  return readRecording(bytes, path)
}

export function registerReplayCommands (program: Command): void {
  program.command('replay')
    .description('run a recording (wasmos run --record) again, exactly, with no clock, network or terminal')
    .argument('<file>', 'the recording')
    .option('--until <n>', 'stop after this many syscalls')
    .action(async (file: string, flags: { until?: string }) => {
      const until = flags.until === undefined ? undefined : Number(flags.until)
      if (until !== undefined && (!Number.isInteger(until) || until < 0)) throw new WasmosError('ERR_BAD_OPTION', `--until: expected a number of syscalls, got '${flags.until}'`)
      const rec = loadRecording(file)
      const stdio = INTERFACES.get('stdio')!
      const log = INTERFACES.get('log')!
      const name = sanitize(rec.header.name)
      const result = await replay(rec, {
        until,
        describe: sendLabel,
        // What the program printed, as the run printed it.
        onSend: (key, payload) => {
          try {
            if (key === stdio.key) {
              const req = stdio.decode(payload) as unknown as { name: string, fd?: number, data?: Uint8Array }
              if (req.name === 'write' && req.data !== undefined) (req.fd === 2 ? process.stderr : process.stdout).write(req.data)
            } else if (key === log.key) {
              const req = log.decode(payload) as unknown as { level: number, text: string }
              if (req.level >= 2) process.stderr.write(`${LEVELS[Math.min(req.level, 5)]}: ${name}: ${sanitize(req.text)}\n`)
            }
          } catch {
            // A payload the handler would have refused printed nothing in the run either.
          }
        }
      })
      if (result.stopped) {
        const why = until !== undefined && result.steps >= until
          ? ''
          : rec.truncated ? ' (the recording was truncated at its limit)' : ' (the run was ended from outside there: interrupted or killed)'
        process.stderr.write(`wasmos: replay stopped after ${result.steps} syscalls${why}\n`)
        process.exitCode = 0
        return
      }
      // A trap is reported as the run reported it.
      if (result.error !== null) throw result.error
      process.exitCode = result.status & 0xff
    })
}
