// WASI command modules on bare metal: programs/wasi-hello-c (wasi-libc: arguments, environment,
// standard input and output, exit status) booted in QEMU, its input typed on the PS/2 keyboard;
// its standard output must equal what the same module prints under `wasmos run` on Node, given
// the same arguments and input. Also started from the shell.
import { afterAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ConsoleVm, consoleSkip } from './console-vm.ts'
import { defaultPrograms, writeIso } from '../../src/cli/commands/iso.ts'
import { root } from './vm.ts'

const wasm = join(root, 'programs', 'build', 'wasi-hello-c.wasm')
const cli = join(root, 'bin', 'wasmos.mjs')
const missingBuild = !existsSync(join(root, 'build', 'kernel.wasm')) || !existsSync(wasm) || !existsSync(cli)
const skip = consoleSkip !== false ? consoleSkip : (missingBuild ? 'run npm run build first (kernel.wasm, programs, bin/wasmos.mjs)' : false)
const dir = mkdtempSync(join(tmpdir(), 'wasmos-wasi-bm-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

const INPUT = 'abc def\nsecond line\n'

/** What `wasmos run` prints on Node: stdout, stderr and the exit status. */
function onNode (args: string[]): { stdout: string, stderr: string, status: number } {
  const r = spawnSync(process.execPath, [cli, 'run', wasm, ...args], { input: INPUT, encoding: 'utf8' })
  return { stdout: r.stdout, stderr: r.stderr, status: r.status ?? -1 }
}

/**
 * The program's standard output from the bare-metal console: the text from its greeting to its
 * last line, without what the console echoed of the typed input and without its stderr lines
 * (both share the one console there).
 */
function consoleStdout (serial: string, from: RegExp, stderr: string): string {
  const start = serial.search(from)
  const end = serial.indexOf('bye\n', start)
  assert.ok(start >= 0 && end > start, `program output on serial:\n${serial}`)
  const typed = new Set(INPUT.split('\n').filter((l) => l !== ''))
  const errs = new Set(stderr.split('\n').filter((l) => l !== ''))
  return serial.slice(start, end + 4).split('\n').filter((l) => !typed.has(l) && !errs.has(l)).join('\n')
}

/**
 * Types INPUT a line at a time, each once the program has answered the one before: the console
 * echoes keys as they arrive, so a line typed early could land inside the program's output.
 */
async function typeLines (vm: ConsoleVm, from: number): Promise<void> {
  for (const line of INPUT.split('\n').filter((l) => l !== '')) {
    await vm.type(line + '\n')
    await vm.waitFor(new RegExp(`^${line.toUpperCase()}\n`, 'm'), 30_000, from)
  }
}

describe.skipIf(skip !== false)('WASI programs on bare metal', () => {
  it('wasi-hello-c started at boot prints what it prints on Node, and exits with its status', async () => {
    const node = onNode(['7', 'x'])
    assert.equal(node.status, 7)
    const iso = join(dir, 'boot.iso')
    await writeIso([{ name: 'wasi-hello-c', bytes: readFileSync(wasm), args: ['7', 'x'] }], iso)
    const vm = new ConsoleVm(iso, { limitSeconds: 90 })
    try {
      await vm.waitFor(/GREETING=\(unset\)\n/, 60_000)
      await typeLines(vm, 0)
      await vm.type('\x04')
      await vm.waitFor(/wasi-hello-c\[\d+\] exited with status 7/, 30_000)
      assert.equal(consoleStdout(vm.output(), /hello from C on WASI/, node.stderr), node.stdout)
      assert.match(vm.output(), /^this goes to stderr$/m)
    } finally {
      await vm.stop()
    }
  }, 150_000)

  it('wasi-hello-c run from the shell, with arguments', async () => {
    const node = onNode(['0', 'from', 'wsh'])
    const iso = join(dir, 'shell.iso')
    await writeIso(defaultPrograms(), iso)
    const vm = new ConsoleVm(iso, { limitSeconds: 120 })
    try {
      await vm.waitFor(/wsh> /, 60_000)
      const before = vm.output().length
      await vm.type('run wasi-hello-c 0 from wsh\n')
      await vm.waitFor(/GREETING=\(unset\)\n/, 30_000, before)
      await typeLines(vm, before)
      await vm.type('\x04')
      await vm.waitFor(/bye\nwsh> $/, 30_000, before)
      assert.equal(consoleStdout(vm.output().slice(before), /hello from C on WASI/, node.stderr), node.stdout)
    } finally {
      await vm.stop()
    }
  }, 200_000)
})
