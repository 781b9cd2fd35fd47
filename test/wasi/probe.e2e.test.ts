// WASI preview 1 under `wasmos run`, beyond what wasi-testsuite covers: a C program
// (fixtures/probe.c, built here with clang and wasi-libc) exercising symlinks, rights, a large
// file, fd_readdir cookies, poll_oneoff on clocks and stdin, bad pointers, sockets on a --listen
// listener, the fs and tcp grants, and escapes from the preopen, a swap race included — through
// WASI and through the fs interface (programs/build/fsh.wasm).
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, ROOT, program, tempHome, wasmos } from '../helpers.ts'
import { raceFixture } from './race.ts'

const work = mkdtempSync(join(tmpdir(), 'wasi-probe-'))
const probe = join(work, 'probe.wasm')

beforeAll(() => {
  const r = spawnSync('clang', ['--target=wasm32-wasi', '-O2', '-Wall', '-Werror', '-o', probe, join(import.meta.dirname, 'fixtures', 'probe.c')], { encoding: 'utf8' })
  if (r.status !== 0) throw new Error(`clang: ${r.error?.message ?? r.stderr}`)
})
afterAll(() => { rmSync(work, { recursive: true, force: true }) })

function dataDir (): string {
  const d = mkdtempSync(join(work, 'data-'))
  return d
}

async function probeRun (dir: string, args: string[], input?: string): Promise<string[]> {
  const r = await wasmos(['run', '--allow', 'fs', '--dir', `${dir}:/data`, probe, ...args], { input, timeoutMs: 60_000 })
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trimEnd().split('\n')
}

describe('files', () => {
  test('symlinks inside work; absolute ones cannot be made; link, rename, unlink, mkdir, rmdir', async () => {
    expect(await probeRun(dataDir(), ['symlinks'])).toEqual([
      'symlink relative: 0', 'symlink absolute: 76', 'readlink: 10 target.txt',
      '/data/lnk: opened (16 bytes: through the link)', 'lstat is link: 1', 'stat is file: 1',
      'link: 0', 'nlink: 2', 'rename: 0', 'unlink: 0', 'mkdir: 0', 'mkdir again: 20', 'rmdir: 0'
    ])
  })

  test('rights: dropped rights are gone for good and enforced (ENOTCAPABLE); a write-only file is not readable', async () => {
    const dir = dataDir()
    writeFileSync(join(dir, 'target.txt'), 'x')
    expect(await probeRun(dir, ['rights'])).toEqual([
      'read before: 1', 'has read right: 1', 'drop read: 0', 'add it back: 76', 'read after: 76',
      'write-only read: -1 errno 8', 'append write: 1'
    ])
    expect(readFileSync(join(dir, 'target.txt'), 'utf8')).toBe('x!')
  })

  test('a 40 MB file: written, sought, read back at offsets, truncated', async () => {
    const dir = dataDir()
    expect(await probeRun(dir, ['big', String(40_000_000)])).toEqual([
      'end: 40000000', 'pread mismatches: 0', 'ftruncate: 0', 'size after truncate: 20000000'
    ])
  })

  test('fd_readdir with cookies over many calls lists every entry once', async () => {
    expect(await probeRun(dataDir(), ['listing', '400'])).toEqual(['entries: 400 dots: 2'])
  })

  test('errno values as witx gives them: missing, exists, not a directory, not empty, loops, bad fds; renumber, advise, allocate, poll on files', async () => {
    expect(await probeRun(dataDir(), ['errnos'])).toEqual([
      'open missing: 44', 'write: 3', 'open excl existing: 20', 'open file as directory: 54',
      'open file/ (trailing slash): 54', 'rmdir not empty: 55', 'unlink a directory: 31', 'rmdir a file: 54',
      'rename dir onto non-empty dir: 55', 'symlink loop a: 0', 'symlink loop b: 0', 'open symlink loop: 32',
      'lseek on stdin: 70', 'renumber onto a closed fd: 8', 'renumber onto an open fd: 0',
      'read through the new number: 1', 'old number closed: 8', 'advise bad: 28', 'advise ok: 0',
      'allocate: 0', 'size after allocate: 100', 'poll a file: 0', 'poll a file: 1 event, userdata 7, nbytes 100, error 0',
      'poll a bad fd: 0', 'poll a bad fd: event error 8', 'poll no subscriptions: 28'
    ])
  })

  test('bad pointers give EFAULT, never a host exception', async () => {
    expect(await probeRun(dataDir(), ['faults'])).toEqual([
      'fd_write bad iovec: 21', 'fd_write bad buffer: 21', 'random_get bad: 21', 'clock bad out: 21',
      'fd_close bad fd: 8', 'still alive'
    ])
  })
})

