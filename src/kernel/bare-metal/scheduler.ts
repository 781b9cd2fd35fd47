// The bare-metal host adapter's scheduler: guests are interpreter threads run round-robin, each
// for a slice bounded by fuel (instructions) and by timer ticks, so a guest that never waits is
// preempted and the others go on. `send`, `answer` and `wait` are host calls of the interpreter:
// every one stops the guest's thread and is carried out here, against the kernel core, exactly as
// the Node host does with JSPI; a blocking `wait` simply leaves the thread suspended until the
// core says ACTION_WAKE. Traps, memory exhaustion and CPU limits end the guest, not the kernel.
import {
  Action, ACTION_ANSWER, ACTION_ASK_GRANT, ACTION_DELIVER, ACTION_DENIED, ACTION_ENDED,
  ACTION_REGISTERED, ACTION_WAKE, BAD_POINTER, GRANT_HANDLE, GRANT_SEND, KERNEL_PID, KILLED_STATUS, OK,
  SEND_ANSWER, TOO_LARGE, TRAP_STATUS, UNKNOWN_MESSAGE, WAIT_BLOCK, encodeNotification
} from '../core/index.ts'
import {
  Decoder, FuncType, Store, Thread, Extern, K_FUNC, T_I32, T_I64,
  ST_DONE, ST_FUEL, ST_HOST
} from '../interp/index'
import { klog } from './console'
import { ProgramConfig } from './config'
import { G_BLOCKED, G_ENDED, G_READY, Guest, guestLabel, guests, ifaceName, kernel } from './context'
import { KEY_LOG, KEY_PROCESS, KEY_REGISTRY, KEY_STDIO } from './gen/interfaces'
import { natives } from './natives/native'
import { ticks, tick_hz } from './stub'
import { WASI_BASE, WASI_BLOCKED, WASI_EXITED, WASI_MODULE, wasiCall, wasiImport, wasiPending, wasiResume } from './wasi'

const HOST_SEND: i32 = 0
const HOST_ANSWER: i32 = 1
const HOST_WAIT: i32 = 2

/** Instructions run between two looks at the clock. */
const FUEL: i64 = 20000
/** A slice lasts at most this many timer ticks (ms at the stub's 1000 Hz). */
const SLICE_TICKS: u64 = 10

/** A FIFO of guests that can run. */
class Queue {
  items: Array<Guest> = new Array<Guest>()
  head: i32 = 0
  get empty (): bool { return this.head >= this.items.length }
  push (g: Guest): void { this.items.push(g) }
  peek (): Guest { return this.items[this.head] }
  shift (): Guest {
    const g = this.items[this.head++]
    if (this.head == this.items.length) {
      this.items.length = 0
      this.head = 0
    } else if (this.head >= 256 && this.head * 2 >= this.items.length) {
      this.items.splice(0, this.head)
      this.head = 0
    }
    return g
  }
}

// Two run queues: guests that were just woken (or started) run before guests that used up their
// slice, so that programs exchanging messages are not slowed down by one that computes; but a
// preempted guest never waits more than STARVE_TICKS for its next slice.
const woken = new Queue()
const preempted = new Queue()
const STARVE_TICKS: u64 = 20
const one = new StaticArray<u64>(1)
/** The pid `spawn` gave last. */
export let lastPid: f64 = 0

// Only a preempted guest's readySince is ever read (the starvation check), so a woken one is
// queued without a look at the clock.
function makeReady (g: Guest): void {
  woken.push(g)
}

function requeue (g: Guest): void {
  g.readySince = ticks()
  preempted.push(g)
}

function sig (t: FuncType): string {
  let s = ''
  for (let i = 0; i < t.params.length; i++) s += t.params[i] == T_I64 ? 'I' : (t.params[i] == T_I32 ? 'i' : '?')
  s += '>'
  for (let i = 0; i < t.results.length; i++) s += t.results[i] == T_I64 ? 'I' : (t.results[i] == T_I32 ? 'i' : '?')
  return s
}

/**
 * Loads a program and makes it a ready process. Returns '' or why it could not start (the module
 * does not decode, imports what bare metal does not provide, or traps while initialising).
 */
