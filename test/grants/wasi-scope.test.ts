// Scoped grants and WASI programs (the probe fixture of test/wasi, built with clang): a --dir
// directory is preopened only when the program may read and write there — a read-only scope or a
// scope elsewhere leaves it out, with the flag named — and the prompt in tmux asks for exactly
// that; a --listen listener needs the tcp scope of its address.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { tempHome, wasmos } from '../helpers.ts'
import { Terminal } from './terminal.ts'

const work = mkdtempSync(join(tmpdir(), 'wasmos-wasi-scope-'))
const probe = join(work, 'probe.wasm')
const data = join(work, 'data')

beforeAll(() => {
  const r = spawnSync('clang', ['--target=wasm32-wasi', '-O2', '-o', probe, join(import.meta.dirname, '..', 'wasi', 'fixtures', 'probe.c')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`clang: ${r.error?.message ?? r.stderr}`)
  spawnSync('mkdir', ['-p', data])
  writeFileSync(join(data, 'note.txt'), 'granted')
})
afterAll(() => { rmSync(work, { recursive: true, force: true }) })

test('a --dir preopen needs read and write there: /data or bare fs opens it; read-only or elsewhere does not', async () => {
  for (const allow of ['fs=/data', 'fs=/data:rw', 'fs', 'fs=/']) {
    const r = await wasmos(['run', '--no-prompt', '--allow', allow, '--dir', `${data}:/data`, probe, 'open', '/data/note.txt'])
    expect(r.stdout, allow).toBe('/data/note.txt: opened (7 bytes: granted)\n')
  }
  for (const allow of ['fs=/data:read', 'fs=/other', 'fs=/data/sub']) {
    const r = await wasmos(['run', '--no-prompt', '--allow', allow, '--dir', `${data}:/data`, probe, 'open', '/data/note.txt'])
    expect(r.stdout, allow).toBe('/data/note.txt: errno 76\n')
    expect(r.stderr, allow).toMatch(/probe may not use fs to read and write \/data: no terminal to ask; allow it with --allow=fs, or only this with --allow fs=\/data:rw/)
  }
})

test('a --listen listener needs the tcp scope of its address', async () => {
  const denied = await wasmos(['run', '--no-prompt', '--allow', 'tcp=127.0.0.1:80', '--listen', '127.0.0.1:0', probe, 'serve', '3', '1'])
  expect(denied.stdout).toContain('accept: 8')
  expect(denied.stderr).toMatch(/probe may not use tcp to listen on 127\.0\.0\.1:0/)
})

test('the prompt asks to read and write the directory; y preopens it', async () => {
  const t = new Terminal(['run', '--dir', `${data}:/data`, probe, 'open', '/data/note.txt'], tempHome())
  try {
    const s = await t.waitFor(/┗ Allow\? \[y\/n\/A\/N\] >/)
    expect(s).toMatch(/probe \(bafk\S+\) wants to read and write \/data via fs\./)
    expect(s).toContain('A: always allow /data:rw · N: never allow /data:rw')
    t.keys('y')
    expect(await t.exitStatus()).toBe(0)
    expect(t.screen()).toMatch(/\/data\/note\.txt: opened \(7 bytes: granted\)/)
  } finally {
    t.close()
  }
})
