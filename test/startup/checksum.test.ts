// The fuel cache's checksum (limits/cache.ts): computed in JavaScript a word at a time, so a start
// loads no node:zlib; it must still catch a damaged entry: any flipped bit, a truncation, bytes
// added; and give the same sum whatever the alignment of the bytes in memory.
import { describe, expect, test } from 'vitest'
import { checksum } from '../../src/kernel/node/limits/cache.ts'

function sample (n: number): Uint8Array {
  const bytes = new Uint8Array(n)
  for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761) >>> 24
  return bytes
}

describe('fuel cache checksum', () => {
  test('changes with every single flipped bit, truncation or added zero bytes', () => {
    const bytes = sample(1001)
    const sum = checksum(bytes)
    for (let i = 0; i < bytes.length; i++) {
      for (let b = 0; b < 8; b++) {
        bytes[i] ^= 1 << b
        expect(checksum(bytes)).not.toBe(sum)
        bytes[i] ^= 1 << b
      }
    }
    expect(checksum(bytes)).toBe(sum)
    for (const n of [0, 1, 3, 4, 1000]) expect(checksum(bytes.subarray(0, n))).not.toBe(sum)
    const longer = new Uint8Array(1004)
    longer.set(bytes)
    expect(checksum(longer)).not.toBe(sum)
  })

  test('the same sum at any alignment, for every length up to a few words', () => {
    const store = new Uint8Array(64)
    for (let n = 0; n < 20; n++) {
      const bytes = sample(n)
      const sums = new Set<number>()
      for (let at = 0; at < 4; at++) {
        store.set(bytes, at)
        sums.add(checksum(store.subarray(at, at + n)))
      }
      expect(sums.size, `${n} bytes`).toBe(1)
    }
  })
})