export function spawn (config: ProgramConfig, bytes: Uint8Array, parent: f64 = KERNEL_PID): string {
  const d = new Decoder(bytes)
  const m = d.decode()
  if (m === null) return 'not a valid WebAssembly module: ' + (d.err !== null ? d.err! : '?')
  const mod = m!
  const store = new Store(config.maxPages)
  const imports = new Array<Extern>()
  for (let i = 0; i < mod.imports.length; i++) {
    const imp = mod.imports[i]
    const what = imp.module + '.' + imp.name
    if (imp.kind == K_FUNC && imp.module == WASI_MODULE) {
      const t = mod.types[imp.typeIdx]
      const wid = wasiImport(imp.name, sig(t))
      if (wid == -1) return 'imports ' + what + ', which bare metal does not provide (WASI: args, environment, clocks, random, standard I/O)'
      if (wid == -2) return 'imports ' + what + ' with the wrong signature'
      imports.push(new Extern(K_FUNC, store.hostFunc(t, wid)))
      continue
    }
    if (imp.kind != K_FUNC || imp.module != 'wasmos') return 'imports ' + what + ', which bare metal does not provide'
    const t = mod.types[imp.typeIdx]
    let id = -1
    let want = ''
    if (imp.name == 'send') {
      id = HOST_SEND
      want = 'iiiii>i'
    } else if (imp.name == 'answer') {
      id = HOST_ANSWER
      want = 'Iiii>i'
    } else if (imp.name == 'wait') {
      id = HOST_WAIT
      want = 'iiiii>i'
    }
    if (id < 0) return 'imports ' + what + ', which is not part of the wasmos ABI'
    if (sig(t) != want) return 'imports ' + what + ' with the wrong signature'
    imports.push(new Extern(K_FUNC, store.hostFunc(t, id)))
  }
  const inst = store.instantiate(mod, imports)
  if (inst === null) return 'cannot be instantiated: ' + store.err
  if (inst!.mem === null) return 'has no memory'
  const trap = store.initialize(inst!)
  if (trap.length > 0) return 'trapped while initialising: ' + trap
  // A start section would run, and call the host, before the process exists; the SDKs export
  // `_start` instead (asc --exportStart _start, WASI), which is what the kernel calls.
  if (mod.start >= 0) return 'has a start section; build it with --exportStart _start'
  const entry = store.exportOf(inst!, '_start')
  if (entry === null || entry!.kind != K_FUNC) return 'exports no _start function'
  const thread = new Thread(store, 32768, 1000)
  thread.reset()
  thread.call(entry!.addr)
  const g = new Guest(config, store, inst!, thread)
  g.pid = kernel.spawn(parent)
  lastPid = g.pid
  natives.spawned(g.pid, parent)
  guests.set(g.pid, g)
  // No prompt on bare metal: the boot configuration's grants, and what every process may use.
  kernel.decide(g.pid, KEY_LOG, GRANT_SEND, true)
  kernel.decide(g.pid, KEY_STDIO, GRANT_SEND, true)
  kernel.decide(g.pid, KEY_PROCESS, GRANT_SEND, true)
  kernel.decide(g.pid, KEY_REGISTRY, GRANT_SEND, true)
  for (let i = 0; i < config.send.length; i++) kernel.decide(g.pid, config.send[i], GRANT_SEND, true)
  for (let i = 0; i < config.handle.length; i++) kernel.decide(g.pid, config.handle[i], GRANT_HANDLE, true)
  makeReady(g)
  return ''
}

/** Ends a guest; `why` (if any) is logged on the console. */
export function endGuest (g: Guest, status: i32, why: string): void {
  if (g.state == G_ENDED) return
  if (why.length > 0) klog(guestLabel(g.pid) + ' ' + why)
  instructions += g.thread.fuelUsed - g.fuelCounted
  g.fuelCounted = g.thread.fuelUsed
  g.state = G_ENDED
  guests.delete(g.pid)
  kernel.exit(g.pid, status)
  drain()
}

let draining = false

/** Carries out what the kernel core asked for. Re-entrant calls return: the loop picks their actions up. */
export function drain (): void {
  if (draining) return
  draining = true
  for (;;) {
    const actions = kernel.takeActions()
    if (actions.length == 0) break
    for (let i = 0; i < actions.length; i++) act(actions[i])
  }
  draining = false
}

