// The kernel core: a sans-IO state machine. The host calls it for every syscall and decision;
// it returns codes at once and leaves what the host must do (wake a process, deliver to a native
// handler, ask the user) in `actions`. It never touches an engine, a clock or a socket, and it
// keeps to the subset of TypeScript that AssemblyScript also compiles (DESIGN.md): no closures,
// no unions, no iteration over maps (asc and JS iterate them differently).
import {
  ALREADY_HANDLED, DENIED, GRANT_HANDLE, GRANT_SEND, KERNEL_PID, KIND_ANSWER, KIND_ENDED,
  KIND_MESSAGE, MESSAGE_HEADER, NO_HANDLER, OK, PENDING, QUEUE_FULL, SEND_ANSWER, SEND_WAIT_HANDLER, TOO_LARGE,
  UNKNOWN_MESSAGE
} from './codes.ts'
import {
  Action, ACTION_ANSWER, ACTION_ASK_GRANT, ACTION_DELIVER, ACTION_DENIED, ACTION_ENDED,
  ACTION_OVERFLOW, ACTION_REGISTERED, ACTION_WAKE
} from './action.ts'
import { Message } from './message.ts'
import { Notification } from './notification.ts'
import {
  GRANT_ALLOWED, GRANT_ASKED, GRANT_DENIED, GRANT_DENIED_REPORTED, GRANT_UNKNOWN, ITEM_OVERHEAD,
  NO_IDS, Process
} from './process.ts'

// Every queue and every held byte is charged to a process and bounded (count and bytes, per
// process and in total): past a bound a sender gets QUEUE_FULL, and a process whose queue grows
// past the hard bound (answers and ended-notifications it does not read) is reported to the host
// (ACTION_OVERFLOW), which ends it. Nothing a program does can grow the kernel without bound.
export class KernelConfig {
  /**
   * Interface messages a process may have queued before senders get QUEUE_FULL; also how many
   * messages one process may have held (grant undecided, or waiting for a handler), and how many
   * may wait for one interface to get a handler.
   */
  queueLimit: i32 = 1024
  /** Largest payload of a message or an answer, in bytes. */
  maxMessageSize: i32 = 16 * 1024 * 1024
  /**
   * Bytes of notifications a process may have waiting: messages to it past this get QUEUE_FULL, and
   * so do its own calls (its answers would queue); past four times this it is ended.
   */
  maxQueueBytes: f64 = 64 * 1024 * 1024
  /** Bytes of its messages the kernel may hold for one process (grant undecided, no handler yet). */
  maxHeldBytes: f64 = 64 * 1024 * 1024
  /** Calls (messages expecting an answer) one process may have in flight, answers not yet taken. */
  maxOutstanding: i32 = 4096
  /** Bytes queued and held for all processes together; past it every send gets QUEUE_FULL. */
  maxTotalBytes: f64 = 1024 * 1024 * 1024
}

/** A registration held until the user decides whether the process may handle the interface. */
class HeldRegistration {
  pid: f64 = 0
  iface: string = ''
  digest: Uint8Array | null = null
  token: f64 = 0
}

export class Kernel {
  config: KernelConfig
  processes: Map<f64, Process> = new Map<f64, Process>()
  /** Interface key → pid of its handler (KERNEL_PID for native handlers). */
  handlers: Map<string, f64> = new Map<string, f64>()
  /** Messages sent with SEND_WAIT_HANDLER to an interface nobody handles yet. */
  waiting: Map<string, Array<Message>> = new Map<string, Array<Message>>()
  /** Delivered messages that expect an answer, by id. */
  messages: Map<f64, Message> = new Map<f64, Message>()
  /** Messages held until the user decides on the sender's grant. */
  held: Array<Message> = new Array<Message>()
  heldRegistrations: Array<HeldRegistration> = new Array<HeldRegistration>()
  actions: Array<Action> = new Array<Action>()
  /** The array `takeActions` handed out last, emptied and reused at its next call. */
  private spareActions: Array<Action> = new Array<Action>()
  nextPid: f64 = 1
  nextId: f64 = 1
  /** The id given to the last message `send` accepted. */
  lastId: f64 = 0
  /** The notification the last successful `poll` took. */
  taken: Notification | null = null
  /** Bytes queued and held for all processes (KernelConfig.maxTotalBytes). */
  totalBytes: f64 = 0
  /** Interface key → the pid that alone may handle it for the whole run (`reserve`). */
  reserved: Map<string, f64> = new Map<string, f64>()
  /**
   * The last two processes looked up by `find` (a call and its answer go back and forth between
   * two): each syscall looks its process up several times. Cleared for a pid when it exits.
   */
  private recentPid0: f64 = -1
  private recent0: Process | null = null
  private recentPid1: f64 = -1
  private recent1: Process | null = null

