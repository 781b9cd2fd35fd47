// Two programs over a program-defined interface, reached over the network: kv-net (tcp front end)
// asks kv-server (which handles `kv`); clients are nc and concurrent Node sockets.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { connect } from 'node:net'
import { program } from '../helpers.ts'
import { runTool, startServer } from './server.ts'

function session (port: number, lines: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1', () => s.end(lines.join('\n') + '\n'))
    let text = ''
    s.on('data', (d: Buffer) => { text += d.toString() })
    s.on('end', () => resolve(text))
    s.on('error', reject)
  })
}

test('kv-net serves the kv store of kv-server to network clients', async () => {
  const server = await startServer(['--allow', 'tcp,kv', '--handler', `kv=${program('kv-server')}`, program('kv-net'), '--port', '0'])
  try {
    const r = await runTool('nc', ['-N', '127.0.0.1', String(server.port)], { input: 'SET a 1\nSET b hello world\nGET b\nGET zz\nKEYS\nDEL a\nFOO\n' })
    assert.equal(r.stdout.toString(), 'OK\nOK\nVALUE hello world\nNOT FOUND\nKEYS a b\nOK\nERR unknown command FOO\n')
    // Concurrent clients each write their own keys; all of them land in the one store.
    const outs = await Promise.all(Array.from({ length: 10 }, (_, i) => session(server.port, [`SET k${i} v${i}`, `GET k${i}`])))
    outs.forEach((o, i) => assert.equal(o, `OK\nVALUE v${i}\n`))
    const keys = await session(server.port, ['KEYS'])
    assert.equal(keys, `KEYS b ${Array.from({ length: 10 }, (_, i) => `k${i}`).sort().join(' ')}\n`)
  } finally {
    await server.stop()
  }
})
