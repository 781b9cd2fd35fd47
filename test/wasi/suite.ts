// Runs WebAssembly/wasi-testsuite (the prebuilt wasm32-wasip1 tests in ../shared/wasi-testsuite,
// or the directory given as the first argument) under `wasmos run`, by the suite's own rules
// (specification.md): every *.wasm is a test and its *.json the specification, legacy (args, env,
// root, exit_code, stdout, stderr; absent fields take the defaults, so stdout "" means none) or
// operation-based (run, read, wait, connect, send, recv), a legacy one being run as the operations
// it stands for. `root` is copied to a scratch directory first (tests write into it) and
// preopened as the guest's `/`; the environment holds only the given variables.
// Prints one line per failure and ends with `wasi: N passed, N failed`; exits 1 on any failure.
// `--cli <path>` runs another build of wasmos (default: the shipped bin/wasmos.mjs once built, else
// the sources, src/cli/main.ts).
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
export const DEFAULT_SUITE = join(ROOT, '..', 'shared', 'wasi-testsuite', 'tests')
const STEP_TIMEOUT_MS = 60_000

export type Operation =
  | { type: 'run', args: string[], env: Record<string, string>, root: string | null }
  | { type: 'wait', exitCode: number }
  | { type: 'read', id: 'stdout' | 'stderr', payload: string }
  | { type: 'connect', id: string, protocol: string }
  | { type: 'send', id: string, payload: string }
  | { type: 'recv', id: string, payload: string }

export interface Spec { proposals: string[], operations: Operation[] }

export interface Outcome { name: string, ok: boolean, why: string }

type Json = Record<string, unknown>

/** A specification file's operations; a legacy one becomes run, read stdout (and stderr if given), wait. */
export function parseSpec (raw: Json): Spec {
  if (Array.isArray(raw.operations)) {
    const operations = (raw.operations as Json[]).map((o): Operation => {
      switch (o.type) {
        case 'run': return { type: 'run', args: (o.args as string[] | undefined) ?? [], env: (o.env as Record<string, string> | undefined) ?? {}, root: (o.root as string | undefined) ?? null }
        case 'wait': return { type: 'wait', exitCode: (o.exit_code as number | undefined) ?? 0 }
        case 'read': return { type: 'read', id: (o.id as 'stdout' | 'stderr' | undefined) ?? 'stdout', payload: (o.payload as string | undefined) ?? '' }
        case 'connect': return { type: 'connect', id: (o.id as string | undefined) ?? 'server', protocol: (o.protocol_type as string | undefined) ?? 'tcp' }
        case 'send': return { type: 'send', id: o.id as string, payload: (o.payload as string | undefined) ?? '' }
        case 'recv': return { type: 'recv', id: o.id as string, payload: (o.payload as string | undefined) ?? '' }
        default: throw new Error(`unknown operation ${JSON.stringify(o.type)}`)
      }
    })
    return { proposals: (raw.proposals as string[] | undefined) ?? [], operations }
  }
  const operations: Operation[] = [
    { type: 'run', args: (raw.args as string[] | undefined) ?? [], env: (raw.env as Record<string, string> | undefined) ?? {}, root: (raw.root as string | undefined) ?? null },
    { type: 'read', id: 'stdout', payload: (raw.stdout as string | undefined) ?? '' }
  ]
  // wasmos writes its own diagnostics to stderr: it is compared only when a test says what it must be.
  if (typeof raw.stderr === 'string') operations.push({ type: 'read', id: 'stderr', payload: raw.stderr })
  operations.push({ type: 'wait', exitCode: (raw.exit_code as number | undefined) ?? 0 })
  return { proposals: [], operations }
}