  constructor (config: KernelConfig) {
    this.config = config
    // A call adds its message here and its answer removes it: with the map otherwise empty, V8
    // shrinks its table at each removal and grows it again at the next call (a new table each
    // time). This entry, whose id no message has and which nobody handles, keeps it from emptying.
    this.messages.set(-1, new Message())
  }

  // ---- processes

  /** Creates a process and returns its pid; pids are never reused. */
  spawn (parent: f64): f64 {
    const pid = this.nextPid
    this.nextPid += 1
    this.processes.set(pid, new Process(pid, parent))
    return pid
  }

  exists (pid: f64): bool {
    return this.processes.has(pid)
  }

  process (pid: f64): Process {
    return this.processes.get(pid)!
  }

  /**
   * Ends a process: its interfaces lose their handler (messages waiting on it get a NO_HANDLER
   * answer), every handler it messaged gets a process-ended notification, and the host gets
   * ACTION_ENDED to free what it held natively.
   */
  exit (pid: f64, status: i32): void {
    if (!this.processes.has(pid)) return
    const p = this.processes.get(pid)!
    this.processes.delete(pid)
    this.forget(pid)
    this.totalBytes -= p.queuedBytes
    for (let i = 0; i < p.handles.length; i++) this.handlers.delete(p.handles[i])
    p.handles = new Array<string>()
    const ids = p.receivedIds
    for (let i = 0; i < ids.length; i++) {
      const id = ids[i]
      if (!this.isReceivedBy(id, pid)) continue
      const m = this.messages.get(id)!
      this.messages.delete(id)
      this.answerTo(m.emitter, m.id, NO_HANDLER, null)
    }
    this.dropHeldFrom(pid)
    for (let i = 0; i < p.waitingOn.length; i++) this.dropWaitingFrom(p.waitingOn[i], pid)
    for (let i = 0; i < p.messagedList.length; i++) {
      const h = p.messagedList[i]
      if (!this.processes.has(h)) continue
      const n = new Notification()
      n.kind = KIND_ENDED
      n.code = status
      n.id = pid
      this.enqueue(this.processes.get(h)!, n)
    }
    const a = new Action()
    a.kind = ACTION_ENDED
    a.pid = pid
    a.status = status
    this.actions.push(a)
  }

  // ---- grants

  /** The grant state the core keeps for this process and interface (GRANT_* of process.ts). */
  grantState (pid: f64, iface: string, grant: i32): i32 {
    if (!this.processes.has(pid)) return GRANT_UNKNOWN
    const m = this.grantMap(this.processes.get(pid)!, grant)
    return m.has(iface) ? m.get(iface)! : GRANT_UNKNOWN
  }

  /**
   * Records the host's decision for this process and interface, and carries out what was held
   * waiting for it. May be called before anything was asked (decisions known in advance).
   */
  decide (pid: f64, iface: string, grant: i32, allowed: bool): void {
    if (!this.processes.has(pid)) return
    const p = this.processes.get(pid)!
    p.ownGrants(grant == GRANT_SEND).set(iface, allowed ? GRANT_ALLOWED : GRANT_DENIED)
    if (grant == GRANT_SEND) {
      const keep = new Array<Message>()
      const release = new Array<Message>()
      for (let i = 0; i < this.held.length; i++) {
        const m = this.held[i]
        if (m.emitter == pid && m.iface == iface) release.push(m)
        else keep.push(m)
      }
      this.held = keep
      for (let i = 0; i < release.length; i++) {
        const m = release[i]
        this.discharge(m)
        if (allowed) {
          const code = this.route(m, true)
          if (code != OK) this.fail(m, code)
        } else {
          this.reportDenied(p, iface, grant)
          this.fail(m, DENIED)
        }
      }
    } else {
      const keep = new Array<HeldRegistration>()
      const release = new Array<HeldRegistration>()
      for (let i = 0; i < this.heldRegistrations.length; i++) {
        const r = this.heldRegistrations[i]
        if (r.pid == pid && r.iface == iface) release.push(r)
        else keep.push(r)
      }
      this.heldRegistrations = keep
      for (let i = 0; i < release.length; i++) {
        const r = release[i]
        let status = DENIED
        if (allowed) status = this.doRegister(p, r.iface, r.digest)
        else this.reportDenied(p, iface, grant)
        const a = new Action()
        a.kind = ACTION_REGISTERED
        a.pid = pid
        a.iface = r.iface
        a.digest = r.digest
        a.id = r.token
        a.status = status
        this.actions.push(a)
      }
    }
  }

