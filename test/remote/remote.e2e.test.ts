// Interfaces across machines, on loopback with separate WASMOS_HOMEs and the shipped CLI: a
// program's kv messages handled by kv-server on another peer, the ping-pong pair across peers, a
// peer refused, a serving peer killed mid-call, a caller reconnecting after a restart, and peers
// that send malformed, oversized or too many frames while others keep being served.
import { spawn, type ChildProcess } from 'node:child_process'
import { rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { pingpong } from '../../src/interfaces/gen/pingpong.ts'
import { kv } from '../../src/interfaces/gen/kv.ts'
import { UNREACHABLE, QUEUE_FULL } from '../../src/kernel/core/codes.ts'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import { RemotePeer, remoteHandler } from '../../src/remote/client.ts'
import { encodeFrame, FRAME_ANSWER, FRAME_CALLER, FRAME_MSG, FrameReader, PROTOCOL } from '../../src/remote/frames.ts'
import { startDialNode } from '../../src/remote/node.ts'
import { CLI, NODE, program, runCli, scratchHome, type TempHome } from '../helpers.ts'

interface Server {
  child: ChildProcess
  addr: string
  peerId: string
  stderr: () => string
  kill: (signal: NodeJS.Signals) => Promise<void>
}

/** `wasmos serve --json …args` in `home`; resolves once it printed its addresses. */
function serve (home: string, args: string[]): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, 'serve', '--json', ...args], { env: { ...process.env, WASMOS_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`serve did not start: ${err}`)) }, 20_000)
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited with ${code}: ${err}`)) })
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      child.removeAllListeners('exit')
      const { multiaddrs, peerId } = JSON.parse(out.slice(0, nl)) as { multiaddrs: string[], peerId: string }
      resolve({
        child,
        addr: multiaddrs[0],
        peerId,
        stderr: () => err,
        kill: (signal) => new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) { resolve(); return }
          child.once('exit', () => resolve())
          child.kill(signal)
        })
      })
    })
  })
}

async function peerIdOf (home: string): Promise<string> {
  const r = await runCli(home, ['id'])
  expect(r.code, r.stderr).toBe(0)
  return r.stdout.trim()
}

const homes: TempHome[] = []
function home (label: string): TempHome {
  const h = scratchHome(label)
  homes.push(h)
  return h
}

afterAll(async () => {
  for (const h of homes) await h.dispose()
})

describe('interfaces across machines', () => {
  let server: Server
  let caller: TempHome
  let callerId: string
  let raw: TempHome
  let rawId: string

  beforeAll(async () => {
    caller = home('remote-caller')
    raw = home('remote-raw')
    callerId = await peerIdOf(caller.path)
    rawId = await peerIdOf(raw.path)
    server = await serve(home('remote-server').path, [
      '--handler', `kv=${program('kv-server')}`, '--export', 'kv',
      '--handler', `pingpong=${program('pingpong-server')}`, '--export', 'pingpong',
      '--allow-peer', `${callerId}=kv,pingpong`, '--allow-peer', rawId
    ])
  }, 60_000)

  afterAll(async () => { await server?.kill('SIGINT') })

  test('wasmos id is stable and names a libp2p peer', async () => {
    expect(callerId).toMatch(/^12D3KooW[1-9A-HJ-NP-Za-km-z]+$/)
    expect(await peerIdOf(caller.path)).toBe(callerId)
    expect(server.peerId).not.toBe(callerId)
    expect(server.addr).toMatch(new RegExp(`^/ip4/127\\.0\\.0\\.1/tcp/\\d+/p2p/${server.peerId}$`))
  })

  test('kv over the network: put on one run, get on the next', async () => {
    const r = await runCli(caller.path, ['run', '--remote', `kv=${server.addr}`, '--allow', 'kv', program('kv-client'), 'put', 'a', '1', 'get', 'a'])
    expect(r.stderr).toBe('')
    expect(r.stdout).toBe('put a\na = 1\n')
    expect(r.code).toBe(0)
    const again = await runCli(caller.path, ['run', '--remote', `kv=${server.addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a', 'list'])
    expect(again.stdout).toBe('a = 1\nkeys: a\n')
  })

  test('"remotes" in WASMOS_HOME/config.json does what --remote does', async () => {
    await writeFile(join(caller.path, 'config.json'), JSON.stringify({ remotes: { kv: server.addr } }))
    try {
      const r = await runCli(caller.path, ['run', '--allow', 'kv', program('kv-client'), 'put', 'c', '3', 'get', 'c'])
      expect(r.stdout).toBe('put c\nc = 3\n')
      await writeFile(join(caller.path, 'config.json'), JSON.stringify({ remotes: ['kv'] }))
      const bad = await runCli(caller.path, ['run', '--allow', 'kv', program('kv-client'), 'get', 'a'])
      expect(bad.code).toBe(1)
      expect(bad.stderr).toMatch(/^wasmos: .*config\.json: "remotes" must be an object/)
    } finally {
      await rm(join(caller.path, 'config.json'), { force: true })
    }
  })

  test('the calling side still needs its own grant', async () => {
    const r = await runCli(caller.path, ['run', '--remote', `kv=${server.addr}`, program('kv-client'), 'get', 'a'])
    expect(r.stdout).toBe('get a failed: 1\n')
    expect(r.stderr).toContain('--allow=kv')
  })

  test('the ping-pong pair across peers gives the same total as locally', async () => {
    const local = await runCli(caller.path, ['run', '--allow', 'pingpong', '--handler', `pingpong=${program('pingpong-server')}`, program('pingpong-client'), '3000'])
    const remote = await runCli(caller.path, ['run', '--remote', `pingpong=${server.addr}`, '--allow', 'pingpong', program('pingpong-client'), '3000'])
    expect(local.stdout).toBe('total: 4501500\n')
    expect(remote.stderr).toBe('')
    expect(remote.stdout).toBe(local.stdout)
  })

  test('a peer nothing allows is refused, and both sides say which flag would allow it', async () => {
    const stranger = home('remote-stranger')
    const strangerId = await peerIdOf(stranger.path)
    const r = await runCli(stranger.path, ['run', '--remote', `kv=${server.addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
    expect(r.stdout).toBe('get a failed: 1\n')
    expect(r.stderr).toContain(`on peer ${strangerId} wants to use kv: refused (no terminal to ask); allow it with --allow-peer ${strangerId}=kv`)
    expect(server.stderr()).toContain(`--allow-peer ${strangerId}=kv`)
  })

  test('bad addresses and conflicting flags are one-line errors', async () => {
    const noPeer = await runCli(caller.path, ['run', '--remote', 'kv=/ip4/127.0.0.1/tcp/1', program('kv-client'), 'list'])
    expect(noPeer.code).toBe(1)
    expect(noPeer.stderr).toMatch(/^wasmos: --remote kv=\/ip4\/127\.0\.0\.1\/tcp\/1: the address must be a multiaddr ending in \/p2p\/<peer id>/)
    const both = await runCli(caller.path, ['run', '--remote', `kv=${server.addr}`, '--handler', `kv=${program('kv-server')}`, program('kv-client'), 'list'])
    expect(both.code).toBe(1)
    expect(both.stderr.trim().split('\n')).toHaveLength(1)
    const exportless = await runCli(caller.path, ['serve', '--export', 'kv'])
    expect(exportless.code).toBe(1)
    expect(exportless.stderr).toBe('wasmos: --export kv: nothing handles it here (add --handler kv=<program.wasm>)\n')
  })

  test('malformed, oversized and flooding peers lose their own stream; others keep being served', async () => {
    const node = await startDialNode({ home: raw.path })
    const { multiaddr } = await import('@multiformats/multiaddr')
    try {
      const closed = async (bytes: Uint8Array): Promise<void> => {
        const s = await node.dialProtocol(multiaddr(server.addr), PROTOCOL)
        const done = new Promise<void>((resolve) => s.addEventListener('close', () => resolve()))
        s.send(bytes)
        await done
      }
      // Not msgpack; msgpack but not a frame; a length far past the bound; a message before its caller.
      await closed(Uint8Array.from([3, 0xc1, 0xc1, 0xc1]))
      await closed(encodeFrame({ kind: FRAME_ANSWER, id: 1, status: 0, payload: new Uint8Array(0) }))
      await closed(Uint8Array.from([0xff, 0xff, 0xff, 0xff, 0x0f]))
      await closed(encodeFrame({ kind: FRAME_MSG, id: 1, pid: 7, flags: 1, digest: kv.digest, payload: kv.encode({ name: 'get', key: 'a' }) }))

      // A flood of calls: every one is answered (found, or queue full), none is lost.
      const s = await node.dialProtocol(multiaddr(server.addr), PROTOCOL)
      const reader = new FrameReader(1 << 20)
      const statuses = new Map<number, number>()
      const N = 20_000
      const all = new Promise<void>((resolve) => {
        s.addEventListener('message', (evt) => {
          for (const f of reader.push(evt.data instanceof Uint8Array ? evt.data : evt.data.subarray())) {
            if (f.kind === FRAME_ANSWER) statuses.set(f.id, f.status)
          }
          if (statuses.size === N) resolve()
        })
      })
      s.send(encodeFrame({ kind: FRAME_CALLER, pid: 1, cid: '', name: 'flood' }))
      const get = kv.encode({ name: 'get', key: 'a' })
      for (let id = 1; id <= N; id++) s.send(encodeFrame({ kind: FRAME_MSG, id, pid: 1, flags: 1, digest: kv.digest, payload: get }))
      // Meanwhile another peer is served.
      const r = await runCli(caller.path, ['run', '--remote', `kv=${server.addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
      expect(r.stdout).toBe('a = 1\n')
      await all
      const counts = new Map<number, number>()
      for (const st of statuses.values()) counts.set(st, (counts.get(st) ?? 0) + 1)
      expect([...counts.keys()].every((st) => st === 0 || st === QUEUE_FULL), JSON.stringify([...counts])).toBe(true)
      expect(counts.get(0) ?? 0).toBeGreaterThan(0)
      await s.close()
    } finally {
      await node.stop()
    }
    expect(server.stderr()).toContain('stream closed')
    const after = await runCli(caller.path, ['run', '--remote', `kv=${server.addr}`, '--allow', 'kv', program('kv-client'), 'get', 'a'])
    expect(after.stdout).toBe('a = 1\n')
  }, 60_000)
})

