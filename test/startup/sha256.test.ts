// SHA-256 without node:crypto at start (kernel/node/sha256.ts): the embedded module is what
// sha256.wat assembles to, and every digest equals node:crypto's, at each padding boundary, for
// strings (UTF-8) and on both sides of the size where node:crypto takes over.
import { describe, expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SHA256_WASM, sha256 } from '../../src/kernel/node/sha256.ts'
import { ROOT } from '../helpers.ts'

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex')

describe('sha256', () => {
  test('the embedded module is sha256.wat assembled', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmos-sha256-'))
    try {
      const out = join(dir, 'sha256.wasm')
      execFileSync('wat2wasm', [join(ROOT, 'src', 'kernel', 'node', 'sha256.wat'), '-o', out])
      expect(readFileSync(out).toString('base64')).toBe(SHA256_WASM)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('equals node:crypto for every padding case and for large inputs', () => {
    expect(hex(sha256('abc'))).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad')
    expect(hex(sha256('wasmos ✓'))).toBe(createHash('sha256').update('wasmos ✓').digest('hex'))
    for (const n of [0, 1, 55, 56, 57, 63, 64, 65, 119, 120, 1000, 100_000, 256 * 1024, 256 * 1024 + 1, 300_000, 70_000]) {
      const bytes = new Uint8Array(n)
      for (let i = 0; i < n; i++) bytes[i] = (i * 2654435761) >>> 24
      expect(hex(sha256(bytes)), `${n} bytes`).toBe(createHash('sha256').update(bytes).digest('hex'))
    }
  })
})
