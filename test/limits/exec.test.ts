// Programs run by CID (`wasmos exec`) get the same limits as programs run from a file: the fuel
// rewrite (so a CPU limit can end them), and its cache, keyed by the CID, shared with `run`.
import { onTestFinished, test } from 'vitest'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { program, runCli, scratchHome } from '../helpers.ts'

test('exec: a CPU limit ends a spinner run by CID (it is rewritten for fuel)', async () => {
  const home = scratchHome('exec-limits')
  onTestFinished(home.dispose)
  const published = await runCli(home.path, ['publish', program('spin')])
  assert.equal(published.code, 0, published.stderr)
  const cid = published.stdout.trim().split(/\s+/).at(-1) ?? ''
  assert.match(cid, /^baf/)
  const r = await runCli(home.path, ['exec', '--cpu-limit', '300ms', cid], 30_000)
  assert.equal(r.code, 152, r.stderr)
  assert.match(r.stderr, /cpu limit: .* its limit is 300\.0 ms$/m)
})

test('exec and run share the cache of rewritten modules, keyed by the CID', async () => {
  const home = scratchHome('exec-cache')
  onTestFinished(home.dispose)
  const published = await runCli(home.path, ['publish', program('hello')])
  assert.equal(published.code, 0, published.stderr)
  const cid = published.stdout.trim().split(/\s+/).at(-1) ?? ''
  const cache = join(home.path, 'cache', 'fuel')
  const byExec = await runCli(home.path, ['exec', cid])
  assert.equal(byExec.code, 0, byExec.stderr)
  const entries = readdirSync(cache)
  assert.equal(entries.length, 1, 'exec wrote the rewritten module to the cache')
  const byRun = await runCli(home.path, ['run', program('hello')])
  assert.equal(byRun.code, 0, byRun.stderr)
  assert.equal(byRun.stdout, byExec.stdout)
  assert.deepEqual(readdirSync(cache), entries, 'run found the entry exec wrote')
})
