// The http-server program (AssemblyScript, wasm) serving a granted directory to curl and to raw
// sockets: contents and headers, keep-alive, HEAD, 404, many concurrent clients, clients that
// go away midway, and path escapes refused.
import { afterAll, beforeAll, test } from 'vitest'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { program, tempHome, wasmos } from '../helpers.ts'
import { runTool, startServer } from './server.ts'
import type { Server } from './server.ts'

let server: Server
const big = randomBytes(3 * 1024 * 1024 + 123)
const site = mkdtempSync(join(tmpdir(), 'wasmos-site-'))

beforeAll(async () => {
  const outside = mkdtempSync(join(tmpdir(), 'wasmos-outside-'))
  writeFileSync(join(outside, 'secret.txt'), 'secret\n')
  writeFileSync(join(site, 'index.html'), '<h1>home</h1>\n')
  mkdirSync(join(site, 'css'))
  writeFileSync(join(site, 'css', 'site.css'), 'body { color: red }\n')
  writeFileSync(join(site, 'data.json'), '{"a":1}\n')
  writeFileSync(join(site, 'big.bin'), big)
  writeFileSync(join(site, 'empty.txt'), '')
  writeFileSync(join(site, 'a b.txt'), 'spaced\n')
  symlinkSync(join(outside, 'secret.txt'), join(site, 'link.txt'))
  symlinkSync(outside, join(site, 'outdir'))
  server = await startServer(['--allow', 'tcp,fs', '--dir', `${site}:/www`, program('http-server'), '--port', '0', '--root', '/www'])
})

afterAll(async () => { await server.stop() })

function curl (args: string[]): Promise<{ code: number | null, stdout: Buffer, stderr: string }> {
  return runTool('curl', ['-s', '--max-time', '20', ...args])
}

test('serves files with Content-Type and Content-Length', async () => {
  const r = await curl(['-i', server.url])
  assert.equal(r.code, 0, r.stderr)
  const text = r.stdout.toString()
  assert.match(text, /^HTTP\/1\.1 200 OK\r\n/)
  assert.match(text, /\r\nContent-Type: text\/html; charset=utf-8\r\n/)
  assert.match(text, /\r\nContent-Length: 14\r\n/)
  assert.ok(text.endsWith('\r\n\r\n<h1>home</h1>\n'))
  const css = await curl(['-i', server.url + 'css/site.css'])
  assert.match(css.stdout.toString(), /Content-Type: text\/css; charset=utf-8\r\n[^]*\r\n\r\nbody \{ color: red \}\n$/)
  const json = await curl(['-sS', '-w', '%{content_type}', server.url + 'data.json'])
  assert.equal(json.stdout.toString(), '{"a":1}\napplication/json')
  const spaced = await curl([server.url + 'a%20b.txt'])
  assert.equal(spaced.stdout.toString(), 'spaced\n')
  const empty = await curl(['-i', server.url + 'empty.txt'])
  assert.match(empty.stdout.toString(), /Content-Length: 0\r\n/)
})

