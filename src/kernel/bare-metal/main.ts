// kernel.wasm for bare metal: the kernel core (src/kernel/core, the same source as on Node), the
// WebAssembly interpreter (src/kernel/interp) and this host adapter, compiled together by asc and
// run by the x86_64 stub (bare-metal/). At boot it reads two boot modules — the CAR of programs,
// every block checked against its CID, and `boot.cfg`, which says what starts and what each
// program is granted — then schedules the programs until none is left that can run.
import { KERNEL_PID } from '../core/index.ts'
import { assemble, Car, joinParts, readCar } from './car'
import { klog } from './console'
import { BootConfig, parseConfig } from './config'
import { boot as bootModules, guests, kernel } from './context'
import { installNatives } from './natives/index'
import { natives } from './natives/native'
import { drain, instructions, lastPid, runNext, runUntilBlocked, spawn } from './scheduler'
import { exit, idle, module_count, module_name, module_read, module_size, ticks, tick_hz } from './stub'

const nameBuf = memory.data(256)

function moduleName (i: u32): string {
  const n = module_name(i, nameBuf, 256)
  return String.UTF8.decodeUnsafe(nameBuf, <usize>(n < 256 ? n : 256))
}

function moduleBytes (i: u32): Uint8Array {
  const size = module_size(i)
  const b = new Uint8Array(<i32>size)
  let off: u32 = 0
  while (off < size) {
    const got = module_read(i, off, b.dataStart + off, size - off)
    if (got == 0) break
    off += got
  }
  return b
}

function boot (): void {
  let car: Car | null = null
  let config: BootConfig | null = null
  const count = module_count()
  for (let i: u32 = 0; i < count; i++) {
    const name = moduleName(i)
    if (name.endsWith('.car')) {
      const c = readCar(moduleBytes(i), name)
      if (c.error.length > 0) klog('boot module ' + c.error + ': refused')
      else { car = c; bootModules.car = c }
    } else if (name == 'boot.cfg') {
      config = parseConfig(String.UTF8.decode(moduleBytes(i).buffer))
    }
  }
  if (config === null) { klog('no boot.cfg boot module: nothing to start'); return }
  const cfg = config!
  if (cfg.error.length > 0) { klog(cfg.error + ': nothing started'); return }
  bootModules.config = cfg
  if (car === null) { klog('no CAR boot module (programs.car): nothing to start'); return }
  for (let i = 0; i < cfg.programs.length; i++) {
    const p = cfg.programs[i]
    const file = assemble(car!, p.cid)
    if (file.error.length > 0) {
      klog('program ' + p.name + ' (' + p.cid + ') refused: ' + file.error)
      continue
    }
    const err = spawn(p, joinParts(file))
    if (err.length > 0) { klog('program ' + p.name + ' (' + p.cid + ') refused: ' + err); continue }
    if (p.handle.length > 0) runUntilBlocked(lastPid, 2000)
  }
}

function halt (t0: u64): void {
  klog('up ' + ((ticks() - t0) * 1000 / <u64>tick_hz()).toString() + ' ms; guests ran ' + instructions.toString() +
    ' instructions; kernel memory ' + (memory.size() * 64).toString() + ' KiB')
  exit(0)
}

// kernel.wasm is built with asc's minimal runtime (scripts/build.d/65-kernel-wasm.ts): without the
// incremental collector's shadow stack in every function, which cost a third of the kernel's time
// under QEMU TCG (README.md), but nothing is collected on its own. The main loop collects between
// two turns, where no reference lives only in a wasm local: every COLLECT_TICKS, and at once when
// the heap has grown since the last collection.
const COLLECT_TICKS: u64 = 50
let collectedAt: u64 = 0
let collectedPages: i32 = 0

function collect (): void {
  const now = ticks()
  const pages = memory.size()
  if (now - collectedAt < COLLECT_TICKS && pages == collectedPages) return
  __collect()
  collectedAt = now
  collectedPages = memory.size()
}

export function kmain (): void {
  const t0 = ticks()
  installNatives()
  const keys = natives.keys()
  for (let i = 0; i < keys.length; i++) kernel.registerNative(keys[i])
  klog('kernel core + interpreter ready')
  boot()
  drain()
  klog('started ' + guests.size.toString() + ' program' + (guests.size == 1 ? '' : 's') +
    ' in ' + ((ticks() - t0) * 1000 / <u64>tick_hz()).toString() + ' ms')
  for (;;) {
    collect()
    natives.service()
    drain()
    if (runNext()) continue
    if (guests.size == 0) {
      klog('all programs ended')
      halt(t0)
      return
    }
    if (!natives.busy()) {
      klog('every program waits for a message that cannot come (' + guests.size.toString() + ' left): halting')
      halt(t0)
      return
    }
    idle()
  }
}

// Keeps KERNEL_PID referenced for readers: pid 0 is this kernel, the handler of native interfaces.
export const KERNEL: f64 = KERNEL_PID
