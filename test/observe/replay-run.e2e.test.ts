// Whole runs under `--record`: the kv pair (client and kv-server handler) replays as two processes,
// each against its own log, the handler checked as much as the client; the modules come from the
// store of the home that recorded, or from the recording itself (`--embed`) in another home once
// the .wasm files are gone; `exec --record` by CID; a recording cut short, altered, or naming
// another module is refused or reported.
import { describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { forge } from './forge.ts'
import { helloWasm, program, tempHome, wasmos } from '../helpers.ts'
import type { CliResult } from '../helpers.ts'

function dir (): string {
  return mkdtempSync(join(tmpdir(), 'wasmos-replay-run-'))
}

function inHome (home: string, args: string[], input?: string): Promise<CliResult> {
  return wasmos(args, { env: { WASMOS_HOME: home }, ...(input === undefined ? {} : { input }) })
}

const KV_ARGS = ['put', 'k', 'v1', 'put', 'j', 'other', 'get', 'k', 'list']

async function recordKv (home: string, path: string, server: string, client: string, extra: string[] = []): Promise<CliResult> {
  const r = await inHome(home, ['run', '--record', path, ...extra, '--allow=kv', `--handler=kv=${server}`, client, ...KV_ARGS])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^k = v1$/m)
  return r
}

