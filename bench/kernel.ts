// Benchmark of the kernel on Node: the round trip of a call between two wasm programs (median
// and p99, over batches of calls timed from inside the client), one-way messages per second (also
// with the whole run recorded, --record, which may cost at most 30 % of the rate), and for comparison the round trip between two Node worker threads with postMessage — all in one
// run. Run: node bench/kernel.ts [--json] [--quick]
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { BenchError, benchFlags, quantile, report, round, target } from './report.ts'

const flags = benchFlags()
const root = join(import.meta.dirname, '..')
const cli = join(root, 'bin', 'wasmos.mjs')
const build = (name: string): string => join(root, 'programs', 'build', `${name}.wasm`)

const BATCHES = flags.quick ? 50 : 400
const BATCH = 200
const ONEWAY = flags.quick ? 200_000 : 4_000_000
const WINDOW = 512
const WORKER_BATCHES = flags.quick ? 40 : 220

function client (...args: string[]): string {
  return clientWith([], ...args)
}

function clientWith (flags: string[], ...args: string[]): string {
  const r = spawnSync(process.execPath, [cli, 'run', ...flags, '--allow=pingpong,time', `--handler=pingpong=${build('pingpong-server')}`,
    build('bench-client'), ...args], { encoding: 'utf8' })
  if (r.status !== 0) throw new BenchError('client-failed', `bench-client ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout.trim()
}

// Round trips, wasm to wasm: the first tenth of the batches warms up.
const batches = client('rtt', String(BATCHES), String(BATCH)).split(' ').map(Number).slice(BATCHES / 10)
const rttMedian = quantile(batches, 0.5) / 1000
const rttP99 = quantile(batches, 0.99) / 1000
// The same without the fuel rewrite, to show what preemption costs on this path.
const plain = clientWith(['--no-preempt'], 'rtt', String(BATCHES), String(BATCH)).split(' ').map(Number).slice(BATCHES / 10)
const rttPlain = quantile(plain, 0.5) / 1000

// One-way messages, with a call after each window as flow control; then the same with the whole
// run (client and server) recorded to a file. Unrecorded and recorded runs alternate, three of
// each, and each rate is their median: the recording's worker thread shares the machine's cores,
// so one pair alone moves with whatever else runs.
const PAIRS = flags.quick ? 1 : 3
const recordDir = mkdtempSync(join(tmpdir(), 'wasmos-bench-record-'))
const plainRates: number[] = []
const recordedRates: number[] = []
try {
  const recorded = ['--record', join(recordDir, 'run.wlog'), '--record-limit', '1GiB']
  client('oneway', String(ONEWAY / 10), String(WINDOW))
  clientWith(recorded, 'oneway', String(ONEWAY / 10), String(WINDOW))
  for (let i = 0; i < PAIRS; i++) {
    plainRates.push(ONEWAY / (Number(client('oneway', String(ONEWAY), String(WINDOW))) / 1e9))
    recordedRates.push(ONEWAY / (Number(clientWith(recorded, 'oneway', String(ONEWAY), String(WINDOW))) / 1e9))
  }
} finally {
  rmSync(recordDir, { recursive: true, force: true })
}
const perSecond = quantile(plainRates, 0.5)
const recordedPerSecond = quantile(recordedRates, 0.5)

// Node worker threads, postMessage there and back, timed the same way.
const worker = new Worker('const { parentPort } = require("node:worker_threads"); parentPort.on("message", (m) => parentPort.postMessage(m))', { eval: true })
const echo = (n: number): Promise<void> => new Promise((resolve) => {
  let left = n
  const onMessage = (): void => { if (--left === 0) { worker.off('message', onMessage); resolve() } else worker.postMessage(left) }
  worker.on('message', onMessage)
  worker.postMessage(left)
})
const workerBatches: number[] = []
for (let i = 0; i < WORKER_BATCHES; i++) {
  const t0 = performance.now()
  await echo(50)
  if (i >= WORKER_BATCHES / 10) workerBatches.push((performance.now() - t0) * 1000 / 50)
}
await worker.terminate()

const workerMedian = quantile(workerBatches, 0.5)
const rows = [
  { name: 'call round trip, wasm ↔ wasm (median)', value: rttMedian, unit: 'µs' },
  { name: `call round trip, wasm ↔ wasm (p99 of ${BATCH}-call batches)`, value: rttP99, unit: 'µs' },
  { name: 'call round trip, --no-preempt (median)', value: rttPlain, unit: 'µs' },
  { name: `one-way messages per second (median of ${PAIRS})`, value: perSecond / 1e6, unit: 'M/s' },
  { name: `one-way messages per second, run recorded (--record, median of ${PAIRS})`, value: recordedPerSecond / 1e6, unit: 'M/s' },
  { name: 'worker threads postMessage round trip (median)', value: workerMedian, unit: 'µs' },
  { name: 'worker threads postMessage round trip (p99 of 50)', value: quantile(workerBatches, 0.99), unit: 'µs' },
].map((r) => ({ ...r, value: round(r.value) }))

const targets = [
  target('call round trip, wasm ↔ wasm (median)', { value: rttMedian, unit: 'µs' }, '<=', 2, '≤ 2 µs',
    { measure: 'worker threads postMessage round trip', value: workerMedian, unit: 'µs' }),
  target('one-way messages per second', { value: perSecond / 1e6, unit: 'M/s' }, '>=', 2, '≥ 2 M/s'),
  target('one-way messages per second, run recorded (--record)', { value: recordedPerSecond / 1e6, unit: 'M/s' }, '>=', 0.7, '≥ 0.7× unrecorded',
    { measure: 'unrecorded', value: perSecond / 1e6, unit: 'M/s', relative: true }),
]

report(flags, { bench: 'kernel', setup: { batches: BATCHES, batch: BATCH, oneway: ONEWAY, window: WINDOW, pairs: PAIRS }, rows, targets }, () => [
  `kernel on Node ${process.versions.node}${flags.quick ? ' (quick)' : ''}`,
  ...rows.map((r) => `  ${r.name.padEnd(56)} ${r.value.toFixed(2).padStart(8)} ${r.unit}`),
].join('\n'))
