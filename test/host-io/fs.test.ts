// The fs and env interfaces through a real program (fsh): files under --dir, every way out
// refused (.., absolute paths, symbolic links to files and directories, creating through a
// dangling link), and only the --env variables visible.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { program, wasmos } from '../helpers.ts'

const DENIED = 18

function fixture (): { dir: string, outside: string } {
  const outside = mkdtempSync(join(tmpdir(), 'wasmos-outside-'))
  writeFileSync(join(outside, 'secret.txt'), 'secret\n')
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-fs-'))
  writeFileSync(join(dir, 'a.txt'), 'hello\n')
  mkdirSync(join(dir, 'sub'))
  writeFileSync(join(dir, 'sub', 'b.txt'), 'bee\n')
  symlinkSync(join(outside, 'secret.txt'), join(dir, 'link.txt'))
  symlinkSync(outside, join(dir, 'outdir'))
  symlinkSync(join(outside, 'new.txt'), join(dir, 'dangling.txt'))
  symlinkSync('sub/b.txt', join(dir, 'inside-link.txt'))
  return { dir, outside }
}

async function fsh (dir: string, ...cmds: string[]): Promise<string[]> {
  const r = await wasmos(['run', '--allow', 'fs', '--dir', `${dir}:/data`, program('fsh'), ...cmds])
  assert.equal(r.code, 0, r.stderr)
  return r.stdout.trimEnd().split('\n')
}

test('files under a granted directory can be read, written, listed, moved and removed', async () => {
  const { dir } = fixture()
  const out = await fsh(dir, 'cat', '/data/a.txt', 'ls', '/data', 'ls', '/', 'stat', '/data/sub/b.txt', 'stat', '/data/sub',
    'write', '/data/new.txt', 'abc', 'append', '/data/new.txt', 'def', 'readat', '/data/new.txt', '2', 'readat', '/data/new.txt', '-2',
    'mkdir', '/data/d', 'mv', '/data/new.txt', '/data/d/moved.txt', 'cat', 'data/d/moved.txt', 'cat', '/data/inside-link.txt',
    'rm', '/data/sub', 'rm', '/data/sub/b.txt', 'rm', '/data/sub', 'cat', '/data/inside-link.txt', 'mkdir', '/data/d', 'cat', '/data/nope')
  assert.match(out[5], /^dir \d+ recent$/)
  out[5] = 'dir'
  assert.deepEqual(out, [
    'hello', '',
    'a.txt dangling.txt inside-link.txt link.txt outdir sub/',
    'data/',
    'file 4 recent', 'dir',
    'wrote 3', 'wrote 3', 'cdef', 'ef',
    'made /data/d', 'moved /data/new.txt', 'abcdef', 'bee', '',
    '/data/sub: error 21', 'removed /data/sub/b.txt', 'removed /data/sub',
    // A link whose target is gone is refused like one pointing outside: where it led is unknown.
    '/data/inside-link.txt: error 18', '/data/d: error 17', '/data/nope: error 16'
  ])
  assert.equal(readFileSync(join(dir, 'd', 'moved.txt'), 'utf8'), 'abcdef')
  assert.equal(existsSync(join(dir, 'sub')), false)
})

test('nothing outside the granted directory can be reached', async () => {
  const { dir, outside } = fixture()
  const attempts = [
    ['cat', '/data/../' + outside.split('/').pop() + '/secret.txt'],
    ['cat', '/data/sub/../../etc/passwd'],
    ['cat', '/etc/passwd'],
    ['cat', outside + '/secret.txt'],
    ['cat', '/data/link.txt'],
    ['cat', '/data/outdir/secret.txt'],
    ['ls', '/data/outdir'],
    ['stat', '/data/outdir/secret.txt'],
    ['write', '/data/dangling.txt', 'x'],
    ['write', '/data/outdir/new.txt', 'x'],
    ['mkdir', '/data/outdir/d'],
    ['mv', '/data/a.txt', '/data/outdir/a.txt'],
    ['mv', '/data/outdir/secret.txt', '/data/stolen.txt'],
    ['rm', '/data/outdir/secret.txt'],
    ['rm', '/data'],
    ['mv', '/data', '/elsewhere'],
    ['write', '/x.txt', 'x']
  ]
  const out = await fsh(dir, ...attempts.flat())
  assert.equal(out.length, attempts.length, out.join('\n'))
  for (let i = 0; i < attempts.length; i++) assert.match(out[i], new RegExp(`: error ${DENIED}$`), attempts[i].join(' '))
  assert.equal(readFileSync(join(outside, 'secret.txt'), 'utf8'), 'secret\n')
  assert.equal(existsSync(join(outside, 'new.txt')), false)
  assert.equal(existsSync(join(outside, 'a.txt')), false)
  assert.equal(existsSync(join(dir, 'a.txt')), true)
  // Removing a link removes the link, not what it points to.
  assert.deepEqual(await fsh(dir, 'rm', '/data/link.txt'), ['removed /data/link.txt'])
  assert.equal(existsSync(join(outside, 'secret.txt')), true)
})

test('the guest path defaults to the directory name; several directories can be granted', async () => {
  const a = fixture().dir
  const b = fixture().dir
  const r = await wasmos(['run', '--allow', 'fs', '--dir', a, '--dir', `${b}:/b/inner`, program('fsh'),
    'cat', `/${a.split('/').pop()}/a.txt`, 'cat', '/b/inner/sub/b.txt', 'ls', '/b'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'hello\n\nbee\n\ninner/\n')
})

test('without the fs grant every call is denied; a bad --dir is a clear error', async () => {
  const { dir } = fixture()
  const r = await wasmos(['run', '--dir', `${dir}:/data`, program('fsh'), 'cat', '/data/a.txt'])
  assert.equal(r.code, 0)
  assert.equal(r.stdout, '/data/a.txt: error 1\n')
  assert.match(r.stderr, /--allow=fs/)
  const bad = await wasmos(['run', '--allow', 'fs', '--dir', join(dir, 'nope'), program('fsh')])
  assert.equal(bad.code, 1)
  assert.equal(bad.stderr, `wasmos: --dir ${join(dir, 'nope')}: no such directory\n`)
})

test('env: only the --env variables, none by default', async () => {
  const r = await wasmos(['run', '--allow', 'env', '--env', 'A=1', '--env', 'B=x=y', program('fsh'), 'env', 'A', 'env', 'B', 'env', 'HOME', 'envs'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'A=1\nB=x=y\nHOME: error 16\n[A=1,B=x=y]\n')
  const none = await wasmos(['run', '--allow', 'env', program('fsh'), 'envs', 'env', 'PATH'], { env: { SOMETHING: 'visible?' } })
  assert.equal(none.stdout, '[]\nPATH: error 16\n')
  const bad = await wasmos(['run', '--env', 'NOEQUALS', program('fsh')])
  assert.equal(bad.code, 1)
  assert.equal(bad.stderr, 'wasmos: --env NOEQUALS: expected NAME=value\n')
})

test('only regular files open: a FIFO is refused rather than blocking the kernel', async () => {
  const { dir } = fixture()
  assert.equal(spawnSync('mkfifo', [join(dir, 'fifo')]).status, 0)
  const out = await fsh(dir, 'cat', '/data/fifo', 'stat', '/data/fifo', 'cat', '/data/a.txt')
  assert.deepEqual(out, ['/data/fifo: error 23', 'other 0 recent', 'hello'])
})
