// The scoped prompt in a real terminal (tmux): tictactoe (its up-front list removed, so that tcp is
// asked at first use) connecting to a real listener on 127.0.0.1: the prompt shows host:port and
// the reason, A remembers that host:port (the next run does not ask; another port is asked again),
// a remembers any port on the host; a declared scope is asked up front; two runs answering A at
// the same moment both keep their decision in a grants.json that stays valid.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { program, tempHome } from '../helpers.ts'
import { Terminal } from './terminal.ts'
import { withSection, withoutSection } from './wasm.ts'
import { DECLARED_SECTION, encodeDeclared } from '../../src/kernel/node/grants/declared.ts'
import { tcp } from '../../src/interfaces/gen/tcp.ts'

const SCOPED_PROMPT = /┗ Allow\? \[y\/n\/A\/a\/N\] >/
const dir = mkdtempSync(join(tmpdir(), 'wasmos-scope-tty-'))
/** tictactoe without its declared interfaces: tcp is asked when it connects. */
const plain = join(dir, 'tictactoe.wasm')
writeFileSync(plain, withoutSection(readFileSync(program('tictactoe')), DECLARED_SECTION))

let server: Server
let port = 0
let other: Server
let otherPort = 0
const received: string[] = []

const listen = async (s: Server): Promise<number> => {
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))
  return (s.address() as { port: number }).port
}

beforeAll(async () => {
  server = createServer((c) => { c.on('data', (d) => received.push(d.toString().trim())) })
  port = await listen(server)
  other = createServer((c) => { c.destroy() })
  otherPort = await listen(other)
})
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve))
  await new Promise((resolve) => other.close(resolve))
})

interface Grants { version: number, programs: Record<string, { name: string, send: Record<string, { decision: string }> }> }

function grantsOf (home: string): Grants {
  return JSON.parse(readFileSync(join(home, 'grants.json'), 'utf8')) as Grants
}