  // ---- the registry

  /** Makes the host (pid 0) the handler of an interface. */
  registerNative (iface: string): void {
    this.handlers.set(iface, KERNEL_PID)
    this.flushWaiting(iface)
  }

  /** The pid handling an interface, or -1. */
  handlerOf (iface: string): f64 {
    return this.handlers.has(iface) ? this.handlers.get(iface)! : -1
  }

  /**
   * A process asks to handle an interface. Returns OK, DENIED, ALREADY_HANDLED, or PENDING: the
   * user is being asked, and ACTION_REGISTERED with `token` will carry the outcome.
   */
  register (pid: f64, iface: string, digest: Uint8Array | null, token: f64): i32 {
    if (!this.processes.has(pid)) return NO_HANDLER
    const p = this.processes.get(pid)!
    if (this.reserved.has(iface) && this.reserved.get(iface)! != pid) return ALREADY_HANDLED
    const state = this.grantState(pid, iface, GRANT_HANDLE)
    if (state == GRANT_ALLOWED) return this.doRegister(p, iface, digest)
    if (state == GRANT_DENIED || state == GRANT_DENIED_REPORTED) {
      this.reportDenied(p, iface, GRANT_HANDLE)
      return DENIED
    }
    const r = new HeldRegistration()
    r.pid = pid
    r.iface = iface
    r.digest = digest
    r.token = token
    this.heldRegistrations.push(r)
    if (state == GRANT_UNKNOWN) {
      p.ownGrants(false).set(iface, GRANT_ASKED)
      this.ask(pid, iface, digest, GRANT_HANDLE)
    }
    return PENDING
  }

  /**
   * Keeps an interface for one process for the rest of the run: nobody else may register it, even
   * after that process ends or unregisters (the user chose its handler).
   */
  reserve (iface: string, pid: f64): void {
    this.reserved.set(iface, pid)
  }

  /** Stops handling an interface; messages delivered to it and not answered get NO_HANDLER. */
  unregister (pid: f64, iface: string): i32 {
    if (!this.handlers.has(iface) || this.handlers.get(iface)! != pid) return NO_HANDLER
    this.handlers.delete(iface)
    if (pid == KERNEL_PID || !this.processes.has(pid)) return OK
    const p = this.processes.get(pid)!
    const i = p.handles.indexOf(iface)
    if (i >= 0) p.handles.splice(i, 1)
    const ids = p.receivedIds
    for (let k = 0; k < ids.length; k++) {
      const id = ids[k]
      if (!this.isReceivedBy(id, pid)) continue
      const m = this.messages.get(id)!
      if (m.iface != iface) continue
      p.receivedLive -= 1
      this.messages.delete(id)
      this.answerTo(m.emitter, m.id, NO_HANDLER, null)
    }
    this.totalBytes -= p.removeMessagesFor(iface)
    return OK
  }

  // ---- the three syscalls

  /**
   * `send`: returns OK (the id is in `lastId` when an answer is expected), or DENIED, NO_HANDLER,
   * TOO_LARGE, QUEUE_FULL. Never blocks: with no decision on the grant the message is held and
   * the host is asked (ACTION_ASK_GRANT).
   */
  send (pid: f64, iface: string, digest: Uint8Array | null, payload: Uint8Array | null, flags: i32): i32 {
    const len = payload == null ? 0 : payload.length
    if (len > this.config.maxMessageSize) return TOO_LARGE
    const m = new Message()
    m.emitter = pid
    m.iface = iface
    m.digest = digest
    m.payload = payload
    m.flags = flags
    if (pid != KERNEL_PID) {
      const p = this.find(pid)
      if (p == null) return NO_HANDLER
      const state = p.sendGrants.has(iface) ? p.sendGrants.get(iface)! : GRANT_UNKNOWN
      if (state == GRANT_DENIED || state == GRANT_DENIED_REPORTED) {
        this.reportDenied(p, iface, GRANT_SEND)
        return DENIED
      }
      const expects = (flags & SEND_ANSWER) != 0
      // Its answers would queue for it: a caller that does not take them is refused more calls.
      if (expects && (p.outstanding >= this.config.maxOutstanding || p.queuedBytes >= this.config.maxQueueBytes)) return QUEUE_FULL
      if (this.totalBytes + ((len + ITEM_OVERHEAD) as f64) > this.config.maxTotalBytes) return QUEUE_FULL
      if (state != GRANT_ALLOWED) {
        if (!this.mayHold(p, len)) return QUEUE_FULL
        m.id = this.newId()
        this.lastId = m.id
        this.held.push(m)
        this.charge(m)
        p.sent += 1
        if (expects) p.outstanding += 1
        if (state == GRANT_UNKNOWN) {
          p.ownGrants(true).set(iface, GRANT_ASKED)
          this.ask(pid, iface, digest, GRANT_SEND)
        }
        return OK
      }
      const code = this.route(m, false)
      if (code == OK) {
        this.lastId = m.id
        p.sent += 1
        if (expects) p.outstanding += 1
      }
      return code
    }
    const code = this.route(m, false)
    if (code == OK) this.lastId = m.id
    return code
  }

