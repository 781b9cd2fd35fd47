// Scenarios of the kernel core, written in the portable subset so that the very same code runs
// against the TypeScript build (test/core/core.test.ts) and, compiled by asc together with the
// core, against the wasm build (test/core/portable.test.ts). Each returns '' or what went wrong,
// and appends to a trace that both builds must produce identically.
import {
  Action, ACTION_ANSWER, ACTION_ASK_GRANT, ACTION_DELIVER, ACTION_DENIED, ACTION_ENDED,
  ACTION_REGISTERED, ACTION_WAKE, ALREADY_HANDLED, DENIED, GRANT_HANDLE, GRANT_SEND, KERNEL_PID,
  KIND_ANSWER, KIND_ENDED, KIND_MESSAGE, Kernel, KernelConfig, NO_HANDLER, Notification, OK,
  PENDING, QUEUE_FULL, SEND_ANSWER, SEND_WAIT_HANDLER, TOO_LARGE, UNKNOWN_MESSAGE,
  encodeNotification, readId
} from '../../src/kernel/core/index.ts'

class Check {
  errors: string = ''
  trace: string = ''

  eq (actual: i32, expected: i32, what: string): void {
    this.trace += what + '=' + actual.toString() + ';'
    if (actual != expected) {
      this.errors += what + ': got ' + actual.toString() + ', expected ' + expected.toString() + '. '
    }
  }

  ok (cond: bool, what: string): void {
    this.eq(cond ? 1 : 0, 1, what)
  }
}

const NO_IDS: Array<f64> = new Array<f64>()

function digestOf (tag: i32): Uint8Array {
  const d = new Uint8Array(32)
  for (let i = 0; i < 32; i++) d[i] = (((tag * 7 + i) & 0xff) as u8)
  return d
}

function bytes (n: i32, fill: i32): Uint8Array {
  const b = new Uint8Array(n)
  for (let i = 0; i < n; i++) b[i] = (((fill + i) & 0xff) as u8)
  return b
}

function newKernel (): Kernel {
  const c = new KernelConfig()
  c.queueLimit = 4
  c.maxMessageSize = 1000
  return new Kernel(c)
}

function countActions (actions: Array<Action>, kind: i32): i32 {
  let n = 0
  for (let i = 0; i < actions.length; i++) if (actions[i].kind == kind) n++
  return n
}

function findAction (actions: Array<Action>, kind: i32): Action | null {
  for (let i = 0; i < actions.length; i++) if (actions[i].kind == kind) return actions[i]
  return null
}

/** Takes the next notification of `pid` (any kind) or null. */
function take (k: Kernel, pid: f64, ids: Array<f64>): Notification | null {
  const size = k.poll(pid, ids, 1 << 20)
  if (size == 0) return null
  return k.taken
}

function allowAll (k: Kernel, pid: f64, iface: string): void {
  k.decide(pid, iface, GRANT_SEND, true)
  k.decide(pid, iface, GRANT_HANDLE, true)
}

function nativeRoundTrip (t: Check): void {
  const k = newKernel()
  k.registerNative('time')
  const p = k.spawn(KERNEL_PID)
  allowAll(k, p, 'time')
  t.eq(k.send(p, 'time', digestOf(1), bytes(3, 1), SEND_ANSWER), OK, 'send')
  const id = k.lastId
  t.ok(id > 0, 'id given')
  const actions = k.takeActions()
  t.eq(actions.length, 1, 'one action')
  const a = actions[0]
  t.eq(a.kind, ACTION_DELIVER, 'deliver')
  t.ok(a.id == id && a.pid == p && a.iface == 'time' && a.flags == SEND_ANSWER, 'deliver fields')
  t.eq(k.answer(KERNEL_PID, id, 0, bytes(5, 9)), OK, 'native answer')
  t.eq(k.answer(KERNEL_PID, id, 0, null), UNKNOWN_MESSAGE, 'second answer')
  t.eq(k.poll(p, NO_IDS, 10), 29, 'size needed')
  t.eq(k.poll(p, NO_IDS, 10), 29, 'still there')
  t.eq(k.poll(p, NO_IDS, 29), 29, 'taken')
  const n = k.taken!
  const out = new Uint8Array(40)
  const view = new DataView(out.buffer)
  out[30] = 0xee
  encodeNotification(n, view, out, 0)
  t.eq(out[0], KIND_ANSWER, 'kind byte')
  t.eq((view.getUint32(4, true) as i32), 0, 'status')
  t.ok(readId(view, 8) == id, 'id written')
  t.eq((view.getUint32(16, true) as i32), 5, 'len')
  t.eq(out[24], 9, 'payload[0]')
  t.eq(out[28], 13, 'payload[4]')
  t.eq(out[30], 0xee, 'nothing past the end')
  t.eq(k.poll(p, NO_IDS, 100), 0, 'queue empty')
}

