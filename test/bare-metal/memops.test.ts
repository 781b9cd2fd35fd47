// Host-side check of the stub's memcpy, memmove and memset (bare-metal/libc.c, eight bytes at a
// time): random lengths, offsets and overlapping ranges compared with the host's libc, under
// ASan/UBSan (no byte outside the range may be touched). Compiled with the host gcc.
import { afterAll, it } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root, skipReason } from './vm.ts'

const dir = mkdtempSync(join(tmpdir(), 'wasmos-memops-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it.skipIf(skipReason !== false)('memcpy, memmove and memset match the host libc on random ranges', () => {
  const exe = join(dir, 'memops')
  const renames = ['memcpy', 'memmove', 'memset', 'memcmp', 'strlen', 'strncmp'].map((f) => `-D${f}=stub_${f}`)
  // -fno-builtin keeps the renamed functions from being folded back into builtins, as the stub's
  // -ffreestanding does; the loop flag is the stub's own (no calls to memcpy from its loops).
  execFileSync('gcc', ['-O2', '-fno-builtin', '-fno-tree-loop-distribute-patterns', '-fsanitize=address,undefined',
    `-I${join(root, 'bare-metal')}`, ...renames, '-c', join(root, 'bare-metal', 'libc.c'), '-o', join(dir, 'libc.o')], { stdio: 'pipe' })
  execFileSync('gcc', ['-O1', '-fsanitize=address,undefined', '-o', exe, join(import.meta.dirname, 'fixtures', 'memops_harness.c'),
    join(dir, 'libc.o')], { stdio: 'pipe' })
  assert.equal(execFileSync(exe, { encoding: 'utf8', timeout: 60_000 }).trim(), 'ok')
})
