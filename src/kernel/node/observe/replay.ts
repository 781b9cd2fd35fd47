// Replays a recording (record.ts): every recorded process runs again, with no kernel, clock,
// network, file or terminal. Each syscall a process makes (and each WASI call, wasi-replay.ts) is
// checked against that process's next recorded one and given the recorded result; the processes
// take turns in the order the recording has, so that their output interleaves as it did. A
// process doing something other than its recording is a divergence: the replay stops and says
// which process, which of its syscalls, what was recorded and what it did.
import { createHash } from 'node:crypto'
import { Unpackr } from 'msgpackr'
import { ANSWER_HEADER, encodeNotification, KIND_ANSWER, KIND_ENDED, KIND_MESSAGE, Notification, SEND_ANSWER, TRAP_STATUS } from '../../core/index.ts'
import { MUST_YIELD, syscallImports } from '../adapter.ts'
import { MAX_TABLE_ENTRIES, START_EXPORT, TABLE_ENTRY_BYTES } from '../bounds.ts'
import { refuelImports } from '../imports/refuel.ts'
import { rewriteForRun } from '../limits/cache.ts'
import { PAGE_SIZE, REFUEL_MODULE, REFUEL_NAME } from '../limits/rewrite/constants.ts'
import { DEFAULT_MAX_MEMORY_PAGES } from '../limits/settings.ts'
import { trapped, WasmosError } from '../errors.ts'
import { loadProgram } from '../program.ts'
import type { Program } from '../program.ts'
import { KIND_WASI_LEGACY, RECORD_MAGIC, RECORD_VERSION } from './record.ts'
import type { Frame, RecordHeader } from './record.ts'
import { ReplayExit, wasiReplayImports } from './wasi-replay.ts'
import { ReplayError, ReplayProc } from './replay-proc.ts'
import type { ProcessFrame, ReplayProcess } from './replay-proc.ts'

export { ReplayError }
export type { ProcessFrame, ReplayProcess }

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })

/** Unwinds a replayed process that must not go on (the replay failed or stopped). */
export class Stop extends Error {}

export interface Recording {
  header: RecordHeader
  /** Every frame after the header, the end frame excluded. */
  frames: Frame[]
  /** The modules embedded in the recording, by CID. */
  modules: Map<string, Uint8Array>
  /** Every process started, in order. */
  processes: ProcessFrame[]
  /** Whether the recording reached its limit before the run ended. */
  truncated: boolean
}

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')
const TAGS = new Set(['k', 'm', 'p', 'g', 's', 'a', 'w', 'W', 'x', 't'])
const SYSCALLS = new Set(['s', 'a', 'w', 'W'])

/** The bytes `wait` wrote for a notification recorded by its fields (record.ts, 'w' frames). */
function notificationBytes (f: Frame, keys: string[]): Uint8Array {
  const n = new Notification()
  n.kind = f[3] as number
  n.code = f[4] as number
  n.id = f[5] as number
  if (n.kind === KIND_MESSAGE) {
    n.emitter = f[6] as number
    n.iface = keys[f[7] as number]
    n.digest = Buffer.from(n.iface, 'hex')
    n.payload = f[8] as Uint8Array
  } else if (n.kind === KIND_ANSWER) {
    n.payload = f[6] as Uint8Array
  }
  const bytes = new Uint8Array(n.size())
  encodeNotification(n, new DataView(bytes.buffer), bytes, 0)
  return bytes
}

/**
 * Parses and checks a recording; throws a ReplayError for anything that is not a sound one. Its
 * frames come out as the program saw them: each send with its interface's key, each `wait` with
 * the bytes it wrote.
 */
