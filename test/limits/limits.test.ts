// Limits on Node, end to end through the CLI with real programs: a program stuck in a loop no
// longer freezes the others, a CPU limit ends it, memory is capped, a flood is bounded.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { program, wasmos } from '../helpers.ts'

// An interface nobody uses: a way to start the spinner beside the others with --handler.
const NOBODY = '00000000000000000000000000000000000000000000000000000000000000ff'
const pingpong = ['--allow=pingpong', `--handler=pingpong=${program('pingpong-server')}`]

test('a program spinning forever does not stop two others from talking', async () => {
  const r = await wasmos(['run', '--stats', `--handler=${NOBODY}=${program('spin')}`, ...pingpong,
    program('pingpong-client'), '2000'], { timeoutMs: 60_000 })
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `total: ${2000 * 2001 / 2}\n`)
  const spin = /^spin\s+\d+\s+([\d.]+) (ms|s)\s+(\d+)/m.exec(r.stderr)
  assert.ok(spin !== null, r.stderr)
  assert.ok(Number(spin[3]) >= 2, `the spinner was preempted: ${spin[3]} slices`)
})

test('without preemption the same spinner freezes everything (what the fuel rewrite prevents)', async () => {
  const r = await wasmos(['run', '--no-preempt', `--handler=${NOBODY}=${program('spin')}`, ...pingpong,
    program('pingpong-client'), '10'], { timeoutMs: 3000 })
  assert.equal(r.code, null, 'killed by the test after 3 s')
  assert.equal(r.stdout, '')
})

test('--cpu-limit ends a spinner with status 152 and says why', async () => {
  const r = await wasmos(['run', '--cpu-limit', '300ms', program('spin')], { timeoutMs: 30_000 })
  assert.equal(r.code, 152)
  assert.match(r.stderr, /^wasmos: cpu limit: spin used [\d.]+ ms of CPU time, its limit is 300\.0 ms$/m)
})

test('a CPU-limited spinner beside others: it is ended and logged, they finish', async () => {
  // The limit is several times what 20000 round trips cost the client (host work included), so
  // only the spinner reaches it, however busy the machine.
  const r = await wasmos(['run', '--cpu-limit', '600ms', `--handler=${NOBODY}=${program('spin')}`, ...pingpong,
    program('pingpong-client'), '20000'], { timeoutMs: 60_000 })
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `total: ${20000 * 20001 / 2}\n`)
  assert.match(r.stderr, /cpu limit: spin used/)
})

test('a memory bomb stops at --max-memory while another program keeps its memory', async () => {
  const bomb = await wasmos(['run', '--max-memory', '4MiB', program('membomb')])
  assert.equal(bomb.code, 0, bomb.stderr)
  assert.equal(bomb.stdout, 'memory.grow failed at 64 pages\n')
  const r = await wasmos(['run', '--max-memory', '2MiB', '--allow=kv', `--handler=${NOBODY}=${program('membomb')}`,
    `--handler=kv=${program('kv-server')}`, program('kv-client'), 'put', 'k', 'kept', 'get', 'k'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'memory.grow failed at 32 pages\nput k\nk = kept\n')
  const bad = await wasmos(['run', '--max-memory', 'lots', program('hello')])
  assert.equal(bad.code, 1)
  assert.match(bad.stderr, /^wasmos: --max-memory: "lots" is not a size/)
})

test('a sender flooding a handler that never reads is told "queue full" at the limit', async () => {
  const r = await wasmos(['run', '--queue-limit', '100', '--allow=pingpong', `--handler=pingpong=${program('sink')}`,
    program('flood'), '1000000'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'sent 100, then status 5\n')
  const big = await wasmos(['run', '--allow=pingpong', `--handler=pingpong=${program('sink')}`, program('flood'), '1000000'])
  assert.equal(big.stdout, 'sent 1024, then status 5\n', 'the default limit')
})