function act (a: Action): void {
  if (a.kind == ACTION_WAKE) {
    if (!guests.has(a.pid)) return
    const g = guests.get(a.pid)
    if (g.state == G_BLOCKED) { g.state = G_READY; makeReady(g) }
  } else if (a.kind == ACTION_DELIVER) {
    natives.deliver(a)
  } else if (a.kind == ACTION_ASK_GRANT) {
    // Not in the boot configuration: denied (the core then reports it once, ACTION_DENIED).
    kernel.decide(a.pid, a.iface, a.grant, false)
  } else if (a.kind == ACTION_DENIED) {
    klog(guestLabel(a.pid) + ' may not ' + (a.grant == GRANT_SEND ? 'send to ' : 'handle ') + ifaceName(a.iface) +
      ': not granted by the boot configuration')
  } else if (a.kind == ACTION_REGISTERED) {
    natives.registered(a.id, a.status)
  } else if (a.kind == ACTION_ENDED) {
    natives.ended(a.pid, a.status)
  } else if (a.kind == ACTION_ANSWER) {
    // The kernel sends nothing that expects an answer yet.
  }
}

// ---- host calls

function sysSend (g: Guest): i32 {
  const th = g.thread
  const ifacePtr = <u32>th.hostArg(0)
  const bufPtr = <u32>th.hostArg(1)
  const bufLen = <u32>th.hostArg(2)
  const flags = <i32>th.hostArg(3)
  const idOut = <u32>th.hostArg(4)
  const inst = g.inst
  const dp = inst.memoryPtr(ifacePtr, 32)
  const bp = inst.memoryPtr(bufPtr, bufLen)
  if (dp == 0 || bp == 0) return BAD_POINTER
  const expects = (flags & SEND_ANSWER) != 0
  if (expects && inst.memoryPtr(idOut, 8) == 0) return BAD_POINTER
  // Refused before copying: a guest could otherwise make the kernel copy its whole memory.
  if (bufLen > <u32>kernel.config.maxMessageSize) return TOO_LARGE
  const key = g.keyAt(dp)
  const digest = g.lastDigest
  const payload = new Uint8Array(<i32>bufLen)
  memory.copy(payload.dataStart, bp, bufLen)
  const code = kernel.send(g.pid, key, digest, payload, flags)
  if (code == OK && expects) store<u64>(inst.memoryPtr(idOut, 8), <u64>kernel.lastId)
  drain()
  return code
}

function sysAnswer (g: Guest): i32 {
  const th = g.thread
  const id = <i64>th.hostArg(0)
  const status = <i32>th.hostArg(1)
  const bufPtr = <u32>th.hostArg(2)
  const bufLen = <u32>th.hostArg(3)
  const bp = g.inst.memoryPtr(bufPtr, bufLen)
  if (bp == 0) return BAD_POINTER
  if (id <= 0 || id > 9007199254740991) return UNKNOWN_MESSAGE
  if (bufLen > <u32>kernel.config.maxMessageSize) return TOO_LARGE
  const payload = new Uint8Array(<i32>bufLen)
  memory.copy(payload.dataStart, bp, bufLen)
  const code = kernel.answer(g.pid, <f64>id, status, payload)
  drain()
  return code
}

const MUST_BLOCK: i32 = -1000
/** The empty wait filter (never modified: the core copies filters it keeps). */
const NO_IDS = new Array<f64>()

/** `wait`: the size taken, 0, -BAD_POINTER, or MUST_BLOCK (the filter and buffer are kept in `g`). */
function sysWait (g: Guest): i32 {
  const th = g.thread
  const idsPtr = <u32>th.hostArg(0)
  const count = <u32>th.hostArg(1)
  const outPtr = <u32>th.hostArg(2)
  const cap = <u32>th.hostArg(3)
  const flags = <i32>th.hostArg(4)
  const inst = g.inst
  if (count > (1 << 20) || inst.memoryPtr(idsPtr, count * 8) == 0 || inst.memoryPtr(outPtr, cap) == 0 || cap > 0x7fffffff) {
    return -BAD_POINTER
  }
  // A guest's own filter array, reused from wait to wait: the core copies filters it keeps, and
  // the guest keeps it (waitIds) only until its next wait.
  const ids = count == 0 ? NO_IDS : g.idsBuf
  if (count > 0) {
    ids.length = 0
    const p = inst.memoryPtr(idsPtr, count * 8)
    for (let i: u32 = 0; i < count; i++) {
      const v = load<u64>(p + <usize>i * 8)
      ids.push(v > 9007199254740991 ? -1 : <f64>v)
    }
  }
  const size = poll(g, ids, outPtr, cap)
  if (size != 0) return size
  if ((flags & WAIT_BLOCK) == 0) return 0
  g.waitIds = ids
  g.waitOut = outPtr
  g.waitCap = cap
  return MUST_BLOCK
}