describe('whole-run record and replay', () => {
  test('the kv pair replays as two processes: client and handler each fed what it got', async () => {
    const d = dir()
    const home = tempHome('replay-kv')
    const path = join(d, 'kv.wlog')
    const r = await recordKv(home, path, program('kv-server'), program('kv-client'))
    const again = await inHome(home, ['replay', path])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.stdout, r.stdout)
    assert.equal(again.stderr, r.stderr)

    const shown = await inHome(home, ['log', 'show', path])
    assert.equal(shown.code, 0, shown.stderr)
    assert.match(shown.stdout, /, 2 processes, modules in the store\n/)
    assert.match(shown.stdout, /^ +kv-server@1 +start bafk\S+ args \[\]$/m)
    assert.match(shown.stdout, /^ +kv-client@2 +start bafk\S+ args \["put", .*\] \(main\)$/m)
    assert.match(shown.stdout, /kv-server@1 +send registry\.register/)
    assert.match(shown.stdout, /kv-server@1 +wait → message \d+, \d+ bytes/)
    assert.match(shown.stdout, /kv-server@1 +answer \d+ status 0 → ok/)
    assert.match(shown.stdout, /kv-client@2 +send kv\.put/)
    assert.match(shown.stdout, /^ +kv-client@2 +exit 0$/m)
    assert.match(shown.stdout, /^ +kv-server@1 +exit -9 \(ended from outside\)$/m)

    // The handler is replayed, not its answers copied: fed another value to store, kv-server
    // answers the later `get` with it, which is not what the client got.
    const forged = join(d, 'forged.wlog')
    forge(path, forged, (frames) => {
      // A message taken: ['w', pid, size, 2, flags, id, emitter, key index, payload].
      const put = frames.find((f) => f[0] === 'w' && f[1] === 1 && f[3] === 2 && Buffer.from(f[8] as Uint8Array).includes('v1'))!
      const bytes = Buffer.from(put[8] as Uint8Array)
      bytes[bytes.indexOf('v1') + 1] = '2'.charCodeAt(0)
      put[8] = bytes
    })
    const diverged = await inHome(home, ['replay', forged])
    assert.equal(diverged.code, 1)
    assert.match(diverged.stderr, /^wasmos: replay diverged at syscall \d+ of kv-server@1: the recording has answer to message \d+, the program made answer to message \d+ with status 0 \(\d+ bytes\) with other bytes\n$/)
  })

  test('--embed replays in another home once the .wasm files are gone; without it, the home that recorded has them', async () => {
    const d = dir()
    const server = join(d, 'kv-server.wasm')
    const client = join(d, 'kv-client.wasm')
    copyFileSync(program('kv-server'), server)
    copyFileSync(program('kv-client'), client)
    const home = tempHome('replay-embed')
    const embedded = join(d, 'embedded.wlog')
    const plain = join(d, 'plain.wlog')
    const r = await recordKv(home, embedded, server, client, ['--embed'])
    await recordKv(home, plain, server, client)
    rmSync(server)
    rmSync(client)
    assert.ok(readFileSync(embedded).length > readFileSync(plain).length + 10_000)

    const elsewhere = tempHome('replay-elsewhere')
    const a = await inHome(elsewhere, ['replay', embedded])
    assert.equal(a.code, 0, a.stderr)
    assert.equal(a.stdout, r.stdout)
    const shown = await inHome(elsewhere, ['log', 'show', embedded])
    assert.match(shown.stdout, /modules embedded\n/)
    assert.match(shown.stdout, /^ +module bafk\S+, \d+ bytes$/m)

    // The files are gone, but the recording added the modules to the store of its home.
    const b = await inHome(home, ['replay', plain])
    assert.equal(b.code, 0, b.stderr)
    assert.equal(b.stdout, r.stdout)
    const c = await inHome(elsewhere, ['replay', plain])
    assert.equal(c.code, 1)
    assert.match(c.stderr, /^wasmos: the module of kv-server \(bafk\S+\) is neither in the recording nor in the store \(record with --embed to replay in another WASMOS_HOME\)\n$/)
    assert.equal(c.stdout, '')
  })

  test('exec --record: a program run by CID and the child it starts both replay; so does an exit it asked for', async () => {
    const d = dir()
    const home = tempHome('replay-exec')
    const cidOf = async (name: string): Promise<string> => {
      const published = await inHome(home, ['publish', program(name)])
      assert.equal(published.code, 0, published.stderr)
      return /bafk\S+/.exec(published.stdout)![0]
    }
    const spawner = await cidOf('grant-spawner')
    const child = await cidOf('std-check')
    const path = join(d, 'exec.wlog')
    const r = await inHome(home, ['exec', '--record', path, '--allow=process,time,random', spawner, child, 'a'], 'from stdin\n')
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, /^args std-check\|a$/m)
    assert.match(r.stdout, /from stdin\n[^]*child exited 0\n$/)
    const again = await inHome(home, ['replay', path], 'not this\n')
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.stdout, r.stdout)
    const shown = await inHome(home, ['log', 'show', path])
    assert.match(shown.stdout, /^ +std-check@2 +start bafk\S+ args \["a"\], child of pid 1$/m)
    assert.match(shown.stdout, /std-check@2 +send random\.bytes/)

    // The SDK's exit is a message: the process is ended by its handler while it waits.
    const failed = join(d, 'failed.wlog')
    const f = await inHome(home, ['exec', '--record', failed, '--allow=process', spawner, 'nothing-by-that-name'])
    assert.equal(f.code, 1)
    assert.match(f.stdout, /^spawn failed: \d+\n$/)
    const fagain = await inHome(home, ['replay', failed])
    assert.equal(fagain.code, 1, fagain.stderr)
    assert.equal(fagain.stdout, f.stdout)
    assert.equal(fagain.stderr, f.stderr)
  })

  test('a memory cap (--max-memory) is kept: memory.grow fails in the replay where it failed in the run', async () => {
    const d = dir()
    const home = tempHome('replay-memory')
    const path = join(d, 'mem.wlog')
    const r = await inHome(home, ['run', '--record', path, '--max-memory', '2MiB', program('membomb')])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout + r.stderr, /memory\.grow failed at 32 pages/)
    const again = await inHome(home, ['replay', path])
    assert.equal(again.code, 0, again.stderr)
    assert.equal(again.stdout, r.stdout)
    assert.equal(again.stderr, r.stderr)
  })

  test('cut short, altered, or another module under the recorded name: refused or reported', async () => {
    const d = dir()
    const home = tempHome('replay-bad')
    const path = join(d, 'kv.wlog')
    await recordKv(home, path, program('kv-server'), program('kv-client'))
    const bytes = readFileSync(path)

    const cut = join(d, 'cut.wlog')
    writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)))
    const a = await inHome(home, ['replay', cut])
    assert.equal(a.code, 1)
    assert.match(a.stderr, /^wasmos: \S+cut\.wlog: the recording is cut short/)
    assert.equal(a.stderr.split('\n').length, 2)
    assert.equal(a.stdout, '')

    const altered = join(d, 'altered.wlog')
    const copy = Buffer.from(bytes)
    copy[Math.floor(copy.length / 2)] ^= 1
    writeFileSync(altered, copy)
    const b = await inHome(home, ['replay', altered])
    assert.equal(b.code, 1)
    assert.match(b.stderr, /^wasmos: \S+altered\.wlog: the recording (was altered after it was made|is damaged|is cut short)/)
    assert.equal(b.stdout, '')

    // Another stored program under the client's place: it does something else, reported at once.
    const hello = join(d, 'hello.wasm')
    writeFileSync(hello, helloWasm())
    const published = await inHome(home, ['publish', hello])
    const helloCid = /bafk\S+/.exec(published.stdout)![0]
    const swapped = join(d, 'swapped.wlog')
    forge(path, swapped, (frames) => { frames.find((f) => f[0] === 'p' && f[6] === true)![4] = helloCid })
    const c = await inHome(home, ['replay', swapped])
    assert.equal(c.code, 1)
    assert.match(c.stderr, /^wasmos: replay diverged at syscall 1 of kv-client@2: the recording has send process\.args \(\d+ bytes\), the program made send log\.write \(\d+ bytes\)\n$/)
  })
})
