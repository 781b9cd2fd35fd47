// The Node host: drives the kernel core, runs programs as JSPI coroutines on this thread, and
// routes messages for natively handled interfaces to their handlers. `wait` with BLOCK is a
// `WebAssembly.Suspending` import: a blocked program is a pending promise and costs nothing.
import { setImmediate as nextTurn } from 'node:timers/promises'
import {
  ACTION_ANSWER, ACTION_ASK_GRANT, ACTION_DELIVER, ACTION_DENIED, ACTION_ENDED, ACTION_OVERFLOW, ACTION_REGISTERED,
  ACTION_WAKE, ALREADY_HANDLED, BAD_POINTER, GRANT_ALLOWED, KILLED_STATUS, PENDING, TRAP_STATUS, GRANT_HANDLE, GRANT_SEND, GRANT_UNKNOWN, KERNEL_PID, Kernel,
  KernelConfig, NO_HANDLER, OK, SEND_ANSWER, TOO_LARGE, UNKNOWN_MESSAGE, WAIT_BLOCK, encodeNotification
} from '../core/index.ts'
import type { Action } from '../core/index.ts'
import { MUST_BLOCK, MUST_YIELD, sharedSyscalls, syscallImports } from './adapter.ts'
import type { SharedAdapter } from './adapter.ts'
import { START_EXPORT } from './bounds.ts'
import { deadlocked, ProcessKilled, timedOut, trapped, WasmosError } from './errors.ts'
import { sanitize } from './text.ts'
import type { HostServices, NativeHandler } from './native.ts'
import type { GrantPolicy, GrantRequest } from './grants/request.ts'
import type { Scope } from './grants/scope.ts'
import type { Program } from './program.ts'
import { NO_IDS, Proc } from './proc.ts'
import type { KeyEntry } from './proc.ts'
import { noteAlive, noteEnded } from './memories.ts'
import { refuelImports } from './imports/refuel.ts'
import { REFUEL_MODULE, REFUEL_NAME } from './limits/rewrite/index.ts'
import type { Logger } from './logger.ts'
import type { HostObserver } from './observe/observer.ts'
import { fanOut } from './observe/observer.ts'

export interface HostOptions {
  logger: Logger
  grants: GrantPolicy
  queueLimit?: number
  maxMessageSize?: number
  /** Bytes of notifications one process may have waiting (KernelConfig.maxQueueBytes). */
  maxQueueBytes?: number
  /** Bytes of one process's messages the kernel may hold (KernelConfig.maxHeldBytes). */
  maxHeldBytes?: number
  /** Calls one process may have in flight (KernelConfig.maxOutstanding). */
  maxOutstanding?: number
  /** Bytes queued and held for all processes (KernelConfig.maxTotalBytes). */
  maxTotalBytes?: number
  /** Processes alive at once (DEFAULT_MAX_PROCESSES). */
  maxProcesses?: number
  /** Wraps programs that import WASI (set by the WASI adapter). */
  wasi?: WasiAdapter
  /**
   * More imports for a process beside `wasmos`. With these, each process gets a syscall adapter
   * of its own (the shared one cannot tell who runs after an import of someone else resumes it),
   * which costs every spawn an instance more: the refuel import comes from `monitor` instead.
   */
  imports?: (proc: Proc) => WebAssembly.Imports
  /** Told when processes start, block, resume and end (CPU accounting, limits, stats). */
  monitor?: HostMonitor
}

/** Observes the life of processes; every call is synchronous and must not throw. */
export interface HostMonitor {
  spawned (proc: Proc): void
  /** The process suspended in `wait`. */
  blocked (proc: Proc): void
  /** The process runs again (its `_start` begins, or a `wait` returns). */
  resumed (proc: Proc): void
  /** The process is running: called as it enters a syscall (so time is charged to whoever runs). */
  running (proc: Proc): void
  /** The process ended; `sent` and `received` count its messages. */
  ended (proc: Proc, counts: { sent: number, received: number }): void
  /**
   * The refuel import of fuel-rewritten programs (limits/monitor.ts): the next budget to go on at
   * once, or 0 to suspend in `refuelWait`. Either may throw to end the process.
   */
  refuel? (proc: Proc): number
  /** Called (the process suspended) after `refuel` returned 0: resolves with the next budget. */
  refuelWait? (proc: Proc): Promise<number>
}

export interface WasiAdapter {
  instantiate (proc: Proc, imports: WebAssembly.Imports): Promise<WebAssembly.Instance>
}

interface Pending {
  resolve: (r: { status: number, payload: Uint8Array }) => void
}

