// `wasmos pin --remote <service> --token <t> <cid>` through the real CLI, against a small pinning
// service on 127.0.0.1 that follows the IPFS Pinning Service API: Bearer tokens (401 with a
// Failure object otherwise), POST /pins → 202 PinStatus, GET /pins with cid/status/limit filters
// → PinResults, GET /pins/{requestid}, and requests that move queued → pinning → pinned (or failed).
import assert from 'node:assert/strict'
import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, test } from 'vitest'
import { Cid } from '../../src/loader/index.ts'
import { runCli, scratchHome, type TempHome } from '../helpers.ts'

const TOKEN = 'secret-token'

interface Stored { requestid: string, status: string, created: string, pin: { cid: string, name?: string, origins?: string[] }, delegates: string[], info: Record<string, string>, polls: number }

/** The pinning service: each request advances one state per status check; CIDs in `failing` fail. */
function pinningService (failing: Set<string>): Promise<{ url: string, pins: Stored[], log: string[], close (): Promise<void> }> {
  const pins: Stored[] = []
  const log: string[] = []
  const json = (res: ServerResponse, status: number, body?: unknown): void => {
    res.writeHead(status, body === undefined ? {} : { 'Content-Type': 'application/json' }).end(body === undefined ? undefined : JSON.stringify(body))
  }
  const failure = (res: ServerResponse, status: number, reason: string, details: string): void => json(res, status, { error: { reason, details } })
  const view = (p: Stored): Omit<Stored, 'polls'> => {
    const { polls: _polls, ...rest } = p
    return rest
  }
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://service')
      log.push(`${req.method} ${url.pathname}${url.search}`)
      if (req.headers.authorization !== `Bearer ${TOKEN}`) return failure(res, 401, 'UNAUTHORIZED', 'Access token is missing or invalid')
      if (url.pathname === '/pins' && req.method === 'POST') {
        let pin: { cid?: unknown, name?: unknown, origins?: unknown }
        try {
          pin = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof pin
        } catch {
          return failure(res, 400, 'BAD_REQUEST', 'body is not JSON')
        }
        if (typeof pin.cid !== 'string' || Cid.tryParse(pin.cid) === undefined) return failure(res, 400, 'BAD_REQUEST', 'cid is missing or invalid')
        if (req.headers['content-type'] !== 'application/json') return failure(res, 400, 'BAD_REQUEST', 'expected application/json')
        const stored: Stored = {
          requestid: randomUUID(),
          status: 'queued',
          created: new Date().toISOString(),
          pin: { cid: pin.cid, ...(typeof pin.name === 'string' ? { name: pin.name } : {}), ...(Array.isArray(pin.origins) ? { origins: pin.origins as string[] } : {}) },
          delegates: ['/ip4/127.0.0.1/tcp/4001/p2p/12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'],
          info: {},
          polls: 0
        }
        pins.push(stored)
        return json(res, 202, view(stored))
      }
      if (url.pathname === '/pins' && req.method === 'GET') {
        const cids = url.searchParams.get('cid')?.split(',')
        const statuses = url.searchParams.get('status')?.split(',') ?? ['pinned']
        const limit = Number(url.searchParams.get('limit') ?? 10)
        if (!Number.isInteger(limit) || limit < 1 || limit > 1000) return failure(res, 400, 'BAD_REQUEST', 'bad limit')
        const matching = pins.filter((p) => (!cids || cids.includes(p.pin.cid)) && statuses.includes(p.status)).reverse()
        return json(res, 200, { count: matching.length, results: matching.slice(0, limit).map(view) })
      }
      const m = /^\/pins\/([^/]+)$/.exec(url.pathname)
      if (m && req.method === 'GET') {
        const p = pins.find((x) => x.requestid === m[1])
        if (!p) return failure(res, 404, 'NOT_FOUND', 'no such request')
        p.polls++
        if (p.status === 'queued') p.status = 'pinning'
        else if (p.status === 'pinning') {
          if (failing.has(p.pin.cid)) {
            p.status = 'failed'
            p.info['status_details'] = 'DAG too big for this plan'
          } else {
            p.status = 'pinned'
          }
        }
        return json(res, 200, view(p))
      }
      return failure(res, 404, 'NOT_FOUND', 'no such endpoint')
    })
  })
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo
      resolve({
        url: `http://127.0.0.1:${port}`,
        pins,
        log,
        close: () => new Promise<void>((resolve) => {
          server.closeAllConnections()
          server.close(() => resolve())
        })
      })
    })
  })
}