function programRoundTrip (t: Check): void {
  const k = newKernel()
  const server = k.spawn(KERNEL_PID)
  const client = k.spawn(KERNEL_PID)
  allowAll(k, server, 'echo')
  allowAll(k, client, 'echo')
  t.eq(k.register(server, 'echo', digestOf(2), 1), OK, 'register')
  t.eq(k.register(server, 'echo', digestOf(2), 1), OK, 'register again')
  t.eq(k.register(client, 'echo', digestOf(2), 1), ALREADY_HANDLED, 'second handler')
  t.eq(k.send(client, 'echo', digestOf(2), bytes(4, 0), SEND_ANSWER), OK, 'send')
  const id = k.lastId
  const m = take(k, server, NO_IDS)!
  t.eq(m.kind, KIND_MESSAGE, 'message kind')
  t.ok(m.id == id && m.emitter == client && m.code == SEND_ANSWER, 'message fields')
  const out = new Uint8Array(80)
  const view = new DataView(out.buffer)
  encodeNotification(m, view, out, 0)
  t.eq(out[0], KIND_MESSAGE, 'kind byte')
  t.eq((view.getUint32(4, true) as i32), 1, 'flags')
  t.ok(readId(view, 8) == id, 'id')
  t.ok(readId(view, 16) == client, 'emitter')
  t.eq(out[24], 14, 'digest[0]')
  t.eq(out[55], 45, 'digest[31]')
  t.eq((view.getUint32(56, true) as i32), 4, 'len')
  t.eq(out[67], 3, 'payload[3]')
  t.eq(k.answer(client, id, 0, null), UNKNOWN_MESSAGE, 'answer by the wrong process')
  t.eq(k.answer(server, id, 3, bytes(2, 7)), OK, 'answer')
  const a = take(k, client, NO_IDS)!
  t.ok(a.kind == KIND_ANSWER && a.id == id && a.code == 3, 'answer fields')
  t.eq(k.send(client, 'echo', digestOf(2), null, 0), OK, 'one-way send')
  const m2 = take(k, server, NO_IDS)!
  t.eq(m2.code, 0, 'no answer expected')
  t.eq(k.answer(server, m2.id, 0, null), UNKNOWN_MESSAGE, 'answer to a one-way message')
  t.ok(m2.id > id, 'ids increase')
}

function noHandlerAndWaiting (t: Check): void {
  const k = newKernel()
  const c = k.spawn(KERNEL_PID)
  const s = k.spawn(KERNEL_PID)
  allowAll(k, c, 'kv')
  allowAll(k, s, 'kv')
  t.eq(k.send(c, 'kv', null, null, SEND_ANSWER), NO_HANDLER, 'no handler')
  t.eq(k.send(c, 'kv', null, bytes(1, 1), SEND_ANSWER | SEND_WAIT_HANDLER), OK, 'queued 1')
  const id1 = k.lastId
  t.eq(k.send(c, 'kv', null, bytes(1, 2), SEND_WAIT_HANDLER), OK, 'queued 2')
  t.eq(k.poll(s, NO_IDS, 1000), 0, 'nothing yet')
  t.eq(k.register(s, 'kv', null, 0), OK, 'register')
  const m1 = take(k, s, NO_IDS)!
  const m2 = take(k, s, NO_IDS)!
  t.ok(m1.id == id1 && m2.id > id1, 'delivered in order')
  t.eq(m2.payload![0], 2, 'second payload')
}

