// Run feature: `--record <file>` records the run's main program so that `wasmos replay <file>` can
// run it again exactly, with no clock, network, file, terminal or handler programs: whatever its
// handlers answered is in what it received (observe/record.ts says what is kept). The module's
// bytes go in the recording, so it replays on any machine.
import { readFileSync } from 'node:fs'
import { WasmosError } from '../../kernel/node/errors.ts'
import { parseMemorySize } from '../../kernel/node/limits/settings.ts'
import { DEFAULT_RECORD_LIMIT, RunRecorder } from '../../kernel/node/observe/record.ts'
import type { Feature } from './feature.ts'

/** Exit status of a run ended by Ctrl-C (128 + SIGINT), as a shell reports it. */
const SIGINT_STATUS = 130

export const record: Feature = {
  addOptions (cmd) {
    cmd
      .option('--record <file>', 'record what the main program did and got, for wasmos replay')
      .option('--record-limit <size>', 'most bytes the recording may take (default 256MiB); later syscalls are not recorded')
  },
  apply (flags, opts) {
    if (flags.record === undefined) {
      if (flags.recordLimit !== undefined) throw new WasmosError('ERR_BAD_OPTION', '--record-limit: needs --record <file>')
      return
    }
    let limit = DEFAULT_RECORD_LIMIT
    if (flags.recordLimit !== undefined) {
      try {
        limit = parseMemorySize(String(flags.recordLimit)) * 65536
      } catch {
        throw new WasmosError('ERR_BAD_OPTION', `--record-limit: expected a size such as 64MiB, got '${String(flags.recordLimit)}'`)
      }
    }
    let module: Uint8Array
    try {
      module = readFileSync(opts.main)
    } catch (err) {
      // `exec` names programs by CID: only a file's run can be recorded for now.
      throw new WasmosError('ERR_NOT_FOUND', `--record: cannot read ${opts.main} (${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file; only wasmos run records for now' : (err as Error).message})`)
    }
    const recorder = new RunRecorder({ path: String(flags.record), module, limit })
    const close = (): void => recorder.close()
    // Ctrl-C ends the process without unwinding the run: exit, which closes the recording.
    const onSigint = (): void => process.exit(SIGINT_STATUS)
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      host.observe(recorder)
      // Ctrl-C or process.exit: the recording is closed with its digest all the same.
      process.once('exit', close)
      process.once('SIGINT', onSigint)
    }
    const onEnd = opts.onEnd
    opts.onEnd = () => {
      process.removeListener('exit', close)
      process.removeListener('SIGINT', onSigint)
      close()
      onEnd?.()
    }
  }
}
