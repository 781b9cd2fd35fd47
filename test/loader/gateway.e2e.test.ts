// `wasmos serve --gateway`: the trustless HTTP gateway, checked by clients nobody here wrote —
// curl (the raw block's sha-256 is the CID's digest) and @helia/verified-fetch over Helia's
// trustless-gateway block broker (it verifies every block itself) — plus the spec's status
// codes and headers, CARs by dag-scope, and its bounds.
import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { request } from 'node:http'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { CarBlockIterator } from '@ipld/car/iterator'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { Cid, openStore } from '../../src/loader/index.ts'
import { helloWasm, makeWasm, scratchHome, type TempHome } from '../helpers.ts'
import { startGatewayServe, type GatewayServed } from './gateway-serve.ts'

const run = promisify(execFile)

interface Reply { status: number, headers: Record<string, string | string[] | undefined>, body: Buffer }

/** A plain HTTP request (node:http, so nothing normalises what the gateway said). */
function get (url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }))
      res.on('error', reject)
    })
    req.on('error', reject)
    req.end()
  })
}

async function carBlocks (body: Buffer): Promise<Array<{ cid: string, bytes: Uint8Array }>> {
  const it = await CarBlockIterator.fromBytes(body)
  const out: Array<{ cid: string, bytes: Uint8Array }> = []
  for await (const b of it) out.push({ cid: b.cid.toString(), bytes: b.bytes })
  return out
}

