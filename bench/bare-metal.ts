// Bench: the bare-metal kernel under QEMU (TCG). Boot-to-first-output (the stub's first serial
// byte) and boot-to-greeting (hello's log line, i.e. kernel.wasm + the interpreter running a
// guest), over several boots; then ping-pong round trips per second between the same two programs
// on bare metal and on Node. Round trips are timed as the difference between N and 1 round trips,
// so boot and program start-up cancel out; the target is 5× the figure of when it was set. Power-on to the first text on the screen (a
// screendump through QEMU's monitor every 50 ms, until the console's first line shows) and on
// the serial line, under SeaBIOS and (without --quick) under UEFI firmware (OVMF).
// Run: node bench/bare-metal.ts [--json] [--quick]   (needs qemu-system-x86_64 and npm run build)
import { execFileSync, spawn } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import { loadavg, tmpdir } from 'node:os'
import { join } from 'node:path'
import { BARE_PINGPONG_BASELINE, BenchError, benchFlags, median, report, requireTool, target } from './report.ts'
import { writeIso, type IsoProgram } from '../src/cli/commands/iso.ts'

const flags = benchFlags()
const root = join(import.meta.dirname, '..')
requireTool('qemu-system-x86_64', 'qemu-system-x86')
requireTool('timeout', 'coreutils')
const dir = mkdtempSync(join(tmpdir(), 'wasmos-bench-bm-'))
const BOOTS = flags.quick ? 1 : 5
const N_BARE = flags.quick ? 1000 : 20000
const N_NODE = flags.quick ? 10000 : 200000

function program (name: string, extra: Partial<IsoProgram> = {}): IsoProgram {
  return { name, bytes: readFileSync(join(root, 'programs', 'build', `${name}.wasm`)), ...extra }
}

/** Boots an ISO; returns when each pattern first appeared (ms after QEMU was spawned). */
function bootTimes (iso: string, patterns: RegExp[], limitSeconds = 120): Promise<{ first: number, marks: number[], out: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    const child = spawn('timeout', ['-k', '2', String(limitSeconds), 'qemu-system-x86_64', '-accel', 'tcg', '-cdrom', iso,
      '-serial', 'stdio', '-display', 'none', '-monitor', 'none', '-no-reboot',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '256M'], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    let first = -1
    const marks: number[] = patterns.map(() => -1)
    child.stdout.on('data', (chunk: Buffer) => {
      const now = performance.now() - started
      if (first < 0) first = now
      out += chunk.toString('latin1')
      patterns.forEach((p, i) => { if (marks[i] < 0 && p.test(out)) marks[i] = now })
    })
    child.on('close', () => {
      if (marks.some((m) => m < 0)) reject(new BenchError('boot-failed', `bare-metal bench: missing ${patterns.filter((_, i) => marks[i] < 0).join(', ')} in:\n${out}`))
      else resolve({ first, marks, out })
    })
  })
}

const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE.fd'
const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS.fd'

/** Whether a PPM shows the console's kernel-line colour (bright cyan, 55ffff): our first text. */
function showsConsole (ppm: string): boolean {
  let b: Buffer
  try { b = readFileSync(ppm) } catch { return false }
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(b.subarray(0, 40).toString('latin1'))
  if (header === null) return false
  for (let i = header[0].length; i + 2 < b.length; i += 3) if (b[i] === 0x55 && b[i + 1] === 0xff && b[i + 2] === 0xff) return true
  return false
}

/**
 * Power-on (QEMU spawned) to our first text on the screen and on serial (the stub's first line;
 * under UEFI the firmware writes to serial before it), in ms. The screen is sampled every 50 ms.
 */
