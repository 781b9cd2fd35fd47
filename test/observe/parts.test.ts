// The small pieces of observe/ and the console, in process: the message index read from a
// msgpack payload's first bytes, terminal keys split from one chunk, and ps's rates.
import { describe, expect, test } from 'vitest'
import { pingpong } from '../../src/interfaces/gen/index.ts'
import { messageIndex } from '../../src/kernel/node/observe/observer.ts'
import { keysOf } from '../../src/cli/commands/top.ts'
import { grantsText, rowsOf } from '../../src/cli/commands/ps.ts'
import type { Snapshot } from '../../src/kernel/node/observe/control.ts'

describe('messageIndex', () => {
  test('reads the index of real encoded messages', () => {
    expect(messageIndex(pingpong.encode({ name: 'ping', n: 7 }))).toBe(0)
    expect(messageIndex(pingpong.encode({ name: 'drop', n: 2 ** 40 }))).toBe(1)
  })

  test('array16/32 headers and uint8/16 indexes; anything else is -1', () => {
    expect(messageIndex(Uint8Array.of(0xdc, 0, 1, 5))).toBe(5)
    expect(messageIndex(Uint8Array.of(0xdd, 0, 0, 0, 1, 0xcc, 200))).toBe(200)
    expect(messageIndex(Uint8Array.of(0x92, 0xcd, 1, 2, 0))).toBe(258)
    expect(messageIndex(new Uint8Array(0))).toBe(-1)
    expect(messageIndex(Uint8Array.of(0x91))).toBe(-1)
    expect(messageIndex(Uint8Array.of(0x81, 0, 0))).toBe(-1)
    expect(messageIndex(Uint8Array.of(0x91, 0xa1))).toBe(-1)
    expect(messageIndex(Uint8Array.of(0x91, 0xcd, 1))).toBe(-1)
  })
})

test('keysOf splits arrows (both encodings) from letters typed together', () => {
  expect(keysOf('\x1b[B\x1bOBr')).toEqual(['\x1b[B', '\x1b[B', 'r'])
  expect(keysOf('k')).toEqual(['k'])
  expect(keysOf('\x1b[Aq')).toEqual(['\x1b[A', 'q'])
})

test('rowsOf: CPU share and message rates from two snapshots', () => {
  const proc = { pid: 1, name: 'p', cid: 'bafk', state: 'running' as const, memory: 65536, queue: 0, grants: [] }
  const before: Snapshot = { kernel: 9, main: 'm', startedAt: 0, now: 1000, processes: [{ ...proc, busyMs: 100, sent: 10, received: 0 }] }
  const now: Snapshot = { kernel: 9, main: 'm', startedAt: 0, now: 1500, processes: [{ ...proc, busyMs: 350, sent: 60, received: 5 }] }
  const [r] = rowsOf(now, before)
  expect(r.cpu).toBeCloseTo(50)
  expect(r.outPerSecond).toBeCloseTo(100)
  expect(r.inPerSecond).toBeCloseTo(10)
  expect(rowsOf(now, undefined)[0].cpu).toBe(0)
  expect(grantsText([{ iface: 'kv', kind: 'send', state: 'allowed' }, { iface: 'x', kind: 'handle', state: 'allowed' }, { iface: 'time', kind: 'send', state: 'denied' }])).toBe('send kv; handle x; denied time')
})
