// The fuel cache's checksum: CRC-32 in JavaScript for small modules (no node:zlib at start), zlib's
// for large ones; the same number as zlib's for every size, so entries stay readable either way.
import { describe, expect, test } from 'vitest'
import { crc32 as zlibCrc32 } from 'node:zlib'
import { crc32 } from '../../src/kernel/node/limits/cache.ts'

describe('fuel cache checksum', () => {
  test('equals zlib crc32 below, at and above the size where zlib takes over', () => {
    for (const n of [0, 1, 7, 255, 4096, 128 * 1024 - 1, 128 * 1024, 128 * 1024 + 1, 300_000]) {
      const bytes = new Uint8Array(n)
      for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761) >>> 24
      expect(crc32(bytes), `${n} bytes`).toBe(zlibCrc32(bytes))
    }
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926)
  })
})
