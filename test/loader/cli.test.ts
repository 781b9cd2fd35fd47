// The store commands through the real CLI: publish (CIDs as ipfs_cid gives them), ls, pin,
// unpin, rm, gc, export and import, --help, and one-line errors.
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, it } from 'vitest'
import { Cid, cidOfBytes, openStore } from '../../src/loader/index.ts'
import { helloWasm, makeWasm, runCli, scratchHome, type TempHome } from '../helpers.ts'

function ipfsCid (file: string): string {
  return (JSON.parse(execFileSync('ipfs_cid', [file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()) as { CIDv0: string }).CIDv0
}

function countBlocks (home: string): number {
  const dir = join(home, 'blocks')
  if (!existsSync(dir)) return 0
  return readdirSync(dir).reduce((n, shard) => n + readdirSync(join(dir, shard)).length, 0)
}

describe('wasmos publish', () => {
  let home: TempHome
  beforeAll(() => {
    home = scratchHome('publish')
  })
  afterAll(() => home.dispose())

  for (const [label, size] of [
    ['small', 3000],
    ['multi-chunk (1 MiB)', 1024 * 1024],
  ] as const) {
    it(`agrees with ipfs_cid with --cid-version 0 --raw-leaves=false: ${label}`, async () => {
      const wasm = makeWasm(size, 'p')
      const file = join(home.path, `${size}.wasm`)
      writeFileSync(file, wasm)
      const v0 = await runCli(home.path, ['publish', '--cid-version', '0', '--raw-leaves=false', file])
      assert.equal(v0.code, 0, v0.stderr)
      assert.equal(v0.stdout, ipfsCid(file) + '\n')
      const v1 = await runCli(home.path, ['publish', file, '--json'])
      assert.equal(v1.code, 0, v1.stderr)
      const out = JSON.parse(v1.stdout) as { cid: string; size: number }
      assert.equal(out.cid, (await cidOfBytes(wasm)).toString())
      assert.equal(out.size, wasm.length)
      // Both are stored, verified and readable.
      const store = await openStore({ home: home.path, peers: [] })
      assert.ok(Buffer.from(await store.load(Cid.parse(out.cid))).equals(wasm))
      assert.ok(Buffer.from(await store.load(v0.stdout.trim())).equals(wasm))
    })
  }

  it('--only-hash stores nothing; CIDv0 defaults to dag-pb leaves', async () => {
    const other = scratchHome('only-hash')
    try {
      const file = join(other.path, 'x.wasm')
      writeFileSync(file, makeWasm(400 * 1024))
      const r = await runCli(other.path, ['publish', '-n', '--cid-version', '0', file])
      assert.equal(r.code, 0, r.stderr)
      assert.equal(r.stdout.trim(), ipfsCid(file))
      assert.equal(countBlocks(other.path), 0)
    } finally {
      await other.dispose()
    }
  })

  it('refuses what it cannot publish, in one line', async () => {
    const text = join(home.path, 'notes.txt')
    writeFileSync(text, 'hello\n')
    const cases: Array<[string[], RegExp]> = [
      [['publish', text], /^wasmos: .*notes\.txt is not a valid WebAssembly module\n$/],
      [['publish', join(home.path, 'missing.wasm')], /^wasmos: cannot read .*missing\.wasm: no such file\n$/],
      [['publish', '--cid-version', '0', '--raw-leaves', 'true', text], /^wasmos: CIDv0 cannot have raw leaves/],
      [['publish', '--raw-leaves', text], /^wasmos: expected true or false, not ".*notes\.txt"/],
      [['publish', '--cid-version', '2', text], /^wasmos: --cid-version must be 0 or 1/],
    ]
    for (const [args, expected] of cases) {
      const r = await runCli(home.path, args)
      assert.equal(r.code, 1, args.join(' '))
      assert.match(r.stderr, expected)
    }
  })

  it('stores the interface definitions given with --interface', async () => {
    const file = join(home.path, 'iface.wasm')
    writeFileSync(file, makeWasm(10))
    const def = join(import.meta.dirname, '..', '..', 'interfaces', 'loader.json')
    const r = await runCli(home.path, ['publish', file, '--interface', def, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const { interfaces } = JSON.parse(r.stdout) as { interfaces: string[] }
    const { loader } = await import('../../src/interfaces/gen/loader.ts')
    assert.deepEqual(interfaces, [loader.cid])
    const store = await openStore({ home: home.path })
    const entry = (await store.list()).find((e) => e.cid === loader.cid)
    assert.equal(entry?.kind, 'interface')
    assert.equal(entry?.name, 'loader')
    assert.ok(Cid.parse(loader.cid).matches(await store.load(Cid.parse(loader.cid))))
  })
})

describe('ls, pin, unpin, rm, gc, export, import', () => {
  let home: TempHome
  let other: TempHome
  let a: string
  let b: string
  const wasmA = makeWasm(700 * 1024, 'alpha')
  const wasmB = makeWasm(100, 'beta')

  beforeAll(async () => {
    home = scratchHome('manage')
    other = scratchHome('manage-other')
    writeFileSync(join(home.path, 'a.wasm'), wasmA)
    writeFileSync(join(home.path, 'b.wasm'), wasmB)
    a = (await runCli(home.path, ['publish', join(home.path, 'a.wasm')])).stdout.trim()
    b = (await runCli(home.path, ['publish', join(home.path, 'b.wasm')])).stdout.trim()
  })
  afterAll(async () => {
    await home.dispose()
    await other.dispose()
  })

  it('ls lists CID, size, pin state and module name; --json gives the entries', async () => {
    const r = await runCli(home.path, ['ls'])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^${a} +700\\.\\d KiB  pinned  alpha$`, 'm'))
    assert.match(r.stdout, new RegExp(`^${b} +\\d+ B  pinned  beta$`, 'm'))
    const entries = JSON.parse((await runCli(home.path, ['ls', '--json'])).stdout) as Array<{ cid: string; name: string; size: number }>
    assert.deepEqual(
      entries.map((e) => [e.cid, e.name, e.size]),
      [
        [a, 'alpha', wasmA.length],
        [b, 'beta', wasmB.length],
      ]
    )
  })

  it('export and import move a program to another home (CARv1)', async () => {
    const car = join(home.path, 'alpha.car')
    const r = await runCli(home.path, ['export', a.slice(0, 20), '-o', car, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(JSON.parse(r.stdout), { cid: a, file: car, blocks: 4, bytes: JSON.parse(r.stdout).bytes })
    const imported = await runCli(other.path, ['import', car])
    assert.equal(imported.code, 0, imported.stderr)
    assert.equal(imported.stdout, `imported ${a}\n`)
    const store = await openStore({ home: other.path, peers: [] })
    assert.ok(Buffer.from(await store.load(a)).equals(wasmA))
    const bad = await runCli(other.path, ['import', join(home.path, 'a.wasm')])
    assert.equal(bad.code, 1)
    assert.match(bad.stderr, /^wasmos: .*a\.wasm is not a CAR file/)
  })

  it('hello exported from one home, imported in another, execs offline', async () => {
    const third = scratchHome('car-exec')
    try {
      writeFileSync(join(home.path, 'hello.wasm'), helloWasm())
      const hello = (await runCli(home.path, ['publish', join(home.path, 'hello.wasm')])).stdout.trim()
      const car = join(home.path, 'hello.car')
      assert.equal((await runCli(home.path, ['export', hello, '-o', car])).code, 0)
      assert.equal((await runCli(third.path, ['import', car])).code, 0)
      const r = await runCli(third.path, ['exec', hello])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout + r.stderr, /Hello from wasmos!/)
      await runCli(home.path, ['rm', '--force', hello])
    } finally {
      await third.dispose()
    }
  })

  it('rm refuses pinned programs; unpin, rm, gc free the blocks', async () => {
    let r = await runCli(home.path, ['pin', a.slice(0, 20)])
    assert.equal(r.stdout, `pinned ${a}\n`)
    r = await runCli(home.path, ['rm', a])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, `wasmos: ${a} is pinned: run \`wasmos unpin ${a}\` first, or use --force\n`)
    r = await runCli(home.path, ['unpin', b.slice(0, 30)])
    assert.equal(r.stdout, `unpinned ${b}\n`)
    r = await runCli(home.path, ['gc', '--json'])
    assert.deepEqual(JSON.parse(r.stdout), { removedBlocks: 1, freedBytes: wasmB.length })
    r = await runCli(home.path, ['pin', b])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /is not stored locally|no stored program/)
    r = await runCli(home.path, ['rm', '--force', a, '--json'])
    assert.equal(r.code, 0, r.stderr)
    assert.equal(JSON.parse(r.stdout).removedBlocks, 4)
    assert.equal((await runCli(home.path, ['ls', '--json'])).stdout, '[]\n')
    r = await runCli(home.path, ['rm', 'bafkreiabc'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'wasmos: no stored program has a CID starting with bafkreiabc (and it is not a full CID)\n')
  })

  it('serve refuses listen addresses it cannot use, in one line', async () => {
    let r = await runCli(home.path, ['serve', '--listen', 'garbage'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^wasmos: --listen: not a multiaddr: "garbage" \(.*\)\n$/)
    r = await runCli(home.path, ['serve', '--listen', '/ip4/192.0.2.1/tcp/1'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^wasmos: cannot listen on \/ip4\/192\.0\.2\.1\/tcp\/1: listen EADDRNOTAVAIL: [^\n]*\n$/)
  })

  it('every command has --help', async () => {
    for (const cmd of ['publish', 'fetch', 'serve', 'ls', 'pin', 'unpin', 'rm', 'gc', 'export', 'import']) {
      const r = await runCli(home.path, [cmd, '--help'])
      assert.equal(r.code, 0, cmd)
      assert.match(r.stdout, new RegExp(`^Usage: wasmos ${cmd} `), cmd)
    }
  })
})
