// A start function is preempted like any other code, and `--timeout` / `--cpu-limit` fire within a
// slice whatever a program does: loop in its start function, or loop over expensive syscalls.
import { describe, expect, test } from 'vitest'
import { digest, program, wasmos, wat } from './helpers.ts'
import type { Result } from './helpers.ts'

const startLoop = (): string => wat(`
(module
  (memory (export "memory") 1)
  (func $s (loop $l (br $l)))
  (start $s)
  (func (export "_start")))`)

// Sends a 16 MiB log line per pass, forever: few instructions, much host work.
const logFlood = (): string => wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 300)
  (data (i32.const 0) "${digest('log')}")
  (func (export "_start")
    ;; [0, 2, str32 of 16 MiB]: msgpack array of 3, message 0 (write), level 2, the text
    (i32.store8 (i32.const 64) (i32.const 0x93))
    (i32.store8 (i32.const 65) (i32.const 0))
    (i32.store8 (i32.const 66) (i32.const 2))
    (i32.store8 (i32.const 67) (i32.const 0xdb))
    (i32.store (i32.const 68) (i32.const 0x00000001)) ;; 0x01000000 big-endian
    (memory.fill (i32.const 72) (i32.const 0x61) (i32.const 0x1000000))
    (loop $l
      (drop (call $send (i32.const 0) (i32.const 64) (i32.const 0x1000008) (i32.const 0) (i32.const 32)))
      (br $l))))`)

// Waits (without blocking) on a filter of 4096 ids, forever.
const waitFlood = (): string => wat(`
(module
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "_start")
    (loop $l
      (drop (call $wait (i32.const 0) (i32.const 4096) (i32.const 65536) (i32.const 64) (i32.const 0)))
      (br $l))))`)

// Sleeps a minute (time.sleep 60000).
const sleeper = (): string => wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${digest('time')}")
  (data (i32.const 32) "\\92\\02\\cb\\40\\ed\\4c\\00\\00\\00\\00\\00")
  (func (export "_start")
    (drop (call $send (i32.const 0) (i32.const 32) (i32.const 11) (i32.const 1) (i32.const 64)))
    (drop (call $wait (i32.const 64) (i32.const 1) (i32.const 128) (i32.const 256) (i32.const 1)))))`)

describe('preemption and time limits', { timeout: 60_000 }, () => {
  // Whether a run ended on time is judged against a control run started at the same moment (so on
  // an equally loaded machine): a program that sleeps, ended by `--timeout` of the same length.
  // Before the fix these runs took many times longer, or never ended.
  async function beside (args: string[], seconds: number): Promise<{ r: Result, limit: number }> {
    const [r, c] = await Promise.all([
      wasmos(args, { timeoutMs: 40_000 }),
      wasmos(['run', '--allow', 'time', '--timeout', String(seconds), sleeper()], { timeoutMs: 40_000 })
    ])
    expect(c.code).toBe(124)
    return { r, limit: c.ms * 1.5 + 2000 }
  }

  test('a start function that loops is ended by --timeout', async () => {
    const { r, limit } = await beside(['run', '--timeout', '2', startLoop()], 2)
    expect(r.code).toBe(124)
    expect(r.stderr).toContain('timed out after 2 s')
    expect(r.ms).toBeLessThan(limit)
  })

  test('a start function that loops is ended by --cpu-limit', async () => {
    const { r, limit } = await beside(['run', '--cpu-limit', '1s', startLoop()], 1)
    expect(r.code).toBe(152)
    expect(r.stderr).toMatch(/cpu limit: \S+ used/)
    expect(r.ms).toBeLessThan(limit)
  })

  test('a start function that loops does not stop the other programs', async () => {
    const r = await wasmos(['run', '--handler', `kv=${startLoop()}`, program('hello')], { timeoutMs: 15_000 })
    expect(r.code).toBe(0)
    expect(r.stderr).toContain('Hello from wasmos!')
  })

  test('a loop of 16 MiB log sends is ended by --timeout on time', async () => {
    const { r, limit } = await beside(['run', '--timeout', '2', '--log-level', 'error', logFlood()], 2)
    expect(r.code).toBe(124)
    expect(r.ms).toBeLessThan(limit)
  })

  test('a loop of 16 MiB log sends is ended by --cpu-limit on time', async () => {
    const { r, limit } = await beside(['run', '--cpu-limit', '1s', '--log-level', 'error', logFlood()], 1)
    expect(r.code).toBe(152)
    expect(r.ms).toBeLessThan(limit)
  })

  test('a loop of waits on many ids is ended by --timeout on time', async () => {
    const { r, limit } = await beside(['run', '--timeout', '2', waitFlood()], 2)
    expect(r.code).toBe(124)
    expect(r.ms).toBeLessThan(limit)
  })
})
