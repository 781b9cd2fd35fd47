// Boots the real kernel.wasm (the kernel core + the interpreter + the bare-metal host adapter,
// build/kernel.wasm) under the x86_64 stub in QEMU, with real programs from programs/build packed
// by `wasmos iso`'s code into a CAR and a boot configuration, and checks the serial console:
// hello, ping-pong (the total equal to Node's), lspci on QEMU's default machine, grants refused,
// a trapping / looping / memory-hungry guest contained, time/random/loader/io/pci and their grants,
// interrupt-driven input (serial IRQ 4 echoed; a PS/2 keyboard driver on IRQ 1 with keys sent
// through QEMU's monitor), a corrupted CAR block refused, and the `wasmos iso` command itself.
import { afterAll, beforeAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { connect } from 'node:net'
import { randomBytes, randomInt } from 'node:crypto'
import { boot, root, skipReason } from './vm.ts'
import { bootImage, kernelElf, writeIso, type IsoProgram } from '../../src/cli/commands/iso.ts'
import { buildIso } from '../../bare-metal/iso.ts'

const node = join(root, 'node_modules', '.bin', 'node')
const dir = mkdtempSync(join(tmpdir(), 'wasmos-kernel-'))
const missingBuild = !existsSync(join(root, 'build', 'kernel.wasm')) || !existsSync(join(root, 'programs', 'build', 'lspci.wasm'))
const skip = skipReason !== false ? skipReason : (missingBuild ? 'run npm run build first (build/kernel.wasm, programs/build)' : false)

function program (name: string, extra: Partial<IsoProgram> = {}): IsoProgram {
  return { name, bytes: readFileSync(join(root, 'programs', 'build', `${name}.wasm`)), ...extra }
}

/** Builds an ISO with these programs, boots it, and returns the serial output once QEMU exits. */
async function run (name: string, programs: IsoProgram[], limitSeconds = 60): Promise<{ out: string, status: number | null }> {
  const iso = join(dir, `${name}.iso`)
  await writeIso(programs, iso)
  const vm = boot(iso, limitSeconds)
  const status = await vm.exited
  return { out: vm.output(), status }
}

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe.skipIf(skip !== false)('kernel.wasm on bare metal', () => {
  beforeAll(() => { kernelElf() })

  it('boots hello: the greeting, then every program has ended and the machine exits 0', async () => {
    const { out, status } = await run('hello', [program('hello')])
    assert.match(out, /wasmos: kernel core \+ interpreter ready/)
    assert.match(out, /^INFO hello\[1\]: Hello from wasmos!$/m)
    assert.match(out, /^wasmos: all programs ended$/m)
    assert.equal(status, 1, 'isa-debug-exit status (0 << 1) | 1')
  })

  it('runs the ping-pong pair with the same total as on Node, and lspci lists QEMU\'s devices', async () => {
    const n = randomInt(200, 700)
    const nodeOut = execFileSync(node, ['src/cli/main.ts', 'run', '--allow=pingpong', '--handler',
      'pingpong=programs/build/pingpong-server.wasm', 'programs/build/pingpong-client.wasm', String(n)], { cwd: root, encoding: 'utf8' })
    const nodeTotal = /total: (\d+)/.exec(nodeOut)?.[1]
    assert.equal(nodeTotal, String(n * (n + 1) / 2))
    const { out, status } = await run('pingpong', [
      program('pingpong-server', { handle: ['pingpong'] }),
      program('lspci', { send: ['pci'] }),
      program('pingpong-client', { args: [String(n)], send: ['pingpong'] })
    ])
    assert.match(out, new RegExp(`^total: ${nodeTotal}$`, 'm'))
    // QEMU's default (i440FX) machine.
    assert.match(out, /^00:00\.0 Host bridge \[0600\]: Intel Corporation \[8086:1237\]$/m)
    assert.match(out, /^00:01\.0 ISA bridge \[0601\]: Intel Corporation \[8086:7000\]$/m)
    assert.match(out, /^00:01\.1 IDE interface \[0101\]: Intel Corporation \[8086:7010\]$/m)
    assert.match(out, /^00:01\.3 Bridge \[0680\]: Intel Corporation \[8086:7113\]/m)
    assert.match(out, /^00:02\.0 VGA compatible controller \[0300\]: QEMU \(Bochs\) \[1234:1111\]$/m)
    assert.match(out, /^00:03\.0 Ethernet controller \[0200\]: Intel Corporation \[8086:100e\]/m)
    assert.match(out, /^ {8}bar0 mem 0xfd000000 prefetchable$/m)
    // The server still waits for pings when the others are done: nothing can wake it.
    assert.match(out, /every program waits for a message that cannot come \(1 left\): halting/)
    assert.equal(status, 1)
  })

  it('contains a trapping, a looping and a memory-hungry guest; refuses what was not granted', async () => {
    const n = randomInt(100, 300)
    const { out, status } = await run('contain', [
      program('pingpong-server', { handle: ['pingpong'] }),
      program('spin', { cpuMs: 1500 }),
      program('trap'),
      program('membomb', { maxPages: 40 }),
      program('lspci'), // no pci grant
      program('pingpong-client', { args: [String(n)], send: ['pingpong'] }),
      program('hello')
    ], 90)
    assert.match(out, /INFO spin\[2\]: spinning/)
    assert.match(out, /INFO trap\[3\]: about to trap/)
    assert.match(out, /^wasmos: trap\[3\] trapped: out of bounds memory access: ended$/m)
    assert.match(out, /^memory\.grow failed at 40 pages$/m)
    assert.match(out, /^wasmos: lspci\[5\] may not send to pci: not granted by the boot configuration$/m)
    assert.match(out, /^ERROR lspci\[5\]: pci list failed: status 1$/m)
    assert.match(out, new RegExp(`^total: ${n * (n + 1) / 2}$`, 'm'))
    assert.match(out, /^INFO hello\[7\]: Hello from wasmos!$/m)
    // The others finished while spin was still running: it was preempted, then ended at its limit.
    const spinEnd = out.search(/wasmos: spin\[2\] ran \d+ ms without waiting \(limit 1500 ms\): ended/)
    assert.ok(spinEnd > 0, out)
    assert.ok(out.indexOf('total: ') < spinEnd, 'ping-pong finished while spin was running')
    assert.match(out, /every program waits for a message that cannot come \(1 left\): halting/)
    assert.equal(status, 1)
  })

  it('serves time, random, loader, io and pci natively, within what the boot configuration grants', async () => {
    const hello = program('hello')
    const { cids } = await bootImage([hello])
    const { out } = await run('probe', [hello, program('hwprobe', {
      args: [cids[0]], send: ['time', 'random', 'loader', 'io', 'pci'], ports: [[0x70, 2]], pci: ['00:03.0']
    })])
    const now = Number(/^time\.now: status 0 ms (\d+)$/m.exec(out)?.[1])
    assert.ok(Math.abs(now - Date.now()) < 120_000, `RTC time ${now} vs host ${Date.now()}`)
    const slept = Number(/^time\.sleep\(50\): status 0 took (\d+) ms$/m.exec(out)?.[1])
    assert.ok(slept >= 50 && slept < 1000, `slept ${slept} ms`)
    const rnd = /^random\.bytes\(16\): status 0 ([0-9a-f]{32})$/m.exec(out)?.[1]
    assert.ok(rnd !== undefined && rnd !== '0'.repeat(32), out)
    assert.match(out, new RegExp(`^loader\\.load: status 0 ${hello.bytes.length} bytes, magic 0061736d$`, 'm'))
    assert.match(out, /^loader\.load\(not-a-cid\): status 17$/m)
    assert.match(out, /^io cmos status register A: status 0\/0$/m)
    assert.match(out, /^io port 0x60: status 16$/m, 'an ungranted port is refused')
    assert.match(out, /^io mmio 0xfebf0000: status 16$/m, 'an ungranted physical range is refused')
    assert.match(out, /^pci\.read 00:03\.0 \+0: status 0 value 100e8086$/m)
    assert.match(out, /^pci\.read 00:02\.0 \+0: status 17$/m, 'an ungranted device is refused')
    assert.match(out, /^pci\.read 00:03\.0 \+2: status 18$/m)
    assert.match(out, /^wasmos: all programs ended$/m)
  })

  it('echoes bytes typed on the serial port through the interrupts interface (IRQ 4)', async () => {
    const iso = join(dir, 'echo.iso')
    await writeIso([program('serial-echo', { send: ['interrupts'], irqs: [4] })], iso)
    const vm = boot(iso, 60)
    try {
      await vm.waitFor(/serial-echo: listening on IRQ 4\n/)
      const token = randomBytes(6).toString('hex')
      vm.send(`${token}\r`)
      await vm.waitFor(new RegExp(`listening on IRQ 4\\n${token}\\n`))
      const second = randomBytes(4).toString('hex')
      vm.send(second)
      await vm.waitFor(new RegExp(`${token}\\n${second}`))
    } finally {
      vm.kill()
    }
    await vm.exited
  })

  it('gives stdio.read the serial console with a terminal\'s line editing (echo, backspace, Enter)', async () => {
    const iso = join(dir, 'ttt.iso')
    await writeIso([program('tictactoe')], iso)
    const vm = boot(iso, 60)
    try {
      await vm.waitFor(/Your move \(1-9, q to quit\): $/)
      // "x", backspace, "q", Enter: the program must get "q" alone, or it would complain.
      vm.send('x\x7fq\r')
      await vm.waitFor(/^Final score: wins=0 losses=0 draws=0$/m)
      assert.ok(vm.output().includes('Your move (1-9, q to quit): x\b \bq\n'), vm.output())
      assert.doesNotMatch(vm.output(), /Type a square/)
      await vm.waitFor(/^wasmos: all programs ended$/m)
    } finally {
      vm.kill()
    }
  })

  it('runs a PS/2 keyboard driver: IRQ 1 (masked by the stub until acknowledged) and granted ports', async () => {
    const iso = join(dir, 'kbd.iso')
    await writeIso([program('ps2-keyboard', { send: ['interrupts', 'io'], irqs: [1], ports: [[0x60, 1], [0x64, 1]] })], iso)
    const sock = join(dir, 'monitor.sock')
    const child = spawn('timeout', ['-k', '2', '60', 'qemu-system-x86_64', '-accel', 'tcg', '-cdrom', iso, '-serial', 'stdio',
      '-display', 'none', '-monitor', `unix:${sock},server,nowait`, '-no-reboot', '-m', '256M'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (c: Buffer) => { out = (out + c.toString('latin1')).replaceAll('\r\n', '\n') })
    const waitFor = async (re: RegExp, ms = 20_000): Promise<void> => {
      const until = Date.now() + ms
      while (!re.test(out)) {
        if (Date.now() > until || child.exitCode !== null) throw new Error(`no ${re} in:\n${out}`)
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
    }
    try {
      await waitFor(/ps2-keyboard: listening on IRQ 1\n/)
      const monitor = connect(sock)
      await new Promise((resolve, reject) => { monitor.once('connect', resolve); monitor.once('error', reject) })
      // Random letters and digits, one key press per interrupt (or several, if they pile up).
      const word = randomBytes(8).toString('hex')
      for (const ch of word) {
        monitor.write(`sendkey ${ch}\n`)
        await new Promise((resolve) => setTimeout(resolve, 60))
      }
      monitor.write('sendkey shift-w\nsendkey ret\n')
      await waitFor(new RegExp(`listening on IRQ 1\\n${word}W\\n`))
      monitor.end()
    } finally {
      child.kill('SIGTERM')
    }
  })

  it('refuses a program whose CAR block is corrupted, and still runs the others', async () => {
    const hello = program('hello')
    const image = await bootImage([hello, program('pingpong-server', { handle: ['pingpong'] }),
      program('pingpong-client', { args: ['50'], send: ['pingpong'] })])
    const car = Buffer.from(image.car)
    const at = car.indexOf(Buffer.from(hello.bytes))
    assert.ok(at > 0)
    car[at + Math.floor(hello.bytes.length / 2)] ^= 0x40
    writeFileSync(join(dir, 'programs.car'), car)
    writeFileSync(join(dir, 'boot.cfg'), image.config)
    const iso = join(dir, 'corrupt.iso')
    await buildIso({ kernelElf: kernelElf(), modules: [join(dir, 'programs.car'), join(dir, 'boot.cfg')], out: iso })
    const vm = boot(iso, 60)
    const status = await vm.exited
    const out = vm.output()
    const cid = image.cids[0]
    assert.match(out, new RegExp(`^wasmos: boot CAR: block ${cid} is corrupted \\(its sha2-256 does not match the CID\\): refused$`, 'm'))
    assert.match(out, new RegExp(`^wasmos: program hello \\(${cid}\\) refused: block ${cid} is corrupted$`, 'm'))
    assert.doesNotMatch(out, /Hello from wasmos/)
    assert.match(out, /^total: 1275$/m)
    assert.equal(status, 1)
  })

  it('`wasmos iso` packs programs given as files or CIDs with their grants, and the image boots', async () => {
    const iso = join(dir, 'cli.iso')
    // hello by CID, from a program store of its own.
    const env = { ...process.env, WASMOS_HOME: join(dir, 'home') }
    const helloCid = execFileSync(node, ['src/cli/main.ts', 'publish', 'programs/build/hello.wasm'], { cwd: root, encoding: 'utf8', env }).trim()
    assert.match(helloCid, /^bafkrei[a-z2-7]{52}$/)
    const out = execFileSync(node, ['src/cli/main.ts', 'iso', '--program', helloCid,
      '--program', 'programs/build/pingpong-client.wasm 30', '--program', 'programs/build/pingpong-server.wasm',
      '--handler', 'pingpong=pingpong-server', '-o', iso, '--json'], { cwd: root, encoding: 'utf8', env })
    const packed = JSON.parse(out) as { iso: string, programs: Array<{ name: string, cid: string, args: string[] }> }
    assert.deepEqual(packed.programs.map((p) => p.name), ['pingpong-server', 'hello', 'pingpong-client'])
    assert.deepEqual(packed.programs[2].args, ['30'])
    assert.equal(packed.programs[1].cid, helloCid)
    const vm = boot(iso, 60)
    await vm.exited
    assert.match(vm.output(), /^INFO hello\[2\]: Hello from wasmos!$/m)
    assert.match(vm.output(), /^total: 465$/m)
    // A user error is one line and a non-zero status.
    let failed: { status: number, stderr: string } | null = null
    try {
      execFileSync(node, ['src/cli/main.ts', 'iso', '--program', 'programs/build/hello.wasm', '--handler', 'nope=hello', '-o', iso],
        { cwd: root, encoding: 'utf8', stdio: 'pipe' })
    } catch (err) {
      failed = err as { status: number, stderr: string }
    }
    assert.ok(failed !== null)
    assert.equal(failed.status, 1)
    assert.equal(failed.stderr.trim(), 'wasmos: unknown interface "nope" (not in interfaces/)')
  })
})
