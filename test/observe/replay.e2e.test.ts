// `--record` and `wasmos replay`: a run of std-check (time, random, arguments, stdin) replays to
// the same output and status with no stdin or clock; `log show` prints a recording; an altered
// recording, a different module and a program doing something else are refused or reported.
// (Whole runs of several processes, WASI and the network: replay-run, replay-wasi, replay-http.)
import { describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { forge } from './forge.ts'
import { spawn } from 'node:child_process'
import { CLI, helloWasm, NODE, program, tempHome, wasmos as wasmosIn } from '../helpers.ts'
import type { CliOptions, CliResult } from '../helpers.ts'

function dir (): string {
  return mkdtempSync(join(tmpdir(), 'wasmos-replay-'))
}

/** One WASMOS_HOME for the whole file: a recording's modules are in the store it was made with. */
const home = tempHome('replay')
function wasmos (args: string[], opts: CliOptions = {}): Promise<CliResult> {
  return wasmosIn(args, { ...opts, env: { WASMOS_HOME: home, ...opts.env } })
}

async function recordStdCheck (d: string): Promise<{ path: string, stdout: string }> {
  const path = join(d, 'run.wlog')
  const r = await wasmos(['run', '--record', path, '--allow=time,random', program('std-check'), 'one', 'two'], { input: 'typed on stdin\n' })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^random 0 16 bytes ok$/m)
  assert.match(r.stdout, /typed on stdin/)
  return { path, stdout: r.stdout }
}

