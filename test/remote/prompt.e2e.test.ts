// The serving side asks on its terminal about a peer nothing allows (a real terminal: tmux): yes
// lets the call through and is kept for the rest of the serve, no refuses it with a reason the
// caller sees; always and never are remembered in WASMOS_HOME/peer-grants.json for the next serve.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { program, runCli, scratchHome, type TempHome } from '../helpers.ts'
import { Terminal } from '../grants/terminal.ts'

describe('wasmos serve --export on a terminal', () => {
  let term: Terminal
  let serverHome: TempHome
  let addr: string
  const homes: TempHome[] = []

  beforeAll(async () => {
    serverHome = scratchHome('prompt-server')
    term = new Terminal(['serve', '--handler', `kv=${program('kv-server')}`, '--export', 'kv'], serverHome.path)
    const screen = await term.waitFor(/^exporting kv/m, 1, 20_000)
    addr = /^(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+)$/m.exec(screen)![1]
  }, 30_000)

  afterAll(async () => {
    term?.close()
    await serverHome?.dispose()
    for (const h of homes) await h.dispose()
  })

  async function callerHome (label: string): Promise<{ path: string, id: string }> {
    const h = scratchHome(label)
    homes.push(h)
    const id = (await runCli(h.path, ['id'])).stdout.trim()
    return { path: h.path, id }
  }

  test('y allows the peer\'s program, and is not asked again', async () => {
    const caller = await callerHome('prompt-yes')
    const run = runCli(caller.path, ['run', '--remote', `kv=${addr}`, '--allow', 'kv', program('kv-client'), 'put', 'a', '1', 'get', 'a'])
    await term.waitFor(new RegExp(`program kv-client \\(bafkrei\\S+\\) on peer ${caller.id} wants to use kv\\. Allow\\? \\[y\\] once, \\[n\\] no, \\[A\\] always, \\[N\\] never:`))
    term.type('y')
    term.keys('Enter')
    const r = await run
    expect(r.stdout).toBe('put a\na = 1\n')
    const again = await runCli(caller.path, ['run', '--remote', `kv=${addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
    expect(again.stdout).toBe('a = 1\n')
    expect(term.screen().match(/wants to use kv/g)).toHaveLength(1)
  }, 30_000)

  test('n refuses it, and the caller is told why', async () => {
    const caller = await callerHome('prompt-no')
    const run = runCli(caller.path, ['run', '--remote', `kv=${addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
    await term.waitFor(new RegExp(`on peer ${caller.id} wants to use kv\\. Allow\\?`))
    term.type('n')
    term.keys('Enter')
    const r = await run
    expect(r.stdout).toBe('get a failed: 1\n')
    expect(r.stderr).toContain(`on peer ${caller.id} wants to use kv: refused on the serving terminal`)
  }, 30_000)

  test('A and N are remembered for the next serve', async () => {
    const always = await callerHome('prompt-always')
    const never = await callerHome('prompt-never')
    const first = runCli(always.path, ['run', '--remote', `kv=${addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
    await term.waitFor(new RegExp(`on peer ${always.id} wants to use kv\\. Allow\\?`))
    term.type('A')
    term.keys('Enter')
    expect((await first).stdout).toBe('a = 1\n')
    const second = runCli(never.path, ['run', '--remote', `kv=${addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
    await term.waitFor(new RegExp(`on peer ${never.id} wants to use kv\\. Allow\\?`))
    term.type('N')
    term.keys('Enter')
    expect((await second).stdout).toBe('get a failed: 1\n')
    const stored = (): unknown => {
      try {
        return (JSON.parse(readFileSync(join(serverHome.path, 'peer-grants.json'), 'utf8')) as { decisions: Array<{ peer: string, decision: string }> })
          .decisions.map((d) => [d.peer, d.decision])
      } catch {
        return null
      }
    }
    await expect.poll(stored).toEqual([[always.id, 'allow'], [never.id, 'deny']])
    term.close()

    term = new Terminal(['serve', '--handler', `kv=${program('kv-server')}`, '--export', 'kv'], serverHome.path)
    const screen = await term.waitFor(/^exporting kv/m, 1, 20_000)
    const again = /^(\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\/\S+)$/m.exec(screen)![1]
    const yes = await runCli(always.path, ['run', '--remote', `kv=${again}`, '--allow', 'kv', program('kv-client'), 'put', 'b', '2', 'get', 'b'])
    expect(yes.stdout).toBe('put b\nb = 2\n')
    const no = await runCli(never.path, ['run', '--remote', `kv=${again}`, '--allow', 'kv', program('kv-client'), 'get', 'b'])
    expect(no.stdout).toBe('get b failed: 1\n')
    expect(no.stderr).toContain(`on peer ${never.id} wants to use kv: never allowed (remembered in peer-grants.json`)
    expect(term.screen()).not.toMatch(/Allow\?/)
  }, 60_000)
})