  /** `answer`: OK, UNKNOWN_MESSAGE (not received by `pid`, or already answered) or TOO_LARGE. */
  answer (pid: f64, id: f64, status: i32, payload: Uint8Array | null): i32 {
    if (!this.messages.has(id)) return UNKNOWN_MESSAGE
    const m = this.messages.get(id)!
    if (m.handler != pid) return UNKNOWN_MESSAGE
    if (payload != null && payload.length > this.config.maxMessageSize) return TOO_LARGE
    this.messages.delete(id)
    if (pid != KERNEL_PID) {
      const p = this.find(pid)
      if (p != null) p.receivedLive -= 1
    }
    this.answerTo(m.emitter, id, status, payload)
    return OK
  }

  /**
   * `wait` without blocking: the size of the next notification this process may take (answers to
   * `ids` only, when `ids` is not empty), or 0 if there is none. When that size is at most `cap`
   * the notification is taken and left in `taken` for the host to write out.
   */
  poll (pid: f64, ids: Array<f64>, cap: i32): i32 {
    const p = this.find(pid)
    if (p == null) return 0
    const i = p.find(ids)
    if (i < 0) return 0
    const n = p.queue[i]
    const size = n.size()
    if (size > cap) return size
    p.take(i)
    this.totalBytes -= n.cost
    if (n.kind == KIND_MESSAGE) p.pendingMessages -= 1
    this.taken = n
    return size
  }

  /**
   * The process blocks in `wait` until a notification it wants arrives (then ACTION_WAKE). The
   * kernel keeps `ids` as the filter: the caller leaves it unchanged until the process wakes.
   */
  block (pid: f64, ids: Array<f64>): void {
    const p = this.find(pid)
    if (p == null) return
    p.waitIds = ids.length == 0 ? NO_IDS : ids
    p.blocked = true
  }

  /** The host no longer waits for this process's `wait` (it was ended or interrupted). */
  unblock (pid: f64): void {
    if (this.processes.has(pid)) this.processes.get(pid)!.blocked = false
  }

  /**
   * Takes the actions accumulated since the last call. The array returned is the kernel's: it is
   * emptied and reused at the next call (two arrays take turns, so that a host draining the
   * actions after every syscall makes none), so a caller reads it before calling again.
   */
  takeActions (): Array<Action> {
    const a = this.actions
    if (a.length == 0) return a
    const next = this.spareActions
    // `pop` keeps the array's storage, where setting its length to 0 would drop it.
    while (next.length > 0) next.pop()
    this.actions = next
    this.spareActions = a
    return a
  }

  // ---- internals

  private newId (): f64 {
    const id = this.nextId
    this.nextId += 1
    return id
  }

  private grantMap (p: Process, grant: i32): Map<string, i32> {
    return grant == GRANT_SEND ? p.sendGrants : p.handleGrants
  }

  private ask (pid: f64, iface: string, digest: Uint8Array | null, grant: i32): void {
    const a = new Action()
    a.kind = ACTION_ASK_GRANT
    a.pid = pid
    a.iface = iface
    a.digest = digest
    a.grant = grant
    this.actions.push(a)
  }

  private reportDenied (p: Process, iface: string, grant: i32): void {
    const m = this.grantMap(p, grant)
    if (m.has(iface) && m.get(iface)! == GRANT_DENIED_REPORTED) return
    p.ownGrants(grant == GRANT_SEND).set(iface, GRANT_DENIED_REPORTED)
    const a = new Action()
    a.kind = ACTION_DENIED
    a.pid = p.pid
    a.iface = iface
    a.grant = grant
    this.actions.push(a)
  }

