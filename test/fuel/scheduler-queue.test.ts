// The scheduler's run queue with many processes: order kept when any of them leaves, no pid
// queued twice, and leaving costs the same whatever the number of processes.
import { describe, expect, test } from 'vitest'
import { FuelScheduler } from '../../src/kernel/node/limits/scheduler.ts'

describe('run queue', () => {
  test('removing processes anywhere keeps the others in order', () => {
    const s = new FuelScheduler({ sliceFuel: 100 })
    for (let pid = 1; pid <= 1000; pid++) s.add(pid)
    for (let pid = 2; pid <= 1000; pid += 2) s.remove(pid)
    const left = s.runnable()
    expect(left).toHaveLength(500)
    expect(left.slice(0, 3)).toEqual([1, 3, 5])
    expect(left.at(-1)).toBe(999)
    expect(s.next()).toBe(1)
    expect(s.next()).toBe(3)
  })

  test('a slice that ends for a pid still queued sends it to the back once, not twice', () => {
    const s = new FuelScheduler({ sliceFuel: 100 })
    s.add(1); s.add(2); s.add(3)
    // Without CPU accounting the host never blocks pids, so a running one may still be queued.
    expect(s.sliceEnded(1, 0).kind).toBe('yield')
    expect(s.runnable()).toEqual([2, 3, 1])
    expect(s.sliceEnded(1, 0).kind).toBe('yield')
    expect(s.runnable()).toEqual([2, 3, 1])
  })

  test('ending 20 000 processes is not quadratic in their number', () => {
    const time = (n: number): number => {
      const s = new FuelScheduler({ sliceFuel: 100 })
      for (let pid = 1; pid <= n; pid++) s.add(pid)
      const t = performance.now()
      for (let pid = 1; pid <= n; pid++) s.remove(n + 1 - pid)
      expect(s.runnable()).toEqual([])
      return performance.now() - t
    }
    time(2000)
    const small = Math.max(time(2000), 2)
    const large = time(20_000)
    // Ten times the processes: about ten times the time; a walk of the queue per removal is 100×.
    expect(large).toBeLessThan(small * 40)
  })
})
