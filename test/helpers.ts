// Shared by the tests: run the built `wasmos` CLI as a real process, and find built programs.
import { spawn } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..')
export const CLI = join(ROOT, 'bin', 'wasmos.mjs')
export const NODE = process.execPath

export function program (name: string): string {
  return join(ROOT, 'programs', 'build', `${name}.wasm`)
}

export function tempHome (): string {
  return mkdtempSync(join(tmpdir(), 'wasmos-test-'))
}

export interface CliResult { code: number | null, stdout: string, stderr: string, ms: number }

/** Runs `wasmos …args` with its own WASMOS_HOME unless one is given; never waits longer than timeoutMs. */
export function wasmos (args: string[], opts: { env?: Record<string, string>, input?: string, timeoutMs?: number, cwd?: string } = {}): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, WASMOS_HOME: tempHome(), NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - started })
    })
    if (opts.input !== undefined) child.stdin.end(opts.input)
    else child.stdin.end()
  })
}
