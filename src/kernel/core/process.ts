// A process as the kernel core sees it: its notification queue, what it waits for, what it
// handles, whom it has messaged and the grant decisions the host gave for it.
import { KIND_ANSWER, KIND_MESSAGE } from './codes.ts'
import { Notification } from './notification.ts'

/** Grant states kept per process and interface. */
export const GRANT_UNKNOWN: i32 = 0
export const GRANT_ALLOWED: i32 = 1
/** Denied, and the denial has not been reported to the host yet. */
export const GRANT_DENIED: i32 = 2
/** Denied, and reported. */
export const GRANT_DENIED_REPORTED: i32 = 3
/** The host was asked and has not decided yet. */
export const GRANT_ASKED: i32 = 4

/**
 * What a queued notification or held message costs its process, in bytes: what `wait` writes (or
 * the payload) plus the objects that keep it, so that many small ones are bounded as well.
 */
export const ITEM_OVERHEAD: i32 = 64

export function notificationCost (n: Notification): f64 {
  return ((n.size() + ITEM_OVERHEAD) as f64)
}

// Most processes never handle, message or get a grant decided (10 000 idle ones in
// bench/scale.ts): their collections start as these shared empty ones, read like any other and
// replaced by a process's own before the first write (`own*` below, the only ways to write them).
// Nothing may ever add to these.
export const NO_IDS: Array<f64> = new Array<f64>()
const NO_NOTIFICATIONS: Array<Notification> = new Array<Notification>()
const NO_STRINGS: Array<string> = new Array<string>()
const NO_DIGESTS: Map<string, Uint8Array> = new Map<string, Uint8Array>()
const NO_PIDS: Map<f64, bool> = new Map<f64, bool>()
const NO_GRANTS: Map<string, i32> = new Map<string, i32>()

export class Process {
  pid: f64
  parent: f64
  /** Notifications; those before `head` are already taken. */
  queue: Array<Notification> = NO_NOTIFICATIONS
  head: i32 = 0
  /** Interface messages in the queue (the bounded part of the queue). */
  pendingMessages: i32 = 0
  blocked: bool = false
  /** While blocked: the answer ids it waits for; empty means anything. */
  waitIds: Array<f64> = NO_IDS
  /** Keys of the interfaces it handles. */
  handles: Array<string> = NO_STRINGS
  /** Digests of the interfaces it handles, by key. */
  digests: Map<string, Uint8Array> = NO_DIGESTS
  /**
   * Ids of the messages delivered to it that expect an answer from it, in order; answered ids are
   * dropped lazily (the kernel's `messages` says which are still unanswered: their handler is this
   * process). `receivedLive` counts those not answered yet.
   */
  receivedIds: Array<f64> = NO_IDS
  receivedLive: i32 = 0
  /** Pids of the handlers it has sent a message to (notified when it ends). */
  messaged: Map<f64, bool> = NO_PIDS
  messagedList: Array<f64> = NO_IDS
  /** Interfaces on which it has messages waiting for a handler. */
  waitingOn: Array<string> = NO_STRINGS
  sendGrants: Map<string, i32> = NO_GRANTS
  handleGrants: Map<string, i32> = NO_GRANTS
  sent: f64 = 0
  receivedCount: f64 = 0
  /** Bytes of the notifications in its queue (notificationCost). */
  queuedBytes: f64 = 0
  /** Messages it sent expecting an answer whose answer it has not taken yet. */
  outstanding: i32 = 0
  /** Its messages the kernel holds (grant undecided, or waiting for a handler): count and bytes. */
  heldCount: i32 = 0
  heldBytes: f64 = 0
  /** Reported to the host as over its queue bound (ACTION_OVERFLOW), once. */
  overflowed: bool = false

  constructor (pid: f64, parent: f64) {
    this.pid = pid
    this.parent = parent
  }

  /** Its grant decisions of one kind (GRANT_SEND or GRANT_HANDLE, codes.ts), to write to. */
  ownGrants (send: bool): Map<string, i32> {
    if (send) {
      if (this.sendGrants == NO_GRANTS) this.sendGrants = new Map<string, i32>()
      return this.sendGrants
    }
    if (this.handleGrants == NO_GRANTS) this.handleGrants = new Map<string, i32>()
    return this.handleGrants
  }

