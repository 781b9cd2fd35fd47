// Shared by the hardening tests: wat modules built with wat2wasm at test time, and `wasmos` run
// from the sources as a real child process (its own WASMOS_HOME, killed past a deadline) so that a
// test can tell a clean end from a hang or a crash of the kernel.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { INTERFACES } from '../../src/interfaces/gen/index.ts'

export const ROOT = join(import.meta.dirname, '..', '..')
/** The CLI's entry; WASMOS_TEST_MAIN names another checkout's, to see these tests fail on older code. */
export const MAIN = process.env.WASMOS_TEST_MAIN ?? join(ROOT, 'src', 'cli', 'main.ts')
const dir = mkdtempSync(join(tmpdir(), 'wasmos-hardening-'))
let count = 0

/** Builds a module from wat text; returns the path of the .wasm file. */
export function wat (text: string, name = `m${count++}`): string {
  const src = join(dir, `${name}.wat`)
  const out = join(dir, `${name}.wasm`)
  writeFileSync(src, text)
  execFileSync('wat2wasm', ['--enable-all', src, '-o', out])
  return out
}

/** A built program of programs/. */
export function program (name: string): string {
  return join(ROOT, 'programs', 'build', `${name}.wasm`)
}

/** An interface's 32-byte digest as a wat string literal ("\68\f3…"). */
export function digest (name: string): string {
  for (const i of INTERFACES.values()) {
    if (i.name === name) return i.key.replace(/../g, (h) => `\\${h}`)
  }
  throw new Error(`no interface ${name}`)
}

export interface Result { code: number | null, signal: string | null, stdout: string, stderr: string, ms: number }

/** Runs `wasmos …args` from the sources; kills it after `timeoutMs` (then `code` is null). */
export function wasmos (args: string[], opts: { timeoutMs?: number, env?: Record<string, string>, home?: string } = {}): Promise<Result> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [MAIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, WASMOS_HOME: opts.home ?? mkdtempSync(join(dir, 'home-')), NO_COLOR: '1', ...opts.env },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { if (stdout.length < 1 << 20) stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { if (stderr.length < 1 << 20) stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal, stdout, stderr, ms: performance.now() - started })
    })
  })
}
