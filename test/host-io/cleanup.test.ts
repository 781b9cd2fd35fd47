// When a program ends, whatever it held is closed: here it traps while holding a listener, a
// connection and an open file, and the host (which goes on running) must have closed all three.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readdirSync, readFileSync, readlinkSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { fsHandler } from '../../src/interfaces/native/fs.ts'
import { registryHandler } from '../../src/interfaces/native/registry.ts'
import { stdioHandler } from '../../src/interfaces/native/stdio.ts'
import { tcpHandler } from '../../src/interfaces/native/tcp.ts'
import { processHandler } from '../../src/interfaces/native/process.ts'
import { logHandler } from '../../src/interfaces/native/log.ts'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import { loadProgram } from '../../src/kernel/node/program.ts'
import { program } from '../helpers.ts'

/** Open file descriptors of this process that point at `path`. */
function fdsOn (path: string): number {
  let n = 0
  for (const fd of readdirSync('/proc/self/fd')) {
    try { if (readlinkSync(`/proc/self/fd/${fd}`) === path) n++ } catch { /* closed meanwhile */ }
  }
  return n
}

function refused (port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(port, '127.0.0.1')
    s.once('connect', () => { s.destroy(); resolve(false) })
    s.once('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'))
  })
}

test('a program that traps has its listener, connection and file closed; the host goes on', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-cleanup-'))
  const file = join(dir, 'held.txt')
  const peer = createServer()
  const accepted = new Promise<Socket>((resolve) => peer.once('connection', resolve))
  await new Promise<void>((resolve) => peer.listen(0, '127.0.0.1', resolve))
  const peerPort = (peer.address() as { port: number }).port

  const stdin = new PassThrough()
  const stdout = new PassThrough()
  let out = ''
  stdout.on('data', (d: Buffer) => { out += d.toString() })
  const host = new NodeHost({ logger: createLogger({ level: 'silent' }), grants: { known: () => true, decide: () => true } })
  host.addNative(registryHandler(host))
  host.addNative(logHandler(host))
  host.addNative(stdioHandler(host, { stdin, stdout, stderr: new PassThrough() }))
  host.addNative(processHandler(host, async () => null))
  host.addNative(tcpHandler(host))
  host.addNative(fsHandler(host, [{ host: dir, guest: '/tmp' }]))
  try {
    const bytes = new Uint8Array(readFileSync(program('hold-trap')))
    const proc = await host.spawn(await loadProgram(bytes, 'hold-trap'), [String(peerPort), '/tmp/held.txt'])
    const conn = await accepted
    for (let i = 0; i < 200 && !out.includes('\n'); i++) await new Promise((resolve) => setTimeout(resolve, 10))
    const m = /^holding (\d+)\n$/.exec(out)
    assert.ok(m !== null, `program output: ${JSON.stringify(out)}`)
    const port = Number(m[1])
    assert.equal(await refused(port), false, 'the program listens')
    assert.equal(fdsOn(file), 1, 'the file is open once')
    const peerClosed = new Promise<void>((resolve) => { conn.on('close', () => resolve()); conn.resume() })

    stdin.write('go\n')
    assert.equal(await proc.exited, -1)
    assert.match(proc.error?.message ?? '', /hold-trap trapped: unreachable/)
    await peerClosed
    assert.equal(await refused(port), true, 'the listener is closed')
    for (let i = 0; i < 100 && fdsOn(file) > 0; i++) await new Promise((resolve) => setTimeout(resolve, 10))
    assert.equal(fdsOn(file), 0, 'the file is closed')
    assert.equal(host.procs.size, 0)
  } finally {
    await host.close()
    peer.close()
  }
})
