// Test helper: boots the real build/kernel.wasm in V8 with a JavaScript stand-in for the x86_64
// stub's imports (serial out, boot modules, ticks; no devices: PCI reads all ones, ports read 0).
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { bootImage, type IsoProgram } from '../../src/cli/commands/iso.ts'

export const kernelPath = join(import.meta.dirname, '..', '..', 'build', 'kernel.wasm')

class MachineExit extends Error {
  readonly code: number
  constructor (code: number) { super(`exit ${code}`); this.code = code }
}

export interface BootModule { name: string, data: Uint8Array }

/** The boot modules `wasmos iso` would put on an ISO for these programs. */
export async function modulesOf (programs: IsoProgram[]): Promise<BootModule[]> {
  const image = await bootImage(programs)
  return [{ name: 'programs.car', data: image.car }, { name: 'boot.cfg', data: Buffer.from(image.config) }]
}

/** Boots kernel.wasm (or `kernel`) with these boot modules; returns the console ("\n" line ends) and exit code. */
export async function bootInV8 (modules: BootModule[], kernel = kernelPath): Promise<{ out: string, code: number }> {
  if (!existsSync(kernel)) throw new Error(`no ${kernel}: run npm run build -- kernel-wasm`)
  let memory: WebAssembly.Memory | null = null
  const u8 = (): Uint8Array => new Uint8Array(memory!.buffer)
  const t0 = performance.now()
  let out = ''
  const stub = {
    serial_write: (p: number, n: number) => { out += Buffer.from(u8().slice(p, p + n)).toString('utf8') },
    serial_read: () => 0,
    inb: () => 0,
    inw: () => 0,
    inl: () => 0,
    outb: () => {},
    outw: () => {},
    outl: () => {},
    mmio_read32: () => 0,
    mmio_write32: () => {},
    pci_read32: () => 0xffffffff,
    pci_write32: () => {},
    irq_take: () => 0,
    irq_mask: () => {},
    irq_unmask: () => {},
    irq_ack: () => {},
    ticks: () => BigInt(Math.floor(performance.now() - t0)),
    tick_hz: () => 1000,
    rdtsc: () => BigInt(Math.floor(performance.now() * 1e6)),
    // No screen: the kernel's console stays on serial.
    screen_mode: () => 0,
    screen_release: () => {},
    screen_blit: () => {},
    screen_scroll: () => {},
    idle: () => { const until = performance.now() + 1; while (performance.now() < until) { /* a tick passes */ } },
    rdrand64: () => 0,
    cmdline: () => 0,
    module_count: () => modules.length,
    module_size: (i: number) => modules[i]?.data.length ?? 0,
    module_name: (i: number, p: number, cap: number) => {
      const n = Buffer.from(modules[i].name)
      u8().set(n.subarray(0, cap), p)
      return n.length
    },
    module_read: (i: number, off: number, p: number, len: number) => {
      const d = modules[i].data.subarray(off, off + len)
      u8().set(d, p)
      return d.length
    },
    abort: () => { throw new Error('kernel.wasm aborted') },
    exit: (code: number) => { throw new MachineExit(code) }
  }
  const { instance } = await WebAssembly.instantiate(readFileSync(kernel), { stub })
  memory = instance.exports.memory as WebAssembly.Memory
  try {
    (instance.exports.kmain as () => void)()
  } catch (err) {
    if (err instanceof MachineExit) return { out: out.replaceAll('\r\n', '\n'), code: err.code }
    throw err
  }
  return { out: out.replaceAll('\r\n', '\n'), code: -1 }
}
