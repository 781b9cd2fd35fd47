// One replayed process's state (replay.ts): its recorded start, where it is in its own frames,
// its memory and where it waits for its turn. Apart so that the WASI replay can name it.
import { WasmosError } from '../errors.ts'

export class ReplayError extends WasmosError {}

/** A process's start as recorded. */
export interface ProcessFrame { pid: number, parent: number, name: string, cid: string, args: string[], main: boolean, kind: number }

export interface ReplayProcess {
  readonly pid: number
  readonly name: string
  readonly main: boolean
}

/** Where a process waits for its turn. */
export interface Park {
  /** The frame whose turn it waits for (-1: for ever). */
  at: number
  /** At refuel (computing) rather than in a syscall. */
  refuel: boolean
  /** Resumes it; returns whether that took the turn (advanced the cursor). */
  resume: (() => boolean) | null
  /** What it did, for a divergence found at the turn. */
  what: string
}

export class ReplayProc implements ReplayProcess {
  readonly pid: number
  readonly name: string
  readonly main: boolean
  readonly frame: ProcessFrame
  /** Global indices of its syscall and exit frames. */
  readonly own: number[] = []
  pos = 0
  memory: WebAssembly.Memory | null = null
  started = false
  ended = false
  status = 0
  error: WasmosError | null = null
  outside = false
  park: Park | null = null

  constructor (frame: ProcessFrame) {
    this.pid = frame.pid
    this.name = frame.name
    this.main = frame.main
    this.frame = frame
  }

  get label (): string { return `${this.name}@${this.pid}` }

  /** Its next frame's global index, or -1 when it has none. */
  get nextAt (): number { return this.own[this.pos] ?? -1 }

  u8 (): Uint8Array {
    if (this.memory === null) throw new ReplayError('ERR_REPLAY_DIVERGED', `${this.label} made a syscall before its memory existed`)
    return new Uint8Array(this.memory.buffer)
  }
}
