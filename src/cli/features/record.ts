// Run feature: `--record <file>` records the whole run — every process, the modules it ran, what
// each received and what each of its syscalls and WASI calls returned — so that `wasmos replay
// <file>` runs all of them again exactly, with no clock, network, file or terminal
// (observe/record.ts says what is kept). Every module the run loads is added to the store
// (WASMOS_HOME), so the replay works once the files are gone; `--embed` puts the modules in the
// recording itself, for another machine.
import { WasmosError } from '../../kernel/node/errors.ts'
import { parseMemorySize } from '../../kernel/node/limits/settings.ts'
import { LazyWasi } from './host-io.ts'
import type { Feature } from './feature.ts'

/** Exit statuses of a run ended by Ctrl-C or SIGTERM (128 + the signal), as a shell reports them. */
const SIGINT_STATUS = 130
const SIGTERM_STATUS = 143
/** The largest file stored as one raw block (the store's chunk size). */
const ONE_BLOCK = 256 * 1024

export const record: Feature = {
  addOptions (cmd) {
    cmd
      .option('--record <file>', 'record every process of the run (what each got and did), for wasmos replay')
      .option('--record-limit <size>', 'most bytes the recording may take (default 256MiB); later syscalls are not recorded')
      .option('--embed', 'with --record: put the modules in the recording, to replay it where they are not stored')
  },
  async apply (flags, opts) {
    if (flags.record === undefined) {
      if (flags.recordLimit !== undefined) throw new WasmosError('ERR_BAD_OPTION', '--record-limit: needs --record <file>')
      if (flags.embed === true) throw new WasmosError('ERR_BAD_OPTION', '--embed: needs --record <file>')
      return
    }
    // The recorder (and msgpackr, its encoding) only for a run that records.
    const { DEFAULT_RECORD_LIMIT, RunRecorder } = await import('../../kernel/node/observe/record.ts')
    const { wasiRecordTap } = await import('../../kernel/node/observe/wasi-record.ts')
    let limit = DEFAULT_RECORD_LIMIT
    if (flags.recordLimit !== undefined) {
      try {
        limit = parseMemorySize(String(flags.recordLimit)) * 65536
      } catch {
        throw new WasmosError('ERR_BAD_OPTION', `--record-limit: expected a size such as 64MiB, got '${String(flags.recordLimit)}'`)
      }
    }
    // Every module loaded for the run, by CID, added to the store as it is loaded: a replay in the
    // same home finds them there. Loaded only now: a run without --record never opens the store.
    const { Cid, openStore } = await import('../../loader/index.ts')
    const store = await openStore()
    /** One raw block (most modules) is written as is: the importer is for larger ones. */
    const add = async (bytes: Uint8Array): Promise<void> => {
      if (bytes.length > ONE_BLOCK) { await store.publish(bytes); return }
      const cid = Cid.ofBytes(bytes)
      await store.local.writeBlock(cid, bytes)
      await store.index(cid, bytes, true)
    }
    const modules = new Map<string, Uint8Array>()
    const rewrite = opts.load?.rewrite
    opts.load = {
      ...opts.load,
      rewrite: async (original, cid) => {
        if (!modules.has(cid)) {
          // The original is what a recording holds: read here even when the rewrite is cached.
          const bytes = original()
          modules.set(cid, bytes)
          try {
            await add(bytes)
          } catch (err) {
            throw new WasmosError('ERR_RECORD', `--record: cannot add ${cid} to the store: ${(err as Error).message}`)
          }
        }
        return rewrite === undefined ? original() : await rewrite(original, cid)
      }
    }
    const recorder = new RunRecorder({
      path: String(flags.record),
      name: opts.main,
      args: opts.args,
      limit,
      embed: flags.embed === true,
      moduleOf: (cid) => modules.get(cid),
      logLevel: opts.logLevel,
      // Checked by the limits feature already.
      ...(flags.maxMemory === undefined ? {} : { maxMemoryPages: parseMemorySize(String(flags.maxMemory)) })
    })
    const close = (): void => recorder.close()
    // Ctrl-C or SIGTERM ends the process without unwinding the run: exit, which closes the recording.
    const onSigint = (): void => process.exit(SIGINT_STATUS)
    const onSigterm = (): void => process.exit(SIGTERM_STATUS)
    if (opts.wasi instanceof LazyWasi) {
      opts.wasi.tap = (proc, mem, sizes, stdioOf) => wasiRecordTap(recorder, proc.pid, mem, sizes, stdioOf)
    }
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      host.observe(recorder)
      // Ctrl-C or process.exit: the recording is closed with its digest all the same.
      process.once('exit', close)
      process.once('SIGINT', onSigint)
      process.once('SIGTERM', onSigterm)
    }
    const onEnd = opts.onEnd
    opts.onEnd = () => {
      process.removeListener('exit', close)
      process.removeListener('SIGINT', onSigint)
      process.removeListener('SIGTERM', onSigterm)
      close()
      onEnd?.()
    }
  }
}