/** Every test case under `dir` (recursively), with its specification. */
export function findTests (dir: string): Array<{ wasm: string, spec: Spec }> {
  const out: Array<{ wasm: string, spec: Spec }> = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name)
      if (e.isDirectory()) { walk(p); continue }
      if (!e.name.endsWith('.wasm')) continue
      const json = p.replace(/\.wasm$/, '.json')
      out.push({ wasm: p, spec: parseSpec(existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) as Json : {}) })
    }
  }
  walk(dir)
  return out
}

/** Bytes arriving on a stream, taken by the reads of the specification in order. */
class Incoming {
  text = ''
  ended = false
  #waiters: Array<() => void> = []
  push (s: string): void { this.text += s; this.#notify() }
  end (): void { this.ended = true; this.#notify() }
  #notify (): void { for (const w of this.#waiters.splice(0)) w() }
  /** Waits until `n` characters are there or the stream ended; takes and returns up to `n`. */
  async take (n: number): Promise<string> {
    const deadline = Date.now() + STEP_TIMEOUT_MS
    while (this.text.length < n && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => { this.#waiters.push(resolve); setTimeout(resolve, 100) })
    }
    const out = this.text.slice(0, n)
    this.text = this.text.slice(out.length)
    return out
  }

  /** Waits for a whole line; takes it. */
  async line (): Promise<string | null> {
    const deadline = Date.now() + STEP_TIMEOUT_MS
    while (!this.text.includes('\n') && !this.ended && Date.now() < deadline) {
      await new Promise<void>((resolve) => { this.#waiters.push(resolve); setTimeout(resolve, 100) })
    }
    const i = this.text.indexOf('\n')
    if (i < 0) return null
    const out = this.text.slice(0, i)
    this.text = this.text.slice(i + 1)
    return out
  }
}

/** Runs one test under `wasmos run`, carrying out its operations and checking each. */
export async function runTest (wasm: string, spec: Spec, cli: string[]): Promise<Outcome> {
  const name = wasm.split('/').slice(-3).join('/')
  const scratch = mkdtempSync(join(tmpdir(), 'wasi-suite-'))
  const why: string[] = []
  const sockets = new Map<string, { socket: Socket, incoming: Incoming }>()
  let child: ReturnType<typeof spawn> | null = null
  const streams = { stdout: new Incoming(), stderr: new Incoming() }
  let exited: Promise<number | null> = Promise.resolve(null)
  try {
    for (const p of spec.proposals) {
      if (p !== 'sockets') why.push(`proposal ${p} is not supported`)
    }
    for (const op of spec.operations) {
      if (why.length > 0) break
      if (op.type === 'run') {
        const args = ['run', '--no-prompt', '--log-level', 'error']
        if (spec.proposals.includes('sockets')) args.push('--allow', 'tcp')
        if (op.root !== null) {
          const copy = join(scratch, basename(op.root))
          cpSync(join(wasm, '..', op.root), copy, { recursive: true })
          args.push('--allow', 'fs', '--dir', `${copy}:/`)
        }
        for (const [k, v] of Object.entries(op.env)) args.push('--env', `${k}=${v}`)
        args.push(wasm, ...op.args)
        const env = { PATH: process.env.PATH ?? '', WASMOS_HOME: join(scratch, 'home') }
        const c = spawn(cli[0], [...cli.slice(1), ...args], { env, cwd: scratch, stdio: ['ignore', 'pipe', 'pipe'] })
        child = c
        c.stdout!.on('data', (d: Buffer) => streams.stdout.push(d.toString()))
        c.stderr!.on('data', (d: Buffer) => streams.stderr.push(d.toString()))
        exited = new Promise((resolve, reject) => {
          c.on('error', reject)
          c.on('close', (code) => { streams.stdout.end(); streams.stderr.end(); resolve(code) })
        })
      } else if (op.type === 'read') {
        const got = await streams[op.id].take(op.payload.length)
        if (got !== op.payload) why.push(`${op.id} ${JSON.stringify(got)}, expected ${JSON.stringify(op.payload)}`)
      } else if (op.type === 'wait') {
        const timer = setTimeout(() => child?.kill('SIGKILL'), STEP_TIMEOUT_MS)
        const code = await exited
        clearTimeout(timer)
        if (code !== op.exitCode) why.push(`exit ${String(code)}, expected ${op.exitCode}${streams.stderr.text === '' ? '' : ` (${streams.stderr.text.trim().split('\n').slice(-2).join(' | ')})`}`)
        // Whatever a legacy test printed beyond what it expected is a difference too.
        if (streams.stdout.text !== '' && !spec.operations.some((o) => o.type === 'connect')) why.push(`stdout has more: ${JSON.stringify(streams.stdout.text.slice(0, 200))}`)
      } else if (op.type === 'connect') {
        if (op.protocol !== 'tcp') { why.push(`protocol ${op.protocol} is not supported`); break }
        const line = await streams.stdout.line()
        const m = line === null ? null : /^(.*):(\d+)$/.exec(line.trim())
        if (m === null) { why.push(`no <host>:<port> on stdout (got ${JSON.stringify(line)})`); break }
        const socket = connect(Number(m[2]), m[1].replace(/^\[|\]$/g, ''))
        const incoming = new Incoming()
        socket.on('data', (d: Buffer) => incoming.push(d.toString()))
        socket.on('end', () => incoming.end())
        socket.on('error', () => incoming.end())
        sockets.set(op.id, { socket, incoming })
      } else if (op.type === 'send') {
        const s = sockets.get(op.id)
        if (s === undefined) { why.push(`send on unknown connection ${op.id}`); break }
        s.socket.write(op.payload)
      } else if (op.type === 'recv') {
        const s = sockets.get(op.id)
        if (s === undefined) { why.push(`recv on unknown connection ${op.id}`); break }
        const got = await s.incoming.take(op.payload.length)
        if (got !== op.payload) why.push(`recv ${JSON.stringify(got)} on ${op.id}, expected ${JSON.stringify(op.payload)}`)
      }
    }
    return { name, ok: why.length === 0, why: why.join('; ') }
  } finally {
    for (const s of sockets.values()) s.socket.destroy()
    if (child !== null && child.exitCode === null && child.signalCode === null) { child.kill('SIGKILL'); await exited.catch(() => null) }
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** The command line that runs wasmos: `--cli <path>`, else the shipped CLI once built, else the sources. */
export function cliCommand (path?: string): string[] {
  const node = existsSync(join(ROOT, 'node_modules', '.bin', 'node')) ? join(ROOT, 'node_modules', '.bin', 'node') : process.execPath
  const shipped = join(ROOT, 'bin', 'wasmos.mjs')
  return [node, path !== undefined ? resolve(path) : existsSync(join(ROOT, 'dist', 'wasmos.mjs')) ? shipped : join(ROOT, 'src', 'cli', 'main.ts')]
}

export async function runSuite (dir: string, cli: string[], concurrency = 2): Promise<Outcome[]> {
  const tests = findTests(dir)
  // Tests write only into their copied root, so no *.cleanup artifacts are left in the suite.
  const outcomes: Outcome[] = new Array(tests.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tests.length) {
      const i = next++
      outcomes[i] = await runTest(tests[i].wasm, tests[i].spec, cli)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}

if (import.meta.main) {
  const argv = process.argv.slice(2)
  const i = argv.indexOf('--cli')
  const cli = cliCommand(i >= 0 ? argv[i + 1] : undefined)
  if (i >= 0) argv.splice(i, 2)
  const dir = argv[0] ?? DEFAULT_SUITE
  const outcomes = await runSuite(dir, cli)
  for (const o of outcomes) if (!o.ok) console.log(`FAIL ${o.name}: ${o.why}`)
  const passed = outcomes.filter((o) => o.ok).length
  console.log(`wasi: ${passed} passed, ${outcomes.length - passed} failed`)
  process.exit(passed === outcomes.length ? 0 : 1)
}
