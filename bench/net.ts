// Bench: networking. Requests per second of the wasm http-server (programs/http-server, under
// `wasmos run`) against a plain Node `http` server serving the same file, with the same load
// generator (wrk, Debian's), in one run; then echo throughput (MB/s) of the wasm echo-server
// against a plain Node `net` echo server, with the same client. The wasm servers run as programs
// normally do (preemptible) and with --no-preempt (no fuel rewrite).
// Run: node bench/net.ts [--json] [--quick]   (needs wrk and npm run build)
import { spawnSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { BenchError, benchFlags, report, requireTool, round, table, target } from './report.ts'
import { Servers } from './servers.ts'

const flags = benchFlags()
const root = join(import.meta.dirname, '..')
const cli = join(root, 'bin', 'wasmos.mjs')
const SECONDS = flags.quick ? 1 : 5
const CONNECTIONS = 32
const ECHO_MB = flags.quick ? 16 : 128
const ECHO_CONNECTIONS = 4
requireTool('wrk')

const servers = new Servers(root, 'net')
const site = servers.dir()
const page = Buffer.from('<!doctype html><title>bench</title>\n' + 'wasmos '.repeat(580) + '\n')
writeFileSync(join(site, 'index.html'), page)

/** Starts a server process and resolves with its port once it printed "listening on …:PORT". */
async function start (args: string[]): Promise<{ port: number, child: ChildProcess }> {
  const { value, child } = await servers.start(args, (out) => /listening on (?:http:\/\/)?[\d.]+:(\d+)/.exec(out)?.[1] ?? null)
  return { port: Number(value), child }
}

const stop = (child: ChildProcess): void => servers.stop(child)

function wrk (url: string): number {
  const r = spawnSync('wrk', ['-t', '1', '-c', String(CONNECTIONS), '-d', `${SECONDS}s`, url], { encoding: 'utf8' })
  if (r.error != null) throw new BenchError('wrk-failed', `wrk: ${r.error.message} (install Debian's wrk)`)
  const m = /Requests\/sec:\s+([\d.]+)/.exec(r.stdout)
  if (m === null || /Non-2xx|Socket errors/.test(r.stdout)) throw new BenchError('wrk-failed', `wrk failed:\n${r.stdout}${r.stderr}`)
  return Number(m[1])
}

/** Sends ECHO_MB over ECHO_CONNECTIONS connections and waits for all of it to come back: MB/s. */
async function echoRate (port: number): Promise<number> {
  const per = ECHO_MB * 1024 * 1024 / ECHO_CONNECTIONS
  const chunk = Buffer.alloc(64 * 1024, 0x61)
  const t0 = performance.now()
  await Promise.all(Array.from({ length: ECHO_CONNECTIONS }, () => new Promise<void>((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    let sent = 0
    let got = 0
    s.on('connect', () => {
      const pump = (): void => {
        while (sent < per) {
          sent += chunk.length
          if (!s.write(chunk)) { s.once('drain', pump); return }
        }
        s.end()
      }
      pump()
    })
    s.on('data', (d: Buffer) => { got += d.length })
    s.on('end', () => { if (got === per) resolve(); else reject(new BenchError('echo-short', `echo: ${got} of ${per} bytes came back`)) })
    s.on('error', reject)
  })))
  return ECHO_MB / ((performance.now() - t0) / 1000)
}

const NODE_HTTP = `
const http = require('node:http'); const { readFile } = require('node:fs/promises'); const path = require('node:path')
const root = process.argv[1]
const server = http.createServer(async (req, res) => {
  try {
    const body = await readFile(path.join(root, req.url === '/' ? 'index.html' : path.normalize(req.url)))
    res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': body.length }); res.end(body)
  } catch { res.writeHead(404); res.end() }
})
server.listen(0, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + server.address().port))`

const NODE_ECHO = `
const server = require('node:net').createServer({ allowHalfOpen: true }, (s) => s.pipe(s))
server.listen(0, '127.0.0.1', () => console.log('listening on 127.0.0.1:' + server.address().port))`

const modes: Array<{ label: string, flags: string[] }> = [{ label: 'wasm', flags: [] }, { label: 'wasm --no-preempt', flags: ['--no-preempt'] }]

interface Row { what: string, server: string, value: number, unit: string, ratio: number | null }
const rows: Row[] = []

const node = await start(['-e', NODE_HTTP, site])
const nodeRps = wrk(`http://127.0.0.1:${node.port}/index.html`)
stop(node.child)
rows.push({ what: 'http requests/s', server: 'node http', value: nodeRps, unit: 'req/s', ratio: null })
for (const m of modes) {
  const s = await start([cli, 'run', ...m.flags, '--allow', 'tcp,fs', '--dir', `${site}:/site`, join(root, 'programs', 'build', 'http-server.wasm'), '--port', '0', '--root', '/site'])
  const rps = wrk(`http://127.0.0.1:${s.port}/index.html`)
  stop(s.child)
  rows.push({ what: 'http requests/s', server: `${m.label} http-server`, value: rps, unit: 'req/s', ratio: rps / nodeRps })
}

const nodeEcho = await start(['-e', NODE_ECHO])
const nodeMBs = await echoRate(nodeEcho.port)
stop(nodeEcho.child)
rows.push({ what: 'echo throughput', server: 'node net', value: nodeMBs, unit: 'MB/s', ratio: null })
for (const m of modes) {
  const s = await start([cli, 'run', ...m.flags, '--allow', 'tcp', join(root, 'programs', 'build', 'echo-server.wasm'), '--port', '0'])
  const mbs = await echoRate(s.port)
  stop(s.child)
  rows.push({ what: 'echo throughput', server: `${m.label} echo-server`, value: mbs, unit: 'MB/s', ratio: mbs / nodeMBs })
}

const setup = { fileBytes: page.length, wrk: `wrk -t1 -c${CONNECTIONS} -d${SECONDS}s`, echo: `${ECHO_MB} MB over ${ECHO_CONNECTIONS} connections` }
const httpWasm = rows.find((r) => r.server === 'wasm http-server')!
const targets = [
  target('http requests/s, wasm http-server (preemptible)', { value: httpWasm.value, unit: 'req/s' }, '>=', 0.5, '≥ 50 % of Node',
    { measure: 'node http + readFile', value: nodeRps, unit: 'req/s', relative: true }),
]
report(flags, { bench: 'net', setup, rows: rows.map((r) => ({ ...r, value: round(r.value), ratio: r.ratio === null ? null : round(r.ratio) })), targets }, () => [
  `net: one ${page.length}-byte file with ${setup.wrk}; echo of ${setup.echo}${flags.quick ? ' (quick)' : ''}`,
  table(['benchmark', 'server', 'result', 'vs node'], rows.map((r) => [
    r.what, r.server, `${r.value.toFixed(r.unit === 'MB/s' ? 1 : 0)} ${r.unit}`, r.ratio === null ? '' : `${(r.ratio * 100).toFixed(0)} %`,
  ]), 'llrr'),
].join('\n'))
