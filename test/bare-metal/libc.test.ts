// Host-side checks of the stub's own C library pieces that wasm2c code relies on: the heap
// (bare-metal/mem.c, random malloc/realloc/free) and floor/ceil/trunc/nearbyint
// (bare-metal/math.c, compared bit for bit with the host's libm). Compiled with the host gcc.
import { afterAll, it } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { root, skipReason } from './vm.ts'

const dir = mkdtempSync(join(tmpdir(), 'wasmos-libc-'))
const bm = join(root, 'bare-metal')
const fixtures = join(import.meta.dirname, 'fixtures')
afterAll(() => rmSync(dir, { recursive: true, force: true }))

it.skipIf(skipReason !== false)('the stub heap keeps blocks intact, aligned and coalesced under random use', () => {
  const exe = join(dir, 'heap')
  execFileSync('gcc', ['-O1', '-g', '-fsanitize=address,undefined', `-I${bm}`, '-o', exe,
    join(fixtures, 'heap_harness.c'), join(bm, 'mem.c')], { stdio: 'pipe' })
  assert.equal(execFileSync(exe, { encoding: 'utf8', timeout: 60_000 }).trim(), 'ok')
})

it.skipIf(skipReason !== false)('floor/ceil/trunc/nearbyint without SSE4.1 match libm bit for bit', () => {
  const exe = join(dir, 'math')
  const renames = ['floor', 'ceil', 'trunc', 'nearbyint'].flatMap((f) => [`-D${f}=stub_${f}`, `-D${f}f=stub_${f}f`])
  // -mno-sse4.1 keeps gcc from using roundsd, as on QEMU's default CPU; -fno-builtin keeps the
  // renamed functions from being folded back into builtins.
  execFileSync('gcc', ['-O2', '-mno-sse4.1', '-fno-builtin', `-I${join(bm, 'include')}`, ...renames, '-c',
    join(bm, 'math.c'), '-o', join(dir, 'math.o')], { stdio: 'pipe' })
  execFileSync('gcc', ['-O0', '-o', exe, join(fixtures, 'math_harness.c'), join(dir, 'math.o'), '-lm'], { stdio: 'pipe' })
  assert.equal(execFileSync(exe, { encoding: 'utf8', timeout: 60_000 }).trim(), 'ok')
})
