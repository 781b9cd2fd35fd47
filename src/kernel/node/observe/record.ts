// The recording of a single-program run (`--record`): the module's bytes, its arguments, then
// every syscall it made with what it got back — each send (interface, payload, flags, result, id),
// each answer, each `wait` result (including "nothing yet") with the notification bytes it took —
// and its exit status. Msgpack frames, streamed to the file, bounded; the last frame holds the
// SHA-256 of everything before it, so an altered recording is refused by replay.
import { createHash } from 'node:crypto'
import type { Hash } from 'node:crypto'
import { closeSync, openSync, writeSync } from 'node:fs'
import { Packr } from 'msgpackr'
import { encodeNotification } from '../../core/index.ts'
import type { Notification } from '../../core/index.ts'
import { WasmosError } from '../errors.ts'
import type { Proc } from '../host.ts'
import { NullObserver } from './observer.ts'

/** The first frame's tag and the format's version. */
export const RECORD_MAGIC = 'wasmos-record'
export const RECORD_VERSION = 1
/** Bytes a recording may take unless told otherwise. */
export const DEFAULT_RECORD_LIMIT = 256 * 1024 * 1024
/** Frames are written in chunks of about this size. */
const CHUNK = 64 * 1024

export const packr = new Packr({ useRecords: false, variableMapSize: true })

export interface RecordHeader { name: string, cid: string, args: string[], module: Uint8Array }

/**
 * Frames after the header:
 *   ['s', interface key (hex), payload, flags, result code, message id (0 if refused)]
 *   ['a', message id, status, result code]
 *   ['w', result, notification bytes taken (or null)]
 *   ['x', exit status]
 *   ['t']                 the limit was reached: nothing more was recorded
 *   ['e', sha256]         the end: the digest of every byte before this frame
 */
export type Frame =
  | ['s', string, Uint8Array, number, number, number]
  | ['a', number, number, number]
  | ['w', number, Uint8Array | null]
  | ['x', number]
  | ['t']
  | ['e', Uint8Array]

export class RunRecorder extends NullObserver {
  readonly #fd: number
  readonly #module: Uint8Array
  readonly #limit: number
  readonly #hash: Hash = createHash('sha256')
  #chunks: Uint8Array[] = []
  #pending = 0
  #written = 0
  #pid = -1
  #taken: Uint8Array | null = null
  #truncated = false
  #closed = false

  constructor (opts: { path: string, module: Uint8Array, limit?: number }) {
    super()
    this.#module = opts.module
    this.#limit = opts.limit ?? DEFAULT_RECORD_LIMIT
    try {
      this.#fd = openSync(opts.path, 'w', 0o600)
    } catch (err) {
      throw new WasmosError('ERR_RECORD', `--record: cannot write ${opts.path}: ${(err as Error).message}`)
    }
  }

  get truncated (): boolean {
    return this.#truncated
  }

  #frame (f: unknown[]): void {
    if (this.#closed || this.#truncated) return
    const bytes = packr.pack(f)
    if (this.#written + this.#pending + bytes.length > this.#limit) {
      this.#truncated = true
      this.#push(packr.pack(['t']))
      return
    }
    this.#push(bytes)
  }

  #push (bytes: Uint8Array): void {
    this.#chunks.push(bytes)
    this.#pending += bytes.length
    if (this.#pending >= CHUNK) this.flush()
  }

  /** Writes what is buffered (synchronously: it also runs as the process exits). */
  flush (): void {
    if (this.#chunks.length === 0) return
    const all = Buffer.concat(this.#chunks)
    this.#chunks = []
    this.#pending = 0
    this.#hash.update(all)
    try {
      writeSync(this.#fd, all)
      this.#written += all.length
    } catch {
      // A full disk ends the recording, not the run.
      this.#closed = true
    }
  }

  override spawned (proc: Proc): void {
    // The run's main program only: what it receives from the others is in its notifications.
    if (!proc.main || this.#pid !== -1) return
    this.#pid = proc.pid
    const header: RecordHeader = { name: proc.program.name, cid: proc.program.cid, args: proc.args.slice(1), module: this.#module }
    this.#frame([RECORD_MAGIC, RECORD_VERSION, header])
  }

  override sent (pid: number, key: string, id: number, payload: Uint8Array, flags: number, code: number): void {
    if (pid === this.#pid) this.#frame(['s', key, payload, flags, code, id])
  }

  override answered (pid: number, id: number, status: number, code: number): void {
    if (pid === this.#pid) this.#frame(['a', id, status, code])
  }

  override took (pid: number, n: Notification): void {
    if (pid !== this.#pid) return
    const bytes = new Uint8Array(n.size())
    encodeNotification(n, new DataView(bytes.buffer), bytes, 0)
    this.#taken = bytes
  }

  override waited (pid: number, result: number): void {
    if (pid !== this.#pid) return
    this.#frame(['w', result, this.#taken])
    this.#taken = null
  }

  override ended (proc: Proc, status: number): void {
    if (proc.pid === this.#pid) this.#frame(['x', status])
  }

  /** Ends the recording with its digest and closes the file. */
  close (): void {
    if (this.#closed) return
    this.flush()
    const end = packr.pack(['e', new Uint8Array(this.#hash.digest())])
    try { writeSync(this.#fd, end) } catch {}
    this.#closed = true
    try { closeSync(this.#fd) } catch {}
  }
}
