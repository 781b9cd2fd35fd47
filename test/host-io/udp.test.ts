// The udp interface: a wasm program (udp-echo) answers Node datagram sockets.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { createSocket } from 'node:dgram'
import { program, wasmos } from '../helpers.ts'
import { startServer } from './server.ts'

test('udp-echo answers each datagram to its sender, then exits after --count', async () => {
  const server = await startServer(['--allow', 'udp', program('udp-echo'), '--count', '6'])
  const clients = [createSocket('udp4'), createSocket('udp4')]
  try {
    const got: string[][] = [[], []]
    const all = Promise.all(clients.map((c, k) => new Promise<void>((resolve) => {
      c.on('message', (msg) => { got[k].push(msg.toString()); if (got[k].length === 3) resolve() })
    })))
    for (let i = 0; i < 3; i++) {
      for (let k = 0; k < 2; k++) {
        clients[k].send(`hello ${k}.${i}`, server.port, '127.0.0.1')
        await new Promise((resolve) => setTimeout(resolve, 5))
      }
    }
    await all
    assert.deepEqual(got, [['HELLO 0.0', 'HELLO 0.1', 'HELLO 0.2'], ['HELLO 1.0', 'HELLO 1.1', 'HELLO 1.2']])
    // --count 6: it ends by itself after the sixth answer.
    const timeout = new Promise<string>((resolve) => setTimeout(() => resolve('still running 10 s after the last answer'), 10_000).unref())
    assert.equal(await Promise.race([server.exited, timeout]), 0)
  } finally {
    for (const c of clients) c.close()
    await server.stop()
  }
})

test('udp without the grant is denied', async () => {
  const r = await wasmos(['run', program('udp-echo')])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /cannot bind: status 1/)
})
