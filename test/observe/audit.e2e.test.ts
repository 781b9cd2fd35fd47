// `--audit`: one JSON line per grant decision and per refused message, naming the program, the
// interface, send or handle, the decision and where it came from; also from config.json's "audit".
import { describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { program, runCli, tempHome, wasmos } from '../helpers.ts'
import { Terminal } from '../grants/terminal.ts'

interface Line { time: string, event: string, pid: number, program: string, programCid: string, interface: string | null, interfaceCid: string, kind: string, decision: string, source: string }

function lines (path: string): Line[] {
  return readFileSync(path, 'utf8').split('\n').filter((l) => l !== '').map((l) => JSON.parse(l) as Line)
}

function find (all: Line[], event: string, iface: string, kind = 'send'): Line {
  const l = all.find((x) => x.event === event && x.interface === iface && x.kind === kind)
  assert.ok(l !== undefined, `${event} ${kind} ${iface} in ${JSON.stringify(all, null, 1)}`)
  return l
}

describe('--audit', () => {
  test('decisions by flag and by default, and a refused message, with names and CIDs', async () => {
    const home = tempHome('audit')
    const path = join(home, 'audit.jsonl')
    const r = await runCli(home, ['run', '--audit', path, '--deny', 'time', '--allow=pingpong', `--handler=pingpong=${program('pingpong-server')}`, program('grant-asker')])
    assert.equal(r.code, 0, r.stderr)
    const all = lines(path)
    for (const l of all) {
      assert.ok(!Number.isNaN(Date.parse(l.time)))
      assert.match(l.programCid, /^bafk/)
    }
    const time = find(all, 'grant', 'time')
    assert.equal(time.program, 'grant-asker')
    assert.equal(time.decision, 'deny')
    assert.equal(time.source, 'flag')
    assert.match(time.interfaceCid, /^bafk/)
    // The send that the --deny refused.
    const refused = find(all, 'denied', 'time')
    assert.equal(refused.source, 'flag')
    assert.equal(refused.decision, 'deny')
    // No terminal to ask: denied by default; stdio allowed by default; the handler by its flag.
    assert.equal(find(all, 'grant', 'random').source, 'default')
    assert.equal(find(all, 'grant', 'random').decision, 'deny')
    assert.equal(find(all, 'grant', 'stdio').source, 'default')
    assert.equal(find(all, 'grant', 'stdio').decision, 'allow')
    const handle = find(all, 'grant', 'pingpong', 'handle')
    assert.equal(handle.program, 'pingpong-server')
    assert.equal(handle.source, 'flag')
    // Appends: a second run adds its lines after the first's.
    const before = all.length
    const again = await runCli(home, ['run', '--audit', path, '--allow=kv', program('grant-asker')])
    assert.equal(again.code, 0, again.stderr)
    const after = lines(path)
    assert.ok(after.length > before)
    assert.equal(find(after.slice(before), 'grant', 'kv').source, 'flag')
    assert.equal(find(after.slice(before), 'grant', 'kv').decision, 'allow')
  })

  test('a remembered decision says so; config.json "audit" turns the log on', async () => {
    const home = tempHome('audit')
    const g = await runCli(home, ['grants', 'allow', program('grant-asker'), 'random'])
    assert.equal(g.code, 0, g.stderr)
    writeFileSync(join(home, 'config.json'), JSON.stringify({ audit: 'audit.jsonl' }))
    const r = await runCli(home, ['run', program('grant-asker')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^random 0$/m)
    const random = find(lines(join(home, 'audit.jsonl')), 'grant', 'random')
    assert.equal(random.decision, 'allow')
    assert.equal(random.source, 'remembered')
  })

  test('answers at the prompt say "prompt" (in a real terminal)', async () => {
    const home = tempHome('audit')
    const path = join(home, 'audit.jsonl')
    const t = new Terminal(['run', '--audit', path, program('grant-asker')], home)
    try {
      await t.waitFor(/wants to send to time/)
      t.keys('y')
      await t.waitFor(/wants to send to random/)
      t.keys('n')
      await t.waitFor(/wants to send to kv/)
      t.keys('n')
      assert.equal(await t.exitStatus(), 0)
    } finally {
      t.close()
    }
    const all = lines(path)
    assert.deepEqual([find(all, 'grant', 'time').decision, find(all, 'grant', 'time').source], ['allow', 'prompt'])
    assert.deepEqual([find(all, 'grant', 'random').decision, find(all, 'grant', 'random').source], ['deny', 'prompt'])
    assert.deepEqual([find(all, 'grant', 'kv').decision, find(all, 'grant', 'kv').source], ['deny', 'prompt'])
  })

  test('a bad config.json or an unwritable file is a one-line error', async () => {
    const home = tempHome('audit')
    writeFileSync(join(home, 'config.json'), JSON.stringify({ audit: 42 }))
    const a = await runCli(home, ['run', program('hello')])
    assert.equal(a.code, 1)
    assert.match(a.stderr, /^wasmos: .*config\.json: "audit" must be a file name\n$/)
    const b = await wasmos(['run', '--audit', '/nonexistent-dir/a.jsonl', program('hello')])
    assert.equal(b.code, 1)
    assert.match(b.stderr, /^wasmos: --audit: cannot open/)
    assert.equal(b.stdout, '')
  })
})
