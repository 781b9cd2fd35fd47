// The http-server closes a connection that stays idle between requests (--idle, needs the time
// grant), and serves the ones that talk.
import { spawn } from 'node:child_process'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { MAIN, ROOT, program } from './helpers.ts'

/** Starts the server; resolves with its port and a stop function. */
function startServer (args: string[]): Promise<{ port: number, stop: () => void }> {
  const child = spawn(process.execPath, [MAIN, 'run', ...args], {
    cwd: ROOT,
    env: { ...process.env, WASMOS_HOME: mkdtempSync(join(tmpdir(), 'wasmos-idle-')) },
    stdio: ['ignore', 'pipe', 'inherit']
  })
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`no listening line: ${out}`)) }, 20_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(out)
      if (m !== null) { clearTimeout(timer); resolve({ port: Number(m[1]), stop: () => child.kill('SIGKILL') }) }
    })
  })
}

/** Connects, optionally sends a request, and resolves with how long until the server closed (ms). */
function idleFor (port: number, request: string | null, capMs: number): Promise<{ ms: number, data: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now()
    let data = ''
    const socket = connect(port, '127.0.0.1', () => { if (request !== null) socket.write(request) })
    const cap = setTimeout(() => { socket.destroy(); resolve({ ms: Infinity, data }) }, capMs)
    socket.on('data', (d) => { data += d.toString() })
    socket.on('error', reject)
    socket.on('close', () => { clearTimeout(cap); resolve({ ms: performance.now() - started, data }) })
  })
}

describe('http-server idle timeout', { timeout: 60_000 }, () => {
  test('an idle connection is closed after --idle seconds; a request still gets its answer', async () => {
    const site = mkdtempSync(join(tmpdir(), 'wasmos-site-'))
    writeFileSync(join(site, 'index.html'), 'hello\n')
    const server = await startServer(['--allow', 'tcp,fs,time', '--dir', `${site}:/www`, program('http-server'), '--port', '0', '--root', '/www', '--idle', '1'])
    try {
      const idle = await idleFor(server.port, null, 8000)
      expect(idle.ms).toBeGreaterThan(900)
      expect(idle.ms).toBeLessThan(4000)
      // Keep-alive: answered, then closed once idle.
      const served = await idleFor(server.port, 'GET /index.html HTTP/1.1\r\nHost: x\r\n\r\n', 8000)
      expect(served.data).toMatch(/^HTTP\/1\.1 200 OK/)
      expect(served.data).toContain('hello')
      expect(served.ms).toBeLessThan(4000)
    } finally {
      server.stop()
    }
  })
})
