// The interfaces the bare-metal kernel handles itself: log and stdio on the serial console (stdin
// with a terminal's line editing),
// process (args, exit), registry, time (ticks, sleep), random (RDRAND, else a SHA-256 generator),
// pci (list, info, and configuration space of granted devices), interrupts (a granted IRQ line's
// firings as answers), io (granted port and physical memory ranges). Payloads are msgpack:
// `[message index, ...params]` in, the answer's fields out.
import { Action, KERNEL_PID, OK, PENDING, SEND_ANSWER, TOO_LARGE } from '../core/index.ts'
import { Reader, Writer } from '../../../programs/sdk/as/msgpack'
import { hex, klog, put, putBytes } from './console'
import {
  KEY_INTERRUPTS, KEY_IO, KEY_LOADER, KEY_LOG, KEY_PCI, KEY_PROCESS, KEY_RANDOM, KEY_REGISTRY, KEY_STDIO, KEY_TIME
} from './gen/interfaces'
import { assemble, Car, joinParts } from './car'
import { endGuest, Guest, guestLabel, guests, kernel, lastPid, spawn } from './scheduler'
import { BootConfig } from './config'
import { sha256 } from './sha256'
import {
  inb, inl, inw, irq_ack, irq_mask, irq_take, irq_unmask, mmio_read32, mmio_write32, outb, outl, outw,
  pci_read32, pci_write32, rdrand64, rdtsc, serial_read, serial_write, tick_hz, ticks
} from './stub'

/** Kernel-reserved failure status: the payload is not a message of this interface (as on Node). */
const BAD_REQUEST: i32 = 9
const E16: i32 = 16
const E17: i32 = 17
const E18: i32 = 18

export const NATIVE_KEYS: Array<string> = [
  KEY_LOG, KEY_STDIO, KEY_PROCESS, KEY_REGISTRY, KEY_TIME, KEY_RANDOM, KEY_PCI, KEY_INTERRUPTS, KEY_IO, KEY_LOADER
]

const EMPTY = new Uint8Array(0)

function reply (a: Action, status: i32, payload: Uint8Array): void {
  if ((a.flags & SEND_ANSWER) == 0) return
  // An answer over the kernel's size limit still answers: with TOO_LARGE and nothing else.
  if (kernel.answer(KERNEL_PID, a.id, status, payload) == TOO_LARGE) kernel.answer(KERNEL_PID, a.id, TOO_LARGE, EMPTY)
}

function ok0 (a: Action): void {
  reply(a, OK, emptyArray())
}

function emptyArray (): Uint8Array {
  const w = new Writer(4)
  w.arrayHeader(0)
  return w.toBytes()
}

/** A message for a native interface (ACTION_DELIVER). */
export function deliver (a: Action): void {
  const payload = a.payload !== null ? a.payload! : EMPTY
  const r = new Reader(payload)
  const n = r.arrayHeader()
  const index = r.u32()
  if (r.error || n == 0) { reply(a, BAD_REQUEST, EMPTY); return }
  const k = a.iface
  let handled = false
  if (k == KEY_LOG) handled = logMsg(a, r, index)
  else if (k == KEY_STDIO) handled = stdioMsg(a, r, index)
  else if (k == KEY_PROCESS) handled = processMsg(a, r, index)
  else if (k == KEY_REGISTRY) handled = registryMsg(a, r, index)
  else if (k == KEY_TIME) handled = timeMsg(a, r, index)
  else if (k == KEY_RANDOM) handled = randomMsg(a, r, index)
  else if (k == KEY_PCI) handled = pciMsg(a, r, index)
  else if (k == KEY_INTERRUPTS) handled = irqMsg(a, r, index)
  else if (k == KEY_IO) handled = ioMsg(a, r, index)
  else if (k == KEY_LOADER) handled = loaderMsg(a, r, index)
  if (!handled) reply(a, BAD_REQUEST, EMPTY)
}

function guestOf (a: Action): Guest | null {
  return guests.has(a.pid) ? guests.get(a.pid) : null
}

// ---- log, stdio, process, registry

