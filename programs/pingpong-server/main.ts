// pingpong-server: handles the `pingpong` interface, answering each ping with its number and
// taking the one-way drops, which need no answer.
import { error, handle, next } from '../sdk/as/wasmos'
import * as pingpong from '../sdk/as/gen/pingpong'

const status = handle(pingpong.DIGEST)
if (status != 0) {
  error('cannot handle pingpong: status ' + status.toString())
} else {
  for (;;) {
    const n = next()
    if (!n.isFor(pingpong.DIGEST)) continue
    const r = n.reader()
    const index = n.messageIndex(r)
    if (index == pingpong.MSG_PING && n.expectsAnswer) {
      const q = pingpong.readPing(r)
      if (!r.error) pingpong.answerPing(n.id, q.n)
    }
  }
}
