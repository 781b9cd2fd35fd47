// Moving programs between homes over real Helia nodes on loopback, through the real CLI:
// publish in one home, `wasmos serve` it, fetch from a second home that only knows the peer;
// timeouts, a peer sending bytes that do not match, an interrupted fetch, bad peers.
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { cpSync, existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { Cid, openStore } from '../../src/loader/index.ts'
import { CLI, helloWasm, makeWasm, NODE, runCli, scratchHome, type Served, startServe, type TempHome } from '../helpers.ts'

const FIXTURE = join(import.meta.dirname, 'peer-fixture.ts')

function countBlocks (home: string): number {
  const dir = join(home, 'blocks')
  if (!existsSync(dir)) return 0
  return readdirSync(dir).reduce((n, shard) => n + readdirSync(join(dir, shard)).filter((f) => !f.startsWith('.')).length, 0)
}

async function publish (home: string, wasm: Uint8Array, name: string): Promise<string> {
  const file = join(home, `${name}.wasm`)
  writeFileSync(file, wasm)
  const r = await runCli(home, ['publish', file])
  assert.equal(r.code, 0, r.stderr)
  return r.stdout.trim()
}

async function loadOffline (home: string, cid: string): Promise<Uint8Array> {
  const store = await openStore({ home, peers: [] })
  return store.load(Cid.parse(cid))
}

describe('serve and fetch between two homes', () => {
  let a: TempHome
  let served: Served
  const small = makeWasm(5000, 'small')
  const big = makeWasm(3 * 1024 * 1024 + 12345, 'big')
  let smallCid: string
  let bigCid: string

  beforeAll(async () => {
    a = scratchHome('serve-a')
    smallCid = await publish(a.path, small, 'small')
    bigCid = await publish(a.path, big, 'big')
    served = await startServe(a.path)
  })
  afterAll(async () => {
    await served.stop()
    await a.dispose()
  })

  it('fetches a small module from a home that only knows the peer, then reads it offline', async () => {
    const b = scratchHome('fetch-b')
    try {
      const r = await runCli(b.path, ['fetch', smallCid, '--peer', served.multiaddrs[0]!, '--json'])
      assert.equal(r.code, 0, r.stderr)
      const entry = JSON.parse(r.stdout) as { cid: string; name: string; size: number; pinned: boolean }
      assert.deepEqual([entry.cid, entry.name, entry.size, entry.pinned], [smallCid, 'small', small.length, true])
      assert.ok(Buffer.from(await loadOffline(b.path, smallCid)).equals(small))
      const ls = await runCli(b.path, ['ls'])
      assert.match(ls.stdout, new RegExp(`^${smallCid} .* pinned +small$`, 'm'))
    } finally {
      await b.dispose()
    }
  })

  it('execs hello from a home that only knows the peer, then offline by prefix', async () => {
    const b = scratchHome('exec-b')
    try {
      const hello = await publish(a.path, helloWasm(), 'hello')
      const r = await runCli(b.path, ['exec', hello, '--peer', served.multiaddrs[0]!])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout + r.stderr, /Hello from wasmos!/)
      const offline = await runCli(b.path, ['exec', hello.slice(0, 16)])
      assert.equal(offline.code, 0, offline.stderr)
      assert.match(offline.stdout + offline.stderr, /Hello from wasmos!/)
    } finally {
      await b.dispose()
    }
  })

  it('fetches a module of several blocks, with peers from config.json', async () => {
    const b = scratchHome('fetch-big')
    try {
      writeFileSync(join(b.path, 'config.json'), JSON.stringify({ peers: served.multiaddrs }))
      const r = await runCli(b.path, ['fetch', bigCid])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout, new RegExp(`^${bigCid} 3\\.0 MiB big$`, 'm'))
      assert.ok(Buffer.from(await loadOffline(b.path, bigCid)).equals(big))
      assert.equal(countBlocks(b.path), 1 + Math.ceil(big.length / (256 * 1024)))
    } finally {
      await b.dispose()
    }
  })

  it('times out with a clear error when no peer has the block', async () => {
    const b = scratchHome('timeout')
    try {
      const missing = Cid.ofBytes(makeWasm(10)).toString()
      const started = performance.now()
      const r = await runCli(b.path, ['fetch', missing, '--peer', served.multiaddrs[0]!, '--fetch-timeout', '1s'])
      assert.equal(r.code, 1)
      assert.equal(r.stderr, `wasmos: no peer supplied block ${missing} within 1 s\n`)
      assert.ok(performance.now() - started < 8000)
      assert.equal(countBlocks(b.path), 0)
    } finally {
      await b.dispose()
    }
  })

  it('reports bad peers, unreachable peers and malformed CIDs in one line', async () => {
    const b = scratchHome('bad')
    try {
      let r = await runCli(b.path, ['fetch', smallCid, '--peer', 'not-a-multiaddr'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^wasmos: not a multiaddr: "not-a-multiaddr"/)
      assert.equal(r.stderr.split('\n').length, 2)
      r = await runCli(b.path, ['fetch', smallCid, '--peer', '/ip4/127.0.0.1/tcp/1'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^wasmos: could not reach any peer \(\/ip4\/127\.0\.0\.1\/tcp\/1: /)
      r = await runCli(b.path, ['fetch', 'Qm-nope', '--peer', served.multiaddrs[0]!])
      assert.equal(r.code, 1)
      assert.equal(r.stderr, 'wasmos: not a CID or CID prefix: "Qm-nope"\n')
      r = await runCli(b.path, ['fetch', smallCid])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /is not stored locally and no peers are configured/)
    } finally {
      await b.dispose()
    }
  })

  it('keeps its peer id across restarts (the key lives in the datastore)', async () => {
    const again = await startServe(a.path)
    try {
      const id = (addr: string) => addr.split('/p2p/')[1]
      assert.equal(id(again.multiaddrs[0]!), id(served.multiaddrs[0]!))
    } finally {
      await again.stop()
    }
  })
})

describe('misbehaving peers', () => {
  let a: TempHome
  let cid: string
  const wasm = makeWasm(2 * 1024 * 1024, 'slow')

  beforeAll(async () => {
    a = scratchHome('evil')
    cid = await publish(a.path, wasm, 'slow')
  })
  afterAll(() => a.dispose())

  it('refuses a peer that sends bytes not matching the CID, and stores nothing', async () => {
    const evil = await startServe(a.path, [FIXTURE, 'tamper'])
    const b = scratchHome('victim')
    try {
      const r = await runCli(b.path, ['fetch', cid, '--peer', evil.multiaddrs[0]!, '--fetch-timeout', '10s'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, /^wasmos: peer 12D3\w+ sent bytes that do not match the CID asked for: refused\n$/)
      assert.equal(countBlocks(b.path), 0)
      assert.equal((await (await openStore({ home: b.path })).list()).length, 0)
    } finally {
      await evil.stop()
      await b.dispose()
    }
  })

  it('with an honest peer besides the bad one, hangs up on the bad one and gets the program', async () => {
    // The bad peer serves a copy of the blocks under its own identity (a fresh datastore).
    const evilHome = scratchHome('evil-copy')
    cpSync(join(a.path, 'blocks'), join(evilHome.path, 'blocks'), { recursive: true })
    const evil = await startServe(evilHome.path, [FIXTURE, 'tamper'])
    const honest = await startServe(a.path)
    const b = scratchHome('mixed')
    try {
      const r = await runCli(b.path, ['fetch', cid, '--peer', evil.multiaddrs[0]!, '--peer', honest.multiaddrs[0]!, '--fetch-timeout', '10s'])
      assert.equal(r.code, 0, r.stderr)
      assert.ok(Buffer.from(await loadOffline(b.path, cid)).equals(wasm))
    } finally {
      await evil.stop()
      await honest.stop()
      await b.dispose()
      await evilHome.dispose()
    }
  })

  it('shows progress on a slow fetch; Ctrl-C leaves nothing behind; fetching again works', async () => {
    const slow = await startServe(a.path, [FIXTURE, 'slow', '1000'])
    const b = scratchHome('interrupted')
    try {
      const child = spawn(NODE, [CLI, 'fetch', cid, '--peer', slow.multiaddrs[0]!], {
        env: { ...process.env, WASMOS_HOME: b.path },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stderr = ''
      const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
      await new Promise<void>((resolve) => {
        child.stderr.on('data', (d: Buffer) => {
          stderr += d
          // Interrupt once progress shows some blocks received but not all.
          if (/fetching \S+: [1-5] blocks/.test(stderr)) resolve()
        })
      })
      child.kill('SIGINT')
      assert.equal(await exited, 1, stderr)
      assert.match(stderr, new RegExp(`fetching ${cid}: \\d blocks, [\\d.]+ (B|KiB|MiB) of 2\\.0 MiB`))
      assert.match(stderr, /wasmos: interrupted\n$/)
      assert.equal(countBlocks(b.path), 0, 'no block of the interrupted fetch is stored')
      assert.equal((await runCli(b.path, ['ls', '--json'])).stdout.trim(), '[]')
      const honest = await startServe(a.path)
      try {
        const r = await runCli(b.path, ['fetch', cid, '--peer', honest.multiaddrs[0]!])
        assert.equal(r.code, 0, r.stderr)
        assert.ok(Buffer.from(await loadOffline(b.path, cid)).equals(wasm))
      } finally {
        await honest.stop()
      }
    } finally {
      await slow.stop()
      await b.dispose()
    }
  })
})
