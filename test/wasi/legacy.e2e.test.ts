// Modules importing only the older `wasi_unstable` still run, on @wasmer/wasi (src/wasi/legacy.ts):
// output through the kernel's stdio, proc_exit as the exit status.
import { expect, test } from 'vitest'
import { execFileSync } from 'node:child_process'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { wasmos } from '../helpers.ts'

test('a wasi_unstable program prints and exits with its status', async () => {
  const out = join(mkdtempSync(join(tmpdir(), 'wasi-unstable-')), 'unstable.wasm')
  execFileSync('wat2wasm', [join(import.meta.dirname, 'fixtures', 'unstable.wat'), '-o', out])
  const r = await wasmos(['run', out])
  expect(r.stdout).toBe('old snapshot\n')
  expect(r.code, r.stderr).toBe(3)
})
