// What the frames of /wasmos/interface/1.0.0 travel on, for client.ts and server.ts: a libp2p
// stream (streamLink) or a direct link (direct.ts). Both carry bytes in order to one authenticated
// peer and say once when no more will come.
import type { Stream } from '@libp2p/interface'
import type { PollStats } from './poll.ts'

export interface Link {
  /** Writes bytes (dropped once the link is closing or closed). */
  send (bytes: Uint8Array): void
  /** True while `send` writes. */
  readonly writable: boolean
  /** Bytes sent and not yet handed to the network. */
  readonly unsent: number
  /**
   * Who receives the bytes that arrive, and who is told, once, that no more will (closed, reset,
   * or the other side closed its writing). A later call replaces both.
   */
  listen (onData: (bytes: Uint8Array) => void, onEnd: () => void): void
  /**
   * A reply should follow what was just sent: keep reading for a short while rather than sleep
   * (poll.ts). Optional: a link without it waits for its bytes as usual.
   */
  expectReply? (): void
  /** What polling for replies did, on a link that polls. */
  readonly pollStats?: PollStats
  /** Closes at once, both ways, dropping what is unsent. */
  abort (err: Error): void
  /** Closes after what is unsent is written (aborts after a second). */
  close (): Promise<void>
}

/** A libp2p stream as a link. */
export function streamLink (stream: Stream): Link {
  let onData: (bytes: Uint8Array) => void = () => {}
  let onEnd: () => void = () => {}
  let ended = false
  const end = (): void => {
    if (ended) return
    ended = true
    onEnd()
  }
  stream.addEventListener('message', (evt) => { onData(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray()) })
  stream.addEventListener('close', end)
  // The other side closed its writing: nothing more will come, so close ours too.
  stream.addEventListener('remoteCloseWrite', () => {
    end()
    stream.close().catch(() => {})
  })
  return {
    send (bytes) { if (stream.writeStatus === 'writable') stream.send(bytes) },
    get writable () { return stream.writeStatus === 'writable' },
    get unsent () { return stream.writeBufferLength },
    listen (data, done) {
      onData = data
      onEnd = done
    },
    abort (err) { stream.abort(err) },
    async close () {
      await stream.close({ signal: AbortSignal.timeout(1000) }).catch(() => { stream.abort(new Error('closed')) })
    }
  }
}