function grants (t: Check): void {
  const k = newKernel()
  k.registerNative('tcp')
  const p = k.spawn(KERNEL_PID)
  t.eq(k.send(p, 'tcp', null, bytes(1, 0), SEND_ANSWER), OK, 'held send')
  const id1 = k.lastId
  t.eq(k.send(p, 'tcp', null, bytes(1, 1), SEND_ANSWER), OK, 'second held send')
  const id2 = k.lastId
  let actions = k.takeActions()
  t.eq(countActions(actions, ACTION_ASK_GRANT), 1, 'asked once')
  const ask = findAction(actions, ACTION_ASK_GRANT)!
  t.ok(ask.pid == p && ask.iface == 'tcp' && ask.grant == GRANT_SEND, 'ask fields')
  k.decide(p, 'tcp', GRANT_SEND, false)
  actions = k.takeActions()
  t.eq(countActions(actions, ACTION_DENIED), 1, 'denial reported once')
  t.eq(countActions(actions, ACTION_DELIVER), 0, 'nothing delivered')
  const a1 = take(k, p, NO_IDS)!
  const a2 = take(k, p, NO_IDS)!
  t.ok(a1.id == id1 && a1.code == DENIED && a2.id == id2 && a2.code == DENIED, 'denied answers')
  t.eq(k.send(p, 'tcp', null, null, SEND_ANSWER), DENIED, 'denied at once')
  t.eq(k.takeActions().length, 0, 'not reported again')

  const q = k.spawn(KERNEL_PID)
  t.eq(k.send(q, 'tcp', null, null, SEND_ANSWER), OK, 'held for q')
  const idq = k.lastId
  k.takeActions()
  k.decide(q, 'tcp', GRANT_SEND, true)
  actions = k.takeActions()
  const d = findAction(actions, ACTION_DELIVER)
  t.ok(d != null && d.id == idq, 'delivered once allowed')

  const r = k.spawn(KERNEL_PID)
  k.decide(r, 'tcp', GRANT_SEND, false)
  t.eq(k.send(r, 'tcp', null, null, 0), DENIED, 'preset deny')
  t.eq(countActions(k.takeActions(), ACTION_DENIED), 1, 'first refusal reported')
}

function heldRegistration (t: Check): void {
  const k = newKernel()
  const s = k.spawn(KERNEL_PID)
  t.eq(k.register(s, 'game', null, 77), PENDING, 'pending')
  const ask = findAction(k.takeActions(), ACTION_ASK_GRANT)!
  t.eq(ask.grant, GRANT_HANDLE, 'asks to handle')
  k.decide(s, 'game', GRANT_HANDLE, true)
  const reg = findAction(k.takeActions(), ACTION_REGISTERED)!
  t.ok(reg.id == 77 && reg.status == OK && reg.pid == s, 'registered')
  t.ok(k.handlerOf('game') == s, 'handler set')
  const s2 = k.spawn(KERNEL_PID)
  t.eq(k.register(s2, 'other', null, 5), PENDING, 'pending 2')
  k.takeActions()
  k.decide(s2, 'other', GRANT_HANDLE, false)
  const reg2 = findAction(k.takeActions(), ACTION_REGISTERED)!
  t.ok(reg2.status == DENIED && reg2.id == 5, 'registration denied')
  t.ok(k.handlerOf('other') == -1, 'no handler')
}

function limits (t: Check): void {
  const k = newKernel()
  const s = k.spawn(KERNEL_PID)
  const c = k.spawn(KERNEL_PID)
  allowAll(k, s, 'sink')
  allowAll(k, c, 'sink')
  k.register(s, 'sink', null, 0)
  t.eq(k.send(c, 'sink', null, bytes(1001, 0), 0), TOO_LARGE, 'too large')
  t.eq(k.send(c, 'sink', null, bytes(1000, 0), 0), OK, 'largest')
  for (let i = 0; i < 3; i++) t.eq(k.send(c, 'sink', null, null, 0), OK, 'fill')
  t.eq(k.send(c, 'sink', null, null, 0), QUEUE_FULL, 'queue full')
  take(k, s, NO_IDS)
  t.eq(k.send(c, 'sink', null, null, 0), OK, 'room again')
  t.eq(k.send(c, 'sink', null, null, 0), QUEUE_FULL, 'full again')
}

