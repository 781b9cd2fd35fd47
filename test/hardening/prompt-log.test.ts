// Programs' log lines wait while a permission prompt is open, like their output, so that nothing
// lands in the middle of the prompt; they appear once it is answered.
import { describe, expect, test } from 'vitest'
import { tempHome } from '../helpers.ts'
import { Terminal } from '../grants/terminal.ts'
import { digest, wat } from './helpers.ts'

const PROMPT = /Allow\? \[y\/n\/A\/N\] >/

// Logs "tick" every 50 ms, 100 times.
const ticker = (): string => wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${digest('log')}")
  (data (i32.const 32) "${digest('time')}")
  (data (i32.const 64) "\\93\\00\\02\\a4tick")
  (data (i32.const 80) "\\92\\02\\cb\\40\\49\\00\\00\\00\\00\\00\\00")
  (func (export "_start") (local $i i32)
    (loop $l
      (drop (call $send (i32.const 0) (i32.const 64) (i32.const 8) (i32.const 0) (i32.const 96)))
      (drop (call $send (i32.const 32) (i32.const 80) (i32.const 11) (i32.const 1) (i32.const 96)))
      (drop (call $wait (i32.const 96) (i32.const 1) (i32.const 128) (i32.const 256) (i32.const 1)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 100))))))`, 'ticker')

// Sleeps 300 ms, then sends to kv (which it does not declare): the prompt comes mid-run.
const asker = (): string => wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${digest('kv')}")
  (data (i32.const 32) "${digest('time')}")
  (data (i32.const 64) "\\92\\02\\cb\\40\\72\\c0\\00\\00\\00\\00\\00")
  (data (i32.const 80) "\\92\\01\\a1a")
  (func (export "_start")
    (drop (call $send (i32.const 32) (i32.const 64) (i32.const 11) (i32.const 1) (i32.const 96)))
    (drop (call $wait (i32.const 96) (i32.const 1) (i32.const 128) (i32.const 256) (i32.const 1)))
    (drop (call $send (i32.const 0) (i32.const 80) (i32.const 4) (i32.const 1) (i32.const 96)))
    (drop (call $wait (i32.const 96) (i32.const 1) (i32.const 128) (i32.const 256) (i32.const 1)))))`, 'asker')

describe('log lines and the prompt', { timeout: 60_000 }, () => {
  test('no log line is printed while the prompt is open', async () => {
    const t = new Terminal(['run', '--allow', 'time', '--handler', `pingpong=${ticker()}`, asker()], tempHome())
    try {
      await t.waitFor(PROMPT)
      await new Promise((resolve) => setTimeout(resolve, 1500))
      const s = t.screen()
      // Still on the screen (not scrolled away by log lines), with nothing printed after it.
      expect(s.search(PROMPT)).toBeGreaterThanOrEqual(0)
      expect(s.slice(s.search(PROMPT))).not.toContain('tick')
      t.keys('n')
      // Answered: the lines held meanwhile appear after it.
      const later = await t.waitFor(/Allow\? \[y\/n\/A\/N\] >[\s\S]*ticker: tick/)
      expect(later.slice(later.search(PROMPT))).toContain('tick')
    } finally {
      t.close()
    }
  })
})

// 300 sends of 16 MB to kv, whose grant is being asked about: traps unless some got QUEUE_FULL (5).
const heldFlood = (): string => wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 260)
  (data (i32.const 0) "${digest('kv')}")
  (func (export "_start") (local $i i32) (local $full i32)
    (loop $l
      (if (i32.eq (call $send (i32.const 0) (i32.const 64) (i32.const 16000000) (i32.const 0) (i32.const 32)) (i32.const 5))
        (then (local.set $full (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 300))))
    (if (i32.eqz (local.get $full)) (then unreachable))))`, 'held-flood')

describe('messages held while the prompt is open', { timeout: 60_000 }, () => {
  test('300 sends of 16 MB to an interface being asked about: a few are held, the rest get QUEUE_FULL', async () => {
    const t = new Terminal(['run', '--max-memory', '32MiB', heldFlood()], tempHome())
    try {
      await t.waitFor(PROMPT)
      // Answered after the program had time to send past the bound (the fifth send is refused).
      await new Promise((resolve) => setTimeout(resolve, 3000))
      t.keys('n')
      const status = await t.exitStatus(30_000)
      expect(status, t.screen()).toBe(0)
    } finally {
      t.close()
    }
  })
})
