// Where a recording's bytes go: a worker thread hashes them (SHA-256) and writes them to the file,
// so that the run's own thread only encodes frames. Closing is synchronous — it also runs as the
// process exits (Ctrl-C, process.exit) — so the end is signalled through shared memory and waited
// for with Atomics.wait: the digest frame is written and the file closed before the close returns.
import { createHash } from 'node:crypto'
import { closeSync, writeSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/** How long a close waits for the worker to write what it was given. */
const CLOSE_WAIT_MS = 30_000

/** The worker: hash, write, and at the end the digest frame ['e', bin 32] and the close. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const { closeSync, writeSync } = require('node:fs')
const { createHash } = require('node:crypto')
const { fd, state } = workerData
const flag = new Int32Array(state)
const hash = createHash('sha256')
let failed = false
const put = (b) => { if (failed) return; try { writeSync(fd, b) } catch { failed = true } }
parentPort.on('message', (m) => {
  if (m.chunk !== undefined) {
    const b = new Uint8Array(m.chunk, 0, m.length)
    hash.update(b)
    put(b)
    return
  }
  const end = Buffer.concat([Buffer.from([0x92, 0xa1, 0x65, 0xc4, 0x20]), hash.digest()])
  put(end)
  try { closeSync(fd) } catch {}
  Atomics.store(flag, 0, 1)
  Atomics.notify(flag, 0)
})
`

/** The msgpack of ['e', the 32-byte digest]: fixarray 2, fixstr "e", bin8 of 32. */
export const END_PREFIX = Uint8Array.from([0x92, 0xa1, 0x65, 0xc4, 0x20])

export interface RecordSink {
  /** Hands over `chunk` (its buffer is the sink's from now on). */
  write (chunk: Uint8Array): void
  /** Writes the digest frame and closes the file; synchronous. */
  close (): void
}

/** Hashes and writes on this thread: where no worker can be started. */
class InlineSink implements RecordSink {
  readonly #fd: number
  readonly #hash = createHash('sha256')
  #failed = false

  constructor (fd: number) {
    this.#fd = fd
  }

  write (chunk: Uint8Array): void {
    this.#hash.update(chunk)
    if (this.#failed) return
    // A full disk ends the recording, not the run.
    try { writeSync(this.#fd, chunk) } catch { this.#failed = true }
  }

  close (): void {
    if (!this.#failed) try { writeSync(this.#fd, Buffer.concat([END_PREFIX, this.#hash.digest()])) } catch {}
    try { closeSync(this.#fd) } catch {}
  }
}

class WorkerSink implements RecordSink {
  readonly #worker: Worker
  readonly #flag: Int32Array

  constructor (fd: number) {
    const state = new SharedArrayBuffer(4)
    this.#flag = new Int32Array(state)
    this.#worker = new Worker(WORKER, { eval: true, workerData: { fd, state } })
    // The recording never keeps a run alive.
    this.#worker.unref()
  }

  write (chunk: Uint8Array): void {
    const buf = chunk.buffer as ArrayBuffer
    this.#worker.postMessage({ chunk: buf, length: chunk.byteLength }, [buf])
  }

  close (): void {
    this.#worker.postMessage({ end: true })
    Atomics.wait(this.#flag, 0, 0, CLOSE_WAIT_MS)
  }
}

/** A sink for the open file `fd`: a worker's, else this thread's. */
export function recordSink (fd: number): RecordSink {
  try {
    return new WorkerSink(fd)
  } catch {
    return new InlineSink(fd)
  }
}