const LEVELS: Array<string> = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']

function logMsg (a: Action, r: Reader, index: u32): bool {
  if (index != 0) return false
  const level = r.u8()
  const text = r.str()
  if (r.error) return false
  put(LEVELS[level > 5 ? 5 : <i32>level] + ' ' + guestLabel(a.pid) + ': ' + text + '\n')
  return true
}

function stdioMsg (a: Action, r: Reader, index: u32): bool {
  if (index == 0) {
    const fd = r.u8()
    const data = r.bin()
    if (r.error) return false
    if (fd != 1 && fd != 2) { reply(a, E16, EMPTY); return true }
    putBytes(data)
    const w = new Writer(8)
    w.arrayHeader(1).u32(<u32>data.length)
    reply(a, OK, w.toBytes())
    return true
  }
  if (index == 1) {
    const max = r.u32()
    if (r.error) return false
    if ((a.flags & SEND_ANSWER) == 0) return true
    readers.push(new InputRead(a.id, a.pid, max == 0 ? 1 : max))
    ttyInput()
    return true
  }
  return false
}

// ---- the serial console as standard input: a line discipline like a terminal's cooked mode
// (echo, backspace, Enter ends a line, Ctrl-D at the start of a line is end of input). The serial
// port is read only while a program waits in `stdio.read` and no driver has claimed IRQ 4.

class InputRead {
  id: f64
  pid: f64
  max: u32
  constructor (id: f64, pid: f64, max: u32) { this.id = id; this.pid = pid; this.max = max }
}
const readers = new Array<InputRead>()
const editing = new Array<u8>()
const typed = new Array<u8>()
let endOfInput = false
const echoBuf = memory.data(8)

function echo (c: u8): void {
  store<u8>(echoBuf, c)
  serial_write(echoBuf, 1)
}

/** Takes what was typed on the serial console, and answers the reads it completes. */
function ttyInput (): void {
  if (readers.length == 0 || irqOwner[4] >= 0) return
  for (;;) {
    const n = serial_read(serialBuf, 256)
    if (n == 0) break
    for (let i: u32 = 0; i < n; i++) {
      const c = load<u8>(serialBuf + <usize>i)
      if (c == 13 || c == 10) {
        echo(13); echo(10)
        for (let k = 0; k < editing.length; k++) typed.push(editing[k])
        typed.push(10)
        editing.length = 0
      } else if (c == 8 || c == 127) {
        if (editing.length > 0) { editing.pop(); echo(8); echo(32); echo(8) }
      } else if (c == 4) {
        if (editing.length == 0) endOfInput = true
        else { for (let k = 0; k < editing.length; k++) typed.push(editing[k]); editing.length = 0 }
      } else if (c >= 32 || c == 9) {
        editing.push(c)
        echo(c)
      }
    }
  }
  while (readers.length > 0 && (typed.length > 0 || endOfInput)) {
    const rd = readers.shift()
    const w = new Writer(16 + typed.length)
    if (typed.length > 0) {
      const len = min<i32>(typed.length, <i32>rd.max)
      const data = new Uint8Array(len)
      for (let k = 0; k < len; k++) data[k] = typed[k]
      typed.splice(0, len)
      w.arrayHeader(1).bin(data)
    } else {
      endOfInput = false
      w.arrayHeader(1).bin(EMPTY)
    }
    kernel.answer(KERNEL_PID, rd.id, OK, w.toBytes())
  }
}

