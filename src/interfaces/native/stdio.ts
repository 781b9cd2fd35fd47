// The `stdio` interface, handled natively: programs write to the run's standard output and error
// and read its standard input. A write is answered once the stream took it (backpressure);
// standard input is read only while some program waits for it.
import type { Readable, Writable } from 'node:stream'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { stdio } from '../gen/stdio.ts'

export interface StdioStreams {
  stdin: Readable
  stdout: Writable
  stderr: Writable
}

interface Reader { max: number, pid: number, resolve: (data: Uint8Array) => void }

export function stdioHandler (host: HostServices, streams: StdioStreams): NativeHandler {
  const BAD_FD = stdio.error('bad_fd')
  const buffered: Buffer[] = []
  const readers: Reader[] = []
  let ended = false
  let listening = false
  /** The output streams written to. */
  const usedOutputs = new Set<Writable>()

  const serve = (): void => {
    // `ended` is set by the stream's end event, between calls of serve().
    // eslint-disable-next-line no-unmodified-loop-condition
    while (readers.length > 0 && (buffered.length > 0 || ended)) {
      const r = readers.shift()!
      if (buffered.length === 0) { r.resolve(new Uint8Array(0)); continue }
      const first = buffered[0]
      if (first.length <= r.max) { buffered.shift(); r.resolve(new Uint8Array(first)) } else {
        r.resolve(new Uint8Array(first.subarray(0, r.max)))
        buffered[0] = first.subarray(r.max)
      }
    }
    if (readers.length === 0 && listening) { streams.stdin.pause() }
  }
  const onData = (chunk: Buffer | string): void => {
    buffered.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
    serve()
  }
  const onEnd = (): void => { ended = true; serve() }
  const listen = (): void => {
    if (!listening) {
      listening = true
      streams.stdin.on('data', onData)
      streams.stdin.once('end', onEnd)
    }
    streams.stdin.resume()
  }

  return native(host, stdio, {
    write (req) {
      const out = req.fd === 1 ? streams.stdout : req.fd === 2 ? streams.stderr : null
      if (out === null) throw new InterfaceError(BAD_FD)
      usedOutputs.add(out)
      const written = req.data.length
      if (out.write(req.data)) return { written }
      return new Promise((resolve) => out.once('drain', () => resolve({ written })))
    },
    read (req, call) {
      return new Promise((resolve) => {
        readers.push({ max: Math.max(1, req.max), pid: call.pid, resolve: (data) => resolve({ data }) })
        if (buffered.length > 0 || ended) serve()
        else listen()
      })
    }
  }, {
    processEnded (pid) {
      for (let i = readers.length - 1; i >= 0; i--) if (readers[i].pid === pid) readers.splice(i, 1)
      if (readers.length === 0 && listening) streams.stdin.pause()
    },
    async close () {
      if (listening) {
        streams.stdin.off('data', onData)
        streams.stdin.off('end', onEnd)
        streams.stdin.pause()
      }
      // A write is answered once the stream took it, which may be before a slow pipe did: let
      // what is still queued out before the run ends (the CLI exits right after it). Only the
      // streams written to: the others may not even be built yet (which costs a start).
      await Promise.all([...usedOutputs].map((out) => new Promise<void>((resolve) => {
        if (out.writableLength === 0 || out.destroyed) resolve()
        else out.write('', () => resolve())
      })))
    }
  })
}