describe('standard output', () => {
  test('a pipe is not a terminal (so C buffers it fully); 200 000 lines arrive, all of them, in order', async () => {
    const r = await wasmos(['run', probe, 'lines', '200000'], { timeoutMs: 60_000 })
    expect(r.code, r.stderr).toBe(0)
    expect(r.stderr).toContain('isatty: 0 0 0')
    const out = r.stdout.split('\n')
    expect(out.length).toBe(200_001)
    expect(out[0]).toBe('line 0')
    expect(out[199_999]).toBe('line 199999')
  })
})

describe('terminals', () => {
  // Whether a standard descriptor is a terminal is decided by a stat first (node:tty only for a
  // character device other than /dev/null): a real terminal must still be one, /dev/null must not.
  test('standard I/O on a pseudo-terminal is a terminal; on /dev/null it is not', () => {
    const home = tempHome('wasi-tty')
    try {
      const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`
      const cmd = [NODE, CLI, 'run', probe, 'lines', '1'].map(quote).join(' ')
      const env = { ...process.env, WASMOS_HOME: home, NO_COLOR: '1' }
      // util-linux script(1) runs the command with its standard I/O on a new pseudo-terminal.
      const tty = spawnSync('script', ['-qec', cmd, '/dev/null'], { encoding: 'utf8', env, timeout: 60_000 })
      expect(tty.status, tty.stderr).toBe(0)
      expect(tty.stdout).toContain('isatty: 1 1 1')
      const devnull = spawnSync(NODE, [CLI, 'run', probe, 'lines', '1'], { encoding: 'utf8', env, stdio: ['ignore', 'ignore', 'pipe'], timeout: 60_000 })
      expect(devnull.status, devnull.stderr).toBe(0)
      expect(devnull.stderr).toContain('isatty: 0 0 0')
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})

describe('poll_oneoff', () => {
  test('a clock subscription waits its time; clocks have nanosecond resolution', async () => {
    expect(await probeRun(dataDir(), ['poll'])).toEqual([
      'poll: 0 events 1 userdata 42 waited>=50: 1', 'monotonic res ns: 1', 'bad clock: 28'
    ])
  })

  test('standard input becomes ready before the clock', async () => {
    expect(await probeRun(dataDir(), ['poll-stdin'], 'typed\n')).toEqual(['ready: 1 first userdata 1', 'read 6: typed'])
  })

  test('waiting is not CPU time: a program waiting on stdin longer than --cpu-limit is not ended', async () => {
    const child = spawn(NODE, [CLI, 'run', '--cpu-limit', '1s', '--stats', probe, 'poll-stdin'], {
      cwd: ROOT, env: { ...process.env, WASMOS_HOME: tempHome() }
    })
    let out = ''
    let err = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    setTimeout(() => child.stdin.end('late\n'), 2500)
    expect(await exited, err).toBe(0)
    expect(out).toBe('ready: 1 first userdata 1\nread 5: late\n')
    const cpu = /probe\s+\d+\s+([\d.]+) (ms|s)/.exec(err)
    expect(cpu, err).not.toBeNull()
    expect(cpu![2] === 'ms' || Number(cpu![1]) < 1).toBe(true)
  })
})

describe('escapes', () => {
  test('.., absolute paths and links out of the preopen are refused', async () => {
    const base = mkdtempSync(join(work, 'esc-'))
    const dir = join(base, 'data')
    mkdirSync(dir)
    writeFileSync(join(base, 'secret.txt'), 'SECRET')
    const { symlinkSync } = await import('node:fs')
    symlinkSync(join(base, 'secret.txt'), join(dir, 'abs'))
    symlinkSync('../secret.txt', join(dir, 'rel'))
    symlinkSync(base, join(dir, 'updir'))
    const out = await probeRun(dir, ['open', '/data/../secret.txt', '/data/abs', '/data/rel', '/data/updir/secret.txt', `${base}/secret.txt`, '/etc/passwd'])
    expect(out).toEqual([
      '/data/../secret.txt: errno 76', '/data/abs: errno 76', '/data/rel: errno 76', '/data/updir/secret.txt: errno 76',
      `${base}/secret.txt: errno 76`, '/etc/passwd: errno 76'
    ])
  })

  test('a directory swapped with a link to outside: 0 escapes in thousands of reads (WASI and the fs interface)', async () => {
    const race = raceFixture()
    try {
      await race.start()
      const wasi = await wasmos(['run', '--allow', 'fs', '--dir', `${race.root}:/data`, probe, 'race', '/data/sub/passwd', '3000'], { timeoutMs: 120_000 })
      const reads = Array.from({ length: 1500 }, () => ['cat', '/data/sub/passwd']).flat()
      const fsh = await wasmos(['run', '--allow', 'fs', '--dir', `${race.root}:/data`, program('fsh'), ...reads], { timeoutMs: 120_000 })
      expect(await race.stop()).toBeGreaterThan(0)
      expect(wasi.code, wasi.stderr).toBe(0)
      const m = /secret=(\d+) inside=(\d+) errors=(\d+)/.exec(wasi.stdout)
      expect(m, wasi.stdout).not.toBeNull()
      expect(Number(m![1])).toBe(0)
      expect(Number(m![2])).toBeGreaterThan(0)
      expect(Number(m![3])).toBeGreaterThan(0)
      expect(fsh.stdout).not.toContain('SECRET')
      expect(fsh.stdout).toContain('inside')
    } finally {
      await race.stop()
      race.dispose()
    }
  })
})

describe('grants', () => {
  test('without the fs grant a WASI program sees no preopen; the warning names the flag', async () => {
    const dir = dataDir()
    const r = await wasmos(['run', '--no-prompt', '--dir', `${dir}:/data`, probe, 'open', '/data/x'])
    expect(r.code).toBe(0)
    expect(r.stdout).toBe('/data/x: errno 76\n')
    expect(r.stderr).toMatch(/may not use fs .*allow it with --allow=fs/)
  })

  test('without the tcp grant a --listen listener is not there', async () => {
    const r = await wasmos(['run', '--no-prompt', '--listen', '127.0.0.1:0', probe, 'serve', '3', '1'])
    expect(r.code).toBe(1)
    expect(r.stdout).toContain('accept: 8')
    expect(r.stderr).toMatch(/may not use tcp .*allow it with --allow=tcp/)
  })
})

describe('sockets', () => {
  test('sock_accept, sock_recv, sock_send, sock_shutdown on a --listen listener', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const child = spawn(NODE, [CLI, 'run', '--allow', 'tcp', '--listen', `127.0.0.1:${port}`, probe, 'serve', '3', '2'], {
      cwd: ROOT, env: { ...process.env, WASMOS_HOME: tempHome() }
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening: ${out}`)), 20_000)
      const check = (): void => { if (out.includes('listening')) { clearTimeout(timer); resolve() } }
      child.stdout.on('data', check)
      check()
    })
    const exchange = (text: string): Promise<string> => new Promise((resolve, reject) => {
      const s = connect(port, '127.0.0.1')
      let got = ''
      s.on('data', (d) => { got += d.toString() })
      s.on('end', () => resolve(got))
      s.on('error', reject)
      s.end(text)
    })
    expect(await exchange('hello socket')).toBe('HELLO SOCKET')
    expect(await exchange('x'.repeat(3000))).toBe('X'.repeat(3000))
    expect(await exited).toBe(0)
    expect(out).toContain('served 12 bytes (send 0, 12 sent)')
    expect(out).toContain('shutdown on a file: 57')
  })

  test('poll_oneoff on a listener and a connection; non-blocking accept and recv, peek, shutdown', async () => {
    const port = 20000 + Math.floor(Math.random() * 20000)
    const child = spawn(NODE, [CLI, 'run', '--allow', 'tcp', '--listen', `127.0.0.1:${port}`, probe, 'poll-socket', '3'], {
      cwd: ROOT, env: { ...process.env, WASMOS_HOME: tempHome() }
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not listening: ${out}`)), 20_000)
      const check = (): void => { if (out.includes('listening')) { clearTimeout(timer); resolve() } }
      child.stdout.on('data', check)
      check()
    })
    const got = await new Promise<string>((resolve, reject) => {
      const s = connect(port, '127.0.0.1')
      let text = ''
      s.on('data', (d) => { text += d.toString() })
      s.on('end', () => { s.end(); resolve(text) })
      s.on('error', reject)
      s.write('ping')
    })
    expect(got).toBe('bye')
    expect(await exited).toBe(0)
    expect(out.trimEnd().split('\n')).toEqual([
      'fdflags nonblock: 0', 'accept with none waiting: 6', 'listening on fd 3', 'poll listener: 0',
      'listener ready: 1 event, userdata 1', 'accept: 0', 'poll connection: 0', 'connection ready: userdata 1 nbytes>0 1',
      'peek: 0', 'peeked 4: ping', 'recv: 0', 'received 4: ping', 'recv again (nonblocking, nothing there): 6',
      'send: 0', 'shutdown bad how: 28', 'shutdown: 0', 'send after shutdown: 64', 'close: 0'
    ])
  })
})
