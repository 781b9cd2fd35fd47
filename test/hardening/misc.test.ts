// The smaller holes: a process limit, signatures checked before running, program-supplied names
// made safe wherever they reach the terminal, `time.sleep(NaN)` a bad request, and grant decisions
// written by many runs at once all kept.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { digest, program, ROOT, wasmos, wat } from './helpers.ts'

/** Appends a name section naming the module `name` (any bytes a program likes). */
function named (path: string, name: string): string {
  const bytes = readFileSync(path)
  const leb = (n: number): number[] => { const o: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; o.push(b) } while (n !== 0); return o }
  const utf8 = [...Buffer.from(name)]
  const sub = [0, ...leb(utf8.length + leb(utf8.length).length), ...leb(utf8.length), ...utf8]
  const payload = [...leb(4), ...Buffer.from('name'), ...sub]
  const out = path.replace(/\.wasm$/, '-named.wasm')
  writeFileSync(out, Buffer.concat([bytes, Buffer.from([0, ...leb(payload.length), ...payload])]))
  return out
}

const EVIL = 'evil\x1b[2J\x1b[31m\nFAKE: line\u202e'
/** Whether text holds an escape or a bidi override, the characters EVIL smuggles. */
const unsafe = (text: string): boolean => text.includes('\x1b') || text.includes('\u202e')