function firstText (iso: string, uefi: boolean, limitSeconds: number): Promise<{ screen: number, serial: number }> {
  return new Promise((resolve, reject) => {
    const sock = join(dir, `mon-${process.pid}-${Date.now()}.sock`)
    const firmware: string[] = []
    if (uefi) {
      copyFileSync(OVMF_VARS, join(dir, 'vars.fd'))
      firmware.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${join(dir, 'vars.fd')}`)
    }
    const started = performance.now()
    const child = spawn('timeout', ['-k', '2', String(limitSeconds), 'qemu-system-x86_64', '-accel', 'tcg', '-cdrom', iso,
      '-serial', 'stdio', '-display', 'none', '-monitor', `unix:${sock},server,nowait`, '-no-reboot',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '256M', ...firmware], { stdio: ['ignore', 'pipe', 'ignore'] })
    let out = ''
    let serial = -1
    let screen = -1
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString('latin1')
      if (serial < 0 && out.includes('wasmos stub:')) {
        serial = performance.now() - started
        if (screen >= 0) child.kill('SIGTERM')
      }
    })
    const ppm = join(dir, 'screen.ppm')
    let mon: ReturnType<typeof connect> | null = null
    let asked = 0
    const poll = setInterval(() => {
      if (mon === null) {
        if (!existsSync(sock)) return
        mon = connect(sock)
        mon.on('error', () => { mon = null })
        mon.on('data', (d: Buffer) => {
          // Each command ends with the monitor's prompt: the dump is complete then.
          if (!d.toString('latin1').includes('(qemu)') || asked === 0) return
          const at = asked
          asked = 0
          if (screen < 0 && showsConsole(ppm)) {
            screen = at - started
            // The serial line may still be on its way (QEMU writes it before the screen shows
            // it, but the pipe can lag): QEMU ends once both are seen.
            if (serial >= 0) child.kill('SIGTERM')
          }
        })
        return
      }
      if (asked !== 0) return
      asked = performance.now()
      rmSync(ppm, { force: true })
      mon.write(`screendump ${ppm}\n`)
    }, 50)
    child.on('close', () => {
      clearInterval(poll)
      mon?.destroy()
      if (screen < 0 || serial < 0) reject(new BenchError('boot-failed', `bare-metal bench: no first text on ${screen < 0 ? 'screen' : 'serial'}; serial:\n${out}`))
      else resolve({ screen, serial })
    })
  })
}

/** Milliseconds from the programs' start to the total, and the guest instructions the kernel counted. */
async function pingpongBare (n: number): Promise<{ ms: number, instructions: number }> {
  const iso = join(dir, `pp-${n}.iso`)
  await writeIso([program('pingpong-server', { handle: ['pingpong'] }),
    program('pingpong-client', { args: [String(n)], send: ['pingpong'] })], iso)
  const { marks, out } = await bootTimes(iso, [/started 2 programs/, new RegExp(`total: ${n * (n + 1) / 2}\\r?\\n`), /guests ran \d+ instructions/])
  return { ms: marks[1] - marks[0], instructions: Number(/guests ran (\d+) instructions/.exec(out)![1]) }
}

function pingpongNode (n: number): number {
  const t = performance.now()
  const out = execFileSync(process.execPath, ['bin/wasmos.mjs', 'run', '--allow=pingpong', '--handler',
    'pingpong=programs/build/pingpong-server.wasm', 'programs/build/pingpong-client.wasm', String(n)], { cwd: root, encoding: 'utf8' })
  if (!out.includes(`total: ${n * (n + 1) / 2}`)) throw new BenchError('pingpong-failed', `node ping-pong: unexpected output ${out}`)
  return performance.now() - t
}

try {
  const helloIso = join(dir, 'hello.iso')
  await writeIso([program('hello')], helloIso)
  const firsts: number[] = []
  const greetings: number[] = []
  for (let i = 0; i < BOOTS; i++) {
    const r = await bootTimes(helloIso, [/Hello from wasmos!/])
    firsts.push(r.first)
    greetings.push(r.marks[0])
  }
  // The shell keeps the machine up until the screen has been sampled.
  const textIso = join(dir, 'text.iso')
  await writeIso([program('hello'), program('wsh', { send: ['system'] })], textIso)
  const biosText: Array<{ screen: number, serial: number }> = []
  for (let i = 0; i < BOOTS; i++) biosText.push(await firstText(textIso, false, 60))
  const uefiText: Array<{ screen: number, serial: number }> = []
  if (!flags.quick && existsSync(OVMF_CODE)) uefiText.push(await firstText(textIso, true, 240))
  const spread = (xs: number[]): { median: number, min: number, max: number } | null =>
    xs.length === 0 ? null : { median: Math.round(median(xs)), min: Math.round(Math.min(...xs)), max: Math.round(Math.max(...xs)) }
  // The long run three times (its median): QEMU's speed follows the machine's load.
  const load = loadavg()[0]
  const small = await pingpongBare(1)
  const bigs: Array<{ ms: number, instructions: number }> = []
  for (let i = 0; i < (flags.quick ? 1 : 3); i++) bigs.push(await pingpongBare(N_BARE))
  const big = bigs.toSorted((a, b) => a.ms - b.ms)[bigs.length >> 1]
  const bare = big.ms - small.ms
  const perRoundTrip = Math.round((big.instructions - small.instructions) / (N_BARE - 1))
  const nodeMs = pingpongNode(N_NODE) - pingpongNode(1)
  const result = {
    boots: BOOTS,
    firstOutputMs: { median: Math.round(median(firsts)), min: Math.round(Math.min(...firsts)), max: Math.round(Math.max(...firsts)) },
    greetingMs: { median: Math.round(median(greetings)), min: Math.round(Math.min(...greetings)), max: Math.round(Math.max(...greetings)) },
    firstText: {
      bios: { boots: biosText.length, screenMs: spread(biosText.map((t) => t.screen)), serialMs: spread(biosText.map((t) => t.serial)) },
      uefi: { boots: uefiText.length, screenMs: spread(uefiText.map((t) => t.screen)), serialMs: spread(uefiText.map((t) => t.serial)) }
    },
    pingpong: {
      bareMetal: { roundTrips: N_BARE, runs: bigs.length, ms: Math.round(bare), perSecond: Math.round(N_BARE / (bare / 1000)), guestInstructionsPerRoundTrip: perRoundTrip, loadAverage: Math.round(load * 100) / 100 },
      node: { roundTrips: N_NODE, ms: Math.round(nodeMs), perSecond: Math.round(N_NODE / (nodeMs / 1000)) }
    }
  }
  const targets = [
    target(`QEMU (TCG) start to the first serial byte, median of ${BOOTS}`, { value: result.firstOutputMs.median, unit: 'ms' }, '<=', 2000, '≤ 2 s'),
    target(`ping-pong round trips/s on bare metal (interpreter, QEMU TCG, ${N_BARE} round trips, median of ${bigs.length})`,
      { value: result.pingpong.bareMetal.perSecond, unit: '/s' }, '>=', 5 * BARE_PINGPONG_BASELINE,
      `≥ ${(5 * BARE_PINGPONG_BASELINE).toLocaleString('en-US')} round trips/s (5× ${BARE_PINGPONG_BASELINE.toLocaleString('en-US')})`,
      { measure: 'on Node (V8, JSPI)', value: result.pingpong.node.perSecond, unit: '/s' }),
  ]
  report(flags, { bench: 'bare-metal', ...result, targets }, () => {
    const rows = [
      ['measure', 'value'],
      [`boot to first serial byte (QEMU TCG, median of ${BOOTS})`, `${result.firstOutputMs.median} ms (${result.firstOutputMs.min}–${result.firstOutputMs.max})`],
      [`boot to hello's greeting (median of ${BOOTS})`, `${result.greetingMs.median} ms (${result.greetingMs.min}–${result.greetingMs.max})`],
      ...(['bios', 'uefi'] as const).flatMap((fw) => {
        const t = result.firstText[fw]
        const show = (v: { median: number, min: number, max: number } | null): string => v === null ? 'not measured (--quick or no OVMF)' : `${v.median} ms (${v.min}–${v.max})`
        const name = fw === 'bios' ? 'SeaBIOS' : 'UEFI (OVMF)'
        return [[`power-on to first text on screen, ${name} (${t.boots} boot${t.boots === 1 ? '' : 's'})`, show(t.screenMs)],
          [`power-on to first text on serial, ${name}`, show(t.serialMs)]]
      }),
      [`ping-pong on bare metal (interpreter, TCG; ${N_BARE} round trips, median of ${bigs.length})`, `${result.pingpong.bareMetal.perSecond} round trips/s (load average ${result.pingpong.bareMetal.loadAverage})`],
      ['  guest instructions per round trip (client + server)', `${perRoundTrip}`],
      [`ping-pong on Node (V8, JSPI; ${N_NODE} round trips)`, `${result.pingpong.node.perSecond} round trips/s`]
    ]
    const w = Math.max(...rows.map((r) => r[0].length))
    return [`bare metal (kernel.wasm under the stub, QEMU -accel tcg)${flags.quick ? ' (quick)' : ''}`,
      ...rows.map(([a, b]) => `  ${a.padEnd(w)}  ${b}`)].join('\n')
  })
} finally {
  rmSync(dir, { recursive: true, force: true })
}