export function readRecording (bytes: Uint8Array, path: string): Recording {
  const frames: Frame[] = []
  const ends: number[] = []
  try {
    unpackr.unpackMultiple(bytes, (value: unknown, _start?: number, end?: number) => {
      frames.push(value as Frame)
      ends.push(end ?? 0)
    })
  } catch {
    if (frames.length > 0 && Array.isArray(frames[0]) && frames[0][0] === RECORD_MAGIC) {
      throw new ReplayError('ERR_REPLAY_BAD', `${path}: the recording is cut short or damaged (unreadable after byte ${ends[ends.length - 1]})`)
    }
    throw new ReplayError('ERR_REPLAY_BAD', `${path}: not a wasmos recording (unreadable frames)`)
  }
  const first = frames[0]
  if (!Array.isArray(first) || first[0] !== RECORD_MAGIC) throw new ReplayError('ERR_REPLAY_BAD', `${path}: not a wasmos recording`)
  if (first[1] !== RECORD_VERSION) throw new ReplayError('ERR_REPLAY_BAD', `${path}: a recording of version ${String(first[1])}; this wasmos reads version ${RECORD_VERSION}`)
  const header = first[2] as RecordHeader
  const damaged = (why: string): never => { throw new ReplayError('ERR_REPLAY_BAD', `${path}: the recording is damaged (${why})`) }
  if (typeof header?.name !== 'string' || !Array.isArray(header.args)) damaged('its header')
  const last = frames[frames.length - 1]
  if (frames.length < 2 || !Array.isArray(last) || last[0] !== 'e') {
    throw new ReplayError('ERR_REPLAY_BAD', `${path}: the recording is cut short (it has no end: the run was killed, or the file truncated)`)
  }
  const digest = createHash('sha256').update(bytes.subarray(0, ends[frames.length - 2])).digest()
  if (!(last[1] instanceof Uint8Array) || hex(last[1]) !== hex(digest)) {
    throw new ReplayError('ERR_REPLAY_TAMPERED', `${path}: the recording was altered after it was made (its digest does not match)`)
  }
  frames.pop()
  const body = frames.slice(1)
  const modules = new Map<string, Uint8Array>()
  const processes: ProcessFrame[] = []
  const pids = new Set<number>()
  const keys: string[] = []
  let truncated = false
  for (const f of body) {
    if (!Array.isArray(f) || !TAGS.has(f[0] as string)) damaged('an unknown frame')
    if (f[0] === 'k') {
      if (f[1] !== keys.length || typeof f[2] !== 'string' || !/^[0-9a-f]{64}$/.test(f[2])) damaged('an interface key')
      keys.push(f[2] as string)
    } else if (f[0] === 'm') {
      if (typeof f[1] !== 'string' || !(f[2] instanceof Uint8Array)) damaged('a module frame')
      modules.set(f[1] as string, f[2] as Uint8Array)
    } else if (f[0] === 'p') {
      const [, pid, parent, name, cid, args, main, kind] = f as [string, number, number, string, string, string[], boolean, number]
      if (typeof pid !== 'number' || typeof cid !== 'string' || typeof name !== 'string' || !Array.isArray(args) || pids.has(pid)) damaged('a process frame')
      pids.add(pid)
      processes.push({ pid, parent, name, cid, args, main: main === true, kind })
    } else if (f[0] === 't') {
      truncated = true
    } else if (f[0] !== 'g' && !pids.has(f[1] as number)) {
      damaged(`a frame of pid ${String(f[1])}, which never started`)
    } else if (f[0] === 's') {
      if (typeof f[2] !== 'number' || keys[f[2]] === undefined || !(f[3] instanceof Uint8Array)) damaged('a send')
      f[2] = keys[f[2] as number]
    } else if (f[0] === 'w' && f.length > 4) {
      const kind = f[3]
      const ok = (kind === KIND_ANSWER && f.length === 7 && f[6] instanceof Uint8Array) ||
        (kind === KIND_MESSAGE && f.length === 9 && keys[f[7] as number] !== undefined && f[8] instanceof Uint8Array) ||
        (kind === KIND_ENDED && f.length === 6)
      if (!ok || typeof f[4] !== 'number' || typeof f[5] !== 'number') damaged('a wait')
      f.splice(3, f.length - 3, notificationBytes(f, keys))
    }
  }
  return { header, frames: body.filter((f) => f[0] !== 'k'), modules, processes, truncated }
}

