// The Limine ISO (`wasmos iso`, bare-metal/iso.ts): one hybrid image that boots under SeaBIOS from
// a CD and as a disk (how a USB stick boots), and under UEFI firmware (OVMF). Each boot must show
// the stub's banner and hello's greeting on the serial console; the UEFI boot is also read back
// from the screen with OCR. OVMF's own start takes about a minute under TCG.
import { afterAll, beforeAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConsoleVm, consoleSkip, ovmfSkip } from './console-vm.ts'
import { defaultPrograms, writeIso } from '../../src/cli/commands/iso.ts'
import { root } from './vm.ts'

const missingBuild = !existsSync(join(root, 'build', 'kernel.wasm')) || !existsSync(join(root, 'programs', 'build', 'wsh.wasm'))
const skip = consoleSkip !== false ? consoleSkip : (missingBuild ? 'run npm run build first (build/kernel.wasm, programs/build)' : false)
const dir = mkdtempSync(join(tmpdir(), 'wasmos-limine-'))
const iso = join(dir, 'wasmos.iso')
const ESP_GUID = Buffer.from('28732ac11ff8d211ba4b00a0c93ec93b', 'hex') // C12A7328-F81F-11D2-BA4B-00A0C93EC93B, mixed-endian

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(skip !== false)('the Limine ISO', () => {
  beforeAll(async () => { await writeIso(defaultPrograms(), iso) }, 120_000)

  it('is a hybrid image: an MBR, and a GPT with an EFI system partition for USB sticks under UEFI', () => {
    const head = readFileSync(iso).subarray(0, 64 * 1024)
    assert.equal(head.readUInt16LE(510), 0xaa55, 'MBR boot signature')
    assert.equal(head.subarray(512, 520).toString('latin1'), 'EFI PART', 'GPT header at LBA 1')
    const entries = head.readBigUInt64LE(512 + 72)
    const count = head.readUInt32LE(512 + 80)
    const size = head.readUInt32LE(512 + 84)
    let esp = false
    for (let i = 0; i < count; i++) {
      const at = Number(entries) * 512 + i * size
      if (at + 16 <= head.length && head.subarray(at, at + 16).equals(ESP_GUID)) esp = true
    }
    assert.ok(esp, 'an EFI system partition in the GPT')
  })

  async function bootAndGreet (opts: { disk?: boolean, uefi?: boolean }, ms: number): Promise<ConsoleVm> {
    const vm = new ConsoleVm(iso, { ...opts, limitSeconds: Math.ceil(ms / 1000) + 30 })
    try {
      await vm.waitFor(/^wasmos stub: booted by limine, cmdline ""$/m, ms)
      await vm.waitFor(/^INFO hello\[\d+\]: Hello from wasmos!$/m, 30_000)
      await vm.waitFor(/wsh> /, 30_000)
    } catch (e) {
      await vm.stop()
      throw e
    }
    return vm
  }

  it('boots from a CD under SeaBIOS', async ({ annotate }) => {
    const vm = await bootAndGreet({}, 60_000)
    await annotate(`first serial byte after ${vm.firstSerialMs.toFixed(0)} ms`)
    await vm.stop()
  }, 120_000)

  it('boots as a hard disk (as from a USB stick) under SeaBIOS, through limine bios-install', async () => {
    const vm = await bootAndGreet({ disk: true }, 60_000)
    await vm.stop()
  }, 120_000)

  it.skipIf(ovmfSkip !== false)('boots under UEFI (OVMF), the greeting on serial and on the screen', async ({ annotate }) => {
    const vm = await bootAndGreet({ uefi: true }, 240_000)
    try {
      await annotate(`first serial byte after ${vm.firstSerialMs.toFixed(0)} ms (firmware start included)`)
      const text = await vm.screenShows(/Hello from wasmos/)
      assert.match(text, /booted by limine/, `OCR of the screen:\n${text}`)
    } finally {
      await vm.stop()
    }
  }, 330_000)
})
