// What the scheduler and the native interfaces share: the kernel core, the running guests, and the
// boot CAR and configuration. Both import this module; neither imports the other's state.
import { Kernel, KernelConfig } from '../core/index.ts'
import { Store, Instance, Thread } from '../interp/index'
import { Car } from './car'
import { BootConfig, ProgramConfig } from './config'
import { KEYS, NAMES } from './gen/interfaces'

/**
 * Limits sized for a machine where every queued payload lives in kernel.wasm's own memory: a
 * flooded handler holds at most 256 messages of at most 512 KiB (128 MiB), not the Node host's
 * 1024 × 16 MiB. 512 KiB leaves room for a whole 256 KiB program block in a loader answer.
 */
function bareMetalConfig (): KernelConfig {
  const c = new KernelConfig()
  c.queueLimit = 256
  c.maxMessageSize = 512 * 1024
  return c
}

export const kernel = new Kernel(bareMetalConfig())

export const G_READY: i32 = 0
export const G_BLOCKED: i32 = 1
export const G_ENDED: i32 = 2

const HEXCHARS = '0123456789abcdef'

/** A running program: its boot configuration and its interpreter instance and thread. */
export class Guest {
  pid: f64 = 0
  config: ProgramConfig
  store: Store
  inst: Instance
  thread: Thread
  state: i32 = G_READY
  /** A `wait` that blocked: its filter and output buffer, retried when the core wakes us. */
  inWait: bool = false
  waitIds: Array<f64> = new Array<f64>()
  /** The array a `wait` with ids fills (scheduler.ts). */
  idsBuf: Array<f64> = new Array<f64>()
  waitOut: u32 = 0
  waitCap: u32 = 0
  /** Ticks of CPU since the guest last blocked (the `cpu` limit). */
  cpuSinceBlock: u64 = 0
  cpuTotal: u64 = 0
  /** The thread's fuelUsed already added to the scheduler's instruction count. */
  fuelCounted: i64 = 0
  /** When it was last queued to run. */
  readySince: u64 = 0
  /** The last interface digest seen by `send`, and its key. */
  lastDigest: Uint8Array = new Uint8Array(32)
  lastKey: string = ''
  u8: Uint8Array = new Uint8Array(0)
  view: DataView = new DataView(new ArrayBuffer(0))
  viewOf: ArrayBuffer | null = null

  constructor (config: ProgramConfig, store: Store, inst: Instance, thread: Thread) {
    this.config = config
    this.store = store
    this.inst = inst
    this.thread = thread
  }

  get name (): string { return this.config.name }

  /** Views of the guest's memory, refreshed when it grew (a new buffer). */
  views (): void {
    const buf = this.inst.mem!.buf
    if (this.viewOf !== buf) {
      this.viewOf = buf
      this.u8 = Uint8Array.wrap(buf)
      this.view = new DataView(buf)
    }
  }

  /** The key of the digest at `p` (kernel address); `lastDigest` then holds a copy of it. */
  keyAt (p: usize): string {
    if (this.lastKey.length > 0 && memory.compare(this.lastDigest.dataStart, p, 32) == 0) return this.lastKey
    // A new array, not overwritten later: the core keeps digests in queued messages.
    const d = new Uint8Array(32)
    memory.copy(d.dataStart, p, 32)
    this.lastDigest = d
    const chars = new StaticArray<u16>(64)
    for (let i = 0; i < 32; i++) {
      const b = load<u8>(p + <usize>i)
      chars[i * 2] = <u16>HEXCHARS.charCodeAt(b >> 4)
      chars[i * 2 + 1] = <u16>HEXCHARS.charCodeAt(b & 15)
    }
    this.lastKey = String.UTF16.decodeUnsafe(changetype<usize>(chars), 128)
    return this.lastKey
  }
}

/** The live guests by pid. */
export const guests = new Map<f64, Guest>()

/** The guest that sent a message, or null when it has ended since. */
export function guestOf (pid: f64): Guest | null {
  return guests.has(pid) ? guests.get(pid) : null
}

/** `name[pid]` of a live guest, `pid n` otherwise: how the console names a process. */
export function guestLabel (pid: f64): string {
  if (!guests.has(pid)) return 'pid ' + (<i64>pid).toString()
  return guests.get(pid).name + '[' + (<i64>pid).toString() + ']'
}

/** The printable name of an interface key: its definition's name when known. */
export function ifaceName (key: string): string {
  const i = KEYS.indexOf(key)
  return i >= 0 ? NAMES[i] : key.substring(0, 12) + '…'
}

/** The boot modules, once read: the CAR of programs and boot.cfg (null when missing or refused). */
export class Boot {
  car: Car | null = null
  config: BootConfig | null = null
}

export const boot = new Boot()
