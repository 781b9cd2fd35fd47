// A minimal kernel.wasm that proves the stub's import ABI under QEMU: greeting, command line,
// PCI list, boot module bytes, timer ticks and idle, a kernel-owned IRQ (the RTC on IRQ 8),
// IRQ-driven serial echo, and exit through isa-debug-exit.
// Serial commands once "ready" is printed: 'q' exits with status 3, '!' touches an unmapped
// address (the stub must report the page fault), 'u' executes `unreachable` (a wasm trap), 'a'
// fails an assertion (AssemblyScript's abort), '#' prints the tick count; anything else echoes.
import {
  serial_write, serial_read, pci_read32, irq_take, ticks, tick_hz, idle, exit,
  module_count, module_size, module_name, module_read, cmdline, mmio_read32, rdrand64, rdtsc,
  inb, outb, irq_mask, irq_unmask, irq_ack,
} from '../../src/kernel/bare-metal/stub'

const scratch = memory.data(256)

function putBytes (ptr: usize, len: u32): void {
  serial_write(ptr, len)
}

// Writes ASCII text, "\n" as "\r\n" (serial_write is raw), up to 250 bytes per import call.
function put (s: string): void {
  const len = <u32>s.length
  let n: u32 = 0
  for (let i: u32 = 0; i < len; i++) {
    const c = <u8>s.charCodeAt(i)
    if (c == 10) store<u8>(scratch + n++, 13)
    store<u8>(scratch + n++, c)
    if (n >= 250) { putBytes(scratch, n); n = 0 }
  }
  if (n > 0) putBytes(scratch, n)
}

function hex (v: u64, digits: i32): string {
  let s = ''
  for (let i = digits - 1; i >= 0; i--) {
    const d = <i32>((v >> (<u64>i * 4)) & 0xf)
    s += String.fromCharCode(d < 10 ? 48 + d : 87 + d)
  }
  return s
}

function listPci (): void {
  for (let bus: u32 = 0; bus < 256; bus++) {
    for (let dev: u32 = 0; dev < 32; dev++) {
      const id0 = pci_read32(bus, dev, 0, 0)
      if ((id0 & 0xffff) == 0xffff) continue
      const header = (pci_read32(bus, dev, 0, 0x0c) >> 16) & 0xff
      const fns: u32 = (header & 0x80) != 0 ? 8 : 1
      for (let fn: u32 = 0; fn < fns; fn++) {
        const id = pci_read32(bus, dev, fn, 0)
        if ((id & 0xffff) == 0xffff) continue
        const cls = pci_read32(bus, dev, fn, 0x08) >> 8
        put('pci ' + hex(bus, 2) + ':' + hex(dev, 2) + '.' + fn.toString() + ' ' +
            hex(id & 0xffff, 4) + ':' + hex(id >> 16, 4) + ' class ' + hex(cls, 6) + '\n')
      }
    }
  }
}

// FNV-1a over the module's bytes, read through module_read in 4 KiB pieces.
function showModules (): void {
  const n = module_count()
  put('modules ' + n.toString() + '\n')
  const buf = heap.alloc(4096)
  for (let i: u32 = 0; i < n; i++) {
    const size = module_size(i)
    const nameLen = module_name(i, buf, 4096)
    let name = ''
    for (let k: u32 = 0; k < nameLen; k++) name += String.fromCharCode(load<u8>(buf + k))
    let h: u32 = 0x811c9dc5
    let first = ''
    for (let off: u32 = 0; off < size; off += 4096) {
      const got = module_read(i, off, buf, min<u32>(4096, size - off))
      if (off == 0) for (let k: u32 = 0; k < min<u32>(got, 16); k++) first += String.fromCharCode(load<u8>(buf + k))
      for (let k: u32 = 0; k < got; k++) h = (h ^ load<u8>(buf + k)) * 0x01000193
    }
    put('module ' + i.toString() + ' ' + name + ' size ' + size.toString() + ' fnv1a ' + hex(h, 8) + ' starts ' + first + '\n')
  }
  heap.free(buf)
}

// A kernel-owned IRQ through the slave PIC: the CMOS RTC's periodic interrupt (IRQ 8, 1024 Hz)
// for 100 ticks. The stub masks the line each time it fires; reading RTC register C acknowledges
// the device and irq_ack unmasks the line. Returns the other IRQs it took.
function rtcInterrupts (): u32 {
  outb(0x70, 0x8b)                      // register B (bit 7 keeps NMIs off while selecting)
  const b = inb(0x71)
  outb(0x70, 0x8b)
  outb(0x71, b | 0x40)                  // periodic interrupt enable
  outb(0x70, 0x0c)
  inb(0x71)                             // clear anything pending
  irq_unmask(8)
  let count = 0
  let other: u32 = 0
  const t0 = ticks()
  while (ticks() - t0 < 100) {
    const p = irq_take()
    if (p & (1 << 8)) {
      outb(0x70, 0x0c)
      inb(0x71)
      count++
      irq_ack(8)
    }
    other |= p & ~(1 | (1 << 8))
    idle()
  }
  irq_mask(8)
  outb(0x70, 0x8b)
  outb(0x71, b & ~0x40)
  outb(0x70, 0x0d)                      // back to a harmless register, NMIs on
  inb(0x71)
  put('rtc irqs ' + count.toString() + '\n')
  return other
}

export function kmain (): void {
  put('wasmos test kernel: hello from kernel.wasm\n')
  const cl = cmdline(scratch, 256)
  let c = ''
  for (let k: u32 = 0; k < min<u32>(cl, 256); k++) c += String.fromCharCode(load<u8>(scratch + k))
  put('cmdline ' + c + '\n')
  listPci()
  showModules()
  const r = rdrand64(scratch)
  put('rdrand ' + (r ? 'yes' : 'no') + '\n')
  // Timer: wait ~50 ms of ticks using idle, which proves IRQ 0 wakes hlt.
  const hz = tick_hz()
  const t0 = ticks()
  let wakes = 0
  // idle returns at once while an IRQ is pending, so take them (keeping any but the timer's).
  let carried: u32 = 0
  while (ticks() - t0 < <u64>(hz / 20)) { carried |= irq_take() & ~1; idle(); wakes++ }
  const tsc0 = rdtsc()
  put('ticks ok hz ' + hz.toString() + ' waited ' + (ticks() - t0).toString() + ' wakes ' + wakes.toString() + '\n')
  put('rdtsc ' + (rdtsc() > tsc0 ? 'advances' : 'stuck') + '\n')
  carried |= rtcInterrupts()
  put('ready\n')
  while (true) {
    const pending = irq_take() | carried
    carried = 0
    if (pending & (1 << 4)) {
      const n = serial_read(scratch, 256)
      for (let i: u32 = 0; i < n; i++) {
        const b = load<u8>(scratch + i)
        if (b == 0x71 /* q */) { put('bye\n'); exit(3); return }
        if (b == 0x21 /* ! */) { put('faulting\n'); mmio_read32(0x40_0000_0000) }
        if (b == 0x23 /* # */) { put('ticks ' + ticks().toString() + '\n'); continue }
        if (b == 0x75 /* u */) { put('trapping\n'); unreachable() }
        if (b == 0x61 /* a */) { put('aborting\n'); assert(n == 0, 'test abort') }
        putBytes(scratch + i, 1)
      }
    }
    if (pending == 0) idle()
  }
}
