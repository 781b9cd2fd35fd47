// Replays a recording (record.ts): the recorded module runs again with no kernel, clock, network,
// file or terminal: each syscall it makes is checked against the next recorded one and given the
// recorded result (and, for `wait`, the recorded notification bytes). A syscall that differs from
// the recording is a divergence: the replay stops and says where.
import { createHash } from 'node:crypto'
import { Unpackr } from 'msgpackr'
import { KILLED_STATUS, SEND_ANSWER } from '../../core/index.ts'
import { syscallImports } from '../adapter.ts'
import { refuelImports } from '../imports/refuel.ts'
import { rewriteCached } from '../limits/cache.ts'
import { REFUEL_MODULE, REFUEL_NAME } from '../limits/rewrite/constants.ts'
import { DEFAULT_MAX_MEMORY_PAGES } from '../limits/settings.ts'
import { trapped, WasmosError } from '../errors.ts'
import { loadProgram } from '../program.ts'
import { RECORD_MAGIC, RECORD_VERSION } from './record.ts'
import type { RecordHeader } from './record.ts'

const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })

export class ReplayError extends WasmosError {}

/** Where a replay stopped on purpose (the recording ended, or `until`). */
class Stop extends Error {}

export interface Recording {
  header: RecordHeader
  /** Every frame after the header, the end frame excluded. */
  frames: unknown[][]
  /** Whether the recording reached its limit before the run ended. */
  truncated: boolean
  /** Whether it ends with its digest (a run killed hard leaves none). */
  complete: boolean
}

function hex (b: Uint8Array): string {
  return Buffer.from(b).toString('hex')
}

/** Parses and checks a recording; throws a ReplayError for anything that is not a sound one. */
export function readRecording (bytes: Uint8Array, path: string): Recording {
  const frames: unknown[][] = []
  const ends: number[] = []
  try {
    unpackr.unpackMultiple(bytes, (value: unknown, _start?: number, end?: number) => {
      frames.push(value as unknown[])
      ends.push(end ?? 0)
    })
  } catch {
    throw new ReplayError('ERR_REPLAY_BAD', `${path}: not a wasmos recording (unreadable frames)`)
  }
  const first = frames[0]
  if (!Array.isArray(first) || first[0] !== RECORD_MAGIC) throw new ReplayError('ERR_REPLAY_BAD', `${path}: not a wasmos recording`)
  if (first[1] !== RECORD_VERSION) throw new ReplayError('ERR_REPLAY_BAD', `${path}: a recording of version ${String(first[1])}; this wasmos reads version ${RECORD_VERSION}`)
  const header = first[2] as RecordHeader
  if (typeof header?.cid !== 'string' || !(header.module instanceof Uint8Array) || !Array.isArray(header.args)) {
    throw new ReplayError('ERR_REPLAY_BAD', `${path}: the recording's header is damaged`)
  }
  let complete = false
  const last = frames[frames.length - 1]
  if (Array.isArray(last) && last[0] === 'e') {
    const before = frames.length >= 2 ? ends[frames.length - 2] : 0
    const digest = createHash('sha256').update(bytes.subarray(0, before)).digest()
    if (!(last[1] instanceof Uint8Array) || hex(last[1]) !== hex(digest)) {
      throw new ReplayError('ERR_REPLAY_TAMPERED', `${path}: the recording was altered after it was made (its digest does not match)`)
    }
    frames.pop()
    complete = true
  }
  const body = frames.slice(1)
  const truncated = body.some((f) => Array.isArray(f) && f[0] === 't')
  return { header, frames: body, truncated, complete }
}

export interface ReplayOptions {
  /** Told of every send the replayed program makes (to show its output). */
  onSend?: (key: string, payload: Uint8Array) => void
  /** Stop after this many syscalls. */
  until?: number
  /** Describes a send frame for divergence messages. */
  describe?: (key: string, payload: Uint8Array) => string
}

export interface ReplayResult {
  status: number
  /** Syscalls replayed. */
  steps: number
  /** The replay stopped at `until` before the program ended. */
  stopped: boolean
  /** The trap that ended it, as the run reported it. */
  error: WasmosError | null
}

/** Fuel between two checks of whether a replay should stop. */
const REFUEL_BUDGET = 50_000_000

function same (a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && Buffer.compare(a, b) === 0
}

