// grant-asker: sends to time, random and kv at once (three messages held until each grant is
// decided, so three prompts queue), then prints each answer's status: "time 0", "random 1" (1 =
// denied), "kv 2" (2 = no handler, once allowed). The tests of the prompt's queue use it (test/grants).
import { awaitReply, print, sendRequest, lastStatus, writer } from '../sdk/as/wasmos'
import * as time from '../sdk/as/gen/time'
import * as random from '../sdk/as/gen/random'
import * as kv from '../sdk/as/gen/kv'

function request (iface: StaticArray<u8>, msg: u32, param: i32): u64 {
  const w = writer()
  if (param < 0) { w.arrayHeader(1); w.u32(msg) } else { w.arrayHeader(2); w.u32(msg); w.u32(<u32>param) }
  return sendRequest(iface, w)
}

function report (name: string, id: u64, sendStatus: i32): void {
  if (id == 0) { print(name + ' ' + sendStatus.toString() + '\n'); return }
  print(name + ' ' + awaitReply(id).status.toString() + '\n')
}

const t = request(time.DIGEST, 0, -1)
const ts = lastStatus
const r = request(random.DIGEST, 0, 8)
const rs = lastStatus
const w = writer()
w.arrayHeader(1)
w.u32(3)
const k = sendRequest(kv.DIGEST, w)
const ks = lastStatus
report('time', t, ts)
report('random', r, rs)
report('kv', k, ks)
