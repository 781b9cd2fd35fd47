// Boots an ISO in QEMU with the serial console on this terminal (`npm run qemu`, or
// `node scripts/qemu.ts <iso> [--uefi] [--display gtk] [--timeout s] [--memory 256M] [-- extra qemu args]`).
// --uefi boots through Debian's OVMF firmware (a private copy of its variable store) instead of SeaBIOS.
// Ctrl-A X quits QEMU; the guest can end it with a status through isa-debug-exit (port 0xf4),
// which becomes this script's exit status ((code << 1) | 1).
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'

function fail (message: string, status = 2): never {
  process.stderr.write(`qemu: ${message}\n`)
  process.exit(status)
}

let parsed
try {
  parsed = parseArgs({
    allowPositionals: true,
    options: {
      timeout: { type: 'string' },
      memory: { type: 'string', default: '256M' },
      uefi: { type: 'boolean' },
      display: { type: 'string', default: 'none' },
      help: { type: 'boolean', short: 'h' },
    },
  })
} catch (e) {
  fail((e as Error).message)
}
const { values, positionals } = parsed
if (values.help) {
  process.stdout.write('usage: node scripts/qemu.ts <iso> [--uefi] [--display none|gtk|sdl|curses] [--timeout seconds] [--memory 256M] [-- qemu args]\n')
  process.exit(0)
}
const [iso, ...extra] = positionals
if (iso === undefined) fail('which ISO? usage: node scripts/qemu.ts <iso>')
if (!existsSync(iso)) fail(`${iso} does not exist (build it with npm run iso, or make -C bare-metal)`)
if (spawnSync('sh', ['-c', 'command -v qemu-system-x86_64']).status !== 0) {
  fail('qemu-system-x86_64 is not installed (Debian: apt-get install qemu-system-x86)')
}
const seconds = values.timeout === undefined ? undefined : Number(values.timeout)
if (seconds !== undefined && !(seconds > 0)) fail(`--timeout wants a number of seconds, not ${values.timeout}`)

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE.fd'
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS.fd'
const firmware: string[] = []
let varsDir: string | undefined
if (values.uefi === true) {
  if (!existsSync(OVMF_CODE) || !existsSync(OVMF_VARS)) fail(`--uefi needs ${OVMF_CODE} and ${OVMF_VARS} (Debian: apt-get install ovmf)`)
  // The firmware writes its variables: give it a copy, never the system's file.
  varsDir = mkdtempSync(join(tmpdir(), 'wasmos-ovmf-'))
  copyFileSync(OVMF_VARS, join(varsDir, 'OVMF_VARS.fd'))
  firmware.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`,
    '-drive', `if=pflash,format=raw,file=${join(varsDir, 'OVMF_VARS.fd')}`)
}

// TCG, not KVM: KVM fails on SSE instructions on some hosts and QEMU then pauses instead of exiting.
const qemu = [
  'qemu-system-x86_64', '-accel', 'tcg', '-cdrom', iso, '-m', values.memory,
  '-serial', 'mon:stdio', '-display', values.display, '-no-reboot',
  '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', ...firmware, ...extra,
]
const argv = seconds === undefined ? qemu : ['timeout', '--foreground', '-k', '2', String(seconds), ...qemu]
const child = spawn(argv[0], argv.slice(1), { stdio: 'inherit' })
child.on('error', (e) => fail(e.message))
child.on('exit', (code, signal) => {
  if (varsDir !== undefined) rmSync(varsDir, { recursive: true, force: true })
  if (code === 124 && seconds !== undefined) fail(`timed out after ${seconds} s`, 124)
  process.exit(code ?? (signal ? 128 : 1))
})
