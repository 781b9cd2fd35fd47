// The local store: publish and load with verification, short prefixes, pin/unpin/rm/gc, CAR
// export and import, and the fast path (a stored program loads without helia or libp2p).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { FsBlockstore } from 'blockstore-fs'
import { CID } from 'multiformats/cid'
import { Cid, LoaderError, openStore } from '../../src/loader/index.ts'
import { decodeFileNode } from '../../src/loader/unixfs.ts'
import { makeWasm, NODE, ROOT, scratchHome } from '../helpers.ts'

const isCode = (code: string) => (err: unknown) => {
  assert.ok(err instanceof LoaderError, `expected a LoaderError, got ${String(err)}`)
  assert.equal(err.code, code, err.message)
  assert.ok(!err.message.includes('\n'), 'one-line message')
  return true
}

function sameBytes (actual: Uint8Array, expected: Uint8Array): void {
  assert.equal(actual.length, expected.length)
  assert.ok(Buffer.from(actual.buffer, actual.byteOffset, actual.length).equals(expected), 'bytes differ')
}

function countBlocks (home: string): number {
  const dir = join(home, 'blocks')
  if (!existsSync(dir)) return 0
  return readdirSync(dir).reduce((n, shard) => n + readdirSync(join(dir, shard)).filter((f) => f.endsWith('.data')).length, 0)
}

describe('publish and load', () => {
  const home = scratchHome('store')
  afterAll(() => home.dispose())

  it('a small module is one raw block named by its sha2-256, readable by blockstore-fs', async () => {
    const store = await openStore({ home: home.path })
    const wasm = makeWasm(200, 'hello')
    const cid = await store.publish(wasm)
    assert.equal(cid.toString(), Cid.ofBytes(wasm).toString())
    sameBytes(await store.load(cid), wasm)
    // Helia's blockstore-fs reads the same layout (it is what `wasmos serve` hands to Helia).
    const fs = new FsBlockstore(join(home.path, 'blocks'))
    await fs.open()
    const chunks: Uint8Array[] = []
    for await (const c of fs.get(CID.parse(cid.toString()))) chunks.push(c)
    sameBytes(Buffer.concat(chunks), wasm)
    const [entry] = (await store.list()).filter((e) => e.cid === cid.toString())
    assert.equal(entry?.name, 'hello')
    assert.equal(entry?.kind, 'program')
    assert.equal(entry?.size, wasm.length)
    assert.equal(entry?.pinned, true)
  })

  it('a 1 MiB module is a dag-pb root over 256 KiB raw leaves, reassembled exactly', async () => {
    const store = await openStore({ home: home.path })
    const wasm = makeWasm(1024 * 1024)
    const cid = await store.publish(wasm)
    assert.equal(cid.codec, 0x70)
    const root = decodeFileNode(cid, (await store.local.readBlock(cid))!)
    const chunks = Math.ceil(wasm.length / (256 * 1024))
    assert.equal(root.links.length, chunks)
    root.links.forEach((link, i) => {
      assert.equal(link.toString(), Cid.ofBytes(wasm.subarray(i * 256 * 1024, (i + 1) * 256 * 1024)).toString())
    })
    sameBytes(await store.load(cid), wasm)
    const v0 = await store.publish(wasm, { cidVersion: 0, rawLeaves: false })
    assert.match(v0.toString(), /^Qm/)
    sameBytes(await store.load(v0), wasm)
  })

  it('refuses a stored block whose bytes were altered', async () => {
    const store = await openStore({ home: home.path })
    const wasm = makeWasm(600 * 1024)
    const cid = await store.publish(wasm)
    const leaf = decodeFileNode(cid, (await store.local.readBlock(cid))!).links[1]!
    const path = store.local.blockPath(leaf)
    const bytes = readFileSync(path)
    bytes[100]! ^= 0xff
    writeFileSync(path, bytes)
    await assert.rejects(store.load(cid), isCode('ERR_HASH_MISMATCH'))
    // The corrupt block is gone: it now counts as missing (and would be fetched from peers).
    assert.equal(existsSync(path), false)
    await assert.rejects(store.load(cid), isCode('ERR_NOT_FOUND'))
  })

  it('resolves unique prefixes and refuses unknown, ambiguous and malformed ones', async () => {
    const store = await openStore({ home: home.path })
    const cid = await store.publish(makeWasm(10, 'prefix'))
    const text = cid.toString()
    assert.equal((await store.resolve(text.slice(0, 16))).toString(), text)
    assert.deepEqual(await store.load(text.slice(0, 16)), await store.load(cid))
    await assert.rejects(store.resolve('bafkrei'), isCode('ERR_AMBIGUOUS_PREFIX'))
    await assert.rejects(store.resolve('bafkreizzzzzzz'), isCode('ERR_UNKNOWN_PREFIX'))
    await assert.rejects(store.resolve('not a cid!'), isCode('ERR_BAD_CID'))
  })

  it('a CID that is not local with no peers fails at once with not-found', async () => {
    const store = await openStore({ home: home.path, peers: [] })
    const started = performance.now()
    await assert.rejects(store.load(Cid.ofBytes(randomBytes(10))), isCode('ERR_NOT_FOUND'))
    assert.ok(performance.now() - started < 1000)
  })
})

