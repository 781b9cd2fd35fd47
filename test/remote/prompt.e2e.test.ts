// The serving side asks on its terminal about a peer nothing allows (a real terminal: tmux): yes
// lets the call through and is kept for the rest of the serve, no refuses it with a reason the
// caller sees.
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
    await term.waitFor(new RegExp(`program kv-client \\(bafkrei\\S+\\) on peer ${caller.id} wants to use kv\\. Allow\\? \\[y/N\\]`))
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
})
