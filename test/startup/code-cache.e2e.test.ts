// The CLI's V8 code cache (bin/wasmos.mjs) is code the next start runs: it is taken only from a
// directory of this user's that nobody else can write to, and only from a file this user owns.
import { describe, expect, test } from 'vitest'
import { spawnSync } from 'node:child_process'
import { chmodSync, chownSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, program } from '../helpers.ts'

function runHello (home: string, env: Record<string, string> = {}, args = ['run', program('hello')]): void {
  const r = spawnSync(NODE, [CLI, ...args], {
    encoding: 'utf8',
    env: { ...process.env, WASMOS_HOME: home, NO_COLOR: '1', NODE_COMPILE_CACHE: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe']
  })
  if (args[0] === 'run') expect(r.stderr).toBe('INFO: hello: Hello from wasmos!\n')
  expect(r.status).toBe(0)
}

/** The pieces of the bundle a cache file holds code for: -1 the linker, else the part's number. */
const piecesIn = (file: string): number[] => {
  const bytes = readFileSync(file)
  return (JSON.parse(bytes.subarray(0, bytes.indexOf(10)).toString()) as Array<[number, number]>).map(([piece]) => piece)
}

const caches = (dir: string): string[] => readdirSync(dir).filter((f) => /^wasmos-[0-9a-f]+-run-v[\d.]+\.v8$/.test(f)).map((f) => join(dir, f))

describe('code cache', () => {
  test('kept under WASMOS_HOME/cache/code, owner-only; made by a command\'s second run, not its first', () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-code-cache-'))
    try {
      runHello(home)
      const dir = join(home, 'cache', 'code')
      expect(statSync(dir).mode & 0o777).toBe(0o700)
      const [file] = caches(dir)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      // The first run (which also rewrote the program for fuel) leaves only a note that it ran.
      expect(piecesIn(file)).toEqual([])
      runHello(home)
      expect(piecesIn(file)).toEqual([-1, 0])
      expect(statSync(file).mode & 0o777).toBe(0o600)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  test('a directory others can write to is not used', () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-code-cache-'))
    const shared = mkdtempSync(join(tmpdir(), 'wasmos-code-shared-'))
    try {
      chmodSync(shared, 0o777)
      runHello(home, { NODE_COMPILE_CACHE: shared })
      expect(caches(shared)).toEqual([])
      chmodSync(shared, 0o700)
      runHello(home, { NODE_COMPILE_CACHE: shared })
      expect(caches(shared)).toHaveLength(1)
    } finally {
      rmSync(home, { recursive: true, force: true })
      rmSync(shared, { recursive: true, force: true })
    }
  })

  test.runIf(process.getuid?.() === 0)('a cache file owned by another user is not run (it is made again)', () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-code-cache-'))
    try {
      runHello(home)
      runHello(home)
      const [file] = caches(join(home, 'cache', 'code'))
      // A valid cache, now another user's: taken, it would stay as it is; refused, it is replaced.
      const planted = `${file}.planted`
      copyFileSync(file, planted)
      rmSync(file)
      copyFileSync(planted, file)
      chownSync(file, 65534, 65534)
      runHello(home)
      expect(statSync(file).uid).toBe(0)
      // Its own valid cache (made again by the next run) is taken, and so left as it is.
      runHello(home)
      const before = statSync(file).mtimeMs
      runHello(home)
      expect(statSync(file).mtimeMs).toBe(before)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  test('a run compiles only the first part of the bundle; another command compiles the parts it needs', () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-code-cache-'))
    try {
      runHello(home)
      runHello(home)
      const dir = join(home, 'cache', 'code')
      expect(piecesIn(caches(dir)[0])).toEqual([-1, 0])
      runHello(home, {}, ['ls'])
      runHello(home, {}, ['ls'])
      const [cli] = readdirSync(dir).filter((f) => /^wasmos-[0-9a-f]+-cli-v[\d.]+\.v8$/.test(f))
      const ls = piecesIn(join(dir, cli))
      expect(ls.length).toBeGreaterThan(2)
      // Commands other than run and exec share a file: another one adds its parts, keeping these.
      runHello(home, {}, ['grants'])
      const both = piecesIn(join(dir, cli))
      expect(both).toEqual(expect.arrayContaining(ls))
      expect(both.length).toBeGreaterThan(ls.length)
      const written = statSync(join(dir, cli)).mtimeMs
      runHello(home, {}, ['ls'])
      expect(statSync(join(dir, cli)).mtimeMs).toBe(written)
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })

  test('a cache file that is not one is ignored and made again', () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-code-cache-'))
    try {
      runHello(home)
      const [file] = caches(join(home, 'cache', 'code'))
      for (const junk of ['not a cache', '[[-1,99999999]]\nshort']) {
        // Not a cache file: as if there were none (a first run).
        writeFileSync(file, junk, { mode: 0o600 })
        runHello(home)
        expect(piecesIn(file)).toEqual([])
        runHello(home)
        expect(piecesIn(file)).toEqual([-1, 0])
      }
      // A cache V8 refuses: made again.
      writeFileSync(file, '[[0,3]]\nabc', { mode: 0o600 })
      runHello(home)
      expect(piecesIn(file)).toEqual([-1, 0])
    } finally {
      rmSync(home, { recursive: true, force: true })
    }
  })
})