function handlerEnds (t: Check): void {
  const k = newKernel()
  const s = k.spawn(KERNEL_PID)
  const c = k.spawn(KERNEL_PID)
  allowAll(k, s, 'a')
  allowAll(k, s, 'b')
  allowAll(k, c, 'a')
  allowAll(k, c, 'b')
  k.register(s, 'a', null, 0)
  k.register(s, 'b', null, 0)
  k.send(c, 'a', null, null, SEND_ANSWER)
  const ida = k.lastId
  k.send(c, 'b', null, null, SEND_ANSWER)
  const idb = k.lastId
  t.eq(k.unregister(c, 'a'), NO_HANDLER, 'only the handler unregisters')
  t.eq(k.unregister(s, 'a'), OK, 'unregister a')
  const fa = take(k, c, NO_IDS)!
  t.ok(fa.kind == KIND_ANSWER && fa.id == ida && fa.code == NO_HANDLER, 'a failed')
  t.eq(k.poll(c, NO_IDS, 1000), 0, 'b still waits')
  const mb = take(k, s, NO_IDS)!
  t.ok(mb.id == idb, 'the message for a left the queue')
  k.exit(s, 3)
  const fb = take(k, c, NO_IDS)!
  t.ok(fb.id == idb && fb.code == NO_HANDLER, 'b failed when the handler ended')
  const ended = findAction(k.takeActions(), ACTION_ENDED)!
  t.ok(ended.pid == s && ended.status == 3, 'ended action')
  t.eq(k.send(c, 'b', null, null, 0), NO_HANDLER, 'gone')
  t.ok(!k.exists(s), 'process gone')
}

function emitterEnds (t: Check): void {
  const k = newKernel()
  const s1 = k.spawn(KERNEL_PID)
  const s2 = k.spawn(KERNEL_PID)
  const c = k.spawn(KERNEL_PID)
  allowAll(k, s1, 'x')
  allowAll(k, s2, 'y')
  allowAll(k, c, 'x')
  allowAll(k, c, 'y')
  k.register(s1, 'x', null, 0)
  k.register(s2, 'y', null, 0)
  k.send(c, 'x', null, null, SEND_ANSWER)
  const id = k.lastId
  k.send(c, 'x', null, null, 0)
  k.send(c, 'y', null, null, 0)
  k.exit(c, -2)
  take(k, s1, NO_IDS)
  take(k, s1, NO_IDS)
  const e1 = take(k, s1, NO_IDS)!
  t.ok(e1.kind == KIND_ENDED && e1.id == c && e1.code == -2, 'ended notification to x')
  const out = new Uint8Array(16)
  encodeNotification(e1, new DataView(out.buffer), out, 0)
  t.eq(out[0], KIND_ENDED, 'ended kind byte')
  t.eq(new DataView(out.buffer).getInt32(4, true), -2, 'ended status')
  take(k, s2, NO_IDS)
  const e2 = take(k, s2, NO_IDS)!
  t.ok(e2.kind == KIND_ENDED, 'ended notification to y, once')
  t.eq(k.poll(s2, NO_IDS, 100), 0, 'only once')
  t.eq(k.answer(s1, id, 0, null), OK, 'answering a gone emitter is fine')
}

function blocking (t: Check): void {
  const k = newKernel()
  k.registerNative('n')
  const p = k.spawn(KERNEL_PID)
  allowAll(k, p, 'n')
  k.send(p, 'n', null, null, SEND_ANSWER)
  const id1 = k.lastId
  k.send(p, 'n', null, null, SEND_ANSWER)
  const id2 = k.lastId
  k.takeActions()
  const ids = new Array<f64>()
  ids.push(id2)
  t.eq(k.poll(p, ids, 100), 0, 'nothing for id2')
  k.block(p, ids)
  k.answer(KERNEL_PID, id1, 0, null)
  t.eq(countActions(k.takeActions(), ACTION_WAKE), 0, 'id1 does not wake')
  k.answer(KERNEL_PID, id2, 0, null)
  t.eq(countActions(k.takeActions(), ACTION_WAKE), 1, 'id2 wakes')
  const a = take(k, p, ids)!
  t.ok(a.id == id2, 'filtered take')
  const b = take(k, p, NO_IDS)!
  t.ok(b.id == id1, 'the other stayed queued')
}

function kernelAsEmitter (t: Check): void {
  const k = newKernel()
  const s = k.spawn(KERNEL_PID)
  allowAll(k, s, 'loader')
  k.register(s, 'loader', null, 0)
  t.eq(k.send(KERNEL_PID, 'loader', null, bytes(2, 0), SEND_ANSWER), OK, 'kernel sends')
  const id = k.lastId
  const m = take(k, s, NO_IDS)!
  t.ok(m.emitter == KERNEL_PID && m.id == id, 'from pid 0')
  k.answer(s, id, 0, bytes(3, 0))
  const a = findAction(k.takeActions(), ACTION_ANSWER)!
  t.ok(a.id == id && a.payload!.length == 3, 'answer comes as an action')
}