function processMsg (a: Action, r: Reader, index: u32): bool {
  const g = guestOf(a)
  if (index == 0) {
    if (g === null) return true
    const c = g!.config
    const w = new Writer(64)
    w.arrayHeader(1).arrayHeader(<u32>c.args.length + 1).str(c.name)
    for (let i = 0; i < c.args.length; i++) w.str(c.args[i])
    reply(a, OK, w.toBytes())
    return true
  }
  if (index == 1) {
    const status = r.i32()
    if (r.error) return false
    if (g !== null) endGuest(g!, status, status != 0 ? 'exited with status ' + status.toString() : '')
    return true
  }
  if (index == 2) {
    const program = r.str()
    const n = r.arrayHeader()
    const args = new Array<string>()
    for (let i: u32 = 0; i < n; i++) args.push(r.str())
    if (r.error) return false
    if (g === null) return true
    spawnChild(a, g!, program, args)
    return true
  }
  if (index == 3) {
    const pid = <f64>r.u64()
    if (r.error) return false
    if (childExits.has(pid) && childExits.get(pid).parent == a.pid) {
      answerWait(a.id, childExits.get(pid).status)
      return true
    }
    if (!guests.has(pid) || kernel.process(pid).parent != a.pid) { reply(a, E18, EMPTY); return true }
    if ((a.flags & SEND_ANSWER) != 0) childWaits.push(new ChildWait(a.id, a.pid, pid))
    return true
  }
  return false
}

// ---- process.spawn / wait: children from the boot CAR, holding their parent's grants

let bootConfig: BootConfig | null = null

export function setConfig (c: BootConfig): void {
  bootConfig = c
}

class ChildExit {
  parent: f64
  status: i32
  constructor (parent: f64, status: i32) { this.parent = parent; this.status = status }
}
class ChildWait {
  id: f64
  parent: f64
  child: f64
  constructor (id: f64, parent: f64, child: f64) { this.id = id; this.parent = parent; this.child = child }
}
/** Exit statuses of children that ended, kept until their parent ends. */
const childExits = new Map<f64, ChildExit>()
const childExitList = new Array<f64>()
const childWaits = new Array<ChildWait>()

function answerWait (id: f64, status: i32): void {
  const w = new Writer(8)
  w.arrayHeader(1).i32(status)
  kernel.answer(KERNEL_PID, id, OK, w.toBytes())
}

function spawnChild (a: Action, parent: Guest, program: string, args: Array<string>): void {
  // A name from boot.cfg (a started program or a `file`), or a CID of the boot CAR.
  let cid = program
  let name = program
  const cfg = bootConfig
  if (cfg !== null && cfg!.names.has(program)) cid = cfg!.names.get(program)
  else if (program.length > 16) name = program.substring(0, 16)
  const car = bootCar
  if (car === null || !car!.blocks.has(cid)) { reply(a, E16, EMPTY); return }
  const file = assemble(car!, cid)
  if (file.error.length > 0) { reply(a, E17, EMPTY); return }
  const err = spawn(parent.config.child(cid, name, args), joinParts(file), parent.pid)
  if (err.length > 0) {
    klog(guestLabel(parent.pid) + ' could not spawn ' + name + ': ' + err)
    reply(a, E17, EMPTY)
    return
  }
  const w = new Writer(16)
  w.arrayHeader(1).u64(<u64>lastPid)
  reply(a, OK, w.toBytes())
}

/** A process ended: answer whoever waits for it, keep its status for its parent. */
function childEnded (pid: f64, status: i32): void {
  for (let i = 0; i < childWaits.length; i++) {
    const w = childWaits[i]
    if (w.child == pid) {
      answerWait(w.id, status)
      childWaits.splice(i, 1)
      i--
    } else if (w.parent == pid) {
      childWaits.splice(i, 1)
      i--
    }
  }
  // Its own children's statuses are no longer anyone's.
  for (let i = 0; i < childExitList.length; i++) {
    const c = childExitList[i]
    if (!childExits.has(c) || childExits.get(c).parent == pid) {
      if (childExits.has(c)) childExits.delete(c)
      childExitList.splice(i, 1)
      i--
    }
  }
  const parent = parentOf.has(pid) ? parentOf.get(pid) : -1
  if (parent > 0 && guests.has(parent)) {
    childExits.set(pid, new ChildExit(parent, status))
    childExitList.push(pid)
  }
}

/** Parents of live processes, noted at spawn (the core forgets a process once it ends). */
const parentOf = new Map<f64, f64>()

export function noteSpawned (pid: f64, parent: f64): void {
  if (parent > 0) parentOf.set(pid, parent)
}

/** Registrations held by the core (PENDING), by token = the registry message's id. */
const heldRegistrations = new Map<f64, bool>()