  /** Notes an interface it now handles. */
  addHandled (iface: string, digest: Uint8Array | null): void {
    if (this.handles == NO_STRINGS) this.handles = new Array<string>()
    this.handles.push(iface)
    if (digest == null) return
    if (this.digests == NO_DIGESTS) this.digests = new Map<string, Uint8Array>()
    this.digests.set(iface, digest)
  }

  /** Notes an interface on which it has a message waiting for a handler. */
  addWaitingOn (iface: string): void {
    if (this.waitingOn.indexOf(iface) >= 0) return
    if (this.waitingOn == NO_STRINGS) this.waitingOn = new Array<string>()
    this.waitingOn.push(iface)
  }

  /** Notes a message delivered to it that expects an answer (Kernel.noteReceived compacts the list). */
  noteReceived (id: f64): void {
    if (this.receivedIds == NO_IDS) this.receivedIds = new Array<f64>()
    this.receivedIds.push(id)
    this.receivedLive += 1
  }

  noteMessaged (pid: f64): void {
    if (this.messaged.has(pid)) return
    if (this.messaged == NO_PIDS) {
      this.messaged = new Map<f64, bool>()
      this.messagedList = new Array<f64>()
    }
    this.messaged.set(pid, true)
    this.messagedList.push(pid)
  }

  /** Drops the queued (not yet taken) messages for an interface it stopped handling; returns their bytes. */
  removeMessagesFor (iface: string): f64 {
    const keep = new Array<Notification>()
    let removed: f64 = 0
    for (let i = this.head; i < this.queue.length; i++) {
      const n = this.queue[i]
      if (n.kind == KIND_MESSAGE && n.iface == iface) {
        this.pendingMessages -= 1
        removed += n.cost
      } else {
        keep.push(n)
      }
    }
    this.queue = keep.length == 0 ? NO_NOTIFICATIONS : keep
    this.head = 0
    this.queuedBytes -= removed
    return removed
  }

  length (): i32 {
    return this.queue.length - this.head
  }

  push (n: Notification): void {
    n.cost = notificationCost(n)
    if (this.queue == NO_NOTIFICATIONS) this.queue = new Array<Notification>()
    this.queue.push(n)
    this.queuedBytes += n.cost
  }

  /** Index of the first notification `wait` may take with this filter, or -1. */
  find (ids: Array<f64>): i32 {
    const q = this.queue
    if (ids.length == 0) return this.head < q.length ? this.head : -1
    for (let i = this.head; i < q.length; i++) {
      const n = q[i]
      if (n.kind != KIND_ANSWER) continue
      for (let j = 0; j < ids.length; j++) {
        if (ids[j] == n.id) return i
      }
    }
    return -1
  }

  /** Removes and returns the notification at `index` (from `find`). */
  take (index: i32): Notification {
    const q = this.queue
    const n = q[index]
    this.queuedBytes -= n.cost
    if (n.kind == KIND_ANSWER && this.outstanding > 0) this.outstanding -= 1
    if (index == this.head) {
      this.head++
      if (this.head >= 64 && this.head * 2 >= q.length) {
        this.queue = q.slice(this.head)
        this.head = 0
      } else if (this.head == q.length) {
        // Emptied: the array (and its storage) is kept for the next notification rather than a
        // new one made for each (a call's answer, a handler's message). `pop` keeps the storage
        // where setting the length to 0 would drop it.
        while (q.length > 0) q.pop()
        this.head = 0
      }
    } else {
      q.splice(index, 1)
    }
    return n
  }

  /** Whether notification `n` satisfies the current wait filter. */
  wants (n: Notification): bool {
    const ids = this.waitIds
    if (ids.length == 0) return true
    if (n.kind != KIND_ANSWER) return false
    for (let j = 0; j < ids.length; j++) {
      if (ids[j] == n.id) return true
    }
    return false
  }
}
