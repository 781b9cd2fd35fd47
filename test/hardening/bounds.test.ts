// Every queue and held byte is bounded, and so are tables: no module or message pattern makes the
// kernel die of V8's fatal out-of-memory; past a bound a sender gets QUEUE_FULL or the program
// that let its queue grow ends with a one-line message.
import { describe, expect, test } from 'vitest'
import {
  ACTION_OVERFLOW, GRANT_SEND, KERNEL_PID, Kernel, KernelConfig, OK, QUEUE_FULL, SEND_ANSWER,
  SEND_WAIT_HANDLER
} from '../../src/kernel/core/index.ts'
import { digest, wasmos, wat } from './helpers.ts'

const NO_IDS: number[] = []
const key = (n: number): string => n.toString(16).padStart(64, '0')

describe('bounds in the kernel core', () => {
  test('calls in flight are bounded: a caller that never takes its answers gets QUEUE_FULL', () => {
    const config = new KernelConfig()
    config.maxOutstanding = 8
    const k = new Kernel(config)
    const pid = k.spawn(0)
    k.registerNative(key(1))
    k.decide(pid, key(1), GRANT_SEND, true)
    const codes: number[] = []
    for (let i = 0; i < 20; i++) {
      codes.push(k.send(pid, key(1), null, new Uint8Array(4), SEND_ANSWER))
      // The native handler answers at once: answers pile up in the caller's queue.
      for (const a of k.takeActions()) if (a.id !== 0) k.answer(KERNEL_PID, a.id, 0, new Uint8Array(100))
    }
    expect(codes.filter((c) => c === OK)).toHaveLength(8)
    expect(codes.slice(8).every((c) => c === QUEUE_FULL)).toBe(true)
    // Taking an answer makes room for one more call.
    expect(k.poll(pid, NO_IDS, 1 << 20)).toBeGreaterThan(0)
    expect(k.send(pid, key(1), null, new Uint8Array(4), SEND_ANSWER)).toBe(OK)
  })

  test('messages held for an undecided grant are bounded in bytes per sender', () => {
    const config = new KernelConfig()
    config.maxHeldBytes = 1 << 20
    const k = new Kernel(config)
    const pid = k.spawn(0)
    const codes: number[] = []
    for (let i = 0; i < 300; i++) codes.push(k.send(pid, key(2), null, new Uint8Array(256 * 1024), 0))
    expect(codes.filter((c) => c === OK)).toHaveLength(3)
    expect(codes[299]).toBe(QUEUE_FULL)
    expect(k.totalBytes).toBeLessThanOrEqual(1 << 20)
    // Once decided, the held bytes are released.
    k.decide(pid, key(2), GRANT_SEND, false)
    expect(k.totalBytes).toBe(0)
  })

  test('messages waiting for a handler (flag 2) are bounded per sender across interfaces', () => {
    const config = new KernelConfig()
    config.maxHeldBytes = 4 << 20
    const k = new Kernel(config)
    const pid = k.spawn(0)
    let accepted = 0
    const payload = new Uint8Array(64 * 1024)
    for (let d = 0; d < 40; d++) {
      k.decide(pid, key(100 + d), GRANT_SEND, true)
      for (let i = 0; i < 1024; i++) if (k.send(pid, key(100 + d), null, payload, SEND_WAIT_HANDLER) === OK) accepted++
    }
    expect(accepted).toBeLessThanOrEqual(64)
    expect(k.totalBytes).toBeLessThanOrEqual(4 << 20)
    k.exit(pid, 0)
    expect(k.totalBytes).toBe(0)
  })

  test('a queue past four times its bound is reported so the host ends its process', () => {
    const config = new KernelConfig()
    config.maxQueueBytes = 1 << 20
    const k = new Kernel(config)
    const pid = k.spawn(0)
    k.registerNative(key(3))
    k.decide(pid, key(3), GRANT_SEND, true)
    const ids: number[] = []
    for (let i = 0; i < 8; i++) {
      expect(k.send(pid, key(3), null, new Uint8Array(4), SEND_ANSWER)).toBe(OK)
      ids.push(k.lastId)
    }
    k.takeActions()
    // Large answers (each allowed) to calls made before the queue filled up.
    for (const id of ids) k.answer(KERNEL_PID, id, 0, new Uint8Array(700 * 1024))
    expect(k.takeActions().some((a) => a.kind === ACTION_OVERFLOW && a.pid === pid)).toBe(true)
    // And its next call is refused.
    expect(k.send(pid, key(3), null, new Uint8Array(4), SEND_ANSWER)).toBe(QUEUE_FULL)
  })
})

