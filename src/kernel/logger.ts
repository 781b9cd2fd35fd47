// The log of a run, through pino: human-readable on a terminal (pino-pretty, synchronous, to
// stderr), JSON lines with `--log-format json`. Programs' `log` messages and the kernel's own
// lines both go here; standard output stays the programs' own.
import { pino } from 'pino'
import type { Logger as PinoLogger } from 'pino'
import { PinoPretty } from 'pino-pretty'
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

export function createLogger (opts: LoggerOptions = {}): Logger {
  const level = opts.level ?? 'info'
  const format = opts.format ?? 'pretty'
  if (format === 'json') {
    const dest = opts.destination === undefined ? pino.destination({ fd: 2, sync: true }) : opts.destination
    return pino({ level, base: null }, dest)
  }
  const dest = opts.destination ?? process.stderr
  const colorize = (dest as { isTTY?: boolean }).isTTY === true
  const pretty = PinoPretty({
    destination: dest,
    sync: true,
    colorize,
    ignore: 'pid,hostname,program,wpid',
    translateTime: false,
    hideObject: true,
    // Programs write what they like to the log: shown on a terminal, it is sanitised.
    messageFormat: (log: Record<string, unknown>, messageKey: string) => {
      const prefix = typeof log.program === 'string' ? `${sanitize(log.program, 60)}: ` : ''
      return `${prefix}${sanitize(String(log[messageKey]), 4000)}`
    }
  })
  return pino({ level, base: null, timestamp: false }, pretty)
}
