// What the shipped CLI (bin/wasmos.mjs and its bundle) loads at start: `--version` and
// `wasmos interfaces` answer without the bundle (and the same as it), and a run of a small program
// loads none of Node's TLS, worker, HTTP, zlib or cluster modules (the bundle requires each built-in
// on first use; the control socket opens only in a run that lasts). The bundle runs from a V8 code
// cache made by an earlier run of the same command, so the bundle is seen as a file opened (and read
// in parts) or imported.
import { describe, expect, test } from 'vitest'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, program, ROOT } from '../helpers.ts'

/** Runs the CLI with a preload that prints, at exit, the built-in modules the process loaded. */
function loaded (args: string[], cacheDir?: string): { stdout: string, stderr: string, modules: Set<string>, files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-startup-'))
  try {
    const report = join(dir, 'modules.json')
    const preload = join(dir, 'preload.mjs')
    writeFileSync(preload, `import fs, { writeFileSync } from 'node:fs'
import { registerHooks } from 'node:module'
const files = []
registerHooks({ load (url, context, next) { files.push(url); return next(url, context) } })
const readFileSync = fs.readFileSync
fs.readFileSync = (path, ...rest) => { files.push(String(path)); return readFileSync(path, ...rest) }
const openSync = fs.openSync
fs.openSync = (path, ...rest) => { files.push(String(path)); return openSync(path, ...rest) }
process.on('exit', () => writeFileSync(${JSON.stringify(report)}, JSON.stringify({ modules: process.moduleLoadList, files })))
`)
    const run = spawnSync(NODE, ['--import', preload, CLI, ...args], {
      encoding: 'utf8',
      env: { ...process.env, WASMOS_HOME: dir, NO_COLOR: '1', ...(cacheDir !== undefined ? { NODE_COMPILE_CACHE: cacheDir } : {}) },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    if (run.status !== 0) throw new Error(`wasmos ${args.join(' ')} failed (${String(run.status)}): ${run.stderr}`)
    const r = JSON.parse(readFileSync(report, 'utf8')) as { modules: string[], files: string[] }
    return { stdout: run.stdout, stderr: run.stderr, modules: new Set(r.modules.map((m) => m.replace(/^NativeModule /, ''))), files: r.files }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// Standard output and error are pipes here, standard input /dev/null: a run of hello (which only
// logs) builds none of those streams, so neither net (a pipe's stream) nor tty loads; its CID is
// hashed without node:crypto. (The stream modules are not listed: the preload's module hooks load them.)
const NOT_AT_START = ['http', 'https', 'http2', 'tls', 'worker_threads', 'internal/deps/undici/undici', 'zlib', 'cluster', 'child_process', 'v8',
  'net', 'tty', 'crypto']

describe('start-up', () => {
  test('--version prints the package version without loading the bundle', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    const r = loaded(['--version'])
    expect(r.stdout).toBe(`${version}\n`)
    expect(r.files.some((f) => f.endsWith('/bin/wasmos.mjs'))).toBe(true)
    expect(r.files.filter((f) => f.endsWith('/dist/wasmos.mjs'))).toEqual([])
  })

  test('running a small program loads no network, TLS, HTTP, zlib, cluster, worker, tty or crypto module', () => {
    const cache = mkdtempSync(join(tmpdir(), 'wasmos-startup-cache-'))
    try {
      // The second run writes the code cache of `run` (the first only notes that it ran); the
      // third starts from it (V8 takes it, so it is not written again).
      const caches = (): string[] => readdirSync(cache, { recursive: true, encoding: 'utf8' })
        .filter((f) => /(^|\/)wasmos-[0-9a-f]+-run-v[\d.]+\.v8$/.test(f)).map((f) => join(cache, f))
      let written = 0
      for (let i = 0; i < 3; i++) {
        const r = loaded(['run', program('hello')], cache)
        expect(r.stdout).toBe('')
        expect(r.stderr).toBe('INFO: hello: Hello from wasmos!\n')
        expect(r.files.filter((f) => f.endsWith('/dist/wasmos.mjs'))).toHaveLength(1)
        const found = NOT_AT_START.filter((m) => r.modules.has(m))
        expect(found).toEqual([])
        expect(caches()).toHaveLength(1)
        if (i === 1) written = statSync(caches()[0]).mtimeMs
      }
      expect(statSync(caches()[0]).mtimeMs).toBe(written)
    } finally {
      rmSync(cache, { recursive: true, force: true })
    }
  })

  test('wasmos interfaces (text and --json) answers as the CLI does, without loading the bundle', () => {
    for (const args of [['interfaces'], ['interfaces', '--json']]) {
      const r = loaded(args)
      expect(r.files.filter((f) => f.endsWith('/dist/wasmos.mjs'))).toEqual([])
      // The bundle itself, run directly, answers through its command.
      const cli = execFileSync(NODE, [join(ROOT, 'dist', 'wasmos.mjs'), ...args], { encoding: 'utf8' })
      expect(r.stdout).toBe(cli)
      expect(cli).toMatch(/pingpong/)
    }
  })
})
