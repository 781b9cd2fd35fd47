// kv-server: handles the `kv` interface, keeping values in memory.
import { error, handle, next, respond, writer } from '../sdk/as/wasmos'
import * as kv from '../sdk/as/gen/kv'

const BAD_REQUEST: i32 = 9
const store = new Map<string, Uint8Array>()

if (handle(kv.DIGEST) != 0) {
  error('cannot handle kv')
} else {
  for (;;) {
    const n = next()
    if (!n.isFor(kv.DIGEST)) continue
    const r = n.reader()
    const index = n.messageIndex(r)
    if (index == kv.MSG_PUT) {
      const q = kv.readPut(r)
      if (r.error) { respond(n.id, BAD_REQUEST, null); continue }
      store.set(q.key, q.value)
      respond(n.id, 0, writer().arrayHeader(0))
    } else if (index == kv.MSG_GET) {
      const q = kv.readGet(r)
      if (r.error) { respond(n.id, BAD_REQUEST, null); continue }
      if (store.has(q.key)) kv.answerGet(n.id, store.get(q.key))
      else respond(n.id, kv.ERR_NOT_FOUND, null)
    } else if (index == kv.MSG_DELETE) {
      const q = kv.readDelete(r)
      if (r.error) { respond(n.id, BAD_REQUEST, null); continue }
      if (!store.has(q.key)) { respond(n.id, kv.ERR_NOT_FOUND, null); continue }
      store.delete(q.key)
      respond(n.id, 0, writer().arrayHeader(0))
    } else if (index == kv.MSG_LIST) {
      const keys = store.keys()
      keys.sort()
      kv.answerList(n.id, keys)
    } else if (n.expectsAnswer) {
      respond(n.id, BAD_REQUEST, null)
    }
  }
}
