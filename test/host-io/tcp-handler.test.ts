// The tcp native handler's semantics, driven through the kernel (as pid 0) against Node sockets:
// every message, end of stream, shutdown, and each error as an answer code.
import { afterAll, test } from 'vitest'
import assert from 'node:assert/strict'
import { createServer, connect } from 'node:net'
import type { Socket } from 'node:net'
import { tcp } from '../../src/interfaces/gen/tcp.ts'
import type { TcpAnswers, TcpRequest } from '../../src/interfaces/gen/tcp.ts'
import { tcpHandler } from '../../src/interfaces/native/tcp.ts'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'

const host = new NodeHost({ logger: createLogger({ level: 'silent' }), grants: { known: () => true, decide: () => true } })
host.addNative(tcpHandler(host))
afterAll(async () => { await host.close() })

/** Sends a tcp request; resolves with the status and the decoded answer. */
async function call<K extends keyof TcpAnswers & string> (req: Extract<TcpRequest, { name: K }>): Promise<{ status: number, answer: TcpAnswers[K] | null }> {
  const r = await host.call(tcp.key, tcp.digest, tcp.encode(req as TcpRequest))
  return { status: r.status, answer: r.status === 0 ? tcp.decodeAnswer(req.name as K, r.payload) : null }
}

test('listen, accept, read, write, shutdown and close against a Node client', async () => {
  const l = await call({ name: 'listen', host: '127.0.0.1', port: 0, backlog: 8 })
  assert.equal(l.status, 0)
  const port = l.answer!.port
  assert.ok(port > 0)
  const accepted = call({ name: 'accept', listener: l.answer!.handle })
  const client = connect({ port, host: '127.0.0.1', allowHalfOpen: true })
  let received = ''
  client.on('data', (d: Buffer) => { received += d.toString() })
  const clientEnded = new Promise<void>((resolve) => client.on('end', () => resolve()))
  const a = await accepted
  assert.equal(a.status, 0)
  assert.equal(a.answer!.address, '127.0.0.1')
  assert.equal(a.answer!.port, client.localPort)
  const h = a.answer!.handle

  client.write('hello')
  const r = await call({ name: 'read', handle: h, max: 100 })
  assert.equal(Buffer.from(r.answer!.data).toString(), 'hello')
  const w = await call({ name: 'write', handle: h, data: new TextEncoder().encode('world') })
  assert.equal(w.answer!.written, 5)
  // A read waits for data: it is answered when the client writes, with at most `max` bytes.
  const pending = call({ name: 'read', handle: h, max: 3 })
  client.write('abcdef')
  assert.equal(Buffer.from((await pending).answer!.data).toString(), 'abc')
  assert.equal(Buffer.from((await call({ name: 'read', handle: h, max: 100 })).answer!.data).toString(), 'def')

  // Shutdown: the client reads end of stream, and can still send.
  assert.equal((await call({ name: 'shutdown', handle: h })).status, 0)
  await clientEnded
  assert.equal(received, 'world')
  assert.equal((await call({ name: 'write', handle: h, data: new Uint8Array([1]) })).status, tcp.error('closed'))
  client.end('last')
  assert.equal(Buffer.from((await call({ name: 'read', handle: h, max: 100 })).answer!.data).toString(), 'last')
  // End of stream reads as empty bytes, as often as asked.
  assert.equal((await call({ name: 'read', handle: h, max: 100 })).answer!.data.length, 0)
  assert.equal((await call({ name: 'read', handle: h, max: 100 })).answer!.data.length, 0)

  assert.equal((await call({ name: 'close', handle: h })).status, 0)
  assert.equal((await call({ name: 'read', handle: h, max: 1 })).status, tcp.error('bad_handle'))
  assert.equal((await call({ name: 'close', handle: l.answer!.handle })).status, 0)
})

test('connect to a Node server; closing fails outstanding calls with `closed`', async () => {
  let peer: Socket | null = null
  const server = createServer((s) => { peer = s; s.write('greeting') })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const port = (server.address() as { port: number }).port
    const c = await call({ name: 'connect', host: 'localhost', port })
    assert.equal(c.status, 0)
    const h = c.answer!.handle
    assert.equal(Buffer.from((await call({ name: 'read', handle: h, max: 100 })).answer!.data).toString(), 'greeting')
    const waiting = call({ name: 'read', handle: h, max: 100 })
    await new Promise((resolve) => setTimeout(resolve, 20))
    assert.equal((await call({ name: 'close', handle: h })).status, 0)
    assert.equal((await waiting).status, tcp.error('closed'))
    assert.ok(peer !== null)
  } finally {
    server.close()
  }
})

test('errors are answer codes: refused, address in use, bad address, bad handle, reset', async () => {
  const l = await call({ name: 'listen', host: '127.0.0.1', port: 0, backlog: 1 })
  const port = l.answer!.port
  assert.equal((await call({ name: 'listen', host: '127.0.0.1', port, backlog: 1 })).status, tcp.error('address_in_use'))
  assert.equal((await call({ name: 'connect', host: '127.0.0.1', port: 0 })).status, tcp.error('bad_address'))
  assert.equal((await call({ name: 'listen', host: 'not an address', port: 0, backlog: 1 })).status !== 0, true)
  assert.equal((await call({ name: 'accept', listener: 999999 })).status, tcp.error('bad_handle'))
  // A listener handle is not a connection, and a connection is not a listener.
  assert.equal((await call({ name: 'read', handle: l.answer!.handle, max: 1 })).status, tcp.error('bad_handle'))
  await call({ name: 'close', handle: l.answer!.handle })
  assert.equal((await call({ name: 'connect', host: '127.0.0.1', port })).status, tcp.error('refused'))

  // A peer that resets: the read that waits gets `reset`.
  const server = createServer((s) => { setTimeout(() => s.resetAndDestroy(), 20) })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  try {
    const c = await call({ name: 'connect', host: '127.0.0.1', port: (server.address() as { port: number }).port })
    const r = await call({ name: 'read', handle: c.answer!.handle, max: 10 })
    assert.equal(r.status, tcp.error('reset'))
    await call({ name: 'close', handle: c.answer!.handle })
  } finally {
    server.close()
  }
})

test('a malformed request is answered with the kernel\'s bad-request code', async () => {
  const r = await host.call(tcp.key, tcp.digest, new Uint8Array([0x92, 0x03, 0xa1, 0x78]))
  assert.equal(r.status, 9)
})
