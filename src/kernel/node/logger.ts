// The log of a run, through pino: one human-readable line per entry on standard error by default
// (`LEVEL: program: message`, the level coloured on a terminal), JSON lines with
// `--log-format json`. Programs' `log` messages and the kernel's own lines both go here; standard
// output stays the programs' own. The readable form is a small destination of our own rather than
// pino-pretty, which took 11–14 ms of every start to load.
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

/** A pino destination writing each JSON entry as one readable, sanitised line. */
class ReadableLines {
  readonly #out: NodeJS.WritableStream
  readonly #colour: boolean

  constructor (out: NodeJS.WritableStream, colour: boolean) {
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
  const out = opts.destination ?? process.stderr
  const colour = (out as { isTTY?: boolean }).isTTY === true && process.env.NO_COLOR === undefined
  return pino({ level, base: null, timestamp: false }, new ReadableLines(out, colour))
}