/** Runs the recorded module against its recording. */
export async function replay (rec: Recording, opts: ReplayOptions = {}): Promise<ReplayResult> {
  const { header, frames } = rec
  // Fuel-rewritten as in a run, so that a program that was ended from outside while computing
  // (killed, Ctrl-C, a CPU limit) stops where its recording stops instead of running on.
  const program = await loadProgram(header.module, header.name, {
    rewrite: (bytes, cid) => rewriteCached(bytes, { maxMemoryPages: DEFAULT_MAX_MEMORY_PAGES }, { cid }).bytes,
    allowImport: (module, name) => module === REFUEL_MODULE && name === REFUEL_NAME
  })
  if (program.cid !== header.cid) {
    throw new ReplayError('ERR_REPLAY_MODULE', `the module in the recording is not the one recorded (${program.cid}, recorded ${header.cid})`)
  }
  if (program.wasi) throw new ReplayError('ERR_REPLAY_WASI', `${header.name}: WASI programs cannot be replayed yet`)
  const describe = opts.describe ?? ((key: string, p: Uint8Array) => `send to ${key.slice(0, 12)} (${p.length} bytes)`)
  const show = (f: unknown[] | undefined): string => {
    if (f === undefined) return 'the end of the recording'
    if (f[0] === 's') return describe(f[1] as string, f[2] as Uint8Array)
    if (f[0] === 'a') return `answer to message ${String(f[1])}`
    if (f[0] === 'w') return 'wait'
    if (f[0] === 'x') return `exit with status ${String(f[1])}`
    return 'the end of the recording (truncated)'
  }
  let i = 0
  let stopped = false
  let memory: WebAssembly.Memory | null = null
  const mem = (): Uint8Array => {
    if (memory === null) throw new ReplayError('ERR_REPLAY_DIVERGED', `${header.name} made a syscall before its memory existed`)
    return new Uint8Array(memory.buffer)
  }
  const diverged = (got: string): never => {
    throw new ReplayError('ERR_REPLAY_DIVERGED', `replay diverged at syscall ${i + 1} of ${header.name}: the recording has ${show(frames[i])}, the program made ${got}`)
  }
  const next = (kind: string, got: () => string): unknown[] => {
    if (opts.until !== undefined && i >= opts.until) { stopped = true; throw new Stop() }
    const f = frames[i]
    if (f === undefined || f[0] === 'x' || f[0] === 't') throw new Stop()
    if (f[0] !== kind) diverged(got())
    return f
  }
  const imports = syscallImports({
    send: (ifacePtr, bufPtr, bufLen, flags, idOut) => {
      const u8 = mem()
      const key = hex(u8.subarray(ifacePtr, ifacePtr + 32))
      const payload = u8.slice(bufPtr, bufPtr + bufLen)
      const f = next('s', () => describe(key, payload))
      if (f[1] !== key || !same(f[2] as Uint8Array, payload) || f[3] !== flags) {
        const got = describe(key, payload)
        diverged(got === show(f) ? `${got} with other bytes or flags` : got)
      }
      i++
      opts.onSend?.(key, payload)
      const code = f[4] as number
      const id = f[5] as number
      if (code === 0 && (flags & SEND_ANSWER) !== 0) {
        const view = new DataView(memory!.buffer)
        view.setUint32(idOut, id % 4294967296, true)
        view.setUint32(idOut + 4, Math.floor(id / 4294967296), true)
      }
      return code
    },
    answer: (id, status) => {
      const f = next('a', () => `answer to message ${id}`)
      if (f[1] !== Number(id) || f[2] !== status) diverged(`answer to message ${id} with status ${status}`)
      i++
      return f[3] as number
    },
    poll: (_idsPtr, _count, outPtr, cap) => {
      const f = next('w', () => 'wait')
      i++
      const result = f[1] as number
      const bytes = f[2] as Uint8Array | null
      if (bytes !== null) {
        if (bytes.length > cap) diverged(`wait with room for ${cap} bytes (${bytes.length} needed)`)
        mem().set(bytes, outPtr)
      }
      return result
    },
    // Every recorded wait returns at once: nothing ever blocks or yields in a replay.
    block: async () => { throw new ReplayError('ERR_REPLAY_DIVERGED', 'a replayed wait blocked') },
    yield: async () => { throw new ReplayError('ERR_REPLAY_DIVERGED', 'a replayed syscall yielded') }
  })
  const exit = frames.find((f) => f[0] === 'x')
  const endedFromOutside = exit === undefined || exit[1] === KILLED_STATUS
  const refuel = refuelImports({
    poll: () => {
      const f = frames[i]
      if (endedFromOutside && (f === undefined || f[0] === 'x' || f[0] === 't')) { stopped = true; throw new Stop() }
      return REFUEL_BUDGET
    },
    block: async () => REFUEL_BUDGET
  })
  let status: number
  try {
    const instance = await WebAssembly.instantiate(program.module, { wasmos: imports, ...refuel })
    if (instance.exports.memory instanceof WebAssembly.Memory) memory = instance.exports.memory
    const start = instance.exports._start
    if (typeof start !== 'function') throw new ReplayError('ERR_REPLAY_BAD', `${header.name} has no _start`)
    ;(start as () => void)()
    status = 0
  } catch (err) {
    if (err instanceof ReplayError) throw err
    if (err instanceof Stop) {
      const f = frames[i]
      status = f !== undefined && f[0] === 'x' ? f[1] as number : 0
      if (stopped || f === undefined || f[0] !== 'x') return { status, steps: i, stopped: true, error: null }
      return { status, steps: i, stopped: false, error: null }
    }
    // A trap: the recording must end with the same.
    const f = frames[i]
    if (f === undefined || f[0] !== 'x') diverged(`a trap (${(err as Error).message})`)
    status = f![1] as number
    if (status >= 0) diverged(`a trap (${(err as Error).message})`)
    return { status, steps: i, stopped: false, error: trapped(header.name, (err as Error).message) }
  }
  const f = frames[i]
  if (f !== undefined && f[0] !== 'x') diverged('its exit (it returned from _start)')
  if (f !== undefined && f[1] !== status) diverged(`exit with status ${status}`)
  return { status, steps: i, stopped: false, error: null }
}
