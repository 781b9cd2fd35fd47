// The screen console and the shell on bare metal, as a person at the PC sees them: the default ISO
// (`wasmos iso`: the console driver program, hello and wsh) boots under SeaBIOS; the screen is
// read back with tesseract OCR (not with our own renderer); commands are typed on the emulated PS/2 keyboard through QEMU's
// monitor (`sendkey`) and their answers checked on the serial log and on the screen.
import { afterAll, beforeAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConsoleVm, consoleSkip, hasColour } from './console-vm.ts'
import { defaultPrograms, writeIso } from '../../src/cli/commands/iso.ts'
import { root } from './vm.ts'

const missingBuild = !existsSync(join(root, 'build', 'kernel.wasm')) || !existsSync(join(root, 'programs', 'build', 'wsh.wasm'))
const skip = consoleSkip !== false ? consoleSkip : (missingBuild ? 'run npm run build first (build/kernel.wasm, programs/build)' : false)
const dir = mkdtempSync(join(tmpdir(), 'wasmos-screen-'))
let vm: ConsoleVm

/** Serial output after the last prompt that precedes `command` typed now, once the next prompt shows. */
async function shell (command: string, answer: RegExp): Promise<string> {
  const before = vm.output().length
  await vm.type(command + '\n')
  const tail = (): string => vm.output().slice(before)
  await vm.waitFor(new RegExp(`${command.replace(/[.*+?^${}()|[\]\\&]/g, '\\$&')}\\n[\\s\\S]*wsh> $`), 30_000, before)
  assert.match(tail(), answer, `answer to ${command}:\n${tail()}`)
  return tail()
}

describe.skipIf(skip !== false)('the screen console and the shell', () => {
  beforeAll(async () => {
    const iso = join(dir, 'wasmos.iso')
    await writeIso(defaultPrograms(), iso)
    vm = new ConsoleVm(iso, { limitSeconds: 240 })
    await vm.waitFor(/wsh> /, 60_000)
  }, 120_000)
  afterAll(async () => {
    await vm?.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('shows the boot messages, then the console driver takes over and shows the greeting, coloured by level', async () => {
    assert.match(vm.output(), /^wasmos: console\[1\] took the screen$/m)
    const text = await vm.screenShows(/the wasmos shell/)
    const ppm = await vm.screendump()
    assert.match(text, /booted by limine/, `OCR:\n${text}`)
    assert.match(text, /Hello from wasmos/, `OCR:\n${text}`)
    assert.ok(hasColour(ppm, [0x55, 0xff, 0xff]), 'kernel lines in bright cyan')
    assert.ok(hasColour(ppm, [0x55, 0xff, 0x55]), 'INFO lines in bright green')
    assert.ok(hasColour(ppm, [0xcc, 0xcc, 0xcc]), 'program output in grey')
    // The stub's first line is on screen before the first program's.
    assert.ok(text.indexOf('booted by limine') < text.indexOf('Hello from wasmos'))
  })

  it('ls lists the programs of the boot image with their CIDs', async () => {
    const out = await shell('ls', /^hello\s+bafkrei[a-z2-7]{52}\s+\(started at boot\)$/m)
    assert.match(out, /^tictactoe\s+bafkrei[a-z2-7]{52}$/m)
    const text = await vm.screenShows(/pingpong-client/i)
    assert.match(text, /serial-echo/, `OCR:\n${text}`)
  })

  it('run hello starts the program again and waits for it; the typed command shows on screen', async () => {
    await shell('run hello', /^INFO hello\[([3-9]|\d\d+)\]: Hello from wasmos!$/m)
    await vm.screenShows(/run hello/)
  })

  it('run in the background, ps, then kill', async () => {
    const started = await shell('run pingpong-server &', /^\[(\d+)\] pingpong-server$/m)
    const pid = /^\[(\d+)\] pingpong-server$/m.exec(started)![1]
    await shell('ps', new RegExp(`^\\s+${pid}\\s+\\d+\\s+pingpong-server$`, 'm'))
    await shell(`kill ${pid}`, new RegExp(`pingpong-server\\[${pid}\\] killed by wsh`))
    const after = await shell('ps', /PID\s+PPID\s+NAME/)
    assert.doesNotMatch(after, /pingpong-server/)
  })

  it('a program run from the shell holds at most the shell\'s grants', async () => {
    await shell('grants', /^send system$/m)
    const out = await shell('run serial-echo', /serial-echo exited with status 1/)
    assert.match(out, /cannot listen to IRQ 4/)
  })

  it('lspci and unknown commands', async () => {
    await shell('lspci', /^00:00\.0 8086:1237 class 0600$/m)
    await shell('run nope', /no program nope/)
    await shell('frobnicate', /frobnicate: unknown command/)
  })

  it('scrolls: after many lines the screen shows the latest, not the first', async () => {
    await shell('help', /kill <pid>/)
    const text = await vm.screenShows(/end the shell/)
    assert.doesNotMatch(text, /booted by limine/, `OCR:\n${text}`)
  })
})