describe('pin, unpin, rm, gc', () => {
  const home = scratchHome('gc')
  afterAll(() => home.dispose())

  it('keeps pinned programs and shared blocks; removes the rest', async () => {
    const store = await openStore({ home: home.path })
    const K = 256 * 1024
    const shared = randomBytes(K)
    const a = await store.publish(Buffer.concat([shared, randomBytes(K)]))
    const b = await store.publish(Buffer.concat([shared, randomBytes(K)]))
    const c = await store.publish(makeWasm(50, 'c'))
    assert.equal(countBlocks(home.path), 3 + 2 + 1) // a: root + 2 leaves, b: root + 1 new leaf, c: 1

    await assert.rejects(store.remove(a), isCode('ERR_PINNED'))
    await store.unpin(a)
    const removed = await store.remove(a)
    assert.equal(removed.removedBlocks, 2) // its root and its own leaf; the shared leaf stays for b
    sameBytes((await store.load(b)).subarray(0, K), shared)
    assert.equal(await store.has(a), false)

    await store.unpin(c)
    assert.equal((await store.gc()).removedBlocks, 1)
    assert.deepEqual(
      (await store.list()).map((e) => e.cid),
      [b.toString()]
    )
    await assert.rejects(store.pin(c), isCode('ERR_NOT_FOUND'))
    await store.remove(b, { force: true })
    assert.equal(countBlocks(home.path), 0)
  })

  it('gc also deletes temporary files left by an interrupted write', async () => {
    const store = await openStore({ home: home.path })
    const cid = await store.publish(makeWasm(10))
    const stray = store.local.blockPath(cid) + '.12345.1.tmp'
    writeFileSync(stray, 'partial')
    await store.gc()
    assert.equal(existsSync(stray), false)
    assert.equal(await store.has(cid), true)
  })
})

describe('CAR export and import', () => {
  const a = scratchHome('car-a')
  const b = scratchHome('car-b')
  afterAll(async () => {
    await a.dispose()
    await b.dispose()
  })

  it('moves a multi-block program between homes, readable offline', async () => {
    const wasm = makeWasm(700 * 1024, 'carried')
    const src = await openStore({ home: a.path })
    const cid = await src.publish(wasm)
    const car = join(a.path, 'p.car')
    const { blocks } = await src.exportCar(cid, car)
    assert.equal(blocks, 4)
    // A CARv1 any IPFS tool reads: the header names the root.
    const { CarReader } = await import('@ipld/car/reader')
    const reader = await CarReader.fromBytes(readFileSync(car))
    assert.deepEqual((await reader.getRoots()).map(String), [cid.toString()])
    const dst = await openStore({ home: b.path, peers: [] })
    assert.deepEqual((await dst.importCar(car)).map(String), [cid.toString()])
    sameBytes(await dst.load(cid), wasm)
    const [entry] = await dst.list()
    assert.equal(entry?.name, 'carried')
    assert.equal(entry?.pinned, true)
  })

  it('refuses a CAR with a block that does not match its CID, storing nothing', async () => {
    const src = await openStore({ home: a.path })
    const cid = await src.publish(makeWasm(300 * 1024))
    const car = join(a.path, 'bad.car')
    await src.exportCar(cid, car)
    const bytes = readFileSync(car)
    bytes[bytes.length - 10]! ^= 0xff
    writeFileSync(car, bytes)
    const c = scratchHome('car-c')
    try {
      const dst = await openStore({ home: c.path })
      await assert.rejects(dst.importCar(car), isCode('ERR_BAD_CAR'))
      assert.equal(countBlocks(c.path), 0)
      await assert.rejects(dst.importCar(join(a.path, 'missing.car')), isCode('ERR_IO'))
    } finally {
      await c.dispose()
    }
  })
})