test('a large file arrives whole', async () => {
  const r = await curl([server.url + 'big.bin'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout.length, big.length)
  assert.ok(r.stdout.equals(big))
})

test('HEAD has the headers and no body; 404 for what is not there; 405 for POST', async () => {
  const head = await curl(['-I', server.url + 'big.bin'])
  assert.match(head.stdout.toString(), new RegExp(`^HTTP/1\\.1 200 OK\\r\\n[^]*Content-Length: ${big.length}\\r\\n[^]*\\r\\n\\r\\n$`))
  const missing = await curl(['-i', server.url + 'nothing/here.html'])
  assert.match(missing.stdout.toString(), /^HTTP\/1\.1 404 Not Found\r\n/)
  const post = await curl(['-i', '-X', 'POST', '-d', 'x=1', server.url])
  assert.match(post.stdout.toString(), /^HTTP\/1\.1 405 Method Not Allowed\r\n[^]*Allow: GET, HEAD\r\n/)
})

test('keep-alive: curl reuses one connection for several requests', async () => {
  const urls = ['', 'css/site.css', 'data.json', 'nope', ''].map((p) => server.url + p)
  const r = await curl(['-v', ...urls])
  assert.equal(r.code, 0)
  assert.equal((r.stderr.match(/Re-using existing connection/g) ?? []).length, 4, r.stderr)
  assert.equal((r.stderr.match(/Connected to/g) ?? []).length, 1)
  assert.equal(r.stdout.toString(), '<h1>home</h1>\nbody { color: red }\n{"a":1}\n404 Not Found\n<h1>home</h1>\n')
})

test('pipelined requests on one connection are answered in order', async () => {
  const s = connect(server.port, '127.0.0.1')
  let text = ''
  s.on('data', (d: Buffer) => { text += d.toString('latin1') })
  const closed = new Promise<void>((resolve) => s.on('close', () => resolve()))
  s.write('GET /data.json HTTP/1.1\r\nHost: x\r\n\r\nHEAD /index.html HTTP/1.1\r\nHost: x\r\n\r\nGET /css/site.css HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')
  await closed
  const statuses = text.match(/HTTP\/1\.1 \d+/g)
  assert.deepEqual(statuses, ['HTTP/1.1 200', 'HTTP/1.1 200', 'HTTP/1.1 200'])
  assert.match(text, /\{"a":1\}\nHTTP\/1\.1 200 OK[^]*Content-Length: 14\r\n[^]*\r\n\r\nHTTP\/1\.1 200 OK[^]*Connection: close\r\n\r\nbody \{ color: red \}\n$/)
})

test('many concurrent clients are all served', async () => {
  const n = 64
  const results = await Promise.all(Array.from({ length: n }, (_, i) =>
    curl(['-w', '\n%{http_code}', server.url + (i % 4 === 0 ? 'big.bin' : i % 4 === 1 ? 'css/site.css' : i % 4 === 2 ? 'missing' : '')])))
  for (let i = 0; i < n; i++) {
    const r = results[i]
    assert.equal(r.code, 0, `client ${i}: ${r.stderr}`)
    if (i % 4 === 0) assert.ok(r.stdout.subarray(0, big.length).equals(big), `client ${i} got a bad big.bin`)
    else assert.match(r.stdout.toString(), i % 4 === 2 ? /\n404$/ : /\n200$/)
  }
  const parallel = await curl(['--parallel', '--parallel-max', '32', '-w', '%{http_code}\n',
    ...Array.from({ length: 200 }, () => ['-o', '/dev/null', server.url + 'css/site.css']).flat()])
  assert.equal(parallel.stdout.toString(), '200\n'.repeat(200))
})

test('clients that disconnect midway do not disturb the others', async () => {
  // Twenty clients ask for the large file and leave after the first bytes, or before any.
  await Promise.all(Array.from({ length: 20 }, (_, i) => new Promise<void>((resolve) => {
    const s = connect(server.port, '127.0.0.1', () => {
      s.write('GET /big.bin HTTP/1.1\r\nHost: x\r\n\r\n')
      if (i % 2 === 0) { s.destroy(); resolve() }
    })
    s.once('data', () => { s.destroy(); resolve() })
    s.on('error', () => resolve())
  })))
  const r = await curl([server.url + 'big.bin'])
  assert.ok(r.stdout.equals(big))
  const half = await curl(['--max-filesize', '1000', '-r', '0-', server.url + 'big.bin'])
  assert.notEqual(half.code, 0)
  const again = await curl([server.url + 'data.json'])
  assert.equal(again.stdout.toString(), '{"a":1}\n')
})

test('paths that escape the granted directory are refused', async () => {
  for (const path of ['../secret.txt', '..%2fsecret.txt', '%2e%2e/secret.txt', 'css/../../secret.txt', '..\\secret.txt']) {
    const r = await curl(['--path-as-is', '-i', server.url + path])
    assert.match(r.stdout.toString(), /^HTTP\/1\.1 (403 Forbidden|400 Bad Request)\r\n/, path)
    assert.doesNotMatch(r.stdout.toString(), /secret/)
  }
  for (const path of ['link.txt', 'outdir/secret.txt']) {
    const r = await curl(['-i', server.url + path])
    assert.match(r.stdout.toString(), /^HTTP\/1\.1 403 Forbidden\r\n/, path)
  }
  const nul = await curl(['-i', server.url + 'index.html%00.txt'])
  assert.match(nul.stdout.toString(), /^HTTP\/1\.1 400 Bad Request\r\n/)
})

test('a changed file is served changed, even one of the same size (no stale cache)', async () => {
  const file = join(site, 'changing.txt')
  writeFileSync(file, 'version 1\n')
  assert.equal((await curl([server.url + 'changing.txt'])).stdout.toString(), 'version 1\n')
  assert.equal((await curl([server.url + 'changing.txt'])).stdout.toString(), 'version 1\n')
  writeFileSync(file, 'version 2 is longer\n')
  assert.equal((await curl([server.url + 'changing.txt'])).stdout.toString(), 'version 2 is longer\n')
  writeFileSync(file, 'version 3 is LONGER\n')
  utimesSync(file, new Date(), new Date(Date.now() + 5000))
  assert.equal((await curl([server.url + 'changing.txt'])).stdout.toString(), 'version 3 is LONGER\n')
  const head = await curl(['-I', server.url + 'changing.txt'])
  assert.match(head.stdout.toString(), /Content-Length: 20\r\n/)
})

test('wasmos exec runs the published http-server by its CID', async () => {
  const home = tempHome()
  const pub = await wasmos(['publish', program('http-server')], { env: { WASMOS_HOME: home } })
  assert.equal(pub.code, 0, pub.stderr)
  const cid = pub.stdout.trim().split('\n').pop()!
  assert.match(cid, /^bafkrei[a-z2-7]+$/)
  const s = await startServer(['--allow', 'tcp,fs', '--dir', `${site}:/www`, cid, '--port', '0', '--root', '/www'], { command: 'exec', home })
  try {
    const r = await curl([s.url])
    assert.equal(r.stdout.toString(), '<h1>home</h1>\n')
  } finally {
    await s.stop()
  }
})
