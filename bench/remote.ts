// Bench: interfaces across machines over loopback. Round trip (median, p99) of a call to the
// pingpong handler on another peer (`wasmos serve --handler pingpong=… --export pingpong`, its own
// process and WASMOS_HOME), and one-way messages per second to it, over the direct link (the
// default: src/remote/direct.ts) and over a libp2p stream; beside the same on a local
// pingpong-server, a plain libp2p echo of the same frame over the same kind of stream (TCP, noise,
// yamux) to another process, and a plain TCP echo (no encryption: the floor of any path). The
// caller is the kernel itself (host.call), so the figures are the path's, not a program's. CPU
// per round trip of both processes (from /proc) beside each remote row, and how the direct link's
// two ends waited for replies (polling or sleeping: src/remote/poll.ts) in the JSON's setup.
// Run: node bench/remote.ts [--json] [--quick]   (needs npm run build: the bundle and the programs)
import { readFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { FileSource } from '../src/cli/run.ts'
import { pingpong } from '../src/interfaces/gen/pingpong.ts'
import { registryHandler } from '../src/interfaces/native/registry.ts'
import { KERNEL_PID, OK } from '../src/kernel/core/codes.ts'
import { NodeHost } from '../src/kernel/node/host.ts'
import { createLogger } from '../src/kernel/node/logger.ts'
import { RemotePeer, remoteHandler } from '../src/remote/client.ts'
import { encodeFrame, FRAME_MSG } from '../src/remote/frames.ts'
import { homePeerId, startDialNode } from '../src/remote/node.ts'
import { BenchError, benchFlags, median, quantile, report, round, table, target } from './report.ts'
import { Servers } from './servers.ts'

const flags = benchFlags()
const root = join(import.meta.dirname, '..')
const cli = join(root, 'bin', 'wasmos.mjs')
const CALLS = flags.quick ? 500 : 5000
const WARMUP = flags.quick ? 100 : 1000
const ONE_WAY = flags.quick ? 50_000 : 500_000
/** One-way messages between two calls: the call's answer says the batch arrived (flow control). */
const BATCH = 512

const servers = new Servers(root, 'remote')

/** The first line a server prints. */
const firstLine = (out: string): string | null => { const nl = out.indexOf('\n'); return nl < 0 ? null : out.slice(0, nl) }

const ping = pingpong.encode({ name: 'ping', n: 7 })
const drop = pingpong.encode({ name: 'drop', n: 7 })

/** CPU time of process `pid` so far, in µs (user + system, from /proc); null where there is no /proc. */
function cpuOf (pid: number): number | null {
  try {
    // Fields after the command's closing parenthesis: utime and stime are the 12th and 13th, in ticks of 10 ms.
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')
    return (Number(f[11]) + Number(f[12])) * 10_000
  } catch {
    return null
  }
}

/** CPU per round trip of this process and of `peer` (µs), over the calls `run` makes. */
interface Cpu { caller: number, peer: number | null }
let lastCpu: Cpu = { caller: 0, peer: null }

/** Round trips of `CALLS` sequential calls, in µs, after a warm-up; their CPU in lastCpu, `peer` the other process. */
async function roundTrips (call: () => Promise<void>, peer?: number): Promise<number[]> {
  for (let i = 0; i < WARMUP; i++) await call()
  const out: number[] = []
  const peer0 = peer === undefined ? null : cpuOf(peer)
  const own0 = process.cpuUsage()
  for (let i = 0; i < CALLS; i++) {
    const t = performance.now()
    await call()
    out.push((performance.now() - t) * 1000)
  }
  const own = process.cpuUsage(own0)
  const peer1 = peer === undefined ? null : cpuOf(peer)
  lastCpu = { caller: round((own.user + own.system) / CALLS), peer: peer0 === null || peer1 === null ? null : round((peer1 - peer0) / CALLS) }
  return out
}

async function hostCall (host: NodeHost): Promise<void> {
  const a = await host.call(pingpong.key, pingpong.digest, ping)
  if (a.status !== OK) throw new BenchError('call-failed', `a ping failed with status ${a.status}`)
}

/** One-way messages per second: batches of BATCH, each followed by a call that waits for them. */
async function oneWay (host: NodeHost): Promise<number> {
  const t = performance.now()
  for (let sent = 0; sent < ONE_WAY; sent += BATCH) {
    for (let i = 0; i < BATCH; i++) {
      const code = host.kernel.send(KERNEL_PID, pingpong.key, pingpong.digest, drop, 0)
      if (code !== OK) throw new BenchError('send-failed', `a one-way message was refused: status ${code}`)
    }
    host.drain()
    await hostCall(host)
  }
  return ONE_WAY / ((performance.now() - t) / 1000)
}

const logger = createLogger({ level: 'error' })
const allowAll = { decide: () => true, known: () => true }

// Local: the kernel calls pingpong-server in the same process.
const local = new NodeHost({ logger, grants: allowAll })
local.addNative(registryHandler(local))
const serverWasm = join(root, 'programs', 'build', 'pingpong-server.wasm')
const program = await new FileSource([serverWasm]).load(serverWasm)
await local.spawn(program!, [], 0, [pingpong.key])
const localRtt = await roundTrips(async () => await hostCall(local))
const localRate = await oneWay(local)
await local.close()

// Remote: the same calls through /wasmos/interface/1.0.0 to `wasmos serve` in another process.
const callerHome = servers.dir()
const callerId = await homePeerId(callerHome)
const serving = await servers.start([cli, 'serve', '--json', '--handler', `pingpong=${serverWasm}`, '--export', 'pingpong', '--allow-peer', callerId], firstLine)
const served = JSON.parse(serving.value) as { multiaddrs: string[] }
const servePid = serving.child.pid!
const node = await startDialNode({ home: callerHome })

/** A host whose pingpong is the served one, over the direct link or a libp2p stream. */
function remoteHost (direct: boolean): { host: NodeHost, peer: RemotePeer } {
  const host = new NodeHost({ logger, grants: allowAll })
  const peer = new RemotePeer({ addr: served.multiaddrs[0], node: async () => node, host, maxMessageSize: host.kernel.config.maxMessageSize, direct })
  host.addNative(remoteHandler({ key: pingpong.key, name: 'pingpong' }, peer))
  return { host, peer }
}
const remote = remoteHost(true)
const remoteRtt = await roundTrips(async () => await hostCall(remote.host), servePid)
const remoteCpu = lastCpu
// The caller's side; the serving side's choice is its own (poll.ts), seen in its CPU.
const remotePoll = remote.peer.pollStats
if (remote.peer.via !== 'direct') throw new BenchError('no-direct-link', `the calls went over ${String(remote.peer.via)}, not the direct link`)
const remoteRate = await oneWay(remote.host)
await remote.host.close()
const viaStream = remoteHost(false)
const streamRtt = await roundTrips(async () => await hostCall(viaStream.host), servePid)
const streamCpu = lastCpu
const streamRate = await oneWay(viaStream.host)
await viaStream.host.close()

// A plain libp2p echo of the same frame, over the same transports, to another process.
const ECHO = `
import { startDialNode } from ${JSON.stringify(pathToFileURL(join(root, 'src', 'remote', 'node.ts')).href)}
const node = await startDialNode({ home: process.env.WASMOS_HOME, listen: ['/ip4/127.0.0.1/tcp/0'] })
await node.handle('/wasmos/bench-echo/1.0.0', (stream) => {
  stream.addEventListener('message', (evt) => { stream.send(evt.data) })
})
console.log(node.getMultiaddrs()[0].toString())
`
const echoServer = await servers.start(['--input-type=module', '-e', ECHO], firstLine)
const echoAddr = echoServer.value
const { multiaddr } = await import('@multiformats/multiaddr')
const stream = await node.dialProtocol(multiaddr(echoAddr), '/wasmos/bench-echo/1.0.0')
const frame = encodeFrame({ kind: FRAME_MSG, id: 1, pid: 1, flags: 1, digest: pingpong.digest, payload: ping })
let waiting: { need: number, resolve: () => void } | null = null
stream.addEventListener('message', (evt) => {
  if (waiting === null) return
  waiting.need -= evt.data.byteLength
  if (waiting.need <= 0) { const w = waiting; waiting = null; w.resolve() }
})
const echoRtt = await roundTrips(async () => await new Promise<void>((resolve) => {
  waiting = { need: frame.length, resolve }
  stream.send(frame)
}), echoServer.child.pid)
const echoCpu = lastCpu
await stream.close()
await node.stop()

// A plain TCP echo of the same frame to another process: what loopback costs without encryption.
const TCP_ECHO = `
const net = require('node:net')
const server = net.createServer({ noDelay: true }, (c) => { c.on('data', (d) => c.write(d)) })
server.listen(0, '127.0.0.1', () => console.log(server.address().port))
`
const tcpServer = await servers.start(['-e', TCP_ECHO], firstLine)
const tcpPort = Number(tcpServer.value)
const socket = connect({ host: '127.0.0.1', port: tcpPort, noDelay: true })
await new Promise((resolve) => socket.once('connect', resolve))
let tcpWaiting: { need: number, resolve: () => void } | null = null
socket.on('data', (d: Buffer) => {
  if (tcpWaiting === null) return
  tcpWaiting.need -= d.length
  if (tcpWaiting.need <= 0) { const w = tcpWaiting; tcpWaiting = null; w.resolve() }
})
const tcpRtt = await roundTrips(async () => await new Promise<void>((resolve) => {
  tcpWaiting = { need: frame.length, resolve }
  socket.write(frame)
}), tcpServer.child.pid)
const tcpCpu = lastCpu
socket.destroy()

const us = (xs: number[]): { median: number, p99: number } => ({ median: round(median(xs)), p99: round(quantile(xs, 0.99)) })
const rows = [
  { path: 'local call (same process, pingpong-server)', rtt: us(localRtt), oneWay: round(localRate), cpu: null },
  { path: 'remote call, direct link (tcp+noise, another process)', rtt: us(remoteRtt), oneWay: round(remoteRate), cpu: remoteCpu },
  { path: 'remote call, libp2p stream (tcp+noise+yamux)', rtt: us(streamRtt), oneWay: round(streamRate), cpu: streamCpu },
  { path: 'plain libp2p echo of one frame (tcp+noise+yamux)', rtt: us(echoRtt), oneWay: null, cpu: echoCpu },
  { path: 'plain TCP echo of one frame (no encryption)', rtt: us(tcpRtt), oneWay: null, cpu: tcpCpu }
]
const targets = [
  target('remote call round trip, median', { value: median(remoteRtt), unit: 'µs' }, '<=', 100, '≤ 100 µs (NATS request/reply)',
    { measure: 'libp2p echo', value: median(echoRtt), unit: 'µs' }),
  target('remote one-way messages/s', { value: remoteRate, unit: 'msg/s' }, '>=', 50_000, '≥ 50 k/s',
    { measure: 'local', value: localRate, unit: 'msg/s' })
]
report(flags, { bench: 'remote', setup: { calls: CALLS, warmup: WARMUP, oneWay: ONE_WAY, batch: BATCH, callerPoll: remotePoll }, rows, targets }, () => [
  `remote: ${CALLS} sequential calls after ${WARMUP} to warm up; ${ONE_WAY} one-way messages, a call after every ${BATCH}${flags.quick ? ' (quick)' : ''}`,
  table(['path', 'round trip median', 'p99', 'one-way', 'CPU/round trip: caller + peer'], rows.map((r) => [
    r.path, `${r.rtt.median.toFixed(1)} µs`, `${r.rtt.p99.toFixed(1)} µs`, r.oneWay === null ? '' : `${Math.round(r.oneWay)} msg/s`,
    r.cpu === null ? '' : `${r.cpu.caller.toFixed(0)} + ${r.cpu.peer === null ? '?' : r.cpu.peer.toFixed(0)} µs`
  ]), 'lrrrr'),
  remotePoll === null ? '' : `direct link, the caller's waits for answers: ${remotePoll.polled} polling (median ${(remotePoll.polledMs * 1000).toFixed(0)} µs), ${remotePoll.slept} sleeping (median ${(remotePoll.sleptMs * 1000).toFixed(0)} µs)`
].join('\n'))
process.exit(0)