export interface ReplayOptions {
  /** Every module the recording starts, by CID, checked against it by the caller. */
  modules: Map<string, Uint8Array>
  /** Told of every send at its turn (to show what it printed). */
  onSend?: (proc: ReplayProcess, key: string, payload: Uint8Array) => void
  /** Told of what a WASI program wrote to standard output (1) or error (2). */
  onWrite?: (proc: ReplayProcess, stream: number, data: Uint8Array) => void
  /** A process other than the main one ended with an error the run logged. */
  onError?: (proc: ReplayProcess, message: string) => void
  /** Stop after this many syscalls (of all processes). */
  until?: number
  /** Describes a send for divergence messages. */
  describe?: (key: string, payload: Uint8Array) => string
}

export interface ReplayResult {
  status: number
  /** Syscalls replayed, all processes together. */
  steps: number
  /** The replay stopped before the main program ended (`until`, a truncated recording, or the run was ended from outside). */
  stopped: boolean
  /** The trap that ended the main program, as the run reported it. */
  error: WasmosError | null
}

/** Fuel between two checks of whether a computing process should let another take its turn. */
const REFUEL_BUDGET = 50_000_000

function same (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

/** Runs every recorded process against its recording; resolves once the recording is replayed. */
export async function replay (rec: Recording, opts: ReplayOptions): Promise<ReplayResult> {
  const frames = rec.frames
  const describe = opts.describe ?? ((key: string, p: Uint8Array) => `send to ${key.slice(0, 12)} (${p.length} bytes)`)
  const show = (f: Frame | undefined): string => {
    if (f === undefined) return 'nothing more'
    switch (f[0]) {
      case 's': return describe(f[2] as string, f[3] as Uint8Array)
      case 'a': return `answer to message ${String(f[2])}`
      case 'w': return 'wait'
      case 'W': return `WASI ${String(f[2])}(${(f[3] as unknown[]).join(', ')})`
      case 'x': return `its end with status ${String(f[2])}`
      default: return 'the end of the recording (truncated)'
    }
  }

  // Compile every module first: a missing or wrong one is refused before anything runs. The same
  // rewrite as the run's (limits/monitor.ts): its memory and table caps, its start function moved.
  const programs = new Map<string, Program>()
  const maxMemoryPages = rec.header.maxMemoryPages ?? DEFAULT_MAX_MEMORY_PAGES
  const maxTableEntries = Math.min(MAX_TABLE_ENTRIES, Math.floor(maxMemoryPages * PAGE_SIZE / TABLE_ENTRY_BYTES))
  for (const p of rec.processes) {
    if (p.kind === KIND_WASI_LEGACY) throw new ReplayError('ERR_REPLAY_WASI', `${p.name}: programs of the older wasi_unstable cannot be replayed`)
    if (programs.has(p.cid)) continue
    const bytes = opts.modules.get(p.cid)
    if (bytes === undefined) throw new ReplayError('ERR_REPLAY_MODULE', `the module of ${p.name} (${p.cid}) is missing`)
    // Fuel-rewritten as in a run, so that a process that was ended from outside while computing
    // (killed, Ctrl-C, a CPU limit) stops where its recording stops instead of running on.
    programs.set(p.cid, await loadProgram(bytes, p.name, {
      cid: p.cid,
      rewrite: (b, cid) => rewriteForRun(b, { maxMemoryPages, maxTableEntries }, { cid }).bytes,
      allowImport: (module, name) => module === REFUEL_MODULE && name === REFUEL_NAME
    }))
  }

  const procs = new Map<number, ReplayProc>()
  frames.forEach((f, i) => {
    if (f[0] === 'p') procs.set(f[1] as number, new ReplayProc(rec.processes.find((p) => p.pid === f[1])!))
    else if (SYSCALLS.has(f[0] as string) || f[0] === 'x') procs.get(f[1] as number)!.own.push(i)
  })

  // What each answer carried, as the process that took it got it: an answer's bytes are checked
  // against it (the 'a' frame itself keeps only the status).
  const answers = new Map<number, Uint8Array>()
  for (const f of frames) {
    const b = f[0] === 'w' ? f[3] : null
    if (!(b instanceof Uint8Array) || b[0] !== KIND_ANSWER || b.length < ANSWER_HEADER) continue
    const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
    answers.set(view.getUint32(8, true) + view.getUint32(12, true) * 4294967296, b.subarray(ANSWER_HEADER))
  }

  let cursor = 0
  let steps = 0
  let advancing = false
  let scheduled = false
  let finished = false
  let mainProc: ReplayProc | null = null
  let settle!: (r: ReplayResult | ReplayError) => void
  const done = new Promise<ReplayResult | ReplayError>((resolve) => { settle = resolve })

  const finish = (stopped: boolean): void => {
    if (finished) return
    finished = true
    const m = mainProc
    settle({ status: m?.status ?? 0, steps, stopped: stopped || m === null || !m.ended || m.outside, error: m?.error ?? null })
  }
  const fail = (err: ReplayError): void => {
    if (finished) return
    finished = true
    settle(err)
  }
  const kick = (): void => {
    if (advancing || scheduled || finished) return
    scheduled = true
    queueMicrotask(advance)
  }
  /** A divergence of `p` at its current syscall: fails the replay and unwinds the process. */
  const diverged = (p: ReplayProc, got: string): never => {
    fail(new ReplayError('ERR_REPLAY_DIVERGED', `replay diverged at syscall ${p.pos + 1} of ${p.label}: the recording has ${show(frames[p.nextAt])}, the program made ${got}`))
    throw new Stop()
  }
  /** The turn of frame `at` (p's) was taken: on to the next. */
  const took = (at: number, effect: (() => void) | null): void => {
    cursor = at + 1
    steps++
    effect?.()
    if (opts.until !== undefined && steps >= opts.until) finish(true)
    kick()
  }
  /** A process that will never run again: the driver ends it at its exit frame. */
  const forever = (p: ReplayProc, what: string): Promise<never> => {
    p.park = { at: -1, refuel: false, resume: null, what }
    kick()
    return new Promise<never>(() => {})
  }
  /**
   * The syscall of `p` at frame `at`, checked already: done now if it is its turn, else when it
   * comes. `sync` gets the result at once or MUST_YIELD (the adapter then calls `wait`).
   */
  const turn = (p: ReplayProc, at: number, what: string, effect: (() => void) | null): boolean => {
    p.pos++
    if (at === cursor && !finished) { took(at, effect); return true }
    p.park = { at, refuel: false, what, resume: () => { p.park = null; took(at, effect); return true } }
    kick()
    return false
  }
  /** Waits for the turn a `turn` returning false set up (or for ever, if the replay is over). */
  const waitTurn = (p: ReplayProc): Promise<void> => new Promise<void>((resolve) => {
    const park = p.park
    if (park === null || park.resume === null) return
    const resume = park.resume
    park.resume = () => { const r = resume(); resolve(); return r }
  })
  /** The next frame of `p`, which must be of kind `kind`; null when it will never run again. */
  const expect = (p: ReplayProc, kind: string, what: () => string): Frame | null => {
    if (finished || p.ended) return null
    const f = frames[p.nextAt]
    if (f === undefined || f[0] === 'x') return null
    if (f[0] !== kind) diverged(p, what())
    return f
  }

  const wasmosImports = (p: ReplayProc): Record<string, WebAssembly.ImportValue> => {
    /** What a syscall that must wait for its turn returns from `yield`. */
    let held = 0
    let heldWhat = ''
    let never = false
    const wait = (result: number, what: string): number => { held = result; heldWhat = what; return MUST_YIELD }
    return syscallImports({
      send: (ifacePtr, bufPtr, bufLen, flags, idOut) => {
        const u8 = p.u8()
        const key = hex(u8.subarray(ifacePtr, ifacePtr + 32))
        const payload = u8.slice(bufPtr, bufPtr + bufLen)
        const what = (): string => describe(key, payload)
        const f = expect(p, 's', what)
        if (f === null) { never = true; return wait(0, what()) }
        if (f[2] !== key || !same(f[3] as Uint8Array, payload) || f[4] !== flags) {
          const got = what()
          diverged(p, got === show(f) ? `${got} with other bytes or flags` : got)
        }
        const code = f[5] as number
        const id = f[6] as number
        if (code === 0 && (flags & SEND_ANSWER) !== 0) {
          const view = new DataView(p.memory!.buffer)
          view.setUint32(idOut, id % 4294967296, true)
          view.setUint32(idOut + 4, Math.floor(id / 4294967296), true)
        }
        const at = p.nextAt
        return turn(p, at, what(), () => opts.onSend?.(p, key, payload)) ? code : wait(code, what())
      },
      answer: (id, status, bufPtr, bufLen) => {
        const what = (): string => `answer to message ${id} with status ${status} (${bufLen} bytes)`
        const f = expect(p, 'a', what)
        if (f === null) { never = true; return wait(0, what()) }
        if (f[2] !== Number(id) || f[3] !== status) diverged(p, what())
        const taken = answers.get(Number(id))
        if (taken !== undefined && f[4] === 0 && !same(taken, p.u8().subarray(bufPtr, bufPtr + bufLen))) diverged(p, `${what()} with other bytes`)
        const code = f[4] as number
        return turn(p, p.nextAt, what(), null) ? code : wait(code, what())
      },
      poll: (_idsPtr, _count, outPtr, cap) => {
        const f = expect(p, 'w', () => 'wait')
        if (f === null) { never = true; return wait(0, 'wait') }
        const result = f[2] as number
        const bytes = f[3] as Uint8Array | null
        if (bytes !== null) {
          if (bytes.length > cap) diverged(p, `wait with room for ${cap} bytes (${bytes.length} needed)`)
          p.u8().set(bytes, outPtr)
        }
        return turn(p, p.nextAt, 'wait', null) ? result : wait(result, 'wait')
      },
      // Every recorded wait returns: nothing blocks in a replay but for a turn.
      block: async () => { throw new ReplayError('ERR_REPLAY_DIVERGED', 'a replayed wait blocked') },
      yield: async () => {
        if (never) { never = false; return await forever(p, heldWhat) }
        await waitTurn(p)
        if (finished) return await new Promise<number>(() => {})
        return held
      }
    })
  }

  const refuel = (p: ReplayProc): Record<string, Record<string, WebAssembly.ImportValue>> => refuelImports({
    poll: () => {
      if (finished) throw new Stop()
      // Its start function runs outside `promising`: it cannot wait there.
      if (!p.started) return REFUEL_BUDGET
      const at = p.nextAt
      if (at === cursor) {
        const f = frames[at]
        if (f[0] === 'x' && f[4] === true) { endOutside(p, f); cursor++; kick(); throw new Stop() }
        return REFUEL_BUDGET
      }
      return 0
    },
    block: async () => {
      if (p.nextAt < 0) return await forever(p, 'computing')
      await new Promise<void>((resolve) => {
        p.park = { at: p.nextAt, refuel: true, what: 'computing', resume: () => { p.park = null; resolve(); return false } }
        kick()
      })
      if (finished) return await new Promise<number>(() => {})
      return REFUEL_BUDGET
    }
  })

  const endOutside = (p: ReplayProc, f: Frame): void => {
    p.ended = true
    p.outside = f[4] === true
    p.status = f[2] as number
    p.park = null
    p.pos++
    if (!p.main && typeof f[3] === 'string') opts.onError?.(p, f[3])
  }

  /** `p` returned from `_start`, exited, or trapped. */
  const endSelf = (p: ReplayProc, status: number | null, error: WasmosError | null, what: string): void => {
    if (finished || p.ended) return
    const f = frames[p.nextAt]
    if (f === undefined) { p.ended = true; p.status = status ?? 0; kick(); return }
    if (f[0] !== 'x') diverged(p, what)
    const recorded = f[2] as number
    if (status !== null && status !== recorded) diverged(p, `its end with status ${status}${error === null ? '' : ` (${error.message})`}`)
    p.ended = true
    p.status = recorded
    p.error = error
    kick()
  }

  const start = (p: ReplayProc): void => {
    const program = programs.get(p.frame.cid)!
    if (p.main) mainProc = p
    const imports: WebAssembly.Imports = { wasmos: wasmosImports(p), ...refuel(p) }
    if (program.wasi) {
      imports.wasi_snapshot_preview1 = wasiReplayImports(program.module, {
        proc: p,
        frames,
        expect,
        diverged,
        forever,
        turn,
        waitTurn,
        onWrite: opts.onWrite
      })
    }
    let instance: WebAssembly.Instance
    try {
      instance = new WebAssembly.Instance(program.module, imports)
    } catch (err) {
      if (err instanceof Stop) return
      endSelf(p, TRAP_STATUS, trapped(p.name, (err as Error).message), `a trap as it started (${(err as Error).message})`)
      return
    }
    if (instance.exports.memory instanceof WebAssembly.Memory) p.memory = instance.exports.memory
    const entry = instance.exports._start as () => void
    const init = instance.exports[START_EXPORT]
    const run = typeof init === 'function'
      ? async () => { await WebAssembly.promising(init as () => void)(); if (!p.ended) await WebAssembly.promising(entry)() }
      : WebAssembly.promising(entry)
    p.started = true
    run().then(
      () => { try { endSelf(p, 0, null, 'its end (it returned from _start)') } catch {} },
      (err: unknown) => {
        if (err instanceof Stop || finished) return
        try {
          if (err instanceof ReplayError) fail(err)
          else if (err instanceof ReplayExit) endSelf(p, null, null, 'its exit')
          else endSelf(p, TRAP_STATUS, trapped(p.name, (err as Error).message), `a trap (${(err as Error).message})`)
        } catch {}
      })
  }

  /** Takes the turns that are nobody's syscall (starts, ends), and wakes whoever's turn it is. */
  function advance (): void {
    scheduled = false
    if (finished) return
    advancing = true
    try {
      for (;;) {
        if (finished) return
        if (cursor >= frames.length) { finish(false); return }
        const f = frames[cursor]
        const tag = f[0]
        if (tag === 'm' || tag === 'g') { cursor++; continue }
        if (tag === 't') { finish(true); return }
        if (tag === 'p') {
          cursor++
          start(procs.get(f[1] as number)!)
          continue
        }
        const p = procs.get(f[1] as number)!
        if (tag === 'x') {
          if (p.ended) { cursor++; if (!p.main && p.error !== null) opts.onError?.(p, p.error.message); continue }
          const park = p.park
          if (park === null) return
          if (f[4] === true) { endOutside(p, f); cursor++; continue }
          // Its end is its own doing: one that computes gets to finish.
          if (park.refuel && park.resume !== null) { park.resume(); return }
          // One in a syscall was ended by a handler (the `exit` it asked for); one that trapped did not.
          if (f[3] === null) { endOutside(p, f); cursor++; continue }
          fail(new ReplayError('ERR_REPLAY_DIVERGED', `replay diverged at syscall ${p.pos + 1} of ${p.label}: the recording has ${show(f)}, the program made ${park.what}`))
          return
        }
        const park = p.park
        if (park === null || park.at !== cursor || park.resume === null) return
        if (!park.resume()) return
      }
    } catch (err) {
      if (!(err instanceof Stop)) fail(err instanceof ReplayError ? err : new ReplayError('ERR_REPLAY', (err as Error).message))
    } finally {
      advancing = false
    }
  }

  // A replay where every process waits and none can take its turn would end Node quietly.
  const stalled = (): void => fail(new ReplayError('ERR_REPLAY_STALLED', `replay stalled at frame ${cursor + 1} (${show(frames[cursor])})`))
  process.once('beforeExit', stalled)
  kick()
  const result = await done
  process.removeListener('beforeExit', stalled)
  if (result instanceof ReplayError) throw result
  return result
}
