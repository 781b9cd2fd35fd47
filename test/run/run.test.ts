// `wasmos run` end to end: the built CLI runs real programs built from programs/.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { program, tempHome, wasmos } from '../helpers.ts'

test('hello logs its greeting and exits 0', async () => {
  const r = await wasmos(['run', program('hello')])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stderr, /hello: Hello from wasmos!/)
  assert.equal(r.stdout, '')
})

test('log lines are JSON with --log-format json', async () => {
  const r = await wasmos(['run', '--log-format', 'json', program('hello')])
  assert.equal(r.code, 0, r.stderr)
  const line = JSON.parse(r.stderr.trim().split('\n')[0]) as Record<string, unknown>
  assert.equal(line.msg, 'Hello from wasmos!')
  assert.equal(line.program, 'hello')
  assert.equal(line.level, 30)
})

test('--log-level error hides the greeting', async () => {
  const r = await wasmos(['run', '--log-level', 'error', program('hello')])
  assert.equal(r.code, 0)
  assert.equal(r.stderr, '')
})

test('the ping-pong pair runs with --handler and totals 1..N', async () => {
  const r = await wasmos(['run', '--allow', 'pingpong', '--handler', `pingpong=${program('pingpong-server')}`,
    program('pingpong-client'), '5000'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `total: ${5000 * 5001 / 2}\n`)
})

test('the key-value service answers its client', async () => {
  const r = await wasmos(['run', '--allow=kv', '--handler', `kv=${program('kv-server')}`, program('kv-client'),
    'put', 'a', 'one', 'put', 'b', 'two', 'get', 'a', 'get', 'zz', 'delete', 'a', 'list'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'put a\nput b\na = one\nzz not found\ndeleted a\nkeys: b\n')
})

test('without a grant the client is denied, and the error names the flag', async () => {
  const r = await wasmos(['run', '--handler', `pingpong=${program('pingpong-server')}`, program('pingpong-client'), '3'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /pingpong-client may not use pingpong \(bafkrei\w+\): no terminal to ask; allow it with --allow=pingpong/)
  assert.match(r.stderr, /ping 1 failed: status 1/)
})

test('--deny wins over --allow-all', async () => {
  const r = await wasmos(['run', '--allow-all', '--deny', 'pingpong', '--handler', `pingpong=${program('pingpong-server')}`,
    program('pingpong-client'), '3'])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /ping 1 failed: status 1/)
})

test('bad pointers and ids get error codes, never a host exception', async () => {
  const r = await wasmos(['run', '--allow-all', program('abi-check')])
  assert.equal(r.code, 0, r.stdout + r.stderr)
  assert.equal(r.stdout.match(/^ok /gm)?.length, 11, r.stdout)
})

test('a trap ends the run with the program name and the trap message', async () => {
  const r = await wasmos(['run', program('trap')])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /wasmos: trap trapped: memory access out of bounds\n$/)
})

test('--timeout ends a run that does not finish', async () => {
  const r = await wasmos(['run', '--timeout', '0.5', '--allow', 'pingpong', '--handler', `pingpong=${program('pingpong-server')}`,
    program('pingpong-client'), '1000000000'])
  assert.equal(r.code, 124)
  assert.equal(r.stderr, 'wasmos: timed out after 0.5 s\n')
  assert.ok(r.ms < 10_000)
})

test('a program waiting for what can never come is reported, not hung', async () => {
  const r = await wasmos(['run', '--allow', 'pingpong', '--allow-handle', 'pingpong', program('pingpong-server')])
  assert.equal(r.code, 1)
  assert.match(r.stderr, /pingpong-server waits for a notification that can never come/)
})

test('one-line errors for files that cannot run', async () => {
  const home = tempHome()
  const notWasm = join(home, 'notes.wasm')
  writeFileSync(notWasm, 'hello')
  const noStart = join(home, 'nostart.wasm')
  writeFileSync(noStart, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))
  const broken = join(home, 'broken.wasm')
  writeFileSync(broken, new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 9, 9]))
  const cases: Array<[string[], RegExp]> = [
    [['run', join(home, 'missing.wasm')], /^wasmos: .*missing\.wasm: no such file\n$/],
    [['run', notWasm], /^wasmos: .*notes\.wasm is not a WebAssembly module\n$/],
    [['run', noStart], /^wasmos: .*nostart\.wasm: no _start function exported\n$/],
    [['run', broken], /^wasmos: .*broken\.wasm: invalid module \(.+\)\n$/],
    [['run', '--handler', 'pingpong', program('hello')], /^wasmos: --handler: expected <interface>=<program>, got 'pingpong'\n$/],
    [['run', '--allow', 'nosuch', program('hello')], /^wasmos: --allow: unknown interface 'nosuch'/],
    [['run', '--timeout', 'soon', program('hello')], /^wasmos: --timeout: expected a positive number, got 'soon'\n$/]
  ]
  for (const [args, expected] of cases) {
    const r = await wasmos(args)
    assert.equal(r.code, 1, args.join(' '))
    assert.match(r.stderr, expected)
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace')
  }
})

test('options after the program go to the program', async () => {
  const r = await wasmos(['run', '--allow=kv', '--handler', `kv=${program('kv-server')}`, program('kv-client'), '--help'])
  assert.equal(r.code, 2)
  assert.match(r.stdout, /^usage: kv-client/)
})

test('wasmos interfaces lists names and CIDs, also as JSON', async () => {
  const text = await wasmos(['interfaces'])
  assert.equal(text.code, 0)
  assert.match(text.stdout, /^log\s+bafkrei\w+\s+Write a line to the system log\.$/m)
  const json = await wasmos(['interfaces', '--json'])
  const list = JSON.parse(json.stdout) as Array<{ name: string, cid: string, digest: string }>
  const log = list.find((i) => i.name === 'log')
  assert.ok(log !== undefined && /^bafkrei/.test(log.cid) && /^[0-9a-f]{64}$/.test(log.digest))
})

test('the standard interfaces: clocks, sleep, random, arguments, standard input', async () => {
  const r = await wasmos(['run', '--allow=time,random', program('std-check'), 'a', 'b c'], { input: 'hello, kernel\n' })
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, [
    'now ok', 'sleep 0 ok', 'random 0 16 bytes ok', 'too many 16', 'args std-check|a|b c',
    'hello, kernel', '', 'stdin 14 bytes', ''
  ].join('\n'))
  const denied = await wasmos(['run', program('std-check')], { input: '' })
  assert.match(denied.stdout, /^now bad$/m, 'time is not granted by default')
  assert.match(denied.stderr, /std-check may not use time \(bafkrei\w+\): no terminal to ask; allow it with --allow=time/)
})