function registryMsg (a: Action, r: Reader, index: u32): bool {
  const digest = r.bin()
  if (r.error) return false
  if (digest.length != 32) { reply(a, E16, EMPTY); return true }
  const key = hexKey(digest)
  if (index == 0) {
    const code = kernel.register(a.pid, key, digest, a.id)
    if (code == PENDING) { heldRegistrations.set(a.id, true); return true }
    if (code == OK) ok0(a)
    else reply(a, code, EMPTY)
    return true
  }
  if (index == 1) {
    if (kernel.unregister(a.pid, key) == OK) ok0(a)
    else reply(a, E17, EMPTY)
    return true
  }
  return false
}

/** ACTION_REGISTERED: a held registration is decided. */
export function registered (token: f64, status: i32): void {
  if (!heldRegistrations.has(token)) return
  heldRegistrations.delete(token)
  if (status == OK) kernel.answer(KERNEL_PID, token, OK, emptyArray())
  else kernel.answer(KERNEL_PID, token, status, EMPTY)
}

function hexKey (d: Uint8Array): string {
  let s = ''
  for (let i = 0; i < d.length; i++) s += hex(d[i], 2)
  return s
}

// ---- time

class Timer {
  due: u64
  id: f64
  pid: f64
  constructor (due: u64, id: f64, pid: f64) { this.due = due; this.id = id; this.pid = pid }
}
const timers = new Array<Timer>()

function msNow (): f64 {
  return <f64>ticks() * 1000.0 / <f64>tick_hz()
}

function cmos (reg: u32): u32 {
  outb(0x70, reg)
  return inb(0x71)
}

function bcd (v: u32, binary: bool): u32 {
  return binary ? v : (v & 15) + (v >> 4) * 10
}

/** Days from 1970-01-01 to the date (proleptic Gregorian; Howard Hinnant's days_from_civil). */
function daysFromCivil (y0: i64, m: i64, d: i64): i64 {
  const y = m <= 2 ? y0 - 1 : y0
  const era = (y >= 0 ? y : y - 399) / 400
  const yoe = y - era * 400
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146097 + doe - 719468
}

let epochAtBoot: f64 = -1

/** Wall-clock ms since 1970 from the CMOS real-time clock (read once, then advanced by ticks). */
function wallMs (): f64 {
  if (epochAtBoot < 0) {
    while ((cmos(0x0a) & 0x80) != 0) {} // an update is in progress: its values are not stable
    const b = cmos(0x0b)
    const binary = (b & 4) != 0
    const sec = bcd(cmos(0x00), binary)
    const min = bcd(cmos(0x02), binary)
    const hourRaw = cmos(0x04)
    const pm = (b & 2) == 0 && (hourRaw & 0x80) != 0
    let hour = bcd(hourRaw & 0x7f, binary)
    if ((b & 2) == 0) hour = (hour % 12) + (pm ? 12 : 0)
    const day = bcd(cmos(0x07), binary)
    const month = bcd(cmos(0x08), binary)
    const year = 2000 + bcd(cmos(0x09), binary)
    const days = daysFromCivil(<i64>year, <i64>month, <i64>day)
    const secs = days * 86400 + <i64>hour * 3600 + <i64>min * 60 + <i64>sec
    epochAtBoot = <f64>secs * 1000.0 - msNow()
  }
  return epochAtBoot + msNow()
}

function timeMsg (a: Action, r: Reader, index: u32): bool {
  if (index == 0 || index == 1) {
    const w = new Writer(12)
    w.arrayHeader(1).f64(index == 0 ? wallMs() : msNow())
    reply(a, OK, w.toBytes())
    return true
  }
  if (index == 2) {
    const ms = r.f64()
    if (r.error) return false
    const t = ms > 0 ? <u64>Math.ceil(ms * <f64>tick_hz() / 1000.0) : 0
    timers.push(new Timer(ticks() + t, a.id, a.pid))
    return true
  }
  return false
}

// ---- random