describe('wasmos pin --remote', () => {
  let home: TempHome
  let service: Awaited<ReturnType<typeof pinningService>>
  const cid = Cid.ofBytes(Buffer.from('a program somewhere')).toString()
  const doomed = Cid.ofBytes(Buffer.from('too big to pin')).toString()

  beforeAll(async () => {
    home = scratchHome('pin-remote')
    service = await pinningService(new Set([doomed]))
  })
  afterAll(async () => {
    await service?.close()
    await home?.dispose()
  })

  test('pins a CID and follows the request from queued to pinned', async () => {
    const r = await runCli(home.path, ['pin', '--remote', service.url, '--token', TOKEN, '--name', 'hello', cid, '--json'])
    assert.equal(r.code, 0, r.stderr)
    const [status] = JSON.parse(r.stdout) as Array<{ status: string, requestid: string, pin: { cid: string, name: string } }>
    assert.equal(status!.status, 'pinned')
    assert.equal(status!.pin.cid, cid)
    assert.equal(status!.pin.name, 'hello')
    assert.equal(service.pins.length, 1)
    assert.equal(service.pins[0]!.status, 'pinned')
    assert.equal(service.pins[0]!.requestid, status!.requestid)
    // Looked for an existing request first, then added one, then checked its status until pinned.
    assert.match(service.log[0]!, new RegExp(`^GET /pins\\?cid=${cid}&status=queued%2Cpinning%2Cpinned&limit=1$|^GET /pins\\?cid=${cid}&status=queued,pinning,pinned&limit=1$`))
    assert.equal(service.log[1], 'POST /pins')
    assert.equal(service.log.filter((l) => l === `GET /pins/${status!.requestid}`).length, 2)
  })

  test('pinning the same CID again reuses the request in force instead of adding one', async () => {
    const r = await runCli(home.path, ['pin', '--remote', service.url, '--token', TOKEN, cid])
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^pinned ${cid} at ${service.url} \\(request ${service.pins[0]!.requestid}\\)\\n$`))
    assert.equal(service.pins.length, 1)
  })

  test('--background returns the queued request; the token may come from $WASMOS_PINNING_TOKEN', async () => {
    const other = Cid.ofBytes(Buffer.from('queued only')).toString()
    const { wasmos } = await import('../helpers.ts')
    const r = await wasmos(['pin', '--remote', service.url, '--background', other], { env: { WASMOS_HOME: home.path, WASMOS_PINNING_TOKEN: TOKEN } })
    assert.equal(r.code, 0, r.stderr)
    assert.match(r.stdout, new RegExp(`^queued ${other} `))
    assert.equal(service.pins.find((p) => p.pin.cid === other)?.status, 'queued')
  })

  test('a failed pin, a wrong token and a bad service URL are one-line errors', async () => {
    const failed = await runCli(home.path, ['pin', '--remote', service.url, '--token', TOKEN, doomed])
    assert.equal(failed.code, 1)
    // Progress (queued, pinning) first, then the error on one line.
    assert.match(failed.stderr, new RegExp(`^${doomed}: queued at .*\\n${doomed}: pinning at .*\\nwasmos: .* failed to pin ${doomed}: DAG too big for this plan \\(request [0-9a-f-]+\\)\\n$`))

    const denied = await runCli(home.path, ['pin', '--remote', service.url, '--token', 'wrong', cid])
    assert.equal(denied.code, 1)
    assert.match(denied.stderr, /^wasmos: pinning service GET \/pins: 401 UNAUTHORIZED: Access token is missing or invalid \(check --token\)\n$/)

    for (const args of [['--remote', 'ftp://x', '--token', TOKEN, cid], ['--remote', service.url, cid], ['--token', TOKEN, cid]]) {
      const r = await runCli(home.path, ['pin', ...args], 30_000)
      assert.equal(r.code, 1, r.stdout)
      assert.match(r.stderr, /^wasmos: [^\n]+\n$/)
    }
    // A port nobody listens on: taken, then released.
    const probe = createServer()
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = probe.address() as AddressInfo
    await new Promise((resolve) => probe.close(resolve))
    const gone = await runCli(home.path, ['pin', '--remote', `http://127.0.0.1:${port}`, '--token', TOKEN, cid])
    assert.equal(gone.code, 1)
    assert.match(gone.stderr, new RegExp(`^wasmos: cannot reach the pinning service at http://127\\.0\\.0\\.1:${port}: ECONNREFUSED\\n$`))
  })
})
