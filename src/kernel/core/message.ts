// A message in flight: sent, not yet answered. The kernel keeps one only while an answer is
// expected, or while it is held (waiting for a grant decision or for a handler).

export class Message {
  id: f64 = 0
  emitter: f64 = 0
  /** The handler it was delivered to; -1 while it is not delivered yet. */
  handler: f64 = -1
  iface: string = ''
  digest: Uint8Array | null = null
  payload: Uint8Array | null = null
  /** The send flags (SEND_ANSWER, SEND_WAIT_HANDLER). */
  flags: i32 = 0

  payloadLength (): i32 {
    const p = this.payload
    if (p == null) return 0
    return p.length
  }
}
