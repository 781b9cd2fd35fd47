// The permission prompt covers WASI: a WASI program given a --dir directory or a --listen
// listener asks, in a real terminal (tmux), for the fs or tcp grant like any program; `y` lets it
// use the directory, `n` hides it; with --no-prompt it is denied with the flag to use.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tempHome } from '../helpers.ts'
import { Terminal } from '../grants/terminal.ts'

const work = mkdtempSync(join(tmpdir(), 'wasi-prompt-'))
const probe = join(work, 'probe.wasm')
const PROMPT = /Allow\? \[y\/n\/A\/(a\/)?N\]/

beforeAll(() => {
  const r = spawnSync('clang', ['--target=wasm32-wasi', '-O2', '-o', probe, join(import.meta.dirname, 'fixtures', 'probe.c')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`clang: ${r.error?.message ?? r.stderr}`)
  writeFileSync(join(work, 'note.txt'), 'granted')
})
afterAll(() => { rmSync(work, { recursive: true, force: true }) })

for (const [key, expected] of [['y', /\/data\/note\.txt: opened \(7 bytes: granted\)/], ['n', /\/data\/note\.txt: errno 76/]] as const) {
  test(`a WASI program with --dir asks for fs; ${key} ${key === 'y' ? 'opens' : 'hides'} the directory`, async () => {
    const t = new Terminal(['run', '--dir', `${work}:/data`, probe, 'open', '/data/note.txt'], tempHome())
    try {
      const before = await t.waitFor(PROMPT)
      expect(before).toMatch(/probe \(bafk\S*\) wants to read and write \/data via fs\./)
      expect(before).not.toMatch(/note\.txt/)
      t.keys(key)
      expect(await t.exitStatus()).toBe(0)
      expect(t.screen()).toMatch(expected)
    } finally {
      t.close()
    }
  })
}

test('a WASI program with --listen asks for tcp', async () => {
  const t = new Terminal(['run', '--listen', '127.0.0.1:0', probe, 'serve', '3', '0'], tempHome())
  try {
    const before = await t.waitFor(PROMPT)
    expect(before).toMatch(/probe \(bafk\S*\) wants to listen on 127\.0\.0\.1:0 via tcp/)
    t.keys('y')
    expect(await t.exitStatus()).toBe(0)
    expect(t.screen()).toMatch(/listening on fd 3/)
  } finally {
    t.close()
  }
})
