// WASI programs under `--record`: their calls (random, clocks, stdin, writes, exit) are recorded
// with what each wrote into the program's memory, and replay gives the same bytes with no clock,
// random source or stdin; a WASI program doing something else is reported.
import { beforeAll, describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Packr, Unpackr } from 'msgpackr'
import { program, tempHome, wasmos } from '../helpers.ts'
import type { CliResult } from '../helpers.ts'

const packr = new Packr({ useRecords: false, variableMapSize: true })
const unpackr = new Unpackr({ useRecords: false, mapsAsObjects: true })
const d = mkdtempSync(join(tmpdir(), 'wasmos-replay-wasi-'))
const home = tempHome('replay-wasi')
const randomTime = join(d, 'random-time.wasm')

function w (args: string[], input?: string): Promise<CliResult> {
  return wasmos(args, { env: { WASMOS_HOME: home }, ...(input === undefined ? {} : { input }) })
}

beforeAll(() => {
  execFileSync('wat2wasm', ['--enable-all', join(import.meta.dirname, 'fixtures', 'random-time.wat'), '-o', randomTime])
})

const LINE = /^([0-9a-f]{32}) ([0-9a-f]{16}) (.*)$/s

describe('WASI record and replay', () => {
  test('random bytes, the time and stdin replay to the same bytes, and the same exit status', async () => {
    const path = join(d, 'rt.wlog')
    const r = await w(['run', '--record', path, randomTime], 'typed\n')
    assert.equal(r.code, 3, r.stderr)
    const m = LINE.exec(r.stdout)
    assert.ok(m !== null, r.stdout)
    assert.equal(m[3], 'typed\n')
    // The time printed is now's (little-endian nanoseconds), and another run gets other bytes.
    const ns = Buffer.from(m[2], 'hex').readBigUInt64LE()
    assert.ok(Math.abs(Number(ns / 1_000_000n) - Date.now()) < 60_000)
    const other = await w(['run', randomTime], 'typed\n')
    assert.notEqual(LINE.exec(other.stdout)?.[1], m[1])

    const again = await w(['replay', path], 'something else\n')
    assert.equal(again.code, 3, again.stderr)
    assert.equal(again.stdout, r.stdout)
    assert.equal(again.stderr, '')
    const shown = await w(['log', 'show', path])
    assert.match(shown.stdout, /random-time@1 +start bafk\S+ args \[\] \(main\) WASI$/m)
    assert.match(shown.stdout, /WASI random_get\(100, 16\) → 0, wrote 16 bytes/)
    assert.match(shown.stdout, /WASI clock_time_get\(0, 1, 200\) → 0, wrote 8 bytes/)
    assert.match(shown.stdout, /WASI fd_read\(0, 300, 1, 308\) → 0, wrote 10 bytes/)
    assert.match(shown.stdout, /WASI proc_exit\(3\) → ended the process/)
    assert.match(shown.stdout, /^ +random-time@1 +exit 3$/m)
  })

  test('a C program on WASI (arguments, stdin, stdout and stderr) replays the same', async () => {
    const path = join(d, 'c.wlog')
    const r = await w(['run', '--record', path, '--env', 'GREETING=hi', program('wasi-hello-c'), 'a', 'b c'], 'some input\n')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /3 args: \[wasi-hello-c\] \[a\] \[b c\]/)
    assert.match(r.stdout, /SOME INPUT/)
    const again = await w(['replay', path])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.stdout, r.stdout)
    assert.equal(again.stderr, r.stderr)
  })

  test('a WASI program writing other bytes than recorded diverges', async () => {
    const path = join(d, 'rt2.wlog')
    const r = await w(['run', '--record', path, randomTime], 'typed\n')
    assert.equal(r.code, 3, r.stderr)
    // The random bytes it is given differ from those it printed: so does what it writes.
    const frames = unpackr.unpackMultiple(readFileSync(path)) as unknown[][]
    frames.pop()
    const random = frames.find((f) => f[0] === 'W' && f[2] === 'random_get')!
    const [[ptr, bytes]] = random[5] as Array<[number, Uint8Array]>
    random[5] = [[ptr, Buffer.from(bytes).map((b) => b ^ 0xff)]]
    const body = Buffer.concat(frames.map((f) => packr.pack(f)))
    const forged = join(d, 'forged.wlog')
    writeFileSync(forged, Buffer.concat([body, packr.pack(['e', createHash('sha256').update(body).digest()])]))
    const again = await w(['replay', forged])
    assert.equal(again.code, 1)
    assert.equal(again.stdout, '')
    assert.match(again.stderr, /^wasmos: replay diverged at syscall 4 of random-time@1: the recording has WASI fd_write\(1, 320, 1, 328\), the program made WASI fd_write\(1, 320, 1, 328\) with other bytes\n$/)
  })
})
