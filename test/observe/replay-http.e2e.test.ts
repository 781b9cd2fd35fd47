// An http-server session driven by real curl, recorded, then replayed with no network: the replay
// gives the same output while the port it once listened on is held by a listener of the test's
// own, which no connection ever reaches, and under strace it makes no socket, bind, listen or
// connect call at all — every accept, read and write comes from the recording.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, program, tempHome, wasmos } from '../helpers.ts'
import { runTool, startServer } from '../host-io/server.ts'

test('an http-server session driven by curl replays without a network', async () => {
  const site = mkdtempSync(join(tmpdir(), 'wasmos-replay-site-'))
  writeFileSync(join(site, 'index.html'), '<h1>home</h1>\n')
  writeFileSync(join(site, 'notes.txt'), 'some notes\n'.repeat(100))
  const home = tempHome('replay-http')
  const path = join(site, '..', `${site.split('/').at(-1)!}.wlog`)
  const server = await startServer(['--record', path, '--allow', 'tcp,fs,time', '--dir', `${site}:/www`, program('http-server'), '--port', '0', '--root', '/www'], { home })
  let later = ''
  server.child.stdout!.on('data', (b: Buffer) => { later += b.toString() })
  const curl = (args: string[]): ReturnType<typeof runTool> => runTool('curl', ['-s', '--max-time', '20', ...args])
  const home1 = await curl(['-i', server.url])
  assert.equal(home1.code, 0, home1.stderr)
  assert.match(home1.stdout.toString(), /^HTTP\/1\.1 200 OK\r\n[^]*\r\n\r\n<h1>home<\/h1>\n$/)
  const notes = await curl([server.url + 'notes.txt', server.url + 'notes.txt'])
  assert.equal(notes.stdout.toString(), 'some notes\n'.repeat(200))
  const missing = await curl(['-o', '/dev/null', '-w', '%{http_code}', server.url + 'nope'])
  assert.equal(missing.stdout.toString(), '404')
  server.child.kill('SIGINT')
  assert.equal(await server.exited, 130)
  // What the run printed: its one line (read partly by startServer, the rest here).
  const recorded = `listening on http://127.0.0.1:${server.port}/\n`
  assert.ok(recorded.endsWith(later))

  // The port the server listened on, held by the test for the replay.
  let connections = 0
  const guard = createServer((socket) => { connections++; socket.destroy() })
  await new Promise<void>((resolve, reject) => { guard.once('error', reject); guard.listen(server.port, '127.0.0.1', resolve) })
  try {
    const r = await wasmos(['replay', path], { env: { WASMOS_HOME: home } })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout, recorded)
    assert.equal(r.stderr.replace(/wasmos: replay stopped after \d+ syscalls \(the run was ended from outside there: interrupted or killed\)\n$/, ''), server.stderr())
    assert.match(r.stderr, /replay stopped after \d+ syscalls/)
    const shown = await wasmos(['log', 'show', path], { env: { WASMOS_HOME: home } })
    assert.match(shown.stdout, /http-server@1 +send tcp\.listen/)
    // Three connections (curl reuses one for both notes), each accepted, read and answered.
    assert.equal(shown.stdout.match(/send tcp\.accept/g)?.length, 4)
    assert.ok((shown.stdout.match(/send tcp\.write \(\d+ bytes\)/g)?.length ?? 0) >= 3)
  } finally {
    await new Promise<void>((resolve) => guard.close(() => resolve()))
  }
  assert.equal(connections, 0)

  // The system calls of a replay: not one socket. (The same filter sees a listening Node.)
  const traced = (out: string, args: string[]): ReturnType<typeof runTool> =>
    runTool('strace', ['-f', '-qq', '-e', 'trace=socket,bind,listen,connect', '-o', out, 'env', `WASMOS_HOME=${home}`, NODE, ...args], { timeoutMs: 60_000 })
  const control = join(site, 'control.strace')
  await traced(control, ['-e', 'require("node:net").createServer().listen(0, "127.0.0.1", function () { this.close() })'])
  assert.match(readFileSync(control, 'utf8'), /socket\(AF_INET/)
  const syscalls = join(site, 'replay.strace')
  const r = await traced(syscalls, [CLI, 'replay', path])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout.toString(), recorded)
  assert.equal(readFileSync(syscalls, 'utf8'), '')
})