/** Types moves after each "Your move" until the screen matches `until`; returns the screen. */
async function play (t: Terminal, until: RegExp): Promise<string> {
  const moves = ['5', '1', '2', '3', '4', '6', '7', '8', '9']
  const deadline = Date.now() + 30_000
  let typed = 0
  for (;;) {
    const s = t.screen()
    if (until.test(s)) return s
    const prompts = s.match(/Your move \(1-9, q to quit\):/g)?.length ?? 0
    if (prompts > typed && typed < moves.length) {
      t.type(moves[typed++])
      t.keys('Enter')
    }
    if (Date.now() > deadline) throw new Error(`${until} did not appear; screen:\n${s}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

async function finish (t: Terminal): Promise<string> {
  await t.waitFor(/Play again\? \[y\/n\]/)
  t.type('n')
  t.keys('Enter')
  expect(await t.exitStatus()).toBe(0)
  return t.screen()
}

test('the prompt shows host:port; A remembers that host:port only; a widens to any port', async () => {
  const home = tempHome()
  const t = new Terminal(['run', plain, `127.0.0.1:${port}`], home)
  try {
    const s = await play(t, SCOPED_PROMPT)
    expect(s).toMatch(new RegExp(`tictactoe \\(bafkrei\\S*…\\S{6}\\) wants to connect to 127\\.0\\.0\\.1:${port} via tcp\\.`))
    expect(s).toContain(`A: always allow 127.0.0.1:${port} · a: always allow any port on 127.0.0.1 · N: never allow 127.0.0.1:${port}`)
    t.keys('A')
    const end = await finish(t)
    expect(end).toContain(`✅ Allowed tictactoe: tcp 127.0.0.1:${port}, always (remembered).`)
    expect(end).toContain(`(score sent to 127.0.0.1:${port})`)
  } finally {
    t.close()
  }
  const stored = Object.values(grantsOf(home).programs)[0]
  expect(Object.keys(stored.send).map((k) => k.replace(tcp.cid, 'TCP'))).toEqual([`TCP=127.0.0.1:${port}`])

  // Remembered: the next run does not ask.
  const again = new Terminal(['run', plain, `127.0.0.1:${port}`], home)
  try {
    const s = await play(again, /Play again\?/)
    expect(s).not.toMatch(/Allow\?/)
    expect(s).toContain(`(score sent to 127.0.0.1:${port})`)
    await finish(again)
  } finally {
    again.close()
  }

  // Another port is asked again; `a` remembers every port of the host.
  const wider = new Terminal(['run', plain, `127.0.0.1:${otherPort}`], home)
  try {
    const s = await play(wider, SCOPED_PROMPT)
    expect(s).toContain(`wants to connect to 127.0.0.1:${otherPort} via tcp`)
    wider.keys('a')
    const end = await finish(wider)
    expect(end).toContain('✅ Allowed tictactoe: tcp 127.0.0.1:*, always (remembered).')
  } finally {
    wider.close()
  }
  expect(Object.keys(Object.values(grantsOf(home).programs)[0].send).map((k) => k.replace(tcp.cid, 'TCP')).sort())
    .toEqual([`TCP=127.0.0.1:${port}`, 'TCP=127.0.0.1:*'].sort())
  expect(received.filter((l) => l.startsWith('tictactoe ')).length).toBeGreaterThanOrEqual(2)
})

test('a declared scope is asked up front, with its reason; y allows it for the run', async () => {
  const home = tempHome()
  const declared = join(dir, `declared-${port}.wasm`)
  writeFileSync(declared, withSection(readFileSync(plain), DECLARED_SECTION,
    encodeDeclared([{ cid: tcp.cid, reason: 'to send your score', scope: `127.0.0.1:${port}` }])))
  const t = new Terminal(['run', declared, `127.0.0.1:${port}`], home)
  try {
    const s = await t.waitFor(/┗ Allow\? \[y\/n\/A\/N\] >/)
    expect(s).toMatch(/asks, before it starts, for 1 interface:/)
    expect(s).toContain(`use 127.0.0.1:${port} via tcp`)
    expect(s).toContain('why: "to send your score"')
    t.keys('y')
    const after = await play(t, /Play again\?/)
    expect(after.match(/Allow\?/g)?.length, 'asked once, up front').toBe(1)
    expect(after).toContain(`(score sent to 127.0.0.1:${port})`)
    await finish(t)
  } finally {
    t.close()
  }
})

test('two runs answering A at the same moment keep both decisions in a valid grants.json', async () => {
  const home = tempHome()
  const a = new Terminal(['run', plain, `127.0.0.1:${port}`], home)
  const b = new Terminal(['run', plain, `127.0.0.1:${otherPort}`], home)
  try {
    await Promise.all([play(a, SCOPED_PROMPT), play(b, SCOPED_PROMPT)])
    a.keys('A')
    b.keys('N')
    await Promise.all([finish(a), finish(b)])
  } finally {
    a.close()
    b.close()
  }
  const file = grantsOf(home)
  expect(file.version).toBe(1)
  const send = Object.values(file.programs)[0].send
  expect(Object.fromEntries(Object.entries(send).map(([k, v]) => [k.replace(tcp.cid, 'TCP'), v.decision]))).toEqual({
    [`TCP=127.0.0.1:${port}`]: 'allow',
    [`TCP=127.0.0.1:${otherPort}`]: 'deny'
  })
})

test('with a scope allowed, the up-front list is not shown; elsewhere is asked at use, with the declared reason', async () => {
  const home = tempHome()
  const t = new Terminal(['run', '--allow', `tcp=127.0.0.1:${otherPort}`, program('tictactoe'), `127.0.0.1:${port}`], home)
  try {
    const s = await play(t, SCOPED_PROMPT)
    expect(s).not.toMatch(/before it starts/)
    expect(s).toContain(`wants to connect to 127.0.0.1:${port} via tcp — why: "to send your score to the high-score server".`)
    t.keys('n')
    const end = await finish(t)
    expect(end).toContain(`❌ Denied tictactoe: tcp 127.0.0.1:${port}, for this run.`)
    expect(end).toContain('(score not sent: tcp is not allowed)')
  } finally {
    t.close()
  }
})
