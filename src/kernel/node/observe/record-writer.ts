// Where a recording's bytes go: a worker thread hashes them (SHA-256) and writes them to the file,
// so that the run's own thread only encodes frames. The frames are encoded straight into slots of
// shared memory (a ring of SLOTS buffers); a full slot is handed over by storing its length in a
// shared word, which the worker waits on with Atomics.wait, writes, and clears — no message, copy
// or allocation per slot. Closing is synchronous — it also runs as the process exits (Ctrl-C,
// process.exit) — so the run's thread waits, also with Atomics.wait, for the worker to write the
// digest frame and close the file.
import { createHash } from 'node:crypto'
import { closeSync, writeSync } from 'node:fs'
import { Worker } from 'node:worker_threads'

/** Bytes of one slot. */
export const SLOT = 256 * 1024
/** Slots in the ring: the run waits for the worker only when all of them are full. */
const SLOTS = 8
/** How long a close waits for the worker to write what it was given. */
const CLOSE_WAIT_MS = 30_000
/** A slot's length word: 0 free; -1 (on the last word) the end; -2 (on the last word) done. */
const END = -1
const DONE = -2

/**
 * The worker: takes the slots in order, hashes and writes each, and at the end the digest frame
 * ['e', bin 32] (its msgpack prefix 92 a1 65 c4 20), and says so; the file is closed by the thread
 * that opened it.
 */
const WORKER = `
const { workerData } = require('node:worker_threads')
const { writeSync } = require('node:fs')
const { createHash } = require('node:crypto')
const { fd, data, words, slots, slot } = workerData
const lengths = new Int32Array(words)
const control = slots
const hash = createHash('sha256')
let failed = false
const put = (b) => { if (failed) return; try { writeSync(fd, b) } catch { failed = true } }
for (let i = 0; ; i = (i + 1) % slots) {
  let n
  for (;;) {
    n = Atomics.load(lengths, i)
    if (n > 0) break
    // The end: the slots are handed over in order, so whatever this one holds is the last.
    if (Atomics.load(lengths, control) === ${END}) { n = Atomics.load(lengths, i); break }
    Atomics.wait(lengths, i, 0, 50)
  }
  if (n <= 0) break
  const b = new Uint8Array(data, i * slot, n)
  hash.update(b)
  put(b)
  Atomics.store(lengths, i, 0)
  Atomics.notify(lengths, i)
}
put(Buffer.concat([Buffer.from([0x92, 0xa1, 0x65, 0xc4, 0x20]), hash.digest()]))
Atomics.store(lengths, control, ${DONE})
Atomics.notify(lengths, control)
`

/** The msgpack of ['e', the 32-byte digest]: fixarray 2, fixstr "e", bin8 of 32. */
export const END_PREFIX = Uint8Array.from([0x92, 0xa1, 0x65, 0xc4, 0x20])

export interface RecordSink {
  /** A buffer of SLOT bytes to encode frames into (free until handed back with `write`). */
  next (): Buffer
  /** Hands over the first `length` bytes of the buffer `next` gave. */
  write (length: number): void
  /** Writes the digest frame and closes the file; synchronous. */
  close (): void
}

/** Hashes and writes on this thread: where no worker can be started. */
class InlineSink implements RecordSink {
  readonly #fd: number
  readonly #hash = createHash('sha256')
  readonly #buf = Buffer.allocUnsafe(SLOT)
  #failed = false

  constructor (fd: number) {
    this.#fd = fd
  }

  next (): Buffer { return this.#buf }

  write (length: number): void {
    const chunk = this.#buf.subarray(0, length)
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
  readonly #data = new SharedArrayBuffer(SLOT * SLOTS)
  readonly #lengths = new Int32Array(new SharedArrayBuffer(4 * (SLOTS + 1)))
  readonly #worker: Worker
  readonly #fd: number
  #slot = 0

  constructor (fd: number) {
    this.#fd = fd
    this.#worker = new Worker(WORKER, { eval: true, workerData: { fd, data: this.#data, words: this.#lengths.buffer, slots: SLOTS, slot: SLOT } })
    // The recording never keeps a run alive.
    this.#worker.unref()
  }

  next (): Buffer {
    // A slot the worker has not written yet: wait for it (the disk is slower than the run).
    while (Atomics.load(this.#lengths, this.#slot) !== 0) Atomics.wait(this.#lengths, this.#slot, Atomics.load(this.#lengths, this.#slot), 1000)
    return Buffer.from(this.#data, this.#slot * SLOT, SLOT)
  }

  write (length: number): void {
    if (length === 0) return
    Atomics.store(this.#lengths, this.#slot, length)
    Atomics.notify(this.#lengths, this.#slot)
    this.#slot = (this.#slot + 1) % SLOTS
  }

  close (): void {
    Atomics.store(this.#lengths, SLOTS, END)
    Atomics.notify(this.#lengths, this.#slot)
    const deadline = Date.now() + CLOSE_WAIT_MS
    while (Atomics.load(this.#lengths, SLOTS) !== DONE && Date.now() < deadline) Atomics.wait(this.#lengths, SLOTS, END, 100)
    try { closeSync(this.#fd) } catch {}
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
