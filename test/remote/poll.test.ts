// Polling for replies (src/remote/poll.ts): which way a link waits, from the waits it measured
// (a clock the test moves), that a window keeps the event loop turning and then ends, and that
// a machine other processes keep busy is not polled on, and a real direct link measures both ways.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { busyElsewhere, BusyPoll, cpuTicks, crowded, PROBE_POLL_EVERY, PROBE_SLEEP_EVERY, SAMPLES } from '../../src/remote/poll.ts'
import { caller, callerNode, DIGEST, KEY, servingPeer } from './peers.ts'
import type { ServingPeer } from './peers.ts'

/** A BusyPoll on a clock the test sets, and a wait whose reply takes `ms` polling and sleeping. */
function measured (pollMs: number, sleepMs: number): { poll: BusyPoll, wait: () => boolean } {
  let t = 0
  const poll = new BusyPoll({ now: () => t, busy: () => false })
  return {
    poll,
    /** One wait; whether it polled. */
    wait () {
      poll.expect()
      const polled = poll.polling
      t += polled ? pollMs : sleepMs
      poll.arrived()
      return polled
    }
  }
}

describe('which way a link waits', () => {
  test('both ways are measured first, alternately', () => {
    const { wait } = measured(0.03, 0.1)
    const ways = Array.from({ length: 2 * SAMPLES }, wait)
    expect(ways).toEqual(Array.from({ length: 2 * SAMPLES }, (_, i) => i % 2 === 0))
  })

  test('when polling brings replies sooner, it polls, and sleeps once in PROBE_SLEEP_EVERY waits to keep measuring', () => {
    const { poll, wait } = measured(0.03, 0.1)
    for (let i = 0; i < 2 * SAMPLES; i++) wait()
    const ways = Array.from({ length: 4 * PROBE_SLEEP_EVERY }, wait)
    expect(ways.filter((p) => !p).length).toBe(4)
    expect(poll.stats.polledMs).toBeCloseTo(0.03)
    expect(poll.stats.sleptMs).toBeCloseTo(0.1)
  })

  test('when it does not (the peer shares the CPU), it sleeps, and polls once in PROBE_POLL_EVERY waits', () => {
    const { wait } = measured(0.12, 0.03)
    for (let i = 0; i < 2 * SAMPLES; i++) wait()
    const ways = Array.from({ length: 4 * PROBE_POLL_EVERY }, wait)
    expect(ways.filter((p) => p).length).toBe(4)
  })

  test('a small gain is not worth polling', () => {
    const { wait } = measured(0.09, 0.1)
    for (let i = 0; i < 2 * SAMPLES; i++) wait()
    expect(Array.from({ length: PROBE_POLL_EVERY }, wait).filter((p) => p).length).toBe(1)
  })

  test('when what is measured changes, the choice follows within a few probes', () => {
    let pollMs = 0.03
    let t = 0
    const poll = new BusyPoll({ now: () => t, busy: () => false })
    const wait = (): boolean => {
      poll.expect()
      const polled = poll.polling
      t += polled ? pollMs : 0.1
      poll.arrived()
      return polled
    }
    for (let i = 0; i < 200; i++) wait()
    pollMs = 0.15
    for (let i = 0; i < 400; i++) wait()
    expect(Array.from({ length: 64 }, wait).filter((p) => p).length).toBeLessThanOrEqual(64 / PROBE_POLL_EVERY)
  })

  test('window 0 never polls', () => {
    let t = 0
    const poll = new BusyPoll({ windowMs: 0, now: () => t, busy: () => false })
    for (let i = 0; i < 50; i++) {
      poll.expect()
      expect(poll.polling).toBe(false)
      t += 0.01
      poll.arrived()
    }
  })
})

test('a crowded machine is never polled on, and its waits are not measured', () => {
  let t = 0
  let busy = true
  const poll = new BusyPoll({ now: () => t, busy: () => busy })
  for (let i = 0; i < 20; i++) {
    poll.expect()
    expect(poll.polling).toBe(false)
    t += 0.05
    poll.arrived()
  }
  expect(poll.stats).toMatchObject({ polled: 0, slept: 0, crowded: 20 })
  busy = false
  poll.expect()
  expect(poll.polling).toBe(true)
  poll.stop()
})

test('the machine is busy when its CPUs were neither idle nor this process\'s for half their time', () => {
  // Two CPUs over 200 ms: 40 ticks.
  expect(busyElsewhere(35, 40, 0)).toBe(false)
  expect(busyElsewhere(10, 40, 0)).toBe(true)
  // This process polled for 150 ms of it: its own time leaves the CPUs free for the rest.
  expect(busyElsewhere(10, 40, 150_000)).toBe(false)
  expect(busyElsewhere(2, 40, 100_000)).toBe(true)
  const t = cpuTicks()
  if (process.platform === 'linux') expect(t!.total).toBeGreaterThan(t!.idle)
  expect(typeof crowded()).toBe('boolean')
})

test('a window keeps the event loop from sleeping, and ends by itself', async () => {
  /** Share of the time the event loop did not sleep in its poll, while `wait` runs. */
  const busy = async (wait: () => Promise<void>): Promise<number> => {
    const before = performance.eventLoopUtilization()
    await wait()
    return performance.eventLoopUtilization(before).utilization
  }
  const ticks = async (until: () => boolean): Promise<void> => { while (!until()) await new Promise((resolve) => setTimeout(resolve, 1)) }
  const poll = new BusyPoll({ windowMs: 30, busy: () => false })
  const polling = await busy(async () => {
    poll.expect()
    expect(poll.polling).toBe(true)
    await ticks(() => !poll.polling)
  })
  let t = 0
  const asleep = await busy(async () => { await ticks(() => ++t > 15) })
  // Near 1 and near 0 on an idle machine; a process made to wait for a CPU in its poll counts that as idle.
  expect(polling).toBeGreaterThan(asleep + 0.4)
  // A reply after the window still ends the wait, counted as polled.
  poll.arrived()
  expect(poll.stats.polled).toBe(1)
})

describe('over a real direct link', () => {
  let serving: ServingPeer
  let calling: Awaited<ReturnType<typeof callerNode>>

  beforeAll(async () => {
    calling = await callerNode('poll-caller')
    serving = await servingPeer({
      label: 'poll-server',
      handlers: (host) => [{ key: KEY, name: 'test', handle (msg) { if (msg.expectsAnswer) host.answer(msg.id, 0, msg.payload) } }]
    })
  })

  afterAll(async () => {
    await serving?.close()
    await calling?.close()
  })

  test('a caller in a loop measures both ways of waiting for its answers', async () => {
    const { host, peer } = caller(calling.node, serving.addr)
    for (let i = 0; i < 100; i++) {
      const a = await host.call(KEY, DIGEST, Buffer.from([i]))
      expect(a.payload[0]).toBe(i)
    }
    expect(peer.via).toBe('direct')
    const stats = peer.pollStats!
    // The first call went out as the link opened, before anything was measured; waits while the
    // machine had more runnable tasks than CPUs are not measured.
    expect(stats.polled + stats.slept + stats.crowded).toBe(99)
    if (stats.crowded === 0) {
      expect(stats.polled).toBeGreaterThanOrEqual(8)
      expect(stats.slept).toBeGreaterThanOrEqual(8)
      expect(stats.polledMs).toBeGreaterThan(0)
    }
    await host.close()
  })
})
