// Preemption under load, end to end: a real server answering many requests must get long slices.
// Every refuel call costs an event-loop turn, so a rewrite that throws fuel away shows up here as
// thousands of slices per second of CPU (the http-server made ~20 per request and lost half its
// throughput) while compute benchmarks look fine.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request, Agent } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, ROOT, program, tempHome } from '../helpers.ts'

function get (agent: Agent, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/f.bin', agent }, (res) => {
      let n = 0
      res.on('data', (d: Buffer) => { n += d.length })
      res.on('end', () => resolve(n))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

test('http-server under load makes few refuel calls per second of CPU', async ({ annotate, onTestFinished }) => {
  const site = mkdtempSync(join(tmpdir(), 'wasmos-load-'))
  onTestFinished(() => rmSync(site, { recursive: true, force: true }))
  writeFileSync(join(site, 'f.bin'), Buffer.alloc(4097, 7))
  const child = spawn(NODE, [CLI, 'run', '--stats', '--timeout', '5', '--allow', 'tcp,fs', '--dir', `${site}:/www`,
    program('http-server'), '--port', '0', '--root', '/www'], {
    cwd: ROOT, env: { ...process.env, WASMOS_HOME: tempHome(), NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'],
  })
  onTestFinished(() => { child.kill('SIGKILL') })
  let stdout = ''
  let stderr = ''
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()))
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString()
      const m = /listening on http:\/\/127\.0\.0\.1:(\d+)\//.exec(stdout)
      if (m !== null) resolve(Number(m[1]))
    })
    child.on('close', () => reject(new Error(`the server ended before listening: ${stderr}`)))
  })
  // 8 keep-alive connections, up to 3000 requests in 3 s, well within --timeout
  const agent = new Agent({ keepAlive: true, maxSockets: 8 })
  let done = 0
  const deadline = performance.now() + 3000
  await Promise.all(Array.from({ length: 8 }, async () => {
    while (done < 3000 && performance.now() < deadline) {
      assert.equal(await get(agent, port), 4097)
      done++
    }
  }))
  agent.destroy()
  await closed // --timeout ends it and --stats prints the table
  const row = /^http-server\s+\d+\s+([\d.]+) (ms|s)\s+(\d+)/m.exec(stderr)
  assert.ok(row !== null, stderr)
  const cpuMs = Number(row[1]) * (row[2] === 's' ? 1000 : 1)
  const slices = Number(row[3])
  assert.ok(done >= 500, `only ${done} requests answered`)
  // a slice is 200 M fuel units, ~10 ms of work: allow 1 ms on average, plus start-up
  await annotate(`${done} requests, ${slices} slices, ${cpuMs.toFixed(0)} ms of CPU`)
  assert.ok(slices <= 10 + cpuMs, `${slices} slices in ${cpuMs.toFixed(0)} ms of CPU for ${done} requests`)
})