/** Processes alive at once, unless the run says otherwise (`--max-processes`). */
export const DEFAULT_MAX_PROCESSES = 256
/** Ids one `wait` may filter on: past this it returns -TOO_LARGE (each id is read and scanned). */
export const MAX_WAIT_IDS = 4096
/**
 * Host work (in bytes copied, ids scanned) a process may cause between two turns of the event
 * loop: past it, its syscall returns after a turn, so a loop of expensive syscalls cannot stall
 * other programs, timers or limits however few wasm instructions it runs.
 */
export const WORK_SLICE = 4 * 1024 * 1024
/** Work a syscall costs besides its bytes. */
const SYSCALL_WORK = 64

/**
 * What unwinds the stack of a process that ended while suspended (`#end`): its run ignores it, and
 * a program that catches it learns nothing from it, so one shared error serves every process.
 */
const ENDED = new ProcessKilled(KILLED_STATUS, 'the process ended')

/** What most spawns hand: a default parameter would make an array at every call. */
const NO_HANDLES: readonly string[] = []

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/**
 * V8 keeps the bytes of a typed array of at most this many bytes inside the object itself (no
 * ArrayBuffer of its own, nothing allocated outside the heap): most messages and answers are that small.
 */
const SMALL_COPY = 64

/** A copy of `len` bytes of a program's memory at `ptr` (checked in bounds), for the kernel to keep. */
function copyOut (u8: Uint8Array, ptr: number, len: number): Uint8Array {
  if (len > SMALL_COPY) return u8.slice(ptr, ptr + len)
  const out = new Uint8Array(len)
  for (let i = 0; i < len; i++) out[i] = u8[ptr + i]
  return out
}

function hexOf (bytes: Uint8Array): string {
  let s = ''
  for (let i = 0; i < bytes.length; i++) s += HEX[bytes[i]]
  return s
}

export class NodeHost implements HostServices {
  readonly kernel: Kernel
  readonly logger: Logger
  readonly procs = new Map<number, Proc>()
  readonly natives = new Map<string, NativeHandler>()
  readonly #grants: GrantPolicy
  readonly #wasi: WasiAdapter | undefined
  readonly #extraImports: ((proc: Proc) => WebAssembly.Imports) | undefined
  readonly #monitor: HostMonitor | undefined
  /** Traces, the audit log, the control socket (observe/): undefined unless one is attached. */
  #observer: HostObserver | undefined
  readonly #observers: HostObserver[] = []
  readonly #pending = new Map<number, Pending>()
  readonly #registrations = new Map<number, (status: number) => void>()
  #adapter: { adapter: SharedAdapter<Proc>, imports: WebAssembly.Imports } | null = null
  #draining = false
  #closed = false
  #wakes = 0
  // Milliseconds from process.hrtime: the global performance loads node:perf_hooks at a start.
  #lastTurn = Number(process.hrtime.bigint()) / 1e6
  readonly #maxProcesses: number
  /** Called once per uncaught problem inside a native handler. */
  onInternalError: ((iface: string, err: unknown) => void) | null = null

  constructor (opts: HostOptions) {
    const config = new KernelConfig()
    if (opts.queueLimit !== undefined) config.queueLimit = opts.queueLimit
    if (opts.maxMessageSize !== undefined) config.maxMessageSize = opts.maxMessageSize
    if (opts.maxQueueBytes !== undefined) config.maxQueueBytes = opts.maxQueueBytes
    if (opts.maxHeldBytes !== undefined) config.maxHeldBytes = opts.maxHeldBytes
    if (opts.maxOutstanding !== undefined) config.maxOutstanding = opts.maxOutstanding
    if (opts.maxTotalBytes !== undefined) config.maxTotalBytes = opts.maxTotalBytes
    this.#maxProcesses = opts.maxProcesses ?? DEFAULT_MAX_PROCESSES
    this.kernel = new Kernel(config)
    this.logger = opts.logger
    this.#grants = opts.grants
    this.#wasi = opts.wasi
    this.#extraImports = opts.imports
    this.#monitor = opts.monitor
  }

  /** A running process, or undefined once it ended. */
  process (pid: number): Proc | undefined {
    return this.procs.get(pid)
  }

  /** Attaches an observer (observe/observer.ts); it hears of processes spawned before it only as they act. */
  observe (observer: HostObserver): void {
    this.#observers.push(observer)
    this.#observer = fanOut(this.#observers)
  }

  /** Detaches an observer: with none left, the host is back to one null check per event. */
  unobserve (observer: HostObserver): void {
    const i = this.#observers.indexOf(observer)
    if (i < 0) return
    this.#observers.splice(i, 1)
    this.#observer = this.#observers.length === 0 ? undefined : fanOut(this.#observers)
  }