  /** Whether the kernel may hold one more message of `len` bytes for process `p`. */
  private mayHold (p: Process, len: i32): bool {
    return p.heldCount < this.config.queueLimit && p.heldBytes + ((len + ITEM_OVERHEAD) as f64) <= this.config.maxHeldBytes
  }

  /** Charges a message the kernel holds (grant undecided, no handler yet) to its sender. */
  private charge (m: Message): void {
    const cost = (m.payloadLength() + ITEM_OVERHEAD) as f64
    this.totalBytes += cost
    if (m.emitter == KERNEL_PID || !this.processes.has(m.emitter)) return
    const p = this.processes.get(m.emitter)!
    p.heldCount += 1
    p.heldBytes += cost
  }

  /** The kernel no longer holds this message: its sender is no longer charged for it. */
  private discharge (m: Message): void {
    const cost = (m.payloadLength() + ITEM_OVERHEAD) as f64
    this.totalBytes -= cost
    if (m.emitter == KERNEL_PID || !this.processes.has(m.emitter)) return
    const p = this.processes.get(m.emitter)!
    p.heldCount -= 1
    p.heldBytes -= cost
  }

  private doRegister (p: Process, iface: string, digest: Uint8Array | null): i32 {
    if (this.handlers.has(iface)) {
      return this.handlers.get(iface)! == p.pid ? OK : ALREADY_HANDLED
    }
    this.handlers.set(iface, p.pid)
    p.addHandled(iface, digest)
    this.flushWaiting(iface)
    return OK
  }

  /** Delivers, in order, the messages that waited for this interface to get a handler. */
  private flushWaiting (iface: string): void {
    if (!this.waiting.has(iface)) return
    const list = this.waiting.get(iface)!
    this.waiting.delete(iface)
    for (let i = 0; i < list.length; i++) {
      const m = list[i]
      this.discharge(m)
      if (m.emitter != KERNEL_PID && !this.processes.has(m.emitter)) continue
      const code = this.route(m, true)
      if (code != OK) this.fail(m, code)
    }
  }

  /**
   * Sends an accepted message on to its handler. `accepted`: the sender was already told OK
   * (held or waiting messages), so the queue limit no longer applies.
   */
  private route (m: Message, accepted: bool): i32 {
    if (!this.handlers.has(m.iface)) {
      if ((m.flags & SEND_WAIT_HANDLER) == 0) return NO_HANDLER
      let list: Array<Message>
      if (this.waiting.has(m.iface)) {
        list = this.waiting.get(m.iface)!
      } else {
        list = new Array<Message>()
        this.waiting.set(m.iface, list)
      }
      if (!accepted) {
        if (list.length >= this.config.queueLimit) return QUEUE_FULL
        if (m.emitter != KERNEL_PID && !this.mayHold(this.processes.get(m.emitter)!, m.payloadLength())) return QUEUE_FULL
      }
      if (m.id == 0) m.id = this.newId()
      list.push(m)
      this.charge(m)
      if (m.emitter != KERNEL_PID) {
        this.processes.get(m.emitter)!.addWaitingOn(m.iface)
      }
      return OK
    }
    const h = this.handlers.get(m.iface)!
    const expects = (m.flags & SEND_ANSWER) != 0
    if (h == KERNEL_PID) {
      if (m.id == 0) m.id = this.newId()
      m.handler = KERNEL_PID
      if (expects) this.messages.set(m.id, m)
      const a = new Action()
      a.kind = ACTION_DELIVER
      a.id = m.id
      a.pid = m.emitter
      a.iface = m.iface
      a.digest = m.digest
      a.payload = m.payload
      a.flags = m.flags & SEND_ANSWER
      this.actions.push(a)
      return OK
    }
    const p = this.find(h)!
    if (!accepted && p.pendingMessages >= this.config.queueLimit) return QUEUE_FULL
    if (p.queuedBytes + ((MESSAGE_HEADER + m.payloadLength() + ITEM_OVERHEAD) as f64) > this.config.maxQueueBytes) return QUEUE_FULL
    if (m.id == 0) m.id = this.newId()
    m.handler = h
    if (expects) {
      this.messages.set(m.id, m)
      this.noteReceived(p, m.id)
    }
    if (m.emitter != KERNEL_PID) {
      const e = this.find(m.emitter)
      if (e != null) e.noteMessaged(h)
    }
    const n = new Notification()
    n.kind = KIND_MESSAGE
    n.code = m.flags & SEND_ANSWER
    n.id = m.id
    n.emitter = m.emitter
    n.iface = m.iface
    n.digest = m.digest
    n.payload = m.payload
    p.pendingMessages += 1
    p.receivedCount += 1
    this.enqueue(p, n)
    return OK
  }

