// Test helper: builds an ISO with bare-metal/Makefile and boots it in QEMU (TCG, headless,
// serial on stdio, isa-debug-exit), with ways to wait for serial output and type into COM1.
import { spawn, spawnSync, execFileSync } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'

export const root = join(import.meta.dirname, '..', '..')

const tools = ['make', 'flock', 'gcc', 'ld', 'wasm2c', 'wat2wasm', 'cc', 'xorriso', 'qemu-system-x86_64']
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0)
/** A reason to skip, or false when every tool the bare-metal build needs is installed. */
export const skipReason: string | false = missing.length > 0 ? `needs ${missing.join(', ')}` : false

/** The tests' own build directory, apart from build/bare-metal (which may hold another kernel). */
export const testBuild = join(root, 'build', 'bare-metal-test')

/** Runs bare-metal/Makefile with BUILD=testBuild; test files run in parallel, hence the lock. */
export function make (target: string, vars: Record<string, string> = {}): void {
  mkdirSync(join(root, 'build'), { recursive: true })
  const args = [join(root, 'build', 'bare-metal-test.lock'), 'make', '-s', '-C', join(root, 'bare-metal'), target,
    `BUILD=${testBuild}`, ...Object.entries(vars).map(([k, v]) => `${k}=${v}`)]
  execFileSync('flock', args, { stdio: ['ignore', 'ignore', 'pipe'] })
}

export function makeIso (vars: Record<string, string>): void {
  make('iso', vars)
}

export interface Vm {
  /** Serial output so far (latin1), with "\r\n" turned into "\n". */
  output(): string
  /** Resolves once the serial output matches; rejects after `ms` or if QEMU ends first. */
  waitFor(pattern: RegExp, ms?: number): Promise<RegExpMatchArray>
  send(text: string): void
  /** QEMU's exit status (null if killed by a signal). */
  readonly exited: Promise<number | null>
  /** Milliseconds from spawning QEMU to the first serial byte. */
  readonly firstByteMs: Promise<number>
  kill(): void
}

export function qemuArgs (iso: string): string[] {
  return [
    '-accel', 'tcg', '-cdrom', iso, '-serial', 'stdio', '-display', 'none', '-monitor', 'none',
    '-no-reboot', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04', '-m', '256M',
  ]
}

export function boot (iso: string, limitSeconds = 30): Vm {
  const started = performance.now()
  const child = spawn('timeout', ['-k', '2', String(limitSeconds), 'qemu-system-x86_64', ...qemuArgs(iso)], {
    stdio: ['pipe', 'pipe', 'pipe'],
  })
  let out = ''
  let stderr = ''
  let ended = false
  const waiters = new Set<() => void>()
  let resolveFirst: (ms: number) => void = () => {}
  const firstByteMs = new Promise<number>((resolve) => { resolveFirst = resolve })
  child.stdout.on('data', (chunk: Buffer) => {
    if (out === '') resolveFirst(performance.now() - started)
    // Normalised as a whole: a "\r\n" may straddle two chunks.
    out = (out + chunk.toString('latin1')).replaceAll('\r\n', '\n')
    for (const w of waiters) w()
  })
  child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString() })
  const exited = new Promise<number | null>((resolve) => {
    child.on('close', (code) => {
      ended = true
      for (const w of waiters) w()
      resolve(code)
    })
  })
  return {
    output: () => out,
    exited,
    firstByteMs,
    send: (text) => { child.stdin.write(text) },
    // SIGTERM: `timeout` passes it on to QEMU (a SIGKILL would orphan QEMU).
    kill: () => { if (!ended) child.kill('SIGTERM') },
    waitFor (pattern, ms = 20_000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          const m = out.match(pattern)
          if (m) { done(); resolve(m); return }
          if (ended) { done(); reject(new Error(`QEMU ended before ${pattern}; serial:\n${out}\n${stderr}`)) }
        }
        const timer = setTimeout(() => { done(); reject(new Error(`no ${pattern} within ${ms} ms; serial:\n${out}\n${stderr}`)) }, ms)
        const done = (): void => { clearTimeout(timer); waiters.delete(check) }
        waiters.add(check)
        check()
      })
    },
  }
}