let haveRdrand: i32 = -1
let drbgCounter: u64 = 0
const drbgSeed = new Uint8Array(40)
const rnd = memory.data(8)

function randomBytes (n: i32): Uint8Array {
  const out = new Uint8Array(n)
  if (haveRdrand < 0) {
    haveRdrand = rdrand64(rnd)
    if (haveRdrand == 0) {
      klog('no RDRAND on this CPU: random bytes come from SHA-256 over TSC samples (not for keys)')
      for (let i = 0; i < 4; i++) store<u64>(drbgSeed.dataStart + <usize>i * 8, rdtsc() ^ (ticks() << 32))
    }
  }
  let i = 0
  while (i < n) {
    let chunk: Uint8Array
    if (haveRdrand == 1 && rdrand64(rnd) == 1) {
      const c = new Uint8Array(8)
      store<u64>(c.dataStart, load<u64>(rnd))
      chunk = c
    } else {
      drbgCounter++
      store<u64>(drbgSeed.dataStart + 32, drbgCounter ^ rdtsc())
      chunk = sha256(drbgSeed.dataStart, 40)
    }
    for (let k = 0; k < chunk.length && i < n; k++) out[i++] = chunk[k]
  }
  return out
}

function randomMsg (a: Action, r: Reader, index: u32): bool {
  if (index != 0) return false
  const len = r.u32()
  if (r.error) return false
  if (len > 65536) { reply(a, E16, EMPTY); return true }
  const w = new Writer(<i32>len + 8)
  w.arrayHeader(1).bin(randomBytes(<i32>len))
  reply(a, OK, w.toBytes())
  return true
}

// ---- pci

const pciDevices = new Array<u32>()
let pciScanned = false

function cfg (addr: u32, offset: u32): u32 {
  return pci_read32(addr >> 8, (addr >> 3) & 31, addr & 7, offset)
}

/** Every PCI function present (brute force over bus/device/function, as lspci does). */
export function pciList (): Array<u32> {
  if (pciScanned) return pciDevices
  pciScanned = true
  for (let bus: u32 = 0; bus < 256; bus++) {
    for (let dev: u32 = 0; dev < 32; dev++) {
      const a0 = (bus << 8) | (dev << 3)
      if ((cfg(a0, 0) & 0xffff) == 0xffff) continue
      const fns: u32 = ((cfg(a0, 0x0c) >> 16) & 0x80) != 0 ? 8 : 1
      for (let fn: u32 = 0; fn < fns; fn++) {
        if ((cfg(a0 | fn, 0) & 0xffff) != 0xffff) pciDevices.push(a0 | fn)
      }
    }
  }
  return pciDevices
}

function pciMsg (a: Action, r: Reader, index: u32): bool {
  if (index == 0) {
    const list = pciList()
    const w = new Writer(16 + list.length * 5)
    w.arrayHeader(1).arrayHeader(<u32>list.length)
    for (let i = 0; i < list.length; i++) w.u32(list[i])
    reply(a, OK, w.toBytes())
    return true
  }
  const addr = r.u32()
  if (r.error) return false
  if (addr > 0xffff || pciList().indexOf(addr) < 0) { reply(a, E16, EMPTY); return true }
  if (index == 1) {
    const id = cfg(addr, 0)
    const header = (cfg(addr, 0x0c) >> 16) & 0x7f
    const w = new Writer(96)
    w.arrayHeader(5).u16(<u16>(id & 0xffff)).u16(<u16>(id >> 16)).u32(cfg(addr, 0x08) >> 8)
    const line = cfg(addr, 0x3c) & 0xff
    w.u8(<u8>line)
    const nbars = header == 0 ? 6 : (header == 1 ? 2 : 0)
    w.arrayHeader(<u32>nbars)
    for (let i = 0; i < nbars; i++) {
      const v = cfg(addr, 0x10 + <u32>i * 4)
      if ((v & 1) == 0 && ((v >> 1) & 3) == 2 && i + 1 < nbars) {
        w.u64(<u64>v | (<u64>cfg(addr, 0x14 + <u32>i * 4) << 32))
        w.u64(0)
        i++
      } else {
        w.u64(<u64>v)
      }
    }
    reply(a, OK, w.toBytes())
    return true
  }
  if (index == 2 || index == 3) {
    const offset = r.u16()
    const value = index == 3 ? r.u32() : 0
    if (r.error) return false
    const g = guestOf(a)
    if (g === null || g!.config.pci.indexOf(addr) < 0) { reply(a, E17, EMPTY); return true }
    if ((offset & 3) != 0 || offset >= 256) { reply(a, E18, EMPTY); return true }
    if (index == 2) {
      const w = new Writer(8)
      w.arrayHeader(1).u32(cfg(addr, offset))
      reply(a, OK, w.toBytes())
    } else {
      pci_write32(addr >> 8, (addr >> 3) & 31, addr & 7, offset, value)
      ok0(a)
    }
    return true
  }
  return false
}

