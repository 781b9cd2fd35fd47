// Test helper: boots an ISO in QEMU (TCG) with its screen, under SeaBIOS or OVMF (UEFI), and a
// monitor socket: the serial log, screendumps read back with tesseract OCR (so a check does not
// trust the console's own renderer), and keys typed on the emulated PS/2 keyboard (`sendkey`).
import { execFile, spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { connect, type Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const OVMF_CODE = '/usr/share/OVMF/OVMF_CODE.fd'
export const OVMF_VARS = '/usr/share/OVMF/OVMF_VARS.fd'

const tools = ['qemu-system-x86_64', 'tesseract', 'xorriso', 'make', 'cc', 'wasm2c']
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0)
/** A reason to skip, or false when QEMU, tesseract and the ISO tools are installed. */
export const consoleSkip: string | false = missing.length > 0 ? `needs ${missing.join(', ')}` : false
export const ovmfSkip: string | false = existsSync(OVMF_CODE) && existsSync(OVMF_VARS) ? false : `needs ${OVMF_CODE} (Debian: ovmf)`

export interface ConsoleVmOptions {
  uefi?: boolean
  /** Boot the image as a hard disk (as a USB stick boots) instead of a CD. */
  disk?: boolean
  limitSeconds?: number
}

export class ConsoleVmError extends Error {
  readonly code = 'ERR_CONSOLE_VM'
}

// QEMU key names for the characters the tests type.
const KEYS: Record<string, string> = {
  ' ': 'spc', '\n': 'ret', '\x04': 'ctrl-d', '-': 'minus', '.': 'dot', '/': 'slash', '&': 'shift-7', _: 'shift-minus', ',': 'comma', '=': 'equal'
}

export class ConsoleVm {
  private out = ''
  private ended = false
  private readonly dir: string
  private readonly sock: string
  private monitor: Socket | null = null
  private readonly waiters = new Set<() => void>()
  readonly started = performance.now()
  /** Milliseconds from spawning QEMU to the first serial byte. */
  firstSerialMs = -1
  readonly exited: Promise<number | null>
  private readonly child

  constructor (iso: string, opts: ConsoleVmOptions = {}) {
    this.dir = mkdtempSync(join(tmpdir(), 'wasmos-console-'))
    this.sock = join(this.dir, 'monitor.sock')
    const firmware: string[] = []
    if (opts.uefi === true) {
      copyFileSync(OVMF_VARS, join(this.dir, 'vars.fd'))
      firmware.push('-drive', `if=pflash,format=raw,readonly=on,file=${OVMF_CODE}`, '-drive', `if=pflash,format=raw,file=${join(this.dir, 'vars.fd')}`)
    }
    const media = opts.disk === true ? ['-drive', `file=${iso},format=raw,if=ide,snapshot=on`] : ['-cdrom', iso]
    this.child = spawn('timeout', ['-k', '2', String(opts.limitSeconds ?? 60), 'qemu-system-x86_64', '-accel', 'tcg', ...media,
      '-m', '256M', '-serial', 'stdio', '-display', 'none', '-monitor', `unix:${this.sock},server,nowait`, '-no-reboot',
      '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', ...firmware], { stdio: ['ignore', 'pipe', 'pipe'] })
    this.child.stdout.on('data', (chunk: Buffer) => {
      if (this.firstSerialMs < 0) this.firstSerialMs = performance.now() - this.started
      this.out = (this.out + chunk.toString('latin1')).replaceAll('\r\n', '\n')
      for (const w of this.waiters) w()
    })
    this.child.stderr.on('data', (chunk: Buffer) => { this.out += chunk.toString() })
    this.exited = new Promise((resolve) => {
      this.child.on('close', (code) => {
        this.ended = true
        for (const w of this.waiters) w()
        resolve(code)
      })
    })
  }

  /** Serial output so far, "\r\n" as "\n", with the firmware's ANSI escapes removed. */
  output (): string {
    // eslint-disable-next-line no-control-regex
    return this.out.replace(/\x1b\[[0-9;=]*[A-Za-z]/g, '')
  }

  /**
   * Resolves once the serial output (from offset `from` of output()) matches; rejects after `ms`
   * or when QEMU ends first.
   */
  waitFor (pattern: RegExp, ms = 30_000, from = 0, signal?: AbortSignal): Promise<RegExpMatchArray> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const m = this.output().slice(from).match(pattern)
        if (m !== null) { done(); resolve(m); return }
        if (this.ended) { done(); reject(new ConsoleVmError(`QEMU ended before ${pattern}; serial:\n${this.output()}`)) }
      }
      const onAbort = (): void => { done(); reject(new ConsoleVmError(`aborted waiting for ${pattern}`)) }
      const timer = setTimeout(() => { done(); reject(new ConsoleVmError(`no ${pattern} within ${ms} ms; serial:\n${this.output()}`)) }, ms)
      const done = (): void => { clearTimeout(timer); this.waiters.delete(check); signal?.removeEventListener('abort', onAbort) }
      signal?.addEventListener('abort', onAbort)
      this.waiters.add(check)
      check()
    })
  }

  private async command (line: string): Promise<string> {
    if (this.monitor === null) {
      this.monitor = await new Promise<Socket>((resolve, reject) => {
        const s = connect(this.sock, () => resolve(s))
        s.on('error', reject)
      })
      this.monitor.setEncoding('latin1')
    }
    const m = this.monitor
    return await new Promise<string>((resolve) => {
      let got = ''
      const onData = (d: string): void => {
        got += d
        // The monitor prompts "(qemu) " once it has carried out the command.
        if (got.includes(line) && got.trimEnd().endsWith('(qemu)')) { m.off('data', onData); resolve(got) }
      }
      m.on('data', onData)
      m.write(line + '\n')
    })
  }

  /** A screendump (PPM) of what the screen shows now; returns its path. */
  async screendump (name = 'screen'): Promise<string> {
    const file = join(this.dir, `${name}-${Date.now()}.ppm`)
    await this.command(`screendump ${file}`)
    for (let i = 0; i < 100 && !existsSync(file); i++) await new Promise((resolve) => setTimeout(resolve, 20))
    return file
  }

  /** The text tesseract reads on the screen now. */
  async ocr (): Promise<string> {
    const file = await this.screendump()
    return await new Promise((resolve, reject) => {
      execFile('tesseract', [file, 'stdout'], { encoding: 'utf8' }, (err, stdout) => {
        if (err !== null) reject(new ConsoleVmError(`tesseract: ${err.message}`))
        else resolve(stdout)
      })
    })
  }

  /**
   * OCR of the screen once it matches `pattern` (the screen may be drawn after the serial line
   * shows, by a console driver program); rejects with the last reading after `ms`.
   */
  async screenShows (pattern: RegExp, ms = 20_000): Promise<string> {
    const until = performance.now() + ms
    for (;;) {
      const text = await this.ocr()
      if (pattern.test(text)) return text
      if (performance.now() > until || this.ended) throw new ConsoleVmError(`the screen does not show ${pattern}; OCR:\n${text}`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }

  /** Types `text` on the PS/2 keyboard, one key at a time. */
  async type (text: string): Promise<void> {
    for (const c of text) {
      const key = KEYS[c] ?? (/^[a-z0-9]$/.test(c) ? c : /^[A-Z]$/.test(c) ? `shift-${c.toLowerCase()}` : undefined)
      if (key === undefined) throw new ConsoleVmError(`no key for ${JSON.stringify(c)}`)
      await this.command(`sendkey ${key} 20`)
    }
  }

  /** Stops QEMU (SIGTERM through `timeout`) and removes its files. */
  async stop (): Promise<void> {
    this.monitor?.destroy()
    if (!this.ended) this.child.kill('SIGTERM')
    await this.exited
    rmSync(this.dir, { recursive: true, force: true })
  }
}

/** Whether a PPM screendump shows a pixel of this exact colour (the console's colours are exact). */
export function hasColour (ppm: string, rgb: [number, number, number]): boolean {
  const b = readFileSync(ppm)
  const header = /^P6\s+(\d+)\s+(\d+)\s+255\s/.exec(b.subarray(0, 40).toString('latin1'))
  if (header === null) return false
  for (let i = header[0].length; i + 2 < b.length; i += 3) {
    if (b[i] === rgb[0] && b[i + 1] === rgb[1] && b[i + 2] === rgb[2]) return true
  }
  return false
}