  /** The process `pid`, or null once it exited (or never was). */
  private find (pid: f64): Process | null {
    if (pid == this.recentPid0) return this.recent0
    if (pid == this.recentPid1) return this.recent1
    if (!this.processes.has(pid)) return null
    const p = this.processes.get(pid)!
    this.recentPid1 = this.recentPid0
    this.recent1 = this.recent0
    this.recentPid0 = pid
    this.recent0 = p
    return p
  }

  /** Drops an exited process from `find`'s recent ones. */
  private forget (pid: f64): void {
    if (pid == this.recentPid0) { this.recentPid0 = -1; this.recent0 = null }
    if (pid == this.recentPid1) { this.recentPid1 = -1; this.recent1 = null }
  }

  /** Whether message `id` was delivered to process `pid` and waits for its answer. */
  private isReceivedBy (id: f64, pid: f64): bool {
    return this.messages.has(id) && this.messages.get(id)!.handler == pid
  }

  /** Notes a message delivered to `p` that expects its answer; drops answered ids once they are most of the list. */
  private noteReceived (p: Process, id: f64): void {
    p.noteReceived(id)
    const ids = p.receivedIds
    if (ids.length > 64 && ids.length > 2 * p.receivedLive) {
      const keep = new Array<f64>()
      for (let i = 0; i < ids.length; i++) {
        if (this.isReceivedBy(ids[i], p.pid)) keep.push(ids[i])
      }
      p.receivedIds = keep
    }
  }

  /** Gives a failure answer to a message that expects one. */
  private fail (m: Message, status: i32): void {
    if ((m.flags & SEND_ANSWER) == 0) return
    this.messages.delete(m.id)
    this.answerTo(m.emitter, m.id, status, null)
  }

  private answerTo (emitter: f64, id: f64, status: i32, payload: Uint8Array | null): void {
    if (emitter == KERNEL_PID) {
      const a = new Action()
      a.kind = ACTION_ANSWER
      a.id = id
      a.status = status
      a.payload = payload
      this.actions.push(a)
      return
    }
    const p = this.find(emitter)
    if (p == null) return
    const n = new Notification()
    n.kind = KIND_ANSWER
    n.code = status
    n.id = id
    n.payload = payload
    this.enqueue(p, n)
  }

  private enqueue (p: Process, n: Notification): void {
    p.push(n)
    this.totalBytes += n.cost
    if (!p.overflowed && p.queuedBytes > 4 * this.config.maxQueueBytes) {
      // Answers and ended-notifications cannot be refused: a process that lets them pile up ends.
      p.overflowed = true
      const o = new Action()
      o.kind = ACTION_OVERFLOW
      o.pid = p.pid
      this.actions.push(o)
    }
    if (p.blocked && p.wants(n)) {
      p.blocked = false
      const a = new Action()
      a.kind = ACTION_WAKE
      a.pid = p.pid
      this.actions.push(a)
    }
  }

  private dropHeldFrom (pid: f64): void {
    const keep = new Array<Message>()
    for (let i = 0; i < this.held.length; i++) {
      if (this.held[i].emitter != pid) keep.push(this.held[i])
      else this.totalBytes -= (this.held[i].payloadLength() + ITEM_OVERHEAD) as f64
    }
    this.held = keep
    const keepR = new Array<HeldRegistration>()
    for (let i = 0; i < this.heldRegistrations.length; i++) {
      if (this.heldRegistrations[i].pid != pid) keepR.push(this.heldRegistrations[i])
    }
    this.heldRegistrations = keepR
  }

  private dropWaitingFrom (iface: string, pid: f64): void {
    if (!this.waiting.has(iface)) return
    const list = this.waiting.get(iface)!
    const keep = new Array<Message>()
    for (let i = 0; i < list.length; i++) {
      if (list[i].emitter != pid) keep.push(list[i])
      else this.totalBytes -= (list[i].payloadLength() + ITEM_OVERHEAD) as f64
    }
    if (keep.length == 0) this.waiting.delete(iface)
    else this.waiting.set(iface, keep)
  }
}
