// The wget program (wasm, tcp + fs) fetching from a Node HTTP server on loopback into a granted
// directory: Content-Length and chunked bodies, errors, and no partial file on failure.
import { afterAll, beforeAll, test } from 'vitest'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { Server } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { program, wasmos } from '../helpers.ts'

const body = randomBytes(2 * 1024 * 1024 + 77)
let server: Server
let base = ''

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/file.bin') {
      res.writeHead(200, { 'Content-Type': 'application/octet-stream', 'Content-Length': body.length })
      res.end(body)
    } else if (req.url === '/chunked.txt') {
      // No Content-Length: Node sends it chunked, in several writes.
      res.writeHead(200, { 'Content-Type': 'text/plain' })
      res.write('one,')
      setTimeout(() => { res.write('two,'); setTimeout(() => res.end('three\n'), 20) }, 20)
    } else if (req.url === '/cut') {
      res.writeHead(200, { 'Content-Length': 1000000 })
      res.write(Buffer.alloc(5000, 1))
      setTimeout(() => res.destroy(), 50)
    } else {
      res.writeHead(404, { 'Content-Type': 'text/plain' })
      res.end('not here\n')
    }
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`
})

afterAll(() => { server.close() })

function wget (dir: string, ...args: string[]): ReturnType<typeof wasmos> {
  return wasmos(['run', '--allow', 'tcp,fs', '--dir', `${dir}:/out`, program('wget'), ...args])
}

test('wget saves a body with Content-Length', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-wget-'))
  const r = await wget(dir, `${base}/file.bin`, '-O', '/out/file.bin')
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `saved ${body.length} bytes to /out/file.bin\n`)
  assert.ok(readFileSync(join(dir, 'file.bin')).equals(body))
})

test('wget saves a chunked body', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-wget-'))
  const r = await wget(dir, `${base}/chunked.txt`, '-O', '/out/c.txt', '-q')
  assert.equal(r.code, 0, r.stderr)
  assert.equal(readFileSync(join(dir, 'c.txt'), 'utf8'), 'one,two,three\n')
})

test('wget reports errors and leaves no partial file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-wget-'))
  const missing = await wget(dir, `${base}/missing`, '-O', '/out/x')
  assert.equal(missing.code, 8)
  assert.equal(missing.stderr, `wget: ${base}/missing: 404 Not Found\n`)
  const cut = await wget(dir, `${base}/cut`, '-O', '/out/cut.bin')
  assert.equal(cut.code, 1)
  assert.match(cut.stderr, /the connection ended before the whole body arrived/)
  const refused = await wget(dir, 'http://127.0.0.1:1/', '-O', '/out/y')
  assert.equal(refused.code, 1)
  assert.equal(refused.stderr, 'wget: cannot connect to 127.0.0.1:1: status 17\n')
  const outside = await wget(dir, `${base}/file.bin`, '-O', '/elsewhere/file.bin')
  assert.equal(outside.code, 1)
  assert.match(outside.stderr, /cannot create \/elsewhere\/file\.bin\.part: status 18/)
  assert.deepEqual(readdirSync(dir), [])
  assert.equal(existsSync(join(dir, 'cut.bin')), false)
})
