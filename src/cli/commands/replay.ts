// `wasmos replay <file> [--until <n>]`: runs a recording made by `wasmos run --record` (or exec)
// again — every process of the run — with no clock, network, file or terminal: each gets exactly
// what it got, they print the same, and the run ends with the same status; anything a process
// does differently is reported as a divergence (status 1). The modules come from the recording
// (`--embed`) or from the store, and must match the CIDs recorded.
import { readFileSync, statSync } from 'node:fs'
import type { Command } from 'commander'
import { INTERFACES } from '../../interfaces/gen/index.ts'
import { MAX_LOG_LINE } from '../../interfaces/native/log.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import { createLogger, LOG_LEVELS } from '../../kernel/node/logger.ts'
import type { LogLevel } from '../../kernel/node/logger.ts'
import { messageIndex } from '../../kernel/node/observe/observer.ts'
import { readRecording, replay, ReplayError } from '../../kernel/node/observe/replay.ts'
import type { Recording, ReplayProcess } from '../../kernel/node/observe/replay.ts'
import { describeInterfaces } from '../features/trace.ts'

const LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const
/** The largest recording `replay` and `log show` read (the largest --record-limit is far below). */
const MAX_RECORDING = 4 * 1024 * 1024 * 1024

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
    if (statSync(path).size > MAX_RECORDING) throw new WasmosError('ERR_REPLAY_BAD', `${path}: larger than any recording (${MAX_RECORDING} bytes)`)
    bytes = readFileSync(path)
  } catch (err) {
    if (err instanceof WasmosError) throw err
    throw new WasmosError('ERR_NOT_FOUND', `${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
  }
  return readRecording(bytes, path)
}

/**
 * The bytes of every module the recording starts, each checked against its CID: from the
 * recording when embedded, else from the local store only (a replay contacts no peer).
 */
async function modulesOf (rec: Recording): Promise<Map<string, Uint8Array>> {
  const { bytesMatchCid, Cid, openStore } = await import('../../loader/index.ts')
  const out = new Map<string, Uint8Array>()
  let store: Awaited<ReturnType<typeof openStore>> | null = null
  try {
    for (const p of rec.processes) {
      if (out.has(p.cid)) continue
      const cid = Cid.tryParse(p.cid)
      if (cid === undefined) throw new ReplayError('ERR_REPLAY_BAD', `the recording names ${p.name} by '${p.cid}', which is not a CID`)
      let bytes = rec.modules.get(p.cid)
      if (bytes === undefined) {
        store ??= await openStore()
        if (!(await store.has(cid))) {
          throw new ReplayError('ERR_REPLAY_MODULE', `the module of ${p.name} (${p.cid}) is neither in the recording nor in the store (record with --embed to replay in another WASMOS_HOME)`)
        }
        bytes = await store.load(cid)
      }
      if (!(await bytesMatchCid(cid, bytes))) {
        throw new ReplayError('ERR_REPLAY_MODULE', `the module of ${p.name} is not the one recorded (its bytes do not match ${p.cid})`)
      }
      out.set(p.cid, bytes)
    }
  } finally {
    await store?.close()
  }
  return out
}

/** Resolves once what was written to stdout and stderr is out (a pipe takes it asynchronously). */
async function flushed (): Promise<void> {
  await Promise.all([process.stdout, process.stderr].map((s) => new Promise<void>((resolve) => s.write('', () => resolve()))))
}

export function registerReplayCommands (program: Command): void {
  program.command('replay')
    .description('run a recording (wasmos run --record) again, every process, exactly, with no clock, network or terminal')
    .argument('<file>', 'the recording')
    .option('--until <n>', 'stop after this many syscalls (of all processes)')
    .action(async (file: string, flags: { until?: string }) => {
      const until = flags.until === undefined ? undefined : Number(flags.until)
      if (until !== undefined && (!Number.isInteger(until) || until < 0)) throw new WasmosError('ERR_BAD_OPTION', `--until: expected a number of syscalls, got '${flags.until}'`)
      const rec = loadRecording(file)
      const modules = await modulesOf(rec)
      const stdio = INTERFACES.get('stdio')!
      const log = INTERFACES.get('log')!
      const level = (LOG_LEVELS as readonly string[]).includes(rec.header.logLevel) ? rec.header.logLevel as LogLevel : 'info'
      const logger = createLogger({ level })
      const children = new Map<number, ReturnType<typeof logger.child>>()
      const childOf = (p: ReplayProcess): ReturnType<typeof logger.child> => {
        let c = children.get(p.pid)
        if (c === undefined) { c = logger.child({ program: p.name, wpid: p.pid }); children.set(p.pid, c) }
        return c
      }
      const result = await replay(rec, {
        modules,
        until,
        describe: sendLabel,
        // What the processes printed and logged, as the run's stdio and log handlers did.
        onSend: (p, key, payload) => {
          try {
            if (key === stdio.key) {
              const req = stdio.decode(payload) as unknown as { name: string, fd?: number, data?: Uint8Array }
              if (req.name === 'write' && req.data !== undefined) (req.fd === 2 ? process.stderr : process.stdout).write(req.data)
            } else if (key === log.key) {
              const req = log.decode(payload) as unknown as { level: number, text: string }
              const text = req.text.length > MAX_LOG_LINE ? `${req.text.slice(0, MAX_LOG_LINE)}… (${req.text.length - MAX_LOG_LINE} more characters)` : req.text
              childOf(p)[LEVELS[Math.min(req.level, 5)]](text)
            }
          } catch {
            // A payload the handler would have refused printed nothing in the run either.
          }
        },
        onWrite: (_p, stream, data) => { (stream === 2 ? process.stderr : process.stdout).write(data) },
        onError: (_p, message) => logger.error(message)
      }).finally(flushed)
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