describe('bounds on a real run', { timeout: 90_000 }, () => {
  test('100 tables of 10M entries under --max-memory 16MiB: a one-line error, no fatal OOM', async () => {
    const tables = '(table 10000000 funcref)\n'.repeat(100)
    const m = wat(`(module (memory (export "memory") 1) ${tables} (func (export "_start")))`)
    const r = await wasmos(['run', '--max-memory', '16MiB', m], { timeoutMs: 60_000 })
    expect(r.stderr).not.toMatch(/FATAL|out of memory/)
    expect(r.code).toBe(1)
    expect(r.stderr.trim().split('\n')).toHaveLength(1)
    expect(r.stderr).toMatch(/^wasmos: .*tables need 1000000000 entries, more than the 1048576 allowed/)
    // A modest table runs, and table.grow stops at the bound (returns -1) rather than growing on.
    const ok = wat(`(module (memory (export "memory") 1) (table $t 1000 funcref)
      (func (export "_start")
        (if (i32.ne (table.grow $t (ref.null func) (i32.const 1000)) (i32.const 1000)) (then unreachable))
        (if (i32.ne (table.grow $t (ref.null func) (i32.const 5000000)) (i32.const -1)) (then unreachable))))`)
    const r2 = await wasmos(['run', '--max-memory', '16MiB', ok], { timeoutMs: 30_000 })
    expect(r2.stderr).toBe('')
    expect(r2.code).toBe(0)
  })

  test('a program flooding process.args calls it never waits for ends cleanly (QUEUE_FULL, bounded)', async () => {
    // 2M calls expecting an answer, never waiting; traps unless some send got QUEUE_FULL (5).
    const m = wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${digest('process')}")
  (data (i32.const 32) "\\91\\00")
  (func (export "_start") (local $i i32) (local $full i32)
    (loop $l
      (if (i32.eq (call $send (i32.const 0) (i32.const 32) (i32.const 2) (i32.const 1) (i32.const 64)) (i32.const 5))
        (then (local.set $full (i32.const 1))))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 2000000))))
    (if (i32.eqz (local.get $full)) (then unreachable))))`)
    const r = await wasmos(['run', m], { timeoutMs: 60_000 })
    expect(r.stderr).not.toMatch(/FATAL|out of memory/)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })

  test('flag-2 sends to 40 unhandled interfaces are refused past the bound', async () => {
    // 40 digests x 1024 sends of 64 KiB with SEND_WAIT_HANDLER; traps unless QUEUE_FULL came.
    const m = wat(`
(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (func (export "_start") (local $d i32) (local $i i32) (local $full i32)
    (loop $digests
      (i32.store (i32.const 0) (i32.add (i32.const 0x5a5a0000) (local.get $d)))
      (local.set $i (i32.const 0))
      (loop $sends
        (if (i32.eq (call $send (i32.const 0) (i32.const 64) (i32.const 65536) (i32.const 2) (i32.const 32)) (i32.const 5))
          (then (local.set $full (i32.const 1))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $sends (i32.lt_u (local.get $i) (i32.const 1024))))
      (local.set $d (i32.add (local.get $d) (i32.const 1)))
      (br_if $digests (i32.lt_u (local.get $d) (i32.const 40))))
    (if (i32.eqz (local.get $full)) (then unreachable))))`)
    const r = await wasmos(['run', '--allow-all', m], { timeoutMs: 60_000 })
    expect(r.stderr).not.toMatch(/FATAL|out of memory/)
    expect(r.stderr).toBe('')
    expect(r.code).toBe(0)
  })
})
