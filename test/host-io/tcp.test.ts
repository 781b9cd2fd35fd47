// The tcp interface end to end: the echo server (a wasm program) against Node sockets and nc.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { program, wasmos } from '../helpers.ts'
import { runTool, startServer } from './server.ts'

function open (port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => resolve(s))
    s.once('error', reject)
  })
}

/** Sends `data`, half-closes, and collects everything echoed until the server closes. */
async function echo (port: number, data: Buffer): Promise<Buffer> {
  const s = await open(port)
  const chunks: Buffer[] = []
  const done = new Promise<Buffer>((resolve, reject) => {
    s.on('data', (d: Buffer) => chunks.push(d))
    s.on('end', () => resolve(Buffer.concat(chunks)))
    s.on('error', reject)
  })
  s.end(data)
  return await done
}

test('the echo server echoes to many Node sockets at once', async () => {
  const server = await startServer(['--allow', 'tcp', program('echo-server'), '--port', '0'])
  try {
    const payloads = Array.from({ length: 24 }, (_, i) => randomBytes(1000 + i * 40_000))
    const echoed = await Promise.all(payloads.map((p) => echo(server.port, p)))
    for (let i = 0; i < payloads.length; i++) assert.ok(echoed[i].equals(payloads[i]), `connection ${i}: ${echoed[i].length} of ${payloads[i].length} bytes`)
  } finally {
    await server.stop()
  }
})

test('nc talks to the echo server', async () => {
  const server = await startServer(['--allow', 'tcp', program('echo-server'), '--port', '0'])
  try {
    const r = await runTool('nc', ['-N', '127.0.0.1', String(server.port)], { input: 'hello\nworld\n' })
    assert.equal(r.code, 0, r.stderr)
    assert.equal(r.stdout.toString(), 'hello\nworld\n')
  } finally {
    await server.stop()
  }
})

test('backpressure: a client that does not read stalls its writes; nothing is lost once it reads', async () => {
  const server = await startServer(['--allow', 'tcp', program('echo-server'), '--port', '0'])
  try {
    const s = await open(server.port)
    s.pause()
    const chunk = randomBytes(64 * 1024)
    let written = 0
    // Write until the socket stays full for a while: the echo server stops reading once its
    // echoes cannot be sent, so the data in flight is bounded by socket buffers, not by memory.
    for (;;) {
      while (s.write(chunk)) written += chunk.length
      written += chunk.length
      const drained = await new Promise<boolean>((resolve) => {
        const t = setTimeout(() => { s.off('drain', on); resolve(false) }, 500)
        const on = (): void => { clearTimeout(t); resolve(true) }
        s.once('drain', on)
      })
      if (!drained) break
      assert.ok(written < 256 * 1024 * 1024, 'the writer was never slowed down')
    }
    assert.ok(written < 64 * 1024 * 1024, `${written} bytes went in before the writer stalled`)
    // Now read everything back.
    let got = 0
    let mismatch = false
    const done = new Promise<void>((resolve) => {
      s.on('data', (d: Buffer) => {
        for (let i = 0; i < d.length; i += 4096) if (d[i] !== chunk[(got + i) % chunk.length]) mismatch = true
        got += d.length
        if (got >= written) resolve()
      })
    })
    s.resume()
    await done
    assert.equal(got, written)
    assert.equal(mismatch, false)
    s.destroy()
  } finally {
    await server.stop()
  }
})

test('without the tcp grant the server cannot listen, and says which flag allows it', async () => {
  const r = await wasmos(['run', program('echo-server'), '--port', '0'], { timeoutMs: 15_000 })
  assert.equal(r.code, 1)
  assert.match(r.stderr, /--allow=tcp/)
  assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:0: status 1/)
})

test('a port in use is an error code, not a crash', async () => {
  const server = await startServer(['--allow', 'tcp', program('echo-server'), '--port', '0'])
  try {
    const r = await wasmos(['run', '--allow', 'tcp', program('echo-server'), '--port', String(server.port)], { timeoutMs: 15_000 })
    assert.equal(r.code, 1)
    assert.match(r.stderr, /cannot listen on 127\.0\.0\.1:\d+: status 18/)
  } finally {
    await server.stop()
  }
})