/**
 * Many calls through one handler, every tenth left unanswered: the handler's list of received ids
 * is compacted on the way, yet each unanswered call gets NO_HANDLER when the handler ends, and only
 * those. Ids that name no message (the map's placeholder -1, 0) are refused. The notification's
 * padding is written as zeros over whatever the buffer held.
 */
function manyCalls (t: Check): void {
  const k = newKernel()
  const s = k.spawn(KERNEL_PID)
  const c = k.spawn(KERNEL_PID)
  allowAll(k, s, 'a')
  allowAll(k, c, 'a')
  t.eq(k.register(s, 'a', null, 0), OK, 'register')
  t.eq(k.answer(s, -1, 0, null), UNKNOWN_MESSAGE, 'id -1 by a process')
  t.eq(k.answer(KERNEL_PID, -1, 0, null), UNKNOWN_MESSAGE, 'id -1 by the kernel')
  t.eq(k.answer(s, 0, 0, null), UNKNOWN_MESSAGE, 'id 0')
  const kept = new Array<f64>()
  let answered = 0
  for (let i = 0; i < 200; i++) {
    if (k.send(c, 'a', null, bytes(4, i), SEND_ANSWER) != OK) t.eq(i, -1, 'send refused')
    const id = k.lastId
    const m = take(k, s, NO_IDS)
    if (m == null || m.id != id) t.eq(i, -1, 'message not taken')
    if (i % 10 == 0) {
      kept.push(id)
      continue
    }
    const ids = new Array<f64>()
    ids.push(id)
    if (k.answer(s, id, 0, null) == OK && take(k, c, ids) != null) answered++
  }
  t.eq(answered, 180, 'answered')
  t.eq(k.poll(c, NO_IDS, 1000), 0, 'nothing else queued')
  k.exit(s, 1)
  let failed = 0
  for (let i = 0; i < kept.length; i++) {
    const ids = new Array<f64>()
    ids.push(kept[i])
    const a = take(k, c, ids)
    if (a != null && a.code == NO_HANDLER) failed++
  }
  t.eq(failed, 20, 'the unanswered ones failed')
  t.eq(k.poll(c, NO_IDS, 1000), 0, 'and nothing more')

  const out = new Uint8Array(80)
  const view = new DataView(out.buffer)
  const n = new Notification()
  n.kind = KIND_MESSAGE
  n.id = 7
  n.emitter = 2
  n.payload = bytes(4, 1)
  out.fill(255)
  encodeNotification(n, view, out, 0)
  let dirty = 0
  for (let i = 1; i < 4; i++) dirty += out[i]
  for (let i = 24; i < 56; i++) dirty += out[i]
  for (let i = 60; i < 64; i++) dirty += out[i]
  t.eq(dirty, 0, 'message padding and absent digest zeroed')
  n.kind = KIND_ANSWER
  out.fill(255)
  encodeNotification(n, view, out, 0)
  dirty = 0
  for (let i = 1; i < 4; i++) dirty += out[i]
  for (let i = 20; i < 24; i++) dirty += out[i]
  t.eq(dirty, 0, 'answer padding zeroed')
  t.eq(out[24], 1, 'answer payload')
}

export function scenarioCount (): i32 {
  return 11
}

export function scenarioName (i: i32): string {
  if (i == 0) return 'native round trip'
  if (i == 1) return 'program round trip'
  if (i == 2) return 'no handler and waiting for one'
  if (i == 3) return 'grants held, denied and allowed'
  if (i == 4) return 'held registration'
  if (i == 5) return 'size and queue limits'
  if (i == 6) return 'handler ends or unregisters'
  if (i == 7) return 'emitter ends'
  if (i == 8) return 'blocking wait with ids'
  if (i == 9) return 'kernel as emitter'
  return 'many calls, some never answered'
}

let lastTrace: string = ''

/** Runs scenario `i`; returns '' or its failures. The trace is left for `scenarioTrace`. */
export function runScenario (i: i32): string {
  const t = new Check()
  if (i == 0) nativeRoundTrip(t)
  else if (i == 1) programRoundTrip(t)
  else if (i == 2) noHandlerAndWaiting(t)
  else if (i == 3) grants(t)
  else if (i == 4) heldRegistration(t)
  else if (i == 5) limits(t)
  else if (i == 6) handlerEnds(t)
  else if (i == 7) emitterEnds(t)
  else if (i == 8) blocking(t)
  else if (i == 9) kernelAsEmitter(t)
  else manyCalls(t)
  lastTrace = t.trace
  return t.errors
}

export function scenarioTrace (): string {
  return lastTrace
}
