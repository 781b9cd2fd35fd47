// What the shipped CLI (bin/wasmos.mjs and its bundle) loads at start: `--version` and
// `wasmos interfaces` answer without the bundle (and the same as it), and a run of a small program
// loads none of Node's TLS, worker or HTTP modules (the bundle requires each built-in on first use).
import { describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, program, ROOT } from '../helpers.ts'

/** Runs the CLI with a preload that prints, at exit, the built-in modules the process loaded. */
function loaded (args: string[]): { stdout: string, modules: Set<string>, files: string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-startup-'))
  try {
    const report = join(dir, 'modules.json')
    const preload = join(dir, 'preload.mjs')
    writeFileSync(preload, `import { writeFileSync } from 'node:fs'
import { registerHooks } from 'node:module'
const files = []
registerHooks({ load (url, context, next) { files.push(url); return next(url, context) } })
process.on('exit', () => writeFileSync(${JSON.stringify(report)}, JSON.stringify({ modules: process.moduleLoadList, files })))
`)
    const stdout = execFileSync(NODE, ['--import', preload, CLI, ...args], {
      encoding: 'utf8', env: { ...process.env, WASMOS_HOME: dir, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe']
    })
    const r = JSON.parse(readFileSync(report, 'utf8')) as { modules: string[], files: string[] }
    return { stdout, modules: new Set(r.modules.map((m) => m.replace(/^NativeModule /, ''))), files: r.files }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// (net is not listed: Node loads it itself when standard output or error is a pipe.)
const NOT_AT_START = ['http', 'https', 'http2', 'tls', 'worker_threads', 'internal/deps/undici/undici']

describe('start-up', () => {
  test('--version prints the package version without loading the bundle', () => {
    const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
    const r = loaded(['--version'])
    expect(r.stdout).toBe(`${version}\n`)
    expect(r.files.some((f) => f.endsWith('/bin/wasmos.mjs'))).toBe(true)
    expect(r.files.filter((f) => f.endsWith('/dist/wasmos.mjs'))).toEqual([])
  })

  test('running a small program loads no network, TLS, HTTP or worker module', () => {
    const r = loaded(['run', program('hello')])
    expect(r.files.filter((f) => f.endsWith('/dist/wasmos.mjs'))).toHaveLength(1)
    const found = NOT_AT_START.filter((m) => r.modules.has(m))
    expect(found).toEqual([])
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