describe('record and replay', () => {
  test('replays to byte-identical output and status, without stdin, grants or a clock', async () => {
    const d = dir()
    const { path, stdout } = await recordStdCheck(d)
    // Other input, no --allow: the replay reads nothing and asks nobody.
    const r = await wasmos(['replay', path], { input: 'something else\n' })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, stdout)
    assert.equal(r.stderr, '')
    const shown = await wasmos(['log', 'show', path])
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, /^recording of \S+std-check\.wasm \["one", "two"\], 1 processes, modules in the store$/m)
    assert.match(shown.stdout, /^ +std-check@1 +start bafk\S+ args \["one", "two"\] \(main\)$/m)
    assert.match(shown.stdout, /std-check@1 +send random\.bytes \(3 bytes\) → ok, id \d+/)
    assert.match(shown.stdout, /send time\.sleep/)
    assert.match(shown.stdout, /wait → answer to \d+, status 0/)
    assert.match(shown.stdout, /^ +std-check@1 +exit 0$/m)
    // --until: the first lines only.
    const part = await wasmos(['replay', '--until', '4', path])
    assert.equal(part.code, 0, part.stderr)
    assert.equal(part.stdout, stdout.split('\n')[0] + '\n')
    assert.match(part.stderr, /^wasmos: replay stopped after 4 syscalls\n$/)
  })

  test('the random bytes and times the program got are the recorded ones', async () => {
    const d = dir()
    const { path } = await recordStdCheck(d)
    // A consistent forgery: the answer to its first call (time.now) says 0 ms since 1970.
    const forged = join(d, 'forged.wlog')
    forge(path, forged, (frames) => {
      // The first answer taken: ['w', pid, size, 1, status, id, payload].
      const w = frames.find((f) => f[0] === 'w' && f[3] === 1)!
      const bytes = Buffer.from(w[6] as Uint8Array)
      // The answer's payload: [ms] as a msgpack float64 (0xcb) or uint64 (0xcf): zero it.
      const at = bytes.indexOf(0xcb) >= 0 ? bytes.indexOf(0xcb) : bytes.indexOf(0xcf)
      assert.ok(at > 0, bytes.toString('hex'))
      bytes.fill(0, at + 1, at + 9)
      w[6] = bytes
    })
    // The program now prints "now bad" where the run printed "now ok": it took the recorded
    // time, not the clock's, and the replay reports that it then did something else.
    const r = await wasmos(['replay', forged])
    assert.equal(r.code, 1)
    assert.equal(r.stdout, '')
    assert.match(r.stderr, /^wasmos: replay diverged at syscall 3 of std-check@1: the recording has send stdio\.write \(12 bytes\), the program made send stdio\.write \(13 bytes\)\n$/)
  })

  test('an altered recording, another module, a divergence: refused or reported, status 1', async () => {
    const d = dir()
    const { path } = await recordStdCheck(d)
    const bytes = readFileSync(path)
    const altered = join(d, 'altered.wlog')
    const copy = Buffer.from(bytes)
    copy[200] ^= 1
    writeFileSync(altered, copy)
    const a = await wasmos(['replay', altered])
    assert.equal(a.code, 1)
    assert.match(a.stderr, /^wasmos: .*altered\.wlog: the recording was altered after it was made/)
    assert.equal(a.stdout, '')

    // Another module under the recorded CID (embedded, or in another home's store).
    const embedded = join(d, 'embedded.wlog')
    const e0 = await wasmos(['run', '--record', embedded, '--embed', '--allow=time,random', program('std-check')], { input: 'x\n' })
    assert.equal(e0.code, 0, e0.stderr)
    const other = join(d, 'other.wlog')
    forge(embedded, other, (frames) => { frames.find((f) => f[0] === 'm')![2] = helloWasm() })
    const b = await wasmos(['replay', other])
    assert.equal(b.code, 1)
    assert.match(b.stderr, /^wasmos: the module of std-check is not the one recorded \(its bytes do not match bafk\S+\)\n$/)
    assert.equal(b.stdout, '')

    const diverging = join(d, 'diverging.wlog')
    forge(path, diverging, (frames) => {
      const write = frames.find((f) => f[0] === 's' && (f[3] as Uint8Array).length > 8)!
      const p = Buffer.from(write[3] as Uint8Array)
      p[p.length - 2] ^= 0x20
      write[3] = p
    })
    const c = await wasmos(['replay', diverging])
    assert.equal(c.code, 1)
    assert.match(c.stderr, /^wasmos: replay diverged at syscall \d+ of std-check@1: the recording has send stdio\.write \(\d+ bytes\), the program made send stdio\.write \(\d+ bytes\) with other bytes or flags\n$/)

    const junk = join(d, 'junk.wlog')
    writeFileSync(junk, 'not a recording')
    const e = await wasmos(['replay', junk])
    assert.equal(e.code, 1)
    assert.match(e.stderr, /^wasmos: .*junk\.wlog: not a wasmos recording/)
  })

  test('a spinner stopped by Ctrl-C replays up to where it was stopped, then stops too', async () => {
    const d = dir()
    const path = join(d, 'spin.wlog')
    const child = spawn(NODE, [CLI, 'run', '--record', path, program('spin')], { env: { ...process.env, WASMOS_HOME: home }, stdio: ['ignore', 'ignore', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString() })
    const code = new Promise<number | null>((resolve) => child.on('close', resolve))
    while (!stderr.includes('spinning')) await new Promise((resolve) => setTimeout(resolve, 50))
    child.kill('SIGINT')
    assert.equal(await code, 130)
    const r = await wasmos(['replay', path], { timeoutMs: 20_000 })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stderr, 'INFO: spin: spinning\nwasmos: replay stopped after 1 syscalls (the run was ended from outside there: interrupted or killed)\n')
  })

  test('--record-limit bounds the recording; its replay stops where it was cut', async () => {
    const d = dir()
    const path = join(d, 'pp.wlog')
    const r = await wasmos(['run', '--record', path, '--record-limit', '64KiB', '--allow=pingpong', `--handler=pingpong=${program('pingpong-server')}`, program('pingpong-client'), '5000'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, `total: ${5000 * 5001 / 2}\n`)
    assert.ok(readFileSync(path).length <= 64 * 1024 + 64)
    const shown = await wasmos(['log', 'show', path])
    assert.match(shown.stdout, /\(truncated: the recording reached its limit\)\n$/)
    const again = await wasmos(['replay', path])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.stdout, '')
    assert.match(again.stderr, /^wasmos: replay stopped after \d+ syscalls \(the recording was truncated at its limit\)\n$/)
  })

  test('a trap replays to the same status and message', async () => {
    const d = dir()
    const path = join(d, 'trap.wlog')
    const r = await wasmos(['run', '--record', path, program('trap')])
    assert.notEqual(r.code, 0)
    const again = await wasmos(['replay', path])
    assert.equal(again.code, r.code, again.stderr)
    assert.equal(again.stderr, r.stderr)
  })
})
