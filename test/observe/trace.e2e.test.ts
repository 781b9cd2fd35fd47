// `--trace`: the file a run writes is trace-event JSON (what Perfetto opens) with one flow per
// message, written also when the run ends by a trap or a timeout, and bounded by --trace-limit.
import { describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawn } from 'node:child_process'
import { CLI, NODE, program, tempHome, wasmos } from '../helpers.ts'

interface Ev { name: string, ph: string, ts: number, pid: number, tid: number, id?: number, dur?: number, args?: Record<string, unknown> }

const pingpong = ['--allow=pingpong', `--handler=pingpong=${program('pingpong-server')}`]

function tracePath (): string {
  return join(mkdtempSync(join(tmpdir(), 'wasmos-trace-')), 'run.json')
}

function load (path: string): Ev[] {
  const doc = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: Ev[] }
  assert.ok(Array.isArray(doc.traceEvents))
  for (const e of doc.traceEvents) {
    assert.equal(typeof e.name, 'string')
    assert.equal(typeof e.ph, 'string')
    assert.equal(typeof e.ts, 'number')
    assert.equal(typeof e.pid, 'number')
  }
  return doc.traceEvents
}

describe('--trace', () => {
  test('a ping-pong run: one flow per message, each from send to delivery to answer', async () => {
    const path = tracePath()
    const n = 25
    const r = await wasmos(['run', '--trace', path, ...pingpong, program('pingpong-client'), String(n)], { timeoutMs: 60_000 })
    assert.equal(r.code, 0, r.stderr)
    const events = load(path)
    // Tracks named program@pid.
    const names = events.filter((e) => e.ph === 'M' && e.name === 'process_name').map((e) => e.args?.name)
    assert.ok(names.includes('pingpong-server@1'), String(names))
    assert.ok(names.includes('pingpong-client@2'), String(names))
    // Flows: every started flow finishes once; pings go send (client) → receive and answer (server) → answer (client).
    const starts = events.filter((e) => e.ph === 's')
    const finishes = new Map<number, Ev>()
    for (const e of events.filter((e) => e.ph === 'f')) {
      assert.ok(!finishes.has(e.id!), `one finish per flow (id ${e.id})`)
      finishes.set(e.id!, e)
    }
    for (const s of starts) assert.ok(finishes.has(s.id!), `flow ${s.id} (${s.name}) finishes`)
    assert.equal(finishes.size, starts.length)
    const pings = starts.filter((e) => e.name === 'pingpong.ping')
    assert.equal(pings.length, n)
    for (const s of pings) {
      assert.equal(s.pid, 2)
      const steps = events.filter((e) => e.ph === 't' && e.id === s.id)
      assert.deepEqual(steps.map((e) => e.pid), [1, 1], 'delivered to and answered by the server')
      assert.equal(finishes.get(s.id!)!.pid, 2, 'the answer reaches the client')
    }
    // Every flow event binds to a slice that starts at its time on its track (same cat, as
    // viewers match them), and the message slices of a track never overlap.
    const flowEvents = events.filter((e) => e.ph === 's' || e.ph === 't' || e.ph === 'f')
    for (const f of flowEvents) {
      assert.ok(events.some((e) => e.ph === 'X' && e.pid === f.pid && e.tid === f.tid && e.ts === f.ts && (e as { cat?: string }).cat === 'message'), `slice for flow ${f.id}`)
    }
    const byTrack = new Map<string, Ev[]>()
    for (const e of events.filter((e) => e.ph === 'X' && (e as { cat?: string }).cat === 'message')) {
      const k = `${e.pid}/${e.tid}`
      byTrack.set(k, [...(byTrack.get(k) ?? []), e])
    }
    for (const list of byTrack.values()) {
      list.sort((a, b) => a.ts - b.ts)
      for (let i = 1; i < list.length; i++) assert.ok(list[i].ts >= list[i - 1].ts + list[i - 1].dur!, 'message slices do not overlap')
    }
    // Process start and exit with its status; running/blocked slices.
    const exit = events.find((e) => e.ph === 'i' && e.name === 'exit' && e.pid === 2)
    assert.equal(exit?.args?.status, 0)
    assert.ok(events.some((e) => e.ph === 'X' && e.name === 'blocked' && e.pid === 2))
    assert.ok(events.some((e) => e.ph === 'X' && e.name === 'running' && e.pid === 1))
    assert.ok(events.some((e) => e.ph === 'i' && e.name === 'grant allowed: send pingpong' && e.pid === 2))
  })

  test('the flow count matches the messages counted by --stats', async () => {
    const path = tracePath()
    const r = await wasmos(['run', '--trace', path, '--stats', ...pingpong, program('pingpong-client'), '40'], { timeoutMs: 60_000 })
    assert.equal(r.code, 0, r.stderr)
    const starts = load(path).filter((e) => e.ph === 's')
    const byPid = new Map<number, number>()
    for (const s of starts) byPid.set(s.pid, (byPid.get(s.pid) ?? 0) + 1)
    // The --stats table: a header naming "sent", then one row per program.
    const lines = r.stderr.split('\n')
    const header = lines.findIndex((l) => /\bsent\b/.test(l))
    assert.ok(header >= 0, r.stderr)
    const cols = lines[header].trim().split(/\s{2,}/)
    const sentCol = cols.indexOf('sent')
    for (const [name, pid] of [['pingpong-server', 1], ['pingpong-client', 2]] as const) {
      const row = lines.find((l) => l.startsWith(name))
      assert.ok(row !== undefined, r.stderr)
      const sent = Number(row.trim().split(/\s{2,}/)[sentCol])
      assert.equal(byPid.get(pid) ?? 0, sent, `${name}: flows vs --stats sent\n${r.stderr}`)
    }
  })

  test('a trap still writes the trace, with the exit status', async () => {
    const path = tracePath()
    const r = await wasmos(['run', '--trace', path, program('trap')])
    assert.notEqual(r.code, 0)
    const exit = load(path).find((e) => e.name === 'exit')
    assert.ok(exit !== undefined)
    assert.equal(typeof exit.args?.status, 'number')
    assert.equal(typeof exit.args?.error, 'string')
  })

  test('Ctrl-C still writes the trace, with the running slice of the spinner', async () => {
    const path = tracePath()
    const child = spawn(NODE, [CLI, 'run', '--trace', path, program('spin')], { env: { ...process.env, WASMOS_HOME: tempHome() }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
    const code = new Promise<number | null>((resolve) => child.on('close', resolve))
    while (!stderr.includes('spinning')) await new Promise((resolve) => setTimeout(resolve, 50))
    child.kill('SIGINT')
    assert.equal(await code, 130)
    const events = load(path)
    assert.ok(events.some((e) => e.ph === 'X' && e.name === 'running' && e.pid === 1 && e.dur! > 0))
    assert.ok(events.some((e) => e.name === 'send log.write'))
  })

  test('a timeout still writes the trace; --trace-limit bounds it and says so', async () => {
    const path = tracePath()
    const r = await wasmos(['run', '--trace', path, '--trace-limit', '40', '--timeout', '1', ...pingpong, program('pingpong-client'), '100000000'], { timeoutMs: 60_000 })
    assert.notEqual(r.code, 0)
    assert.match(r.stderr, /^wasmos: .*time/m)
    const events = load(path)
    assert.ok(events.length <= 40 + 8, `${events.length} events`)
    assert.equal(events.filter((e) => e.name === 'truncated').length, 1)
  })

  test('bad --trace-limit or an unwritable file: a one-line error before anything runs', async () => {
    const a = await wasmos(['run', '--trace', tracePath(), '--trace-limit', 'lots', program('hello')])
    assert.equal(a.code, 1)
    assert.match(a.stderr, /^wasmos: --trace-limit: /)
    const b = await wasmos(['run', '--trace', '/nonexistent-dir/x.json', program('hello')])
    assert.equal(b.code, 1)
    assert.match(b.stderr, /^wasmos: --trace: cannot write/)
    assert.equal(b.stdout, '')
  })
})
