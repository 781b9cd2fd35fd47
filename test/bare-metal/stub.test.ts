// Boots the bare-metal stub with the AssemblyScript test kernel (bare-metal/test-kernel) under
// QEMU and checks everything kernel.wasm does through the stub's imports: serial output, PCI
// configuration space, the boot module's bytes and the command line, timer ticks and idle,
// IRQ-driven serial input, isa-debug-exit, wasm traps, AssemblyScript aborts, CPU exceptions.
import { afterAll, beforeAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, writeFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { boot, makeIso, skipReason, type Vm } from './vm.ts'

const dir = mkdtempSync(join(tmpdir(), 'wasmos-bare-metal-'))
const iso = join(dir, 'test.iso')
// The module is ASCII so the kernel's "starts ..." echo is printable; 20000 bytes make the
// kernel read it in several module_read calls.
const moduleBytes = Buffer.from(('guest-module ' + randomBytes(10000).toString('hex')).slice(0, 20000), 'latin1')
const nonce = randomBytes(6).toString('hex')

function fnv1a (bytes: Uint8Array): string {
  let h = 0x811c9dc5
  for (const b of bytes) h = Math.imul(h ^ b, 0x01000193) >>> 0
  return h.toString(16).padStart(8, '0')
}

beforeAll(() => {
  if (skipReason) return
  writeFileSync(join(dir, 'guest.bin'), moduleBytes)
  makeIso({ ISO: iso, MODULES: join(dir, 'guest.bin'), CMDLINE: `wasmos.test nonce=${nonce}` })
})
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(skipReason !== false)('bare-metal stub with the test kernel', () => {
  let vm: Vm
  beforeAll(async () => {
    vm = boot(iso)
    await vm.waitFor(/^ready$/m)
  })
  afterAll(() => vm.kill())

  it('prints the stub banner, then the greeting from kernel.wasm', async ({ annotate }) => {
    assert.match(vm.output(), /^wasmos stub: booted by limine, cmdline "wasmos\.test nonce=[0-9a-f]+"$/m)
    assert.match(vm.output(), /^wasmos test kernel: hello from kernel\.wasm$/m)
    await annotate(`first serial byte after ${(await vm.firstByteMs).toFixed(0)} ms`)
  })

  it('hands the command line to the kernel', () => {
    assert.match(vm.output(), new RegExp(`^cmdline wasmos\\.test nonce=${nonce}$`, 'm'))
  })

  it('lists the PCI devices of QEMU\'s default machine through pci_read32', () => {
    const devices = [...vm.output().matchAll(/^pci (\S+) ([0-9a-f]{4}:[0-9a-f]{4}) class ([0-9a-f]{6})$/gm)]
      .map((m) => `${m[1]} ${m[2]} ${m[3]}`)
    assert.deepEqual(devices, [
      '00:00.0 8086:1237 060000', // i440FX host bridge
      '00:01.0 8086:7000 060100', // PIIX3 ISA bridge
      '00:01.1 8086:7010 010180', // PIIX3 IDE
      '00:01.3 8086:7113 068000', // PIIX4 ACPI
      '00:02.0 1234:1111 030000', // VGA
      '00:03.0 8086:100e 020000', // e1000
    ])
  })

  it('copies the boot module\'s bytes into kernel memory', () => {
    assert.match(vm.output(), /^modules 1$/m)
    const line = vm.output().match(/^module 0 (\S+) size (\d+) fnv1a ([0-9a-f]{8}) starts (.*)$/m)
    assert.ok(line, vm.output())
    assert.equal(line[1], 'guest.bin')
    assert.equal(Number(line[2]), moduleBytes.length)
    assert.equal(line[3], fnv1a(moduleBytes))
    assert.equal(line[4], moduleBytes.subarray(0, 16).toString('latin1'))
  })

  it('ticks at the advertised rate and wakes idle with the timer', () => {
    const m = vm.output().match(/^ticks ok hz (\d+) waited (\d+) wakes (\d+)$/m)
    assert.ok(m, vm.output())
    assert.equal(Number(m[1]), 1000)
    assert.ok(Number(m[2]) >= 50 && Number(m[2]) < 1000, `waited ${m[2]} ticks`)
    assert.ok(Number(m[3]) >= 1)
    assert.match(vm.output(), /^rdtsc advances$/m)
  })

  it('delivers a kernel-owned IRQ through the slave PIC (RTC, IRQ 8) with mask, ack and port I/O', () => {
    const m = vm.output().match(/^rtc irqs (\d+)$/m)
    assert.ok(m, vm.output())
    // 1024 Hz for 100 ms; TCG timing varies, but each interrupt must have been acknowledged for
    // the next one to arrive, so many of them prove the ack/unmask cycle.
    assert.ok(Number(m[1]) >= 20, `only ${m[1]} RTC interrupts`)
  })

  it('echoes bytes received on COM1 through the IRQ 4 path', async () => {
    // Digits only: the test kernel treats some letters ('q', 'a', 'u') as commands.
    const text = `echo ${randomBytes(8).readBigUInt64LE()}`
    vm.send(text)
    await vm.waitFor(new RegExp(`^ready\\n${text}`, 'm'))
    vm.send('#')
    const m = await vm.waitFor(/ticks (\d+)\n/)
    assert.ok(Number(m[1]) > 0)
  })

  it('exits through isa-debug-exit with the kernel\'s status', async () => {
    vm.send('q')
    await vm.waitFor(/^bye$/m)
    assert.equal(await vm.exited, (3 << 1) | 1)
  })
})

describe.skipIf(skipReason !== false)('bare-metal stub failures', () => {
  it('reports a CPU exception (page fault) with its vector on serial and halts', async () => {
    const vm = boot(iso)
    try {
      await vm.waitFor(/^ready$/m)
      vm.send('!')
      const m = await vm.waitFor(/CPU exception (\d+) \(([^)]*)\) error ([0-9a-f]+) at rip ([0-9a-f]+) .* cr2 ([0-9a-f]+)\n.*halted/)
      assert.equal(m[1], '14')
      assert.equal(m[2], '#PF page fault')
      assert.equal(m[5], 'ffff804000000000') // the unmapped address the kernel read, at Limine's direct map (0xffff800000000000 + physical)
    } finally {
      vm.kill()
    }
  })

  it('reports a wasm trap in kernel.wasm and exits with status 0x7f', async () => {
    const vm = boot(iso)
    try {
      await vm.waitFor(/^ready$/m)
      vm.send('u')
      await vm.waitFor(/kernel\.wasm trapped: Unreachable instruction executed/)
      assert.equal(await vm.exited, (0x7f << 1) | 1)
    } finally {
      vm.kill()
    }
  })

  it('prints an AssemblyScript abort with its message and location, exits with 0x7e', async () => {
    const vm = boot(iso)
    try {
      await vm.waitFor(/^ready$/m)
      vm.send('a')
      await vm.waitFor(/kernel abort: test abort at bare-metal\/test-kernel\/kernel\.ts:\d+:\d+/)
      assert.equal(await vm.exited, (0x7e << 1) | 1)
    } finally {
      vm.kill()
    }
  })
})
