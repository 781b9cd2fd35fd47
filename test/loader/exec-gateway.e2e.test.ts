// `wasmos exec <cid> --gateway <url>` through the real CLI: a fresh home fetches a program that
// another home published and serves with `wasmos serve --gateway`, through Helia's trustless
// gateway block broker; falls back across gateways; refuses bytes that do not match; gives up
// after --fetch-timeout on a gateway that never answers; `gateways` in config.json.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { Cid, openStore } from '../../src/loader/index.ts'
import { helloWasm, makeWasm, runCli, scratchHome, type TempHome } from '../helpers.ts'
import { startGatewayServe, type GatewayServed } from './gateway-serve.ts'

/** An HTTP server on 127.0.0.1 answering every request with `handler`. */
async function httpServer (handler: Parameters<typeof createServer>[1]): Promise<{ url: string, hits: string[], close (): Promise<void> }> {
  const hits: string[] = []
  const server: Server = createServer((req, res) => {
    hits.push(req.url ?? '')
    handler!(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections()
      server.close(() => resolve())
    })
  }
}

describe('wasmos exec --gateway', () => {
  let a: TempHome
  let served: GatewayServed
  let helloCid: string
  let bigCid: string
  const big = makeWasm(700 * 1024, 'big')

  beforeAll(async () => {
    a = scratchHome('gw-publish')
    const store = await openStore({ home: a.path })
    helloCid = (await store.publish(helloWasm())).toString()
    bigCid = (await store.publish(big)).toString()
    await store.close()
    served = await startGatewayServe(a.path)
  })
  afterAll(async () => {
    await served?.stop()
    await a?.dispose()
  })

  test('a fresh home runs a program published elsewhere, fetched only through the gateway', async () => {
    const b = scratchHome('gw-exec')
    try {
      const r = await runCli(b.path, ['exec', helloCid, '--gateway', served.gateway])
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stdout + r.stderr, /Hello from wasmos!/)
      // Now stored (cached): runs again with no gateway at all.
      const again = await runCli(b.path, ['exec', helloCid])
      assert.equal(again.code, 0, again.stderr)
      const ls = await runCli(b.path, ['ls', '--json'])
      const entries = JSON.parse(ls.stdout) as Array<{ cid: string, pinned: boolean }>
      assert.deepEqual(entries.map((e) => [e.cid, e.pinned]), [[helloCid, false]])
    } finally {
      await b.dispose()
    }
  })

  test('a multi-block program, "gateways" from config.json, a dead gateway first: falls back to the live one', async () => {
    const b = scratchHome('gw-config')
    const dead = await httpServer((_req, res) => { res.writeHead(500).end() })
    try {
      writeFileSync(join(b.path, 'config.json'), JSON.stringify({ gateways: [dead.url, served.gateway] }))
      const r = await runCli(b.path, ['fetch', bigCid, '--json'], 60_000)
      assert.equal(r.code, 0, r.stderr)
      const entry = JSON.parse(r.stdout) as { cid: string, size: number, pinned: boolean }
      assert.deepEqual([entry.cid, entry.size, entry.pinned], [bigCid, big.length, true])
      const store = await openStore({ home: b.path, peers: [], gateways: [] })
      const bytes = await store.load(Cid.parse(bigCid))
      assert.ok(Buffer.from(bytes).equals(Buffer.from(big)))
      assert.ok(dead.hits.length > 0, 'the dead gateway was asked first')
    } finally {
      await dead.close()
      await b.dispose()
    }
  })

  test('progress on stderr as with peers, for a fetch through a slow gateway', async () => {
    const b = scratchHome('gw-progress')
    // Forwards to the real gateway, each answer held back 400 ms: a fetch long enough to report.
    const slow = await httpServer((req, res) => {
      setTimeout(() => {
        fetch(served.gateway + (req.url ?? '/'), { headers: { accept: String(req.headers.accept ?? '') } })
          .then(async (r) => {
            res.writeHead(r.status, { 'Content-Type': r.headers.get('content-type') ?? 'application/octet-stream' })
            res.end(Buffer.from(await r.arrayBuffer()))
          })
          .catch(() => res.destroy())
      }, 400)
    })
    try {
      const r = await runCli(b.path, ['fetch', bigCid, '--gateway', slow.url], 60_000)
      assert.equal(r.code, 0, r.stderr)
      assert.match(r.stderr, new RegExp(`fetching ${bigCid}: \\d+ blocks, [\\d.]+ (KiB|MiB) of 700\\.\\d KiB`))
      assert.match(r.stderr, /fetching .*: 4 blocks, 700\.\d KiB of 700\.\d KiB\n$/)
    } finally {
      await slow.close()
      await b.dispose()
    }
  })

  test('a gateway sending bytes that do not match the CID is refused; nothing is stored', async () => {
    const b = scratchHome('gw-tamper')
    const liar = await httpServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'application/vnd.ipld.raw' }).end(Buffer.from('not the program you asked for'))
    })
    try {
      const r = await runCli(b.path, ['exec', helloCid, '--gateway', liar.url, '--fetch-timeout', '10s'])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /^wasmos: /)
      assert.doesNotMatch(r.stderr, /\n\s+at /)
      assert.ok(liar.hits.length > 0)
      const ls = await runCli(b.path, ['ls', '--json'])
      assert.deepEqual(JSON.parse(ls.stdout), [])
    } finally {
      await liar.close()
      await b.dispose()
    }
  })

  test('--fetch-timeout bounds a gateway that never answers', async () => {
    const b = scratchHome('gw-timeout')
    const mute = await httpServer(() => { /* never answers */ })
    try {
      const r = await runCli(b.path, ['exec', helloCid, '--gateway', mute.url, '--fetch-timeout', '2s'])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /wasmos: no gateway supplied block .* within 2 s/)
      assert.ok(r.ms < 20_000, `took ${r.ms} ms`)
    } finally {
      await mute.close()
      await b.dispose()
    }
  })

  test('bad gateway URLs and network modes are one-line errors', async () => {
    const b = scratchHome('gw-bad')
    try {
      for (const args of [['--gateway', 'ftp://example'], ['--gateway', 'not a url'], ['--network', 'everything']]) {
        const r = await runCli(b.path, ['exec', helloCid, ...args])
        assert.equal(r.code, 1, r.stderr)
        assert.match(r.stderr, /^wasmos: [^\n]+\n$/)
      }
    } finally {
      await b.dispose()
    }
  })
})
