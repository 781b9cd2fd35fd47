// Options shared by `wasmos run` and `wasmos exec`, and their parsing into RunOptions.
import type { Command } from 'commander'
import { WasmosError } from '../kernel/node/errors.ts'
import { LOG_LEVELS } from '../kernel/node/logger.ts'
import type { LogFormat, LogLevel } from '../kernel/node/logger.ts'
import type { HandlerSpec, RunOptions } from './run.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]
const list = (value: string, previous: string[]): string[] =>
  [...previous, ...value.split(',').map((s) => s.trim()).filter((s) => s !== '')]

export interface RunFlags {
  allow: string[]
  allowHandle: string[]
  deny: string[]
  allowAll: boolean
  logLevel: LogLevel
  logFormat: LogFormat
  timeout?: string
  handler: string[]
  program: string[]
  queueLimit?: string
  maxMessageSize?: string
}

/** Adds the options of a run; `what` says how programs are named (file or CID). */
export function addRunOptions (cmd: Command, what: string): Command {
  return cmd
    .option('--allow <interfaces>', 'let programs send to these interfaces (names or CIDs, comma-separated); iface=scope narrows one (tcp=127.0.0.1:7878, fs=/www:read, env=AWS_*)', list, [])
    .option('--allow-handle <interfaces>', 'let programs handle these interfaces (register as their handler)', list, [])
    .option('--deny <interfaces>', 'deny sending to and handling these interfaces, or one scope (tcp=127.0.0.1:22); deny wins over allow', list, [])
    .option('--allow-all', 'allow every interface, to send to and to handle', false)
    .option('--handler <iface=program>', `start ${what} as the handler of an interface, which nobody else may then handle (repeatable)`, collect, [])
    .option('--program <program>', `make ${what} available to process.spawn (repeatable)`, collect, [])
    .option('--timeout <seconds>', 'end the run after this many seconds')
    .addOption(cmd.createOption('--log-level <level>', 'least severe log level shown').choices(LOG_LEVELS).default('info'))
    .addOption(cmd.createOption('--log-format <format>', 'log lines for people or machines').choices(['pretty', 'json']).default('pretty'))
    .option('--queue-limit <n>', 'messages a program may have waiting before senders get "queue full"')
    .option('--max-message-size <bytes>', 'largest message or answer, in bytes')
}

function positiveNumber (flag: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined
  const n = Number(value)
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new WasmosError('ERR_BAD_OPTION', `${flag}: expected a positive ${integer ? 'integer' : 'number'}, got '${value}'`)
  }
  return n
}

export function parseHandlers (specs: string[]): HandlerSpec[] {
  return specs.map((spec) => {
    const eq = spec.indexOf('=')
    if (eq <= 0 || eq === spec.length - 1) {
      throw new WasmosError('ERR_BAD_OPTION', `--handler: expected <interface>=<program>, got '${spec}'`)
    }
    return { iface: spec.slice(0, eq), program: spec.slice(eq + 1) }
  })
}

/** The options of a run given on the command line: everything but where programs come from. */
export type RunSettings = Omit<RunOptions, 'main' | 'args' | 'source'>

export function runSettings (flags: RunFlags): RunSettings {
  return {
    allow: flags.allow,
    allowHandle: flags.allowHandle,
    deny: flags.deny,
    allowAll: flags.allowAll,
    logLevel: flags.logLevel,
    logFormat: flags.logFormat,
    timeoutSeconds: positiveNumber('--timeout', flags.timeout, false),
    queueLimit: positiveNumber('--queue-limit', flags.queueLimit, true),
    maxMessageSize: positiveNumber('--max-message-size', flags.maxMessageSize, true),
    handlers: parseHandlers(flags.handler)
  }
}