describe('fast path', () => {
  it('loading a stored program imports neither helia nor libp2p', async () => {
    const home = scratchHome('fast')
    try {
      const store = await openStore({ home: home.path })
      const cid = await store.publish(makeWasm(100))
      const script = `
        import { registerHooks } from 'node:module'
        const seen = []
        registerHooks({ resolve(spec, ctx, next) { seen.push(spec); return next(spec, ctx) } })
        const { openStore } = await import(${JSON.stringify(join(ROOT, 'src/loader/index.ts'))})
        const store = await openStore({ home: ${JSON.stringify(home.path)} })
        const bytes = await store.load(${JSON.stringify(cid.toString().slice(0, 20))})
        console.log(JSON.stringify({ size: bytes.length, seen }))
      `
      const out = JSON.parse(execFileSync(NODE, ['--input-type=module', '-e', script]).toString()) as { size: number; seen: string[] }
      assert.ok(out.size > 100)
      const heavy = out.seen.filter((s) => !s.startsWith('.') && /helia|libp2p|multiformats|blockstore|datastore|unixfs/.test(s))
      assert.deepEqual(heavy, [])
    } finally {
      await home.dispose()
    }
  })
})

describe('StoreSource (programs for wasmos exec)', () => {
  it('loads a program by CID prefix, compiled under the CID it was asked by', async () => {
    const home = scratchHome('source')
    try {
      const { StoreSource } = await import('../../src/loader/source.ts')
      const store = await openStore({ home: home.path, peers: [] })
      const wasm = makeWasm(400 * 1024, 'sourced')
      const cid = await store.publish(wasm)
      const source = new StoreSource(store)
      const program = await source.load(cid.toString().slice(0, 24))
      assert.equal(program?.cid, cid.toString())
      assert.equal(program?.name, 'sourced')
      await assert.rejects(source.load('bafybeizzzz'), isCode('ERR_UNKNOWN_PREFIX'))
    } finally {
      await home.dispose()
    }
  })
})

describe('CAR import of an incomplete DAG', () => {
  it('is refused before anything is stored', async () => {
    const a = scratchHome('car-partial-a')
    const b = scratchHome('car-partial-b')
    try {
      const src = await openStore({ home: a.path })
      const cid = await src.publish(makeWasm(600 * 1024))
      const leaf = decodeFileNode(cid, (await src.local.readBlock(cid))!).links[2]!
      await src.local.deleteBlock(leaf)
      const { CarWriter } = await import('@ipld/car/writer')
      const { writer, out } = CarWriter.create([CID.decode(cid.bytes)])
      const chunks: Uint8Array[] = []
      const collected = (async () => {
        for await (const c of out) chunks.push(c)
      })()
      for (const c of [cid, ...decodeFileNode(cid, (await src.local.readBlock(cid))!).links]) {
        const bytes = await src.local.readBlock(c)
        if (bytes) await writer.put({ cid: CID.decode(c.bytes), bytes })
      }
      await writer.close()
      await collected
      const car = join(a.path, 'partial.car')
      writeFileSync(car, Buffer.concat(chunks))
      const dst = await openStore({ home: b.path })
      await assert.rejects(dst.importCar(car), isCode('ERR_BAD_CAR'))
      assert.equal(countBlocks(b.path), 0)
    } finally {
      await a.dispose()
      await b.dispose()
    }
  })
})
