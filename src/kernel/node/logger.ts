// The log of a run, through pino: one human-readable line per entry on standard error by default
// (`LEVEL: program: message`, the level coloured on a terminal), JSON lines with
// `--log-format json`. Programs' `log` messages and the kernel's own lines both go here; standard
// output stays the programs' own. The readable form is a small destination of our own rather than
// pino-pretty, which took 11–14 ms of every start to load.
import { fstatSync, statSync, writeSync } from 'node:fs'
import { isatty } from 'node:tty'
import { pino } from 'pino'
import type { Logger as PinoLogger } from 'pino'
import { sanitize } from './text.ts'

export type Logger = PinoLogger
export type LogFormat = 'pretty' | 'json'
export const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'] as const
export type LogLevel = typeof LOG_LEVELS[number]

export interface LoggerOptions {
  level?: LogLevel
  format?: LogFormat
  /** Where lines go; standard error by default. */
  destination?: NodeJS.WritableStream & { fd?: number }
}

/** pino's level numbers, their labels and ANSI colours. */
const LABELS = new Map<number, [string, number]>([
  [10, ['TRACE', 90]], [20, ['DEBUG', 36]], [30, ['INFO', 32]], [40, ['WARN', 33]], [50, ['ERROR', 31]], [60, ['FATAL', 35]]
])

/** Where readable lines go. */
interface LineSink { write (text: string): unknown }

/**
 * Standard error written synchronously through its file descriptor, as process.stderr writes it
 * on Linux, without building process.stderr (on a pipe that loads Node's net and stream modules
 * at every start). After a write that fails (a non-blocking descriptor that would block, a closed
 * pipe) everything goes to process.stderr, which handles those as it always did.
 */
class StderrSink implements LineSink {
  #stream: NodeJS.WritableStream | null = null

  write (text: string): unknown {
    if (this.#stream !== null) return this.#stream.write(text)
    const bytes = Buffer.from(text)
    let done = 0
    try {
      while (done < bytes.length) done += writeSync(2, bytes, done)
      return true
    } catch {
      this.#stream = process.stderr
      return this.#stream.write(bytes.subarray(done))
    }
  }
}

/** Whether standard error is a terminal, asking node:tty only for a character device other than /dev/null. */
function stderrIsTerminal (): boolean {
  try {
    const st = fstatSync(2)
    return st.isCharacterDevice() && st.rdev !== statSync('/dev/null').rdev && isatty(2)
  } catch {
    return false
  }
}

/** A pino destination writing each JSON entry as one readable, sanitised line. */
class ReadableLines {
  readonly #out: LineSink
  readonly #colour: boolean

  constructor (out: LineSink, colour: boolean) {
    this.#out = out
    this.#colour = colour
  }

  write (line: string): void {
    const entry = JSON.parse(line) as { level: number, msg?: unknown, program?: unknown }
    const [label, colour] = LABELS.get(entry.level) ?? ['LOG', 0]
    const level = this.#colour ? `\x1b[${colour}m${label}\x1b[39m` : label
    // Programs write what they like to the log: shown on a terminal, it is sanitised.
    const prefix = typeof entry.program === 'string' ? `${sanitize(entry.program, 60)}: ` : ''
    this.#out.write(`${level}: ${prefix}${sanitize(String(entry.msg ?? ''), 4000)}\n`)
  }
}

export function createLogger (opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info'
  if ((opts.format ?? 'pretty') === 'json') {
    const dest = opts.destination === undefined ? pino.destination({ fd: 2, sync: true }) : opts.destination
    return pino({ level, base: null }, dest)
  }
  const tty = opts.destination === undefined ? stderrIsTerminal() : (opts.destination as { isTTY?: boolean }).isTTY === true
  const out = opts.destination ?? new StderrSink()
  const colour = tty && process.env.NO_COLOR === undefined
  return pino({ level, base: null, timestamp: false }, new ReadableLines(out, colour))
}
