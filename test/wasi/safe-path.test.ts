// The resolver shared by the fs interface and WASI (src/interfaces/native/safe-path.ts), in
// process: its rules (.., absolute paths and links, links inside), and thousands of resolutions
// while a directory of the path is swapped with a link to outside: none escapes, where the naive
// path-string open it replaced escapes often under the same race.
import { afterEach, describe, expect, test } from 'vitest'
import { closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, readSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { at, openRoot, resolveBeneath } from '../../src/interfaces/native/safe-path.ts'
import { raceFixture } from './race.ts'
import type { Race } from './race.ts'

/** Reads a file through the resolver, as the fs interface and WASI do. */
function readBeneath (root: number, path: string): string {
  const r = resolveBeneath(root, path, true)
  try {
    const fd = openSync(at(r.dir, r.name), constants.O_RDONLY | constants.O_NOFOLLOW)
    try {
      const buf = Buffer.alloc(64)
      return buf.subarray(0, readSync(fd, buf)).toString()
    } finally { closeSync(fd) }
  } finally { r.release() }
}

function codeOf (fn: () => unknown): string {
  try { fn(); return 'ok' } catch (err) { return (err as { code: string }).code }
}

describe('resolveBeneath', () => {
  test('.., absolute paths and absolute or escaping links are refused; links inside work', () => {
    const base = mkdtempSync(join(tmpdir(), 'safe-path-'))
    const root = join(base, 'root')
    mkdirSync(join(root, 'a', 'b'), { recursive: true })
    writeFileSync(join(root, 'a', 'b', 'f.txt'), 'inside')
    writeFileSync(join(base, 'secret.txt'), 'SECRET')
    symlinkSync('a/b/f.txt', join(root, 'rel-in'))
    symlinkSync('../b', join(root, 'a', 'b', 'loop-ok'))
    symlinkSync(join(base, 'secret.txt'), join(root, 'abs-out'))
    symlinkSync('../secret.txt', join(root, 'rel-out'))
    symlinkSync('a/../../secret.txt', join(root, 'rel-out-2'))
    symlinkSync('self', join(root, 'self'))
    const fd = openRoot(root)
    try {
      expect(readBeneath(fd, 'a/b/f.txt')).toBe('inside')
      expect(readBeneath(fd, 'rel-in')).toBe('inside')
      expect(readBeneath(fd, 'a/b/loop-ok/f.txt')).toBe('inside')
      expect(readBeneath(fd, 'a/b/../../a/./b/f.txt')).toBe('inside')
      expect(codeOf(() => readBeneath(fd, '../secret.txt'))).toBe('ENOTCAPABLE')
      expect(codeOf(() => readBeneath(fd, 'a/../../secret.txt'))).toBe('ENOTCAPABLE')
      expect(codeOf(() => readBeneath(fd, '/etc/passwd'))).toBe('ENOTCAPABLE')
      expect(codeOf(() => readBeneath(fd, 'abs-out'))).toBe('ENOTCAPABLE')
      expect(codeOf(() => readBeneath(fd, 'rel-out'))).toBe('ENOTCAPABLE')
      expect(codeOf(() => readBeneath(fd, 'rel-out-2'))).toBe('ENOTCAPABLE')
      expect(codeOf(() => readBeneath(fd, 'self'))).toBe('ELOOP')
      expect(codeOf(() => readBeneath(fd, 'a/b/f.txt/x'))).toBe('ENOTDIR')
      expect(codeOf(() => readBeneath(fd, 'a/nope/f.txt'))).toBe('ENOENT')
      // Not following the last link: the link itself is named, in the directory holding it.
      const r = resolveBeneath(fd, 'abs-out', false)
      expect(r.name).toBe('abs-out')
      r.release()
    } finally { closeSync(fd) }
  })
})

describe('a directory swapped with a link to outside during resolution', () => {
  let race: Race | null = null
  afterEach(async () => { await race?.stop(); race?.dispose(); race = null })

  for (const relativeLink of [false, true]) {
    test(`0 escapes in thousands of reads (${relativeLink ? 'relative' : 'absolute'} link)`, async () => {
      race = raceFixture(relativeLink)
      await race.start()
      const fd = openRoot(race.root)
      let secret = 0
      let inside = 0
      let refused = 0
      try {
        for (let i = 0; i < 5000; i++) {
          try {
            const text = readBeneath(fd, 'sub/passwd')
            if (text.includes('SECRET')) secret++
            else if (text.includes('inside')) inside++
          } catch { refused++ }
        }
      } finally { closeSync(fd) }
      // The naive way, a path string opened by the kernel with only the last step unfollowed,
      // under the very same race: it escapes, which shows the race is real.
      let naive = 0
      for (let i = 0; i < 5000 && naive === 0; i++) {
        try {
          if (readFileSync(join(race.root, 'sub', 'passwd'), { flag: constants.O_RDONLY | constants.O_NOFOLLOW }).toString().includes('SECRET')) naive++
        } catch { /* swapped mid-way */ }
      }
      expect(await race.stop()).toBeGreaterThan(0)
      expect(secret).toBe(0)
      expect(inside).toBeGreaterThan(0)
      expect(refused).toBeGreaterThan(0)
      expect(naive).toBeGreaterThan(0)
    })
  }
})
