// buildIso (bare-metal/iso.ts): builds a Limine ISO from the stub's kernel ELF and boot modules,
// boots it to check the kernel sees the modules and command line, and checks the errors.
import { afterAll, beforeAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { buildIso, IsoError, limineConfig } from '../../bare-metal/iso.ts'
import { boot, make, skipReason, testBuild } from './vm.ts'

const dir = mkdtempSync(join(tmpdir(), 'wasmos-iso-test-'))
const kernelElf = join(testBuild, 'kernel.elf')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(skipReason !== false)('buildIso', () => {
  beforeAll(() => make('elf'))

  it('makes a bootable ISO whose kernel sees the modules, in order, and the command line', async () => {
    writeFileSync(join(dir, 'a.bin'), 'first module')
    writeFileSync(join(dir, 'b.bin'), 'second module, a little longer')
    const out = join(dir, 'out', 'wasmos.iso')
    await buildIso({
      kernelElf,
      modules: [join(dir, 'a.bin'), { path: join(dir, 'b.bin'), name: 'programs.car' }],
      cmdline: 'grants=log,time  mode=test',
      out,
    })
    assert.ok(statSync(out).size < 5_000_000, 'a BIOS and UEFI image stays small')
    assert.deepEqual(readdirSync(join(dir, 'out')), ['wasmos.iso'], 'no temporary file left')
    const vm = boot(out)
    try {
      await vm.waitFor(/^ready$/m)
      assert.match(vm.output(), /^cmdline grants=log,time mode=test$/m)
      assert.match(vm.output(), /^modules 2$/m)
      assert.match(vm.output(), /^module 0 a\.bin size 12 .* starts first module$/m)
      assert.match(vm.output(), /^module 1 programs\.car size 30 .* starts second module, a$/m)
    } finally {
      vm.kill()
    }
  })

  it('rejects a missing kernel or module with ISO_INPUT_MISSING and writes nothing', async () => {
    const out = join(dir, 'missing.iso')
    await assert.rejects(buildIso({ kernelElf: join(dir, 'nope.elf'), out }),
      (e: unknown) => e instanceof IsoError && e.code === 'ISO_INPUT_MISSING' && /nope\.elf/.test(e.message))
    await assert.rejects(buildIso({ kernelElf, modules: [join(dir, 'nope.car')], out }),
      (e: unknown) => e instanceof IsoError && e.code === 'ISO_INPUT_MISSING')
    assert.equal(existsSync(out), false)
  })

  it('rejects module names and command lines the boot loader would misread', async () => {
    writeFileSync(join(dir, 'm.bin'), 'x')
    const out = join(dir, 'bad.iso')
    await assert.rejects(buildIso({ kernelElf, modules: [{ path: join(dir, 'm.bin'), name: 'a b' }], out }),
      (e: unknown) => e instanceof IsoError && e.code === 'ISO_BAD_NAME')
    await assert.rejects(buildIso({ kernelElf, modules: [join(dir, 'm.bin'), join(dir, 'm.bin')], out }),
      (e: unknown) => e instanceof IsoError && e.code === 'ISO_BAD_NAME' && /two modules/.test(e.message))
    await assert.rejects(buildIso({ kernelElf, cmdline: 'a=$(reboot)', out }),
      (e: unknown) => e instanceof IsoError && e.code === 'ISO_BAD_CMDLINE')
    assert.equal(existsSync(out), false)
  })

  it('stops when its signal is aborted and leaves no output', async () => {
    const out = join(dir, 'aborted.iso')
    const ac = new AbortController()
    const p = buildIso({ kernelElf, out, signal: ac.signal })
    ac.abort()
    await assert.rejects(p, (e: unknown) => e instanceof IsoError && e.code === 'ABORT_ERR')
    assert.equal(existsSync(out), false)
  })
})

it('limineConfig lists the kernel with its command line, then the modules (Limine 8.x keys)', () => {
  assert.equal(limineConfig(' a=1  b ', ['x.car']), [
    'timeout: 0', 'quiet: yes', '/wasmos', '    protocol: limine', '    kernel_path: boot():/boot/kernel.elf',
    '    cmdline: a=1 b', '    module_path: boot():/boot/modules/x.car', '    module_cmdline: x.car', '',
  ].join('\n'))
})
