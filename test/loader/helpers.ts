// Test helpers for the store: valid wasm modules of any size (a data segment of random bytes,
// a `name` section), throwaway WASMOS_HOMEs, and the real CLI run as a subprocess.
import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export const ROOT = join(import.meta.dirname, '..', '..')
export const NODE = join(ROOT, 'node_modules', '.bin', 'node')

/** The lead's main once it registers the store commands; until then a stand-in with the same pattern. */
export const MAIN = (() => {
  const main = join(ROOT, 'src', 'cli', 'main.ts')
  if (existsSync(main) && /registerStoreCommands/.test(readFileSync(main, 'utf8'))) return main
  return join(import.meta.dirname, 'cli-harness.ts')
})()

/** `wasmos exec` once main.ts has it; until then a stand-in doing the same (see exec-standin.ts). */
export const EXEC: string[] = (() => {
  const main = join(ROOT, 'src', 'cli', 'main.ts')
  if (existsSync(main) && /registerExecCommand|['"]exec['"]/.test(readFileSync(main, 'utf8') + readdirText(join(ROOT, 'src', 'cli', 'commands')))) {
    return [main, 'exec']
  }
  return [join(import.meta.dirname, 'exec-standin.ts')]
})()

function readdirText(dir: string): string {
  try {
    return readdirSync(dir)
      .map((f) => readFileSync(join(dir, f), 'utf8'))
      .join('\n')
  } catch {
    return ''
  }
}

/** The hello program built from programs/ (npm run build). */
export function helloWasm(): Uint8Array {
  const path = join(ROOT, 'programs', 'build', 'hello.wasm')
  if (!existsSync(path)) throw new Error(`${path} is missing: run npm run build first`)
  return readFileSync(path)
}

function uleb(n: number): number[] {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n = Math.floor(n / 128)
    if (n > 0) b |= 0x80
    out.push(b)
  } while (n > 0)
  return out
}

function section(id: number, body: number[] | Uint8Array): Uint8Array {
  return Uint8Array.from([id, ...uleb(body.length), ...body])
}

function str(s: string): number[] {
  const b = Buffer.from(s, 'utf8')
  return [...uleb(b.length), ...b]
}

/**
 * A valid module exporting `memory` and an empty `_start`, with `dataSize` random bytes in a
 * data segment (so the size, and the number of 256 KiB blocks, is what the test wants) and
 * the module name `name` in its name section.
 */
export function makeWasm(dataSize: number, name?: string): Uint8Array {
  const data = randomBytes(dataSize)
  const pages = Math.ceil(dataSize / 65536) + 1
  const parts = [
    Uint8Array.from([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]),
    section(1, [1, 0x60, 0, 0]),
    section(3, [1, 0]),
    section(5, [1, 0x00, ...uleb(pages)]),
    section(7, [2, ...str('_start'), 0x00, 0, ...str('memory'), 0x02, 0]),
    section(10, [1, 2, 0, 0x0b]),
    section(11, Buffer.concat([Uint8Array.from([1, 0, 0x41, 0, 0x0b, ...uleb(dataSize)]), data])),
  ]
  if (name !== undefined) parts.push(section(0, [...str('name'), 0, ...uleb(str(name).length), ...str(name)]))
  return Buffer.concat(parts)
}

export interface TempHome {
  path: string
  dispose(): Promise<void>
}

export function tempHome(label = 'home'): TempHome {
  const path = mkdtempSync(join(tmpdir(), `wasmos-${label}-`))
  return { path, dispose: () => rm(path, { recursive: true, force: true }) }
}

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `wasmos …` with WASMOS_HOME = home; resolves when it exits (killed after timeoutMs). */
export function runCli(home: string, args: string[], timeoutMs = 30_000, script = MAIN): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [script, ...args], { env: { ...process.env, WASMOS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => (stdout += d))
    child.stderr.on('data', (d: Buffer) => (stderr += d))
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr })
    })
  })
}

export interface Served {
  child: ChildProcess
  multiaddrs: string[]
  stop(): Promise<void>
}

/** Starts a process (default: `wasmos serve --json`) and waits for the JSON line with its multiaddrs. */
export function startServe(home: string, args: string[] = [MAIN, 'serve', '--json']): Promise<Served> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, args, { env: { ...process.env, WASMOS_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start: ${err}`))
    }, 20_000)
    child.stderr!.on('data', (d: Buffer) => (err += d))
    child.on('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
    child.stdout!.on('data', (d: Buffer) => {
      out += d
      const nl = out.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      const { multiaddrs } = JSON.parse(out.slice(0, nl)) as { multiaddrs: string[] }
      resolve({
        child,
        multiaddrs,
        stop: () =>
          new Promise<void>((done) => {
            if (child.exitCode !== null) return done()
            child.removeAllListeners('exit')
            child.once('exit', () => done())
            child.kill('SIGINT')
          }),
      })
    })
  })
}