// ---- interrupts

const irqOwner = new StaticArray<f64>(16)
const irqCount = new StaticArray<u32>(16)
const irqWaiting = new StaticArray<f64>(16) // id of the pending `next`, 0 if none
const serialData = new Array<u8>()
const serialBuf = memory.data(256)

export function initInterrupts (): void {
  for (let i = 0; i < 16; i++) { irqOwner[i] = -1; irqWaiting[i] = 0 }
}

function irqMsg (a: Action, r: Reader, index: u32): bool {
  const irq = <i32>r.u8()
  if (r.error || irq > 15) return false
  const g = guestOf(a)
  if (g === null) return true
  if (index == 0) {
    if (g!.config.irqs.indexOf(<u32>irq) < 0) { reply(a, E16, EMPTY); return true }
    if (irqOwner[irq] >= 0 && irqOwner[irq] != a.pid) { reply(a, E17, EMPTY); return true }
    irqOwner[irq] = a.pid
    irqCount[irq] = 0
    if (irq == 4) { serialData.length = 0; drainSerial() }
    irq_unmask(<u32>irq)
    ok0(a)
    return true
  }
  if (irqOwner[irq] != a.pid) { reply(a, E18, EMPTY); return true }
  if (index == 1) {
    if (irqWaiting[irq] != 0) { reply(a, E17, EMPTY); return true }
    irqWaiting[irq] = a.id
    fire(irq)
    return true
  }
  if (index == 2) {
    irq_ack(<u32>irq)
    ok0(a)
    return true
  }
  return false
}

function drainSerial (): void {
  for (;;) {
    const n = serial_read(serialBuf, 256)
    if (n == 0) break
    for (let i: u32 = 0; i < n; i++) serialData.push(load<u8>(serialBuf + <usize>i))
  }
}

/** Answers the pending `next` of a line that fired. */
function fire (irq: i32): void {
  const id = irqWaiting[irq]
  if (id == 0) return
  if (irq == 4) drainSerial()
  if (irqCount[irq] == 0 && !(irq == 4 && serialData.length > 0)) return
  irqWaiting[irq] = 0
  const w = new Writer(16 + serialData.length)
  w.arrayHeader(2).u32(irqCount[irq])
  if (irq == 4) {
    const data = new Uint8Array(serialData.length)
    for (let i = 0; i < serialData.length; i++) data[i] = serialData[i]
    serialData.length = 0
    w.bin(data)
  } else {
    w.bin(EMPTY)
  }
  irqCount[irq] = 0
  kernel.answer(KERNEL_PID, id, OK, w.toBytes())
}

/** Takes the IRQs that fired and the timers that are due; answers what waited for them. */
export function serviceInterrupts (): void {
  const bits = irq_take()
  if ((bits & (1 << 4)) != 0) ttyInput()
  if (bits != 0) {
    for (let irq = 0; irq < 16; irq++) {
      if ((bits & (1 << irq)) == 0 || irqOwner[irq] < 0) continue
      irqCount[irq]++
      fire(irq)
    }
  }
  if (timers.length > 0) {
    const now = ticks()
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i]
      if (t.due > now) continue
      timers.splice(i, 1)
      i--
      kernel.answer(KERNEL_PID, t.id, OK, emptyArray())
    }
  }
}

