// The sans-IO scheduling policy: round-robin order, budgets, CPU limits, blocking, stats.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { FuelScheduler, MAX_BUDGET, MIN_BUDGET, SchedulerError, formatStats } from '../../src/kernel/node/limits/scheduler.ts'

test('round robin: each slice end sends the program to the back of the queue', () => {
  const s = new FuelScheduler({ sliceFuel: 5000 })
  s.add(1); s.add(2); s.add(3)
  const order: number[] = []
  let pid = s.next()!
  for (let i = 0; i < 9; i++) {
    order.push(pid)
    const d = s.sliceEnded(pid, 1)
    assert.deepEqual(d, { kind: 'yield', budget: 5000 })
    pid = s.next()!
  }
  assert.deepEqual(order, [1, 2, 3, 1, 2, 3, 1, 2, 3])
  assert.equal(s.stats(1).slices, 3)
  assert.equal(s.stats(2).cpuMs, 3)
})

test('alone, a program continues without yielding', () => {
  const s = new FuelScheduler({ sliceFuel: 100 })
  s.add(7)
  assert.equal(s.next(), 7)
  assert.deepEqual(s.sliceEnded(7, 2), { kind: 'continue', budget: 100 })
  assert.equal(s.current(), 7)
  assert.deepEqual(s.runnable(), [])
})

test('blocked programs leave the rotation until woken', () => {
  const s = new FuelScheduler({ sliceFuel: 100 })
  s.add(1); s.add(2); s.add(3)
  assert.equal(s.next(), 1)
  assert.equal(s.block(1, 0.5), undefined)
  assert.equal(s.next(), 2)
  assert.equal(s.sliceEnded(2, 1).kind, 'yield')
  assert.deepEqual(s.runnable(), [3, 2])
  s.wake(1)
  s.wake(1) // waking twice does not queue twice
  assert.deepEqual(s.runnable(), [3, 2, 1])
  assert.equal(s.stats(1).cpuMs, 0.5)
})

test('the CPU limit kills the program that passed it and only that one', () => {
  const s = new FuelScheduler({ sliceFuel: 100, cpuLimitMs: 10 })
  s.add(1); s.add(2, { cpuLimitMs: 1000 })
  let pid = s.next()!
  const kills: string[] = []
  for (let i = 0; i < 40 && pid !== undefined; i++) {
    const d = s.sliceEnded(pid, 3)
    if (d.kind === 'kill') { kills.push(d.reason); s.remove(pid) }
    if (d.kind !== 'continue') pid = s.next()!
  }
  assert.equal(kills.length, 1)
  assert.match(kills[0], /^cpu limit: pid 1 used 12\.0 ms of CPU time, its limit is 10\.0 ms$/)
  assert.ok(s.stats(2).slices > 10)
  assert.equal(s.charge(2, 2000)?.kind, 'kill')
})

test('with a target slice length the budget adapts, within bounds', () => {
  const s = new FuelScheduler({ sliceFuel: 1_000_000, sliceMs: 10 })
  s.add(1)
  s.next()
  assert.equal((s.sliceEnded(1, 20) as { budget: number }).budget, 500_000) // too long: halve
  assert.equal((s.sliceEnded(1, 5) as { budget: number }).budget, 1_000_000) // too short: double
  assert.equal((s.sliceEnded(1, 0.001) as { budget: number }).budget, 4_000_000) // at most 4x at once
  for (let i = 0; i < 30; i++) s.sliceEnded(1, 0.001)
  assert.equal(s.budget(1), MAX_BUDGET)
  for (let i = 0; i < 30; i++) s.sliceEnded(1, 1e6)
  assert.equal(s.budget(1), MIN_BUDGET)
})

test('stats and their table', () => {
  const s = new FuelScheduler({ sliceFuel: 100 })
  s.add(4)
  s.noteMemory(4, 65536); s.noteMemory(4, 3 * 65536); s.noteMemory(4, 65536)
  s.noteSent(4); s.noteSent(4); s.noteReceived(4)
  s.next(); s.sliceEnded(4, 1500)
  const st = s.remove(4)
  assert.deepEqual(st, { pid: 4, cpuMs: 1500, slices: 1, peakMemoryBytes: 196608, sent: 2, received: 1 })
  assert.equal(formatStats([st]), 'pid     cpu  slices  peak memory  sent  received\n4    1.50 s       1    192.0 KiB     2         1')
})

test('errors have codes', () => {
  assert.throws(() => new FuelScheduler({ sliceFuel: 0 }), (e: unknown) => e instanceof SchedulerError && e.code === 'bad-options')
  assert.throws(() => new FuelScheduler({ sliceFuel: 1, cpuLimitMs: -1 }), (e: unknown) => e instanceof SchedulerError && e.code === 'bad-options')
  const s = new FuelScheduler({ sliceFuel: 1 })
  s.add(1)
  assert.throws(() => s.add(1), (e: unknown) => e instanceof SchedulerError && e.code === 'duplicate-pid')
  assert.throws(() => s.sliceEnded(9, 1), (e: unknown) => e instanceof SchedulerError && e.code === 'unknown-pid')
})
