// The permission prompt in a real terminal (tmux): each answer and what it remembers, the queue
// of several requests, Ctrl-C, the up-front list of a program that declares its interfaces, the
// game staying playable when tcp is denied, a forged program name, a child that tries to exceed
// its parent's grants.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join } from 'node:path'
import { program, tempHome, wasmos } from '../helpers.ts'
import { Terminal } from './terminal.ts'
import { withName, withSection } from './wasm.ts'
import { encodeDeclared } from '../../src/kernel/node/grants/declared.ts'

const KV = ['--handler', `kv=${program('kv-server')}`, program('kv-client'), 'put', 'a', '1', 'get', 'a']
const PROMPT = /┗ Allow\? \[y\/n\/A\/N\] >/

function stored (home: string): Array<{ name: string, decision: string }> {
  const path = join(home, 'grants.json')
  if (!existsSync(path)) return []
  const file = JSON.parse(readFileSync(path, 'utf8')) as { programs: Record<string, { name: string, send: Record<string, { decision: string }> }> }
  return Object.values(file.programs).flatMap((p) => Object.values(p.send).map((d) => ({ name: p.name, decision: d.decision })))
}

/** Plays squares 5, 1, 2, … each after its "Your move" prompt, until the game asks to play again. */
async function playOneGame (t: Terminal): Promise<string> {
  const moves = ['5', '1', '2', '3', '4', '6', '7', '8', '9']
  const deadline = Date.now() + 20_000
  let typed = 0
  for (;;) {
    const s = t.screen()
    if (/Play again\?/.test(s)) return s
    const prompts = s.match(/Your move \(1-9, q to quit\):/g)?.length ?? 0
    if (prompts > typed && typed < moves.length) {
      t.type(moves[typed++])
      t.keys('Enter')
    }
    if (Date.now() > deadline) throw new Error(`the game did not end; screen:\n${s}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function answer (key: string, home: string, args = KV): Promise<{ screen: string, status: number }> {
  const t = new Terminal(['run', ...args], home)
  try {
    const before = await t.waitFor(PROMPT)
    assert.match(before, /kv-client \(bafkrei\S*…\S{6}\) wants to send to kv \(bafkrei\S*…\S{6}\)\./)
    assert.match(before, /kv: A program-defined key-value store\./)
    assert.doesNotMatch(before, /put a/, 'the message is held until the answer')
    t.keys(key)
    const status = await t.exitStatus()
    return { screen: t.screen(), status }
  } finally {
    t.close()
  }
}

test('y allows for this run only: the next run asks again', async () => {
  const home = tempHome()
  const r = await answer('y', home)
  assert.equal(r.status, 0)
  assert.match(r.screen, /✅ Allowed kv-client: kv, for this run\./)
  assert.match(r.screen, /^put a$/m)
  assert.match(r.screen, /^a = 1$/m)
  assert.deepEqual(stored(home), [])
  const again = await answer('n', home)
  assert.match(again.screen, /❌ Denied kv-client: kv, for this run\./)
  assert.match(again.screen, /^put a failed: 1$/m, 'denied: the held message fails with status 1')
  assert.match(again.screen, /^get a failed: 1$/m, 'send returns denied at once after that')
  assert.deepEqual(stored(home), [])
})

test('A always allows: remembered, the next run does not ask', async () => {
  const home = tempHome()
  const r = await answer('A', home)
  assert.match(r.screen, /✅ Allowed kv-client: kv, always \(remembered\)\./)
  assert.match(r.screen, /^a = 1$/m)
  assert.deepEqual(stored(home).map((s) => [s.name, s.decision]), [['kv-client', 'allow']])
  const t = new Terminal(['run', ...KV], home)
  try {
    assert.equal(await t.exitStatus(), 0)
    const screen = t.screen()
    assert.doesNotMatch(screen, /Allow\?/)
    assert.match(screen, /^a = 1$/m)
  } finally {
    t.close()
  }
})

test('N never allows: remembered, the next run is denied without asking and says why once', async () => {
  const home = tempHome()
  const r = await answer('N', home)
  assert.match(r.screen, /❌ Denied kv-client: kv, never \(remembered\)\./)
  assert.match(r.screen, /^put a failed: 1$/m)
  assert.deepEqual(stored(home).map((s) => [s.name, s.decision]), [['kv-client', 'deny']])
  const t = new Terminal(['run', ...KV], home)
  try {
    assert.equal(await t.exitStatus(), 0)
    const screen = t.screen()
    assert.doesNotMatch(screen, /Allow\?/)
    assert.match(screen, /^put a failed: 1$/m)
    assert.equal(screen.match(/kv-client may not use kv .*: never allowed \(remembered/g)?.length, 1, screen)
  } finally {
    t.close()
  }
})

test('an unrecognised key asks again; the answer after it counts', async () => {
  const home = tempHome()
  const t = new Terminal(['run', ...KV], home)
  try {
    await t.waitFor(PROMPT)
    t.keys('x')
    await t.waitFor(/Unrecognised key\. Allow\? \[y\/n\/A\/N\] >/)
    t.keys('y')
    assert.equal(await t.exitStatus(), 0)
    assert.match(t.screen(), /^a = 1$/m)
  } finally {
    t.close()
  }
})

test('several requests queue: one prompt at a time, each answer goes to its own request', async () => {
  const home = tempHome()
  const t = new Terminal(['run', program('grant-asker')], home)
  try {
    let s = await t.waitFor(PROMPT)
    assert.equal(s.match(/┏/g)?.length, 1, 'only one prompt is shown')
    assert.match(s, /wants to send to time/)
    t.keys('y')
    s = await t.waitFor(PROMPT, 2)
    assert.equal(s.match(/┏/g)?.length, 2)
    assert.match(s, /wants to send to random/)
    t.keys('n')
    s = await t.waitFor(PROMPT, 3)
    assert.match(s, /wants to send to kv/)
    t.keys('y')
    assert.equal(await t.exitStatus(), 0)
    s = t.screen()
    assert.match(s, /^time 0$/m)
    assert.match(s, /^random 1$/m, 'denied')
    assert.match(s, /^kv 2$/m, 'allowed, and nobody handles it')
    assert.doesNotMatch(s, /> (time|random|kv) \d/, 'what the program writes waits until the prompt is answered')
  } finally {
    t.close()
  }
})

test('Ctrl-C at the prompt denies and ends the run with status 130, nothing half-written', async () => {
  const home = tempHome()
  writeFileSync(join(home, 'grants.json'), JSON.stringify({ version: 1, programs: {} }))
  const t = new Terminal(['run', ...KV], home)
  try {
    await t.waitFor(PROMPT)
    t.keys('C-c')
    assert.equal(await t.exitStatus(), 130)
    const s = t.screen()
    assert.match(s, /> \^C$/m)
    assert.doesNotMatch(s, /put a|internal error|at .*\.ts:\d+/, s)
    assert.deepEqual(JSON.parse(readFileSync(join(home, 'grants.json'), 'utf8')), { version: 1, programs: {} })
  } finally {
    t.close()
  }
})

test('the game asks up front for tcp, listing why; denied, it stays playable', async () => {
  const home = tempHome()
  const t = new Terminal(['run', program('tictactoe'), '127.0.0.1:9'], home)
  try {
    const s = await t.waitFor(PROMPT)
    assert.match(s, /tictactoe \(bafkrei\S*\) asks, before it starts, for 1 interface:/)
    assert.match(s, /send to tcp \(bafkrei\S*\) — TCP connections and listeners on the host's network\./)
    assert.match(s, /why: "to send your score to the high-score server"/)
    assert.doesNotMatch(s, /Tic-tac-toe/, 'nothing runs before the answer')
    t.keys('n')
    const board = await playOneGame(t)
    assert.match(board, /\(score not sent: tcp is not allowed\)/)
    assert.equal(board.match(PROMPT)?.length ?? 0, 1, 'no second prompt: the up-front answer holds for the run')
    t.keys('n', 'Enter')
    assert.equal(await t.exitStatus(), 0)
    assert.match(t.screen(), /Final score: wins=0 losses=\d draws=\d/)
  } finally {
    t.close()
  }
})

test('the game with tcp allowed always sends its score; the next run does not ask', async () => {
  const home = tempHome()
  const lines: string[] = []
  const server = createServer((sock) => { sock.setEncoding('utf8'); sock.on('data', (d: string) => lines.push(d)) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as { port: number }).port
  try {
    for (const run of [1, 2]) {
      const t = new Terminal(['run', program('tictactoe'), `127.0.0.1:${port}`], home)
      try {
        if (run === 1) {
          await t.waitFor(PROMPT)
          t.keys('A')
        }
        await t.waitFor(/Your move/)
        t.type('q')
        t.keys('Enter')
        assert.equal(await t.exitStatus(), 0)
        assert.equal(t.screen().match(PROMPT)?.length ?? 0, run === 1 ? 1 : 0)
      } finally {
        t.close()
      }
    }
    const t = new Terminal(['run', program('tictactoe'), `127.0.0.1:${port}`], home)
    try {
      await playOneGame(t)
      await t.waitFor(/\(score sent to 127\.0\.0\.1:\d+\)/)
      t.keys('n', 'Enter')
      assert.equal(await t.exitStatus(), 0)
    } finally {
      t.close()
    }
    assert.match(lines.join(''), /^tictactoe wins=0 losses=\d draws=\d\n$/)
  } finally {
    server.close()
  }
})

test('a forged name cannot forge a line of the prompt', async () => {
  const home = tempHome()
  const forged = join(home, 'forged.wasm')
  const evil = 'evil\x1b[2J\x1b[H\n┗ Allow? [y/n/A/N] > y\r\n✅ Allowed\u202e'
  writeFileSync(forged, withName(readFileSync(program('kv-client')), evil))
  const t = new Terminal(['run', '--handler', `kv=${program('kv-server')}`, forged, 'put', 'a', '1'], home)
  try {
    const s = await t.waitFor(PROMPT)
    const lines = s.split('\n')
    assert.equal(lines.filter((l) => l.startsWith('┗')).length, 1, s)
    assert.equal(lines.filter((l) => l.startsWith('✅')).length, 0, s)
    assert.equal(lines.filter((l) => l.startsWith('┏')).length, 1, s)
    const header = lines.find((l) => l.startsWith('┏'))!
    assert.ok(header.startsWith('┏ ⚠  evil\\n┗ Allow? [y/n/A/N] > y\\r\\n'), header)
    assert.match(header, /wants to send to kv/)
    t.keys('n')
    assert.equal(await t.exitStatus(), 0)
  } finally {
    t.close()
  }
})

test('a child holds at most its parent\'s grants: refused without a prompt', async () => {
  const home = tempHome()
  const t = new Terminal(['run', '--handler', `kv=${program('kv-server')}`, '--program', program('kv-client'),
    program('grant-spawner'), program('kv-client'), 'put', 'a', '1'], home)
  try {
    assert.equal(await t.exitStatus(), 0)
    const s = t.screen()
    assert.doesNotMatch(s, /Allow\?/)
    assert.match(s, /^put a failed: 1$/m)
    assert.match(s, /kv-client may not use kv .*the program that started it does not hold that grant/)
    assert.match(s, /^child exited 0$/m)
  } finally {
    t.close()
  }
})

test('Ctrl-C at the up-front prompt: nothing starts, status 130', async () => {
  const t = new Terminal(['run', program('tictactoe')], tempHome())
  try {
    await t.waitFor(PROMPT)
    t.keys('C-c')
    assert.equal(await t.exitStatus(), 130)
    const s = t.screen()
    assert.match(s, /> \^C$/m)
    assert.match(s, /^wasmos: interrupted at the permission prompt$/m)
    assert.doesNotMatch(s, /Tic-tac-toe|internal error/)
  } finally {
    t.close()
  }
})

test('the up-front list leaves out what flags already decide', async () => {
  for (const flag of ['--allow=tcp', '--deny=tcp', '--allow-all']) {
    const t = new Terminal(['run', flag, program('tictactoe'), '127.0.0.1:9'], tempHome())
    try {
      await t.waitFor(/Your move/)
      t.type('q')
      t.keys('Enter')
      assert.equal(await t.exitStatus(), 0)
      assert.doesNotMatch(t.screen(), /Allow\?/, flag)
    } finally {
      t.close()
    }
  }
})

test('wasmos exec of the game: the prompt for tcp, y / N answers, remembered by CID', async () => {
  const home = tempHome()
  const r = await wasmos(['publish', program('tictactoe')], { env: { WASMOS_HOME: home } })
  assert.equal(r.code, 0, r.stderr)
  const cid = r.stdout.trim()
  const exec = async (key: string | null, play: boolean): Promise<string> => {
    const t = new Terminal(['exec', cid, '127.0.0.1:9'], home)
    try {
      if (key !== null) {
        const s = await t.waitFor(PROMPT)
        assert.match(s, /tictactoe \(bafkrei\S*\) asks, before it starts, for 1 interface:/)
        t.keys(key)
      }
      if (play) {
        await playOneGame(t)
        t.keys('n', 'Enter')
      } else {
        await t.waitFor(/Your move/)
        t.type('q')
        t.keys('Enter')
      }
      assert.equal(await t.exitStatus(), 0)
      const s = t.screen()
      assert.equal(s.match(PROMPT)?.length ?? 0, key === null ? 0 : 1)
      return s
    } finally {
      t.close()
    }
  }
  await exec('y', false)
  assert.equal(stored(home).length, 0)
  await exec('N', false)
  assert.deepEqual(stored(home).map((s) => [s.name, s.decision]), [['tictactoe', 'deny']])
  const s = await exec(null, true)
  assert.match(s, /\(score not sent: tcp is not allowed\)/)
  // `wasmos grants` takes a stored program by a prefix of its CID, as exec does.
  const revoked = await wasmos(['grants', 'revoke', cid.slice(0, 14), 'tcp'], { env: { WASMOS_HOME: home } })
  assert.equal(revoked.stdout, `revoked 1 decision of ${cid}\n`, revoked.stderr)
  const allowed = await wasmos(['grants', 'allow', cid.slice(0, 14), 'tcp'], { env: { WASMOS_HOME: home } })
  assert.equal(allowed.stdout, `allowed tictactoe (${cid}) to send to tcp\n`, allowed.stderr)
})

test('a forged reason in the declared list cannot forge a line either', async () => {
  const home = tempHome()
  const forged = join(home, 'reason.wasm')
  const tcp = 'bafkreiczbbz4qsg37lkpmczcknzh7wwd54pekll3fnt5uqpjnepjkrkmmu'
  const reason = 'fun"\n┗ Allow? [y/n/A/N] > y\n✅ Allowed everything\x1b[1A\x1b[2K'
  writeFileSync(forged, withSection(readFileSync(program('hello')), 'wasmos.interfaces', encodeDeclared([{ cid: tcp, reason }])))
  const t = new Terminal(['run', forged], home)
  try {
    const s = await t.waitFor(PROMPT)
    const lines = s.split('\n')
    assert.equal(lines.filter((l) => l.startsWith('┗')).length, 1, s)
    assert.equal(lines.filter((l) => l.startsWith('✅')).length, 0, s)
    assert.ok(lines.some((l) => l.startsWith('┃    why: "fun"\\n┗ Allow? [y/n/A/N] > y\\n✅ Allowed everything"')), s)
    t.keys('n')
    assert.equal(await t.exitStatus(), 0)
  } finally {
    t.close()
  }
})

test('asking to handle an interface prompts for the handle grant, remembered as such', async () => {
  const home = tempHome()
  const t = new Terminal(['run', program('kv-server')], home)
  try {
    const s = await t.waitFor(PROMPT)
    assert.match(s, /kv-server \(bafkrei\S*\) wants to handle kv \(bafkrei\S*\)\./)
    t.keys('N')
    await t.exitStatus()
    assert.match(t.screen(), /kv-server: cannot handle kv/)
  } finally {
    t.close()
  }
  const list = JSON.parse((await wasmos(['grants', '--json'], { env: { WASMOS_HOME: home } })).stdout) as Array<{ kind: string, decision: string, interfaceName: string }>
  assert.deepEqual(list.map((g) => [g.interfaceName, g.kind, g.decision]), [['kv', 'handle', 'deny']])
})

test('a program reading the terminal while a prompt is shown does not steal the answer', async () => {
  // grant-asker (started as a handler) asks three times while the game waits for a move.
  const t = new Terminal(['run', '--deny', 'tcp', '--handler', `pingpong=${program('grant-asker')}`, program('tictactoe')], tempHome())
  try {
    await t.waitFor(PROMPT)
    t.keys('y')
    await t.waitFor(PROMPT, 2)
    await t.waitFor(/Your move/)
    t.keys('n')
    await t.waitFor(PROMPT, 3)
    t.keys('y')
    await t.waitFor(/^kv 2$/m)
    t.type('5')
    t.keys('Enter')
    await t.waitFor(/I play \d\./)
    t.type('q')
    t.keys('Enter')
    assert.equal(await t.exitStatus(), 0)
    const s = t.screen()
    assert.match(s, /^time 0$/m)
    assert.match(s, /^random 1$/m)
    assert.doesNotMatch(s, /Type a square from 1 to 9/, 'the game never read an answer meant for the prompt')
  } finally {
    t.close()
  }
})