/** Whether anything outside the guests can still wake one: a timer or a claimed IRQ line. */
export function externalWork (): bool {
  if (timers.length > 0 || readers.length > 0) return true
  for (let i = 0; i < 16; i++) if (irqOwner[i] >= 0) return true
  return false
}

/** ACTION_ENDED: free what the process held here. */
export function processEnded (pid: f64, status: i32): void {
  childEnded(pid, status)
  if (parentOf.has(pid)) parentOf.delete(pid)
  for (let i = 0; i < 16; i++) {
    if (irqOwner[i] == pid) {
      irqOwner[i] = -1
      irqWaiting[i] = 0
      if (i != 0 && i != 4) irq_mask(<u32>i)
    }
  }
  for (let i = 0; i < timers.length; i++) {
    if (timers[i].pid == pid) { timers.splice(i, 1); i-- }
  }
  for (let i = 0; i < readers.length; i++) {
    if (readers[i].pid == pid) { readers.splice(i, 1); i-- }
  }
}

// ---- io

function portGranted (g: Guest, port: u32, width: u32): bool {
  const rs = g.config.ports
  for (let i = 0; i < rs.length; i++) if (rs[i].contains(<u64>port, <u64>width)) return true
  return false
}

function mmioGranted (g: Guest, addr: u64): bool {
  const rs = g.config.mmio
  for (let i = 0; i < rs.length; i++) if (rs[i].contains(addr, 4)) return true
  return false
}

function ioMsg (a: Action, r: Reader, index: u32): bool {
  const g = guestOf(a)
  if (g === null) return true
  if (index == 0 || index == 1) {
    const port = <u32>r.u16()
    const width = <u32>r.u8()
    const value = index == 1 ? r.u32() : 0
    if (r.error) return false
    if (width != 1 && width != 2 && width != 4) { reply(a, E17, EMPTY); return true }
    if (!portGranted(g!, port, width)) { reply(a, E16, EMPTY); return true }
    if (index == 0) {
      const v = width == 1 ? inb(port) : (width == 2 ? inw(port) : inl(port))
      const w = new Writer(8)
      w.arrayHeader(1).u32(v)
      reply(a, OK, w.toBytes())
    } else {
      if (width == 1) outb(port, value & 0xff)
      else if (width == 2) outw(port, value & 0xffff)
      else outl(port, value)
      ok0(a)
    }
    return true
  }
  if (index == 2 || index == 3) {
    const addr = r.u64()
    const value = index == 3 ? r.u32() : 0
    if (r.error) return false
    if ((addr & 3) != 0) { reply(a, E17, EMPTY); return true }
    if (!mmioGranted(g!, addr)) { reply(a, E16, EMPTY); return true }
    if (index == 2) {
      const w = new Writer(8)
      w.arrayHeader(1).u32(mmio_read32(addr))
      reply(a, OK, w.toBytes())
    } else {
      mmio_write32(addr, value)
      ok0(a)
    }
    return true
  }
  return false
}

// ---- loader: blocks of the boot CAR (each was checked against its CID when the CAR was read)

let bootCar: Car | null = null

export function setCar (car: Car): void {
  bootCar = car
}

function loaderMsg (a: Action, r: Reader, index: u32): bool {
  if (index != 0) return false
  const cid = r.str()
  if (r.error) return false
  const b32 = cid.length == 59 && cid.startsWith('b')
  const b58 = cid.length == 46 && cid.startsWith('Qm')
  if (!b32 && !b58) { reply(a, E17, EMPTY); return true }
  const car = bootCar
  if (car === null || !car!.blocks.has(cid)) { reply(a, E16, EMPTY); return true }
  const file = assemble(car!, cid)
  if (file.error.length > 0) { reply(a, E16, EMPTY); return true }
  const w = new Writer(file.size + 16)
  w.arrayHeader(1).binHeader(<u32>file.size)
  for (let i = 0; i < file.parts.length; i++) w.raw(file.parts[i])
  reply(a, OK, w.toBytes())
  return true
}