  /** The attached observer, if any (e.g. for a console revoking a grant to report it). */
  get observer (): HostObserver | undefined {
    return this.#observer
  }

  /** Makes a native handler the handler of its interface. */
  addNative (handler: NativeHandler): void {
    this.natives.set(handler.key, handler)
    this.kernel.registerNative(handler.key)
    this.drain()
  }

  /**
   * Starts a program as a new process. `handles`: interfaces the user chose it to handle (it
   * still registers them itself). Returns once it is instantiated and its `_start` is running.
   */
  async spawn (program: Program, args: string[], parent = 0, handles: readonly string[] = NO_HANDLES, main = false): Promise<Proc> {
    if (this.procs.size >= this.#maxProcesses) {
      throw new WasmosError('ERR_TOO_MANY_PROCESSES', `${sanitize(program.name)} cannot start: ${this.#maxProcesses} processes are running (--max-processes)`)
    }
    noteAlive(this.procs.size)
    const pid = this.kernel.spawn(parent)
    const proc = new Proc(pid, parent, program, [program.name, ...args])
    proc.main = main
    this.procs.set(pid, proc)
    this.#monitor?.spawned(proc)
    this.#observer?.spawned(proc)
    // The interfaces the user chose it to handle are its own for the whole run.
    for (const key of handles) {
      this.kernel.decide(pid, key, GRANT_HANDLE, true)
      this.#observer?.granted(pid, key, 'handle', true, 'handler')
      this.kernel.reserve(key, pid)
    }
    // A program whose imports are all the host's shares them with every other such process; its
    // code runs only inside `enter`, which tells the shared adapter who is running.
    const own = program.wasi || this.#extraImports !== undefined
    const enter = own ? runNow : this.#shared().adapter.enter
    let instance: WebAssembly.Instance
    try {
      if (own) {
        const imports = this.#ownImports(proc)
        instance = program.wasi && this.#wasi !== undefined
          ? await this.#wasi.instantiate(proc, imports)
          : await WebAssembly.instantiate(program.module, imports)
      } else {
        const imports = this.#shared().imports
        instance = enter(proc, () => new WebAssembly.Instance(program.module, imports))
      }
    } catch (err) {
      if (!proc.ended) this.#end(proc, TRAP_STATUS, trapped(sanitize(program.name), sanitize(messageOf(err), 300)))
      return proc
    }
    if (proc.ended) return proc
    const memory = instance.exports.memory
    if (memory instanceof WebAssembly.Memory) {
      proc.memory = memory
      proc.views()
    }
    proc.started = true
    this.#monitor?.resumed(proc)
    this.#run(proc, instance, enter)
    return proc
  }

  /**
   * Runs a process's start function and `_start` (until they first suspend, then as they resume),
   * and ends it. Not an async function: most programs have no start function, and for them a
   * spawn then keeps two closures on `_start`'s promise instead of an async function's state.
   */
  #run (proc: Proc, instance: WebAssembly.Instance, enter: Enter): void {
    // The start function (moved to an export before compiling, see bounds.ts) runs under
    // `promising`, so that it can be preempted like any other code.
    const init = instance.exports[START_EXPORT]
    let done: Promise<void>
    try {
      done = typeof init === 'function'
        ? enter(proc, WebAssembly.promising(init as () => void)).then(() => this.#start(proc, instance, enter))
        : enter(proc, WebAssembly.promising(instance.exports._start as () => void))
    } catch (err) {
      this.#ran(proc, err, true)
      return
    }
    done.then(() => this.#ran(proc, null, false), (err: unknown) => this.#ran(proc, err, true))
  }

  /** `_start` once the start function returned, unless the process ended meanwhile. */
  #start (proc: Proc, instance: WebAssembly.Instance, enter: Enter): Promise<void> | undefined {
    if (proc.ended) return
    return enter(proc, WebAssembly.promising(instance.exports._start as () => void))
  }