describe('a serving peer that goes away', () => {
  test('killed mid-call: the pending call fails with UNREACHABLE (10) at once, no hang', async () => {
    const caller = home('kill-caller')
    const id = await peerIdOf(caller.path)
    const server = await serve(home('kill-server').path, ['--handler', `pingpong=${program('pingpong-server')}`, '--export', 'pingpong', '--allow-peer', id])
    const child = spawn(NODE, [CLI, 'run', '--timeout', '60', '--remote', `pingpong=${server.addr}`, '--allow', 'pingpong', program('pingpong-client'), '100000000'], {
      env: { ...process.env, WASMOS_HOME: caller.path, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    child.stderr.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    // Let the calls flow, then kill the server while one is outstanding (the client always has one).
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(child.exitCode).toBe(null)
    const killedAt = performance.now()
    await server.kill('SIGKILL')
    const code = await exited
    const ms = performance.now() - killedAt
    expect(out).toMatch(/ping \d+ failed: status 10\n/)
    expect(code).toBe(1)
    expect(ms).toBeLessThan(5000)
  }, 60_000)

  test('a caller reconnects after the server restarts, without restarting itself', async () => {
    const serverHome = home('restart-server')
    const callerHome = home('restart-caller')
    const id = await peerIdOf(callerHome.path)
    const args = ['--handler', `pingpong=${program('pingpong-server')}`, '--export', 'pingpong', '--allow-peer', id]
    let server = await serve(serverHome.path, args)
    const port = /\/tcp\/(\d+)\//.exec(server.addr)![1]
    const host = new NodeHost({ logger: createLogger({ level: 'silent' }), grants: { decide: () => true, known: () => true } })
    const node = startDialNode({ home: callerHome.path })
    const peer = new RemotePeer({ addr: server.addr, node: async () => await node, host, maxMessageSize: 1 << 20, dialTimeoutMs: 3000 })
    host.addNative(remoteHandler({ key: pingpong.key, name: 'pingpong' }, peer))
    const ping = async (n: number): Promise<{ status: number, n?: number }> => {
      const a = await host.call(pingpong.key, pingpong.digest, pingpong.encode({ name: 'ping', n }))
      return a.status === 0 ? { status: 0, n: pingpong.decodeAnswer('ping', a.payload).n } : { status: a.status }
    }
    try {
      expect(await ping(1)).toEqual({ status: 0, n: 1 })
      await server.kill('SIGKILL')
      expect(await ping(2)).toEqual({ status: UNREACHABLE })
      const before = server.addr
      server = await serve(serverHome.path, ['--listen', `/ip4/127.0.0.1/tcp/${port}`, ...args])
      // Same home, same key: the same address, so the caller's --remote still names it.
      expect(server.addr).toBe(before)
      expect(await ping(3)).toEqual({ status: 0, n: 3 })
      expect(await ping(4)).toEqual({ status: 0, n: 4 })
    } finally {
      await host.close()
      await (await node).stop()
      await server.kill('SIGINT')
    }
  }, 60_000)
})
