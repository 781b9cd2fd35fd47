// Starts a wasmos server program (echo-server, http-server) as a real CLI process and finds the
// port it printed; stops it at the end of the test.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { CLI, NODE, ROOT, tempHome } from '../helpers.ts'

export interface Server {
  port: number
  url: string
  child: ChildProcess
  stderr: () => string
  /** The exit code once the server ends by itself (null if a signal ended it). */
  exited: Promise<number | null>
  stop: () => Promise<number | null>
}

/** Runs `wasmos run …args` (or another command) and resolves once it printed "listening on …:PORT". */
export function startServer (args: string[], opts: { command?: string, home?: string } = {}): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, opts.command ?? 'run', ...args], {
      cwd: ROOT,
      env: { ...process.env, WASMOS_HOME: opts.home ?? tempHome(), NO_COLOR: '1' },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`server did not start: ${err}`)) }, 15_000)
    const exited = new Promise<number | null>((resolve) => child.once('close', (code) => resolve(code)))
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on (?:http:\/\/)?([\d.]+):(\d+)/.exec(out)
      if (m === null) return
      clearTimeout(timer)
      const port = Number(m[2])
      resolve({
        port,
        url: `http://127.0.0.1:${port}/`,
        child,
        stderr: () => err,
        exited,
        stop: async () => { child.kill('SIGTERM'); setTimeout(() => child.kill('SIGKILL'), 3000).unref(); return await exited }
      })
    })
    exited.then((code) => { clearTimeout(timer); reject(new Error(`server exited (${code}) before listening: ${err}`)) }, reject)
  })
}

/** Runs a command to completion, collecting its output. */
export function runTool (cmd: string, args: string[], opts: { input?: Buffer | string, timeoutMs?: number } = {}): Promise<{ code: number | null, stdout: Buffer, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] })
    const chunks: Buffer[] = []
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => chunks.push(d))
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000)
    child.on('error', reject)
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout: Buffer.concat(chunks), stderr }) })
    if (opts.input !== undefined) child.stdin.end(opts.input)
    else child.stdin.end()
  })
}