describe('wasmos serve --gateway', () => {
  let home: TempHome
  let served: GatewayServed
  const small = helloWasm()
  // Three 256 KiB chunks and a dag-pb root: what the broker must assemble block by block.
  const big = makeWasm(600 * 1024, 'big')
  let smallCid: Cid
  let bigCid: Cid
  let v0Cid: Cid

  beforeAll(async () => {
    home = scratchHome('gateway')
    const store = await openStore({ home: home.path })
    smallCid = await store.publish(small)
    bigCid = await store.publish(big)
    v0Cid = await store.publish(small, { cidVersion: 0, rawLeaves: false })
    await store.close()
    served = await startGatewayServe(home.path)
    expect(served.gateway).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })
  afterAll(async () => {
    await served?.stop()
    await home?.dispose()
  })

  test('curl gets the raw block, whose sha-256 is the digest in the CID', async () => {
    const out = join(home.path, 'block.bin')
    const { stdout } = await run('curl', ['-sS', '-o', out, '-D', '-', '-H', 'Accept: application/vnd.ipld.raw', `${served.gateway}/ipfs/${smallCid}`])
    expect(stdout).toMatch(/^HTTP\/1\.1 200/)
    const { readFileSync } = await import('node:fs')
    const bytes = readFileSync(out)
    const digest = createHash('sha256').update(bytes).digest()
    expect(Buffer.from(digest).equals(Buffer.from(smallCid.digest))).toBe(true)
    expect(bytes.equals(Buffer.from(small))).toBe(true)
    expect(stdout).toMatch(/content-type: application\/vnd\.ipld\.raw\r\n/i)
    expect(stdout).toMatch(/cache-control: public, max-age=29030400, immutable/i)
    expect(stdout).toMatch(/x-content-type-options: nosniff/i)
    expect(stdout).toMatch(new RegExp(`etag: "${smallCid}\\.raw"`, 'i'))
  })

  test('@helia/verified-fetch, given only this gateway, fetches and verifies programs (one block and several)', async () => {
    const [{ createHeliaLight }, { trustlessGatewayBlockBroker }, { fallbackRouter }, { createVerifiedFetchWithHelia }] = await Promise.all([
      import('helia'),
      import('@helia/trustless-gateway-client'),
      import('@helia/fallback-router'),
      import('@helia/verified-fetch')
    ])
    // Record every HTTP request the client makes: all must go to our gateway.
    const urls: string[] = []
    const realFetch = globalThis.fetch
    globalThis.fetch = async (input, init) => {
      urls.push(input instanceof Request ? input.url : String(input))
      return realFetch(input, init)
    }
    // The gateway as an ordinary router's provider: Helia's routing never finishes a lookup
    // when it has fallback routers only (its idle signal waits for a default router).
    const fallback = fallbackRouter({ gateways: [served.gateway] })
    const helia = createHeliaLight({
      blockBrokers: [trustlessGatewayBlockBroker({ allowInsecure: true, allowLocal: true })],
      routers: [{ name: 'test-gateway', findProviders: (cid, options) => fallback.findProviders!(cid, options) }]
    })
    await helia.start()
    const verifiedFetch = await createVerifiedFetchWithHelia(helia)
    try {
      for (const [cid, bytes] of [[smallCid, small], [bigCid, big], [v0Cid, small]] as const) {
        const res = await verifiedFetch(`ipfs://${cid}`, { signal: AbortSignal.timeout(30_000) })
        expect(res.status).toBe(200)
        const got = Buffer.from(await res.arrayBuffer())
        expect(got.length).toBe(bytes.length)
        expect(got.equals(Buffer.from(bytes))).toBe(true)
      }
      // The raw root of the multi-block file, as the client asks for it and verifies it.
      const raw = await verifiedFetch(`ipfs://${bigCid}`, { headers: { accept: 'application/vnd.ipld.raw' } })
      expect(raw.status).toBe(200)
      const root = new Uint8Array(await raw.arrayBuffer())
      expect(bigCid.matches(root)).toBe(true)
    } finally {
      globalThis.fetch = realFetch
      await verifiedFetch.stop()
      await helia.stop()
    }
    expect(urls.length).toBeGreaterThanOrEqual(4)
    for (const u of urls) expect(u.startsWith(`${served.gateway}/ipfs/`)).toBe(true)
  })

  test('CARs: dag-scope all and entity carry every block, block only the root, each block matching its CID', async () => {
    const whole = await get(`${served.gateway}/ipfs/${bigCid}?format=car`)
    expect(whole.status).toBe(200)
    expect(whole.headers['content-type']).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=n')
    expect(String(whole.headers.etag)).toContain(`${bigCid}.car.all`)
    const blocks = await carBlocks(whole.body)
    expect(blocks.length).toBe(4)
    expect(blocks[0]!.cid).toBe(bigCid.toString())
    for (const b of blocks) expect(Cid.parse(b.cid).matches(b.bytes)).toBe(true)
    const it = await CarBlockIterator.fromBytes(whole.body)
    expect((await it.getRoots()).map(String)).toEqual([bigCid.toString()])

    const entity = await get(`${served.gateway}/ipfs/${bigCid}`, { Accept: 'application/vnd.ipld.car; version=1' }, 'GET')
    expect(entity.status).toBe(200)
    const viaAccept = await carBlocks(entity.body)
    expect(viaAccept.map((b) => b.cid)).toEqual(blocks.map((b) => b.cid))
    const ent = await carBlocks((await get(`${served.gateway}/ipfs/${bigCid}?format=car&dag-scope=entity`)).body)
    expect(ent.length).toBe(4)
    const one = await get(`${served.gateway}/ipfs/${bigCid}?format=car&dag-scope=block`)
    const only = await carBlocks(one.body)
    expect(only.map((b) => b.cid)).toEqual([bigCid.toString()])
    expect(String(one.headers.etag)).not.toBe(String(whole.headers.etag))
  })

  test('dups=y repeats a block each time the DAG links it; dups=n sends it once', async () => {
    // A file whose 256 KiB chunks after the first are identical: one leaf linked three times.
    const store = await openStore({ home: home.path })
    const repeated = await store.publish(Buffer.concat([Buffer.from(small), Buffer.alloc(4 * 262144 - small.length)]))
    await store.close()
    const once = await get(`${served.gateway}/ipfs/${repeated}?format=car`)
    const every = await get(`${served.gateway}/ipfs/${repeated}`, { Accept: 'application/vnd.ipld.car; version=1; order=dfs; dups=y' })
    expect(every.headers['content-type']).toBe('application/vnd.ipld.car; version=1; order=dfs; dups=y')
    const a = await carBlocks(once.body)
    const b = await carBlocks(every.body)
    expect(a.length).toBe(3)
    expect(b.length).toBe(5)
    expect(new Set(b.map((x) => x.cid)).size).toBe(3)
    for (const x of b) expect(Cid.parse(x.cid).matches(x.bytes)).toBe(true)
  })

  test('status codes: 400 bad CID, 404 not stored, 406 unsupported format, 405 other methods, 414 long URLs; HEAD has no body', async () => {
    expect((await get(`${served.gateway}/ipfs/not-a-cid?format=raw`)).status).toBe(400)
    const absent = Cid.ofBytes(Buffer.from('never published'))
    expect((await get(`${served.gateway}/ipfs/${absent}?format=raw`)).status).toBe(404)
    expect((await get(`${served.gateway}/ipfs/${absent}?format=car`)).status).toBe(404)
    expect((await get(`${served.gateway}/ipfs/${absent}?format=raw`, { 'Cache-Control': 'only-if-cached' })).status).toBe(412)
    expect((await get(`${served.gateway}/ipfs/${smallCid}?format=raw`, { 'Cache-Control': 'only-if-cached' })).status).toBe(200)
    expect((await get(`${served.gateway}/ipfs/${smallCid}?format=dag-json`)).status).toBe(406)
    expect((await get(`${served.gateway}/ipfs/${smallCid}`, { Accept: 'text/html' })).status).toBe(406)
    expect((await get(`${served.gateway}/ipfs/${smallCid}`, { Accept: 'application/vnd.ipld.car; version=2' })).status).toBe(406)
    expect((await get(`${served.gateway}/ipfs/${smallCid}`)).status).toBe(400)
    expect((await get(`${served.gateway}/ipfs/${smallCid}?format=raw`, {}, 'POST')).status).toBe(405)
    expect((await get(`${served.gateway}/ipfs/${smallCid}?format=raw&pad=${'x'.repeat(4000)}`)).status).toBe(414)
    expect((await get(`${served.gateway}/ipfs/${smallCid}/sub/path?format=raw`)).status).toBe(400)
    const head = await get(`${served.gateway}/ipfs/${smallCid}?format=raw`, {}, 'HEAD')
    expect(head.status).toBe(200)
    expect(head.body.length).toBe(0)
    expect(head.headers['content-length']).toBe(String(small.length))
    const headMissing = await get(`${served.gateway}/ipfs/${absent}?format=raw`, {}, 'HEAD')
    expect(headMissing.status).toBe(404)
    // Revalidation: the Etag names immutable content.
    const etag = String(head.headers.etag)
    expect((await get(`${served.gateway}/ipfs/${smallCid}?format=raw`, { 'If-None-Match': etag })).status).toBe(304)
  })

  test('the probe CID bafkqaaa answers an empty raw block and a CAR rooted at it', async () => {
    const raw = await get(`${served.gateway}/ipfs/bafkqaaa?format=raw`)
    expect(raw.status).toBe(200)
    expect(raw.body.length).toBe(0)
    const car = await get(`${served.gateway}/ipfs/bafkqaaa?format=car`)
    expect(car.status).toBe(200)
    const it = await CarBlockIterator.fromBytes(car.body)
    expect((await it.getRoots()).map(String)).toEqual(['bafkqaaa'])
  })

  test('serve refuses gateway addresses it cannot use, and publish --announce a hash it did not store, in one line', async () => {
    const { runCli } = await import('../helpers.ts')
    const taken = new URL(served.gateway).host
    for (const [args, pattern] of [
      [['serve', '--gateway', 'nonsense'], /^wasmos: --gateway: expected host:port/],
      [['serve', '--gateway', taken], /^wasmos: --gateway: cannot listen on .*EADDRINUSE/],
      [['serve', '--network', 'everywhere'], /^wasmos: network must be explicit or public/],
      [['publish', '--only-hash', '--announce', join(import.meta.dirname, '..', '..', 'programs', 'build', 'hello.wasm')], /^wasmos: --announce needs the program stored/]
    ] as const) {
      const r = await runCli(home.path, [...args])
      expect(r.code).toBe(1)
      expect(r.stderr).toMatch(pattern)
      expect(r.stderr.trimEnd().split('\n')).toHaveLength(1)
    }
  })

  test('requests beyond the concurrency bound get 503, and the gateway answers again once they finish', async () => {
    // A store whose reads wait for a gate: two requests are held inside the gateway, for sure.
    const { startGateway } = await import('../../src/loader/gateway.ts')
    const { LocalStore } = await import('../../src/loader/local.ts')
    let open!: () => void
    const gate = new Promise<void>((resolve) => { open = resolve })
    let waiting = 0
    let bothHeld!: () => void
    const held2 = new Promise<void>((resolve) => { bothHeld = resolve })
    class GatedStore extends LocalStore {
      override async readBlock (cid: Cid): Promise<Uint8Array | undefined> {
        if (++waiting === 2) bothHeld()
        await gate
        return super.readBlock(cid)
      }
    }
    const gw = await startGateway({ local: new GatedStore(home.path), listen: '127.0.0.1:0', limits: { maxConcurrent: 2 } })
    try {
      const held = [get(`${gw.url}/ipfs/${bigCid}?format=car`), get(`${gw.url}/ipfs/${smallCid}?format=raw`)]
      await held2
      const refused = await get(`${gw.url}/ipfs/${smallCid}?format=raw`)
      expect(refused.status).toBe(503)
      expect(refused.headers['retry-after']).toBe('1')
      open()
      const [car, raw] = await Promise.all(held)
      expect(car!.status).toBe(200)
      expect((await carBlocks(car!.body)).length).toBe(4)
      expect(raw!.status).toBe(200)
      expect((await get(`${gw.url}/ipfs/${smallCid}?format=raw`)).status).toBe(200)
    } finally {
      await gw.close()
    }
  })
})