function poll (g: Guest, ids: Array<f64>, outPtr: u32, cap: u32): i32 {
  const size = kernel.poll(g.pid, ids, <i32>cap)
  if (size > 0 && size <= <i32>cap) {
    g.views()
    encodeNotification(kernel.taken!, g.view, g.u8, <i32>outPtr)
  }
  return size
}

function block (g: Guest): void {
  g.inWait = true
  g.state = G_BLOCKED
  g.cpuSinceBlock = 0
  kernel.block(g.pid, g.waitIds)
}

function resume (g: Guest, v: i32): void {
  one[0] = <u64><u32>v
  g.thread.resume(one)
}

/** Runs one slice of `g`. */
function runSlice (g: Guest): void {
  const th = g.thread
  if (g.inWait && wasiPending(g)) {
    // A WASI fd_read: its stdio.read answered, or not yet.
    const r = wasiResume(g)
    if (r < 0) { block(g); return }
    g.inWait = false
    resume(g, r)
  } else if (g.inWait) {
    // Woken: take what it waited for (if it is gone already, block again).
    const size = poll(g, g.waitIds, g.waitOut, g.waitCap)
    if (size == 0) { block(g); return }
    g.inWait = false
    resume(g, size)
  }
  const start = ticks()
  const hz = <u64>tick_hz()
  // The clock is read once per FUEL instructions, also for a guest that makes host calls all
  // the time (each call returns to this loop with fresh fuel): one look per call would cost more
  // than the calls of a guest that exchanges messages.
  let checked = th.fuelUsed
  for (;;) {
    const st = th.run(FUEL)
    if (g.state == G_ENDED) return
    if (st == ST_HOST) {
      const id = th.hostFunc!.hostId
      let r: i32 = 0
      if (id >= WASI_BASE) {
        r = wasiCall(g, id)
        if (r == WASI_EXITED || g.state == G_ENDED) return
        if (r == WASI_BLOCKED) {
          account(g, start)
          block(g)
          return
        }
      } else if (id == HOST_SEND) r = sysSend(g)
      else if (id == HOST_ANSWER) r = sysAnswer(g)
      else {
        r = sysWait(g)
        if (r == MUST_BLOCK) {
          if (g.state == G_ENDED) return
          account(g, start)
          block(g)
          return
        }
      }
      if (g.state == G_ENDED) return // it asked to exit
      resume(g, r)
    } else if (st == ST_FUEL) {
      // fall through to the clock check
    } else if (st == ST_DONE) {
      account(g, start)
      endGuest(g, 0, '')
      return
    } else {
      account(g, start)
      endGuest(g, TRAP_STATUS, 'trapped: ' + th.trapReason + ': ended')
      return
    }
    if (th.fuelUsed - checked < FUEL) continue
    checked = th.fuelUsed
    const now = ticks()
    if (now - start >= SLICE_TICKS) {
      account(g, start)
      const limit = <u64>g.config.cpuMs * hz / 1000
      if (limit > 0 && g.cpuSinceBlock > limit) {
        endGuest(g, KILLED_STATUS, 'ran ' + (g.cpuSinceBlock * 1000 / hz).toString() +
          ' ms without waiting (limit ' + g.config.cpuMs.toString() + ' ms): ended')
        return
      }
      requeue(g)
      return
    }
  }
}

/** Guest instructions run so far, over all guests (the interpreter's fuel). */
export let instructions: i64 = 0

function account (g: Guest, start: u64): void {
  const used = ticks() - start
  g.cpuSinceBlock += used
  g.cpuTotal += used
  instructions += g.thread.fuelUsed - g.fuelCounted
  g.fuelCounted = g.thread.fuelUsed
}

/** Runs the next ready guest; false when none is ready. */
export function runNext (): bool {
  for (;;) {
    let q: Queue
    if (preempted.empty && woken.empty) return false
    if (woken.empty) q = preempted
    else if (preempted.empty) q = woken
    else q = ticks() - preempted.peek().readySince >= STARVE_TICKS ? preempted : woken
    const g = q.shift()
    if (g.state != G_READY || !guests.has(g.pid)) continue
    runSlice(g)
    return true
  }
  return false
}

/**
 * Runs the guest `pid` (and whatever is ready before it) until it first blocks, ends, or has used
 * `ms` of CPU: a handler started at boot registers its interfaces before the next program runs.
 */
export function runUntilBlocked (pid: f64, ms: u64): void {
  const limit = ms * <u64>tick_hz() / 1000
  for (;;) {
    if (!guests.has(pid)) return
    const g = guests.get(pid)
    if (g.state != G_READY || g.cpuTotal > limit) return
    if (!runNext()) return
  }
}