  /** `_start` returned (`failed` false) or threw `err`: ends the process unless it already ended. */
  #ran (proc: Proc, err: unknown, failed: boolean): void {
    if (!proc.ended) {
      if (!failed) this.#end(proc, 0, null)
      else {
        const exit = exitOf(err)
        if (exit !== null) this.#end(proc, exit, null)
        else if (err instanceof ProcessKilled) this.#end(proc, err.status, err)
        else this.#end(proc, TRAP_STATUS, trapped(sanitize(proc.program.name), sanitize(messageOf(err), 300)))
      }
    }
    // None of its code is on a stack any more: the shared adapter must not keep it as the running one.
    this.#adapter?.adapter.release(proc)
  }

  /** Ends a process (exit, kill, limit). */
  exit (pid: number, status: number, error: WasmosError | null = null): void {
    const proc = this.procs.get(pid)
    if (proc !== undefined && !proc.ended) this.#end(proc, status, error)
  }

  /** Answers a message delivered to a native handler. */
  answer (id: number, status: number, payload: Uint8Array): void {
    const code = this.kernel.answer(KERNEL_PID, id, status, payload)
    this.#observer?.answered(KERNEL_PID, id, status, code)
    this.drain()
  }

  /** The kernel itself sends to an interface and waits for the answer (e.g. a program loader). */
  call (key: string, digest: Uint8Array, payload: Uint8Array, signal?: AbortSignal): Promise<{ status: number, payload: Uint8Array }> {
    const code = this.kernel.send(KERNEL_PID, key, digest, payload, SEND_ANSWER)
    if (code !== OK) return Promise.resolve({ status: code, payload: new Uint8Array(0) })
    const id = this.kernel.lastId
    const result = new Promise<{ status: number, payload: Uint8Array }>((resolve, reject) => {
      this.#pending.set(id, { resolve })
      signal?.addEventListener('abort', () => { this.#pending.delete(id); reject(signal.reason) }, { once: true })
    })
    this.drain()
    return result
  }

  /** A registration request from the registry interface: resolves with its status. */
  register (pid: number, key: string, digest: Uint8Array, token: number): Promise<number> | number {
    // An interface the user gave to one program (`--handler`) is nobody else's to take or ask for.
    const owner = this.kernel.reserved.get(key)
    if (owner !== undefined && owner !== pid) return ALREADY_HANDLED
    this.settleHandle(pid, key)
    const code = this.kernel.register(pid, key, digest, token)
    if (code !== PENDING) { this.drain(); return code }
    const p = new Promise<number>((resolve) => this.#registrations.set(token, resolve))
    this.drain()
    return p
  }

  unregister (pid: number, key: string): number {
    const code = this.kernel.unregister(pid, key)
    this.drain()
    return code
  }

  /**
   * Whether `pid` may do `scope` on the interface `key`, asked by its native handler before acting;
   * the programs that started it must hold the scope too. The kernel and its handlers may.
   */
  allowed (pid: number, key: string, scope: Scope, opts?: { ask?: boolean }): boolean | Promise<boolean> {
    if (pid === KERNEL_PID || this.#grants.allowedScope === undefined) return true
    const proc = this.procs.get(pid)
    if (proc === undefined) return false
    const ancestors: Program[] = []
    for (let p = proc.parent; p !== 0; p = this.procs.get(p)?.parent ?? 0) {
      const parent = this.procs.get(p)
      // A parent that ended holds nothing any more: its children get no scope it cannot vouch for.
      if (parent === undefined) return false
      ancestors.push(parent.program)
    }
    return this.#grants.allowedScope({ pid, program: proc.program, key, scope, ancestors, ask: opts?.ask ?? true })
  }

  internalError (iface: string, err: unknown): void {
    if (this.onInternalError !== null) this.onInternalError(iface, err)
    else this.logger.error(`native ${iface} handler failed: ${messageOf(err)}`)
  }

  /** Carries out what the kernel asked for. Re-entrant calls return at once: the loop picks up their actions. */
  drain (): void {
    if (this.#draining) return
    this.#draining = true
    try {
      for (;;) {
        const actions = this.kernel.takeActions()
        if (actions.length === 0) break
        for (let i = 0; i < actions.length; i++) this.#act(actions[i])
      }
    } finally {
      this.#draining = false
    }
  }

  /** Ends every process and closes the native handlers. */
  async close (): Promise<void> {
    if (this.#closed) return
    this.#closed = true
    for (const proc of [...this.procs.values()]) this.exit(proc.pid, KILLED_STATUS)
    for (const h of new Set(this.natives.values())) await h.close?.()
  }

  /**
   * Runs until `main` ends and resolves with its exit status; rejects with its trap, a timeout,
   * or a deadlock (every program waits and nothing else can happen).
   */
  async runUntilExit (main: Proc, timeoutSeconds?: number): Promise<number> {
    let timer: NodeJS.Timeout | undefined
    let onBeforeExit: (() => void) | undefined
    const stopped = new Promise<never>((_resolve, reject) => {
      if (timeoutSeconds !== undefined && timeoutSeconds > 0) {
        timer = setTimeout(() => reject(timedOut(timeoutSeconds)), timeoutSeconds * 1000)
        timer.unref()
      }
      onBeforeExit = () => reject(deadlocked(sanitize(main.program.name)))
      process.once('beforeExit', onBeforeExit)
    })
    try {
      const status = await Promise.race([main.exited, stopped])
      if (main.error !== null) throw main.error
      return status
    } finally {
      if (timer !== undefined) clearTimeout(timer)
      if (onBeforeExit !== undefined) process.removeListener('beforeExit', onBeforeExit)
    }
  }

  // ---- internals

  #end (proc: Proc, status: number, error: WasmosError | null): void {
    if (this.#monitor !== undefined && this.kernel.exists(proc.pid)) {
      const k = this.kernel.process(proc.pid)
      this.#monitor.ended(proc, { sent: k.sent, received: k.receivedCount })
    }
    proc.ended = true
    proc.status = status
    proc.error = error
    proc.wake = null
    // A stack suspended in `wait` that is never resumed is never freed by V8, nor the instance and
    // memory on it (a memory reserves 8 GiB of address space): resume it with an exception instead.
    const unwind = proc.waitReject
    proc.waitResolve = null
    proc.waitReject = null
    if (unwind !== null) { proc.unwound = true; unwind(ENDED) }
    this.#observer?.ended(proc, status, error)
    // The main program's error is the run's outcome, reported by the CLI; others' are logged.
    if (error !== null && !proc.main) this.logger.error(error.message)
    this.kernel.exit(proc.pid, status)
    this.procs.delete(proc.pid)
    noteEnded(proc.memory?.buffer.byteLength ?? 0)
    proc.forget()
    this.drain()
    proc.resolveExit(status)
  }

  #act (a: Action): void {
    switch (a.kind) {
      case ACTION_WAKE: {
        const proc = this.procs.get(a.pid)
        const wake = proc?.wake
        if (proc === undefined || wake == null) return
        proc.wake = null
        // Programs that only message each other resume through microtasks alone, which would
        // starve timers and I/O: every so often, resume through the event loop instead.
        if ((++this.#wakes & 255) === 0) {
          const now = Number(process.hrtime.bigint()) / 1e6
          if (now - this.#lastTurn > 4) {
            this.#lastTurn = now
            setImmediate(wake, proc)
            return
          }
        }
        wake(proc)
        return
      }
      case ACTION_DELIVER: {
        const h = this.natives.get(a.iface)
        if (h === undefined) {
          if ((a.flags & SEND_ANSWER) !== 0) this.kernel.answer(KERNEL_PID, a.id, NO_HANDLER, null)
          return
        }
        this.#observer?.delivered(a.id, a.pid, a.iface, a.payload ?? new Uint8Array(0), (a.flags & SEND_ANSWER) !== 0)
        h.handle({ id: a.id, emitter: a.pid, expectsAnswer: (a.flags & SEND_ANSWER) !== 0, payload: a.payload ?? new Uint8Array(0) })
        return
      }
      case ACTION_ANSWER: {
        const p = this.#pending.get(a.id)
        if (p !== undefined) {
          this.#pending.delete(a.id)
          p.resolve({ status: a.status, payload: a.payload ?? new Uint8Array(0) })
        }
        return
      }
      case ACTION_ASK_GRANT: this.#ask(a); return
      case ACTION_REGISTERED: {
        const r = this.#registrations.get(a.id)
        if (r !== undefined) { this.#registrations.delete(a.id); r(a.status) }
        return
      }
      case ACTION_DENIED: {
        const req = this.#grantRequest(a.pid, a.iface, a.grant)
        if (req !== null) this.#grants.denied?.(req)
        return
      }
      case ACTION_OVERFLOW: {
        const proc = this.procs.get(a.pid)
        if (proc === undefined || proc.ended) return
        const mib = Math.round(this.kernel.config.maxQueueBytes * 4 / (1 << 20))
        this.#end(proc, KILLED_STATUS, new ProcessKilled(KILLED_STATUS, `${sanitize(proc.program.name)} ended: more than ${mib} MiB of notifications queued for it that it does not take`))
        return
      }
      case ACTION_ENDED:
        for (const h of this.natives.values()) h.processEnded?.(a.pid)
    }
  }

  #grantRequest (pid: number, key: string, grant: number): GrantRequest | null {
    const proc = this.procs.get(pid)
    if (proc === undefined) return null
    // A parent that may use the interface without asking (flags, stored decisions) but has not
    // used it yet holds it all the same: settle its grant before comparing.
    const parent = proc.parent === 0 ? undefined : this.procs.get(proc.parent)
    if (parent !== undefined && this.kernel.grantState(parent.pid, key, grant) === GRANT_UNKNOWN) this.#settle(parent, key, grant)
    const parentHolds = proc.parent === 0 || this.kernel.grantState(proc.parent, key, grant) === GRANT_ALLOWED
    return { pid, parent: proc.parent, program: proc.program, key, kind: grant === GRANT_SEND ? 'send' : 'handle', parentHolds }
  }

  /**
   * Before a process first uses an interface, applies a decision known without asking (flags,
   * defaults, stored decisions), so that `send` answers at once rather than holding the message.
   */
  #settle (proc: Proc, key: string, grant: number): void {
    if (grant === GRANT_SEND) (proc.settled ??= new Set<string>()).add(key)
    if (this.kernel.grantState(proc.pid, key, grant) !== GRANT_UNKNOWN) return
    const req = this.#grantRequest(proc.pid, key, grant)
    if (req === null) return
    const known = req.parentHolds ? (this.#grants.known?.(req) ?? null) : false
    if (known !== null) {
      this.kernel.decide(proc.pid, key, grant, known)
      this.#observer?.granted(proc.pid, key, req.kind, known, req.parentHolds ? 'policy' : 'parent')
    }
  }

  /** Settles the grant to handle an interface before a registration asks for it. */
  settleHandle (pid: number, key: string): void {
    const proc = this.procs.get(pid)
    if (proc !== undefined) this.#settle(proc, key, GRANT_HANDLE)
  }

  #ask (a: Action): void {
    const req = this.#grantRequest(a.pid, a.iface, a.grant)
    if (req === null) return
    const decided = (allowed: boolean): void => {
      this.kernel.decide(a.pid, a.iface, a.grant, allowed)
      this.#observer?.granted(a.pid, a.iface, req.kind, allowed, req.parentHolds ? 'policy' : 'parent')
      this.drain()
    }
    if (!req.parentHolds) { decided(false); return }
    this.#observer?.asked(a.pid, a.iface, req.kind)
    let result: boolean | Promise<boolean>
    try {
      result = this.#grants.decide(req)
    } catch (err) {
      this.internalError('grants', err)
      result = false
    }
    if (typeof result === 'boolean') decided(result)
    else result.then(decided, (err: unknown) => { this.internalError('grants', err); decided(false) })
  }

  /**
   * The imports every process that is not WASI shares (one adapter per host, see adapter.ts), made
   * at the first spawn: a spawn then instantiates the program and nothing else.
   */
  #shared (): { adapter: SharedAdapter<Proc>, imports: WebAssembly.Imports } {
    if (this.#adapter !== null) return this.#adapter
    const monitor = this.#monitor
    const adapter = sharedSyscalls<Proc>({
      send: (proc, ifacePtr, bufPtr, bufLen, flags, idOut) => this.#send(proc, ifacePtr, bufPtr, bufLen, flags, idOut),
      answer: (proc, id, status, bufPtr, bufLen) => this.#answer(proc, id, status, bufPtr, bufLen),
      poll: (proc, idsPtr, count, outPtr, cap, flags) => this.#poll(proc, idsPtr, count, outPtr, cap, flags),
      block: (proc, outPtr, cap) => this.#block(proc, outPtr, cap),
      yield: (proc) => this.#yield(proc),
      refuel: (proc) => monitor!.refuel!(proc),
      refuelBlock: (proc) => monitor!.refuelWait!(proc)
    })
    const imports: WebAssembly.Imports = { wasmos: adapter.wasmos }
    if (monitor?.refuel !== undefined) imports[REFUEL_MODULE] = { [REFUEL_NAME]: adapter.refuel }
    this.#adapter = { adapter, imports }
    return this.#adapter
  }

  /**
   * Imports of one process alone, for programs whose other imports may suspend it too (WASI) or
   * when the run adds imports of its own: its `current` would not be restored when they resume it.
   */
  #ownImports (proc: Proc): WebAssembly.Imports {
    const monitor = this.#monitor
    const refuel = monitor?.refuel !== undefined
      ? refuelImports({ poll: () => monitor.refuel!(proc), block: async () => await monitor.refuelWait!(proc) })
      : {}
    return {
      ...refuel,
      ...this.#extraImports?.(proc),
      wasmos: syscallImports({
        send: (ifacePtr, bufPtr, bufLen, flags, idOut) => this.#send(proc, ifacePtr, bufPtr, bufLen, flags, idOut),
        answer: (id, status, bufPtr, bufLen) => this.#answer(proc, id, status, bufPtr, bufLen),
        poll: (idsPtr, count, outPtr, cap, flags) => this.#poll(proc, idsPtr, count, outPtr, cap, flags),
        block: (_idsPtr, _count, outPtr, cap) => this.#block(proc, outPtr, cap),
        yield: () => this.#yield(proc)
      })
    }
  }

  /** The interface key at `ptr` in the memory of `proc`. */
  #keyAt (proc: Proc, ptr: number): { bytes: Uint8Array, key: string } {
    const view = proc.view
    const cache = proc.keyCache ??= new Map<number, KeyEntry>()
    const cached = cache.get(ptr)
    if (cached !== undefined) {
      // Programs pass the same digest again and again: compare it a word at a time.
      const b = cached.words
      let same = true
      for (let i = 0; i < 8; i++) if (b[i] !== view.getUint32(ptr + i * 4, true)) { same = false; break }
      if (same) return cached
    }
    const bytes = proc.u8.slice(ptr, ptr + 32)
    const words = new Uint32Array(8)
    for (let i = 0; i < 8; i++) words[i] = view.getUint32(ptr + i * 4, true)
    const entry = { bytes, words, key: hexOf(bytes) }
    if (cache.size > 256) cache.clear()
    cache.set(ptr, entry)
    return entry
  }

  /** A syscall refused at once costs the host little, but a loop of them must still let others run. */
  #refused (proc: Proc, code: number): number {
    if ((proc.work += SYSCALL_WORK) < WORK_SLICE || !proc.started) return code
    proc.yielded = code
    return MUST_YIELD
  }

  /** The syscall's result, or MUST_YIELD (the result kept) once the process used up its share of host work. */
  #charged (proc: Proc, work: number, result: number): number {
    if ((proc.work += work) < WORK_SLICE || !proc.started) return result
    proc.yielded = result
    return MUST_YIELD
  }

  #send (proc: Proc, ifacePtr: number, bufPtr: number, bufLen: number, flags: number, idOut: number): number {
    if (proc.ended) return NO_HANDLER
    this.#monitor?.running(proc)
    proc.views()
    if (!proc.inBounds(ifacePtr, 32) || !proc.inBounds(bufPtr, bufLen)) return this.#refused(proc, BAD_POINTER)
    const expects = (flags & SEND_ANSWER) !== 0
    if (expects && !proc.inBounds(idOut, 8)) return this.#refused(proc, BAD_POINTER)
    const kernel = this.kernel
    const pid = proc.pid
    const iface = this.#keyAt(proc, ifacePtr)
    if (proc.settled?.has(iface.key) !== true) this.#settle(proc, iface.key, GRANT_SEND)
    const payload = copyOut(proc.u8, bufPtr, bufLen)
    const code = kernel.send(pid, iface.key, iface.bytes, payload, flags)
    this.#observer?.sent(pid, iface.key, code === OK ? kernel.lastId : 0, payload, flags, code)
    if (code === OK && expects) {
      const id = kernel.lastId
      proc.view.setUint32(idOut, id % 4294967296, true)
      proc.view.setUint32(idOut + 4, Math.floor(id / 4294967296), true)
    }
    if (kernel.actions.length > 0) this.drain()
    return this.#charged(proc, SYSCALL_WORK + bufLen, code)
  }

  #answer (proc: Proc, id: bigint, status: number, bufPtr: number, bufLen: number): number {
    if (proc.ended) return UNKNOWN_MESSAGE
    this.#monitor?.running(proc)
    proc.views()
    if (!proc.inBounds(bufPtr, bufLen)) return this.#refused(proc, BAD_POINTER)
    // Message ids stay below 2^53 (DESIGN.md): larger ones name no message. One conversion rather
    // than BigInt comparisons: every id past 2^53 - 1 converts to a number past it.
    const n = Number(id)
    if (!(n > 0 && n <= Number.MAX_SAFE_INTEGER)) return this.#refused(proc, UNKNOWN_MESSAGE)
    const kernel = this.kernel
    const code = kernel.answer(proc.pid, n, status, copyOut(proc.u8, bufPtr, bufLen))
    this.#observer?.answered(proc.pid, n, status, code)
    if (kernel.actions.length > 0) this.drain()
    return this.#charged(proc, SYSCALL_WORK + bufLen, code)
  }

  /** `wait` without blocking: the size taken, 0, -3, or MUST_BLOCK. Leaves the filter in `proc.waitIds`. */
  #poll (proc: Proc, idsPtr: number, count: number, outPtr: number, cap: number, flags: number): number {
    if (proc.ended) return MUST_BLOCK
    this.#monitor?.running(proc)
    proc.views()
    if (count < 0 || !proc.inBounds(idsPtr, count * 8) || !proc.inBounds(outPtr, cap)) return this.#refused(proc, -BAD_POINTER)
    if (count > MAX_WAIT_IDS) return this.#refused(proc, -TOO_LARGE)
    const kernel = this.kernel
    const pid = proc.pid
    let ids = NO_IDS
    if (count > 0) {
      // At most one wait is pending per process, so a one-id filter (a call) can reuse its array.
      ids = count === 1 ? (proc.oneId ??= [0]) : new Array<number>(count)
      const view = proc.view
      for (let i = 0; i < count; i++) {
        ids[i] = view.getUint32(idsPtr + i * 8 + 4, true) * 4294967296 + view.getUint32(idsPtr + i * 8, true)
      }
      // Each id is read, and compared with every queued answer.
      if (count > 1) proc.work += count * (8 + kernel.process(pid).length())
    }
    proc.waitIds = ids
    const size = kernel.poll(pid, ids, cap)
    if (size > 0) {
      if (size <= cap) {
        encodeNotification(kernel.taken!, proc.view, proc.u8, outPtr)
        this.#observer?.took(pid, kernel.taken!)
      }
    } else if ((flags & WAIT_BLOCK) !== 0) {
      proc.work = 0
      return MUST_BLOCK
    }
    this.#observer?.waited(pid, size)
    return this.#charged(proc, SYSCALL_WORK + (size <= cap ? size : 0), size)
  }

  /**
   * The suspending half of `wait`, called only after `#poll` said MUST_BLOCK. One pending wait at
   * most per process: its parameters live in the Proc, and `#retry` finishes it when woken.
   */
  #block (proc: Proc, outPtr: number, cap: number): Promise<number> {
    proc.waitOut = outPtr
    proc.waitCap = cap
    return new Promise<number>((resolve, reject) => {
      if (proc.ended) {
        // Ended while it ran: unwind it (once; a program that catches that waits forever).
        if (!proc.unwound) { proc.unwound = true; reject(ENDED) }
        return
      }
      proc.waitResolve = resolve
      proc.waitReject = reject
      proc.wake = this.#retry
      this.kernel.block(proc.pid, proc.waitIds)
      this.#monitor?.blocked(proc)
      this.#observer?.blocked(proc)
    })
  }

  /** A blocked process was woken: finishes its `wait` if a notification is there, else blocks again. */
  readonly #retry = (proc: Proc): void => {
    if (proc.ended || proc.waitResolve === null) return
    const kernel = this.kernel
    const pid = proc.pid
    proc.views()
    const n = kernel.poll(pid, proc.waitIds, proc.waitCap)
    if (n === 0) { proc.wake = this.#retry; kernel.block(pid, proc.waitIds); return }
    this.#monitor?.resumed(proc)
    this.#observer?.resumed(proc)
    if (n <= proc.waitCap) {
      encodeNotification(kernel.taken!, proc.view, proc.u8, proc.waitOut)
      this.#observer?.took(pid, kernel.taken!)
    }
    this.#observer?.waited(pid, n)
    const resolve = proc.waitResolve
    proc.waitResolve = null
    proc.waitReject = null
    resolve(n)
  }

  /**
   * A syscall that used up the process's share of host work returned MUST_YIELD with its result
   * kept in `proc.yielded`; the adapter then calls this, which lets everyone else run first.
   */
  async #yield (proc: Proc): Promise<number> {
    const result = proc.yielded
    const monitor = this.#monitor
    proc.work = 0
    monitor?.blocked(proc)
    await nextTurn()
    if (proc.ended) {
      // Unwound as in `#block`, for the same reason.
      if (!proc.unwound) { proc.unwound = true; throw ENDED }
      return await new Promise<number>(() => {})
    }
    monitor?.resumed(proc)
    monitor?.running(proc)
    return result
  }
}

/** A WASI `proc_exit` or the SDK's exit surfaces as an ExitSignal rejection. */
export class ExitSignal extends Error {
  readonly status: number
  constructor (status: number) {
    super(`exit ${status}`)
    this.status = status
  }
}

/** Runs a process's code: tells the shared adapter who runs (see adapter.ts), or not (`runNow`). */
type Enter = <T>(proc: Proc, fn: () => T) => T

/** Runs `fn` as it is (processes with imports of their own need no `current`). */
function runNow<T> (_proc: Proc, fn: () => T): T {
  return fn()
}

function exitOf (err: unknown): number | null {
  return err instanceof ExitSignal ? err.status : null
}

function messageOf (err: unknown): string {
  if (err instanceof Error) return err.message
  return String(err)
}