describe('smaller holes', { timeout: 60_000 }, () => {
  test('--max-processes bounds the processes alive at once', async () => {
    const gs = program('grant-spawner')
    const r = await wasmos(['run', '--max-processes', '3', '--program', gs, '--program', program('hello'), gs, gs, gs, gs, program('hello')], { timeoutMs: 30_000 })
    expect(r.stdout).toContain('spawn failed: 5')
    expect(r.stdout).toContain('child exited 1')
    const bad = await wasmos(['run', '--max-processes', '0', program('hello')])
    expect(bad.stderr).toBe("wasmos: --max-processes: expected a positive integer, got '0'\n")
  })

  test('a program that spawns itself without end stops at the default process bound, and --timeout still fires', async () => {
    // Loops: process.spawn(itself) and wait for the answer. Every child does the same.
    const path = join(mkdtempSync(join(tmpdir(), 'wasmos-bomb-')), 'bomb.wasm')
    const utf8 = [...Buffer.from(path)]
    const payload = [0x93, 0x02, 0xd9, utf8.length, ...utf8, 0x90].map((b) => `\\${b.toString(16).padStart(2, '0')}`).join('')
    const built = wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${digest('process')}")
  (data (i32.const 64) "${payload}")
  (func (export "_start")
    (loop $l
      (if (i32.eqz (call $send (i32.const 0) (i32.const 64) (i32.const ${payload.length / 3}) (i32.const 1) (i32.const 32)))
        (then (drop (call $wait (i32.const 32) (i32.const 1) (i32.const 1024) (i32.const 1024) (i32.const 1)))))
      (br $l))))`)
    writeFileSync(path, readFileSync(built))
    const r = await wasmos(['run', '--timeout', '5', '--program', path, path], { timeoutMs: 60_000 })
    expect(r.stderr).toContain('timed out after 5 s')
    expect(r.code).toBe(124)
    expect(r.stderr).not.toMatch(/Cannot allocate|FATAL/)
    expect(r.ms).toBeLessThan(30_000)
  })

  test('imports and _start are checked against their signatures before anything runs', async () => {
    const m = wat('(module (import "wasmos" "send" (func (param i64) (result i64))) (memory (export "memory") 1) (func (export "_start")))')
    const r = await wasmos(['run', m])
    expect(r.code).toBe(1)
    expect(r.stderr).toBe(`wasmos: ${m}: imports wasmos.send as (i64) -> (i64), but it is (i32, i32, i32, i32, i32) -> (i32)\n`)
    const s = wat('(module (memory (export "memory") 1) (func (export "_start") (param i32)))')
    const r2 = await wasmos(['run', s])
    expect(r2.code).toBe(1)
    expect(r2.stderr).toBe(`wasmos: ${s}: _start is (i32) -> (), but it must take and return nothing\n`)
  })

  test('a program name with escape sequences is shown sanitised in trap and deadlock messages and --stats', async () => {
    const trap = named(wat('(module (memory (export "memory") 1) (func (export "_start") unreachable))'), EVIL)
    const r = await wasmos(['run', '--stats', trap])
    expect(r.code).not.toBe(0)
    expect(unsafe(r.stderr)).toBe(false)
    expect(r.stderr).toContain('trapped: unreachable')
    expect(r.stderr).not.toMatch(/^FAKE/m)
    const stuck = named(wat(`(module (import "wasmos" "wait" (func $w (param i32 i32 i32 i32 i32) (result i32)))
      (memory (export "memory") 1) (func (export "_start") (drop (call $w (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 1)))))`), EVIL)
    const d = await wasmos(['run', stuck])
    expect(d.stderr).toContain('waits for a notification that can never come')
    expect(unsafe(d.stderr)).toBe(false)
    expect(d.stderr.trim().split('\n')).toHaveLength(1)
  })

  test('time.sleep(NaN) is a bad request, with no Node warning', async () => {
    // sleep is message 2: [2, NaN]; traps unless the answer's status is BAD_REQUEST (9).
    const m = wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${digest('time')}")
  (data (i32.const 32) "\\92\\02\\cb\\7f\\f8\\00\\00\\00\\00\\00\\00")
  (func (export "_start")
    (if (call $send (i32.const 0) (i32.const 32) (i32.const 11) (i32.const 1) (i32.const 64)) (then unreachable))
    (drop (call $wait (i32.const 64) (i32.const 1) (i32.const 128) (i32.const 256) (i32.const 1)))
    (if (i32.ne (i32.load (i32.const 132)) (i32.const 9)) (then unreachable))))`)
    const r = await wasmos(['run', '--allow', 'time', m], { timeoutMs: 20_000 })
    expect(r.stderr).not.toContain('TimeoutNaNWarning')
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  test('grant decisions written by many runs at once are all kept, and the file stays valid JSON', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-grants-race-'))
    const store = join(ROOT, 'src', 'kernel', 'node', 'grants', 'store.ts')
    // A lock left by a writer that died is taken over.
    writeFileSync(join(home, 'grants.json.lock'), '999999999\n')
    const writers = 40
    const start = Date.now() + 1500
    const script = `
      const { GrantStore } = await import(${JSON.stringify(store)})
      const [home, n, start] = process.argv.slice(1)
      while (Date.now() < Number(start)) {}
      for (let i = 0; i < 3; i++) {
        new GrantStore(home).set([{ program: 'p' + n + '-' + i, name: 'w' + n, iface: 'bafkreiaaaa', kind: i === 1 ? 'handle' : 'send', decision: 'allow' }])
        JSON.parse(require('node:fs').readFileSync(home + '/grants.json', 'utf8'))
      }`
    const runs = Array.from({ length: writers }, (_, n) => new Promise<number | null>((resolve) => {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script.replace('require(\'node:fs\')', '(await import(\'node:fs\'))'), home, String(n), String(start)], { stdio: ['ignore', 'ignore', 'inherit'] })
      child.on('close', resolve)
    }))
    expect(await Promise.all(runs)).toEqual(Array(writers).fill(0))
    const file = JSON.parse(readFileSync(join(home, 'grants.json'), 'utf8')) as { programs: Record<string, { send: object, handle: object }> }
    expect(Object.keys(file.programs)).toHaveLength(writers * 3)
    const out = execFileSync(process.execPath, [join(ROOT, 'src', 'cli', 'main.ts'), 'grants', '--json'], { env: { ...process.env, WASMOS_HOME: home } }).toString()
    expect((JSON.parse(out) as unknown[]).length).toBe(writers * 3)
  })
})
