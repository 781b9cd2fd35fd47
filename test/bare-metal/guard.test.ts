// kernel.wasm's linear memory behind guard pages (bare-metal/wasm_glue.c): wasm2c's code checks
// no bounds, so these hand-written kernels check that grown memory is mapped and zeroed up to its
// last byte, and that an access one byte past the end, or as far as a 32-bit address plus a
// 32-bit offset reaches, is still the wasm trap (a page fault turned into it), not a read.
import { afterAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { boot, root, skipReason } from './vm.ts'

const dir = mkdtempSync(join(tmpdir(), 'wasmos-bm-guard-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

/** An ISO whose kernel.wasm (one 64 KiB page) runs `body` in kmain after writing "start\n". */
function iso (name: string, body: string): string {
  const wat = `(module
    (import "stub" "serial_write" (func $write (param i32 i32)))
    (import "stub" "exit" (func $exit (param i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "start\\n")
    (data (i32.const 32) "grown memory zeroed and writable to its last byte\\n")
    (func (export "kmain") (call $write (i32.const 16) (i32.const 6)) ${body}))`
  writeFileSync(join(dir, `${name}.wat`), wat)
  execFileSync('wat2wasm', [join(dir, `${name}.wat`), '-o', join(dir, `${name}.wasm`)])
  const out = join(dir, `${name}.iso`)
  const r = spawnSync('make', ['-s', '-C', join(root, 'bare-metal'), 'iso', `BUILD=${join(dir, 'build')}`,
    `KERNEL_WASM=${join(dir, `${name}.wasm`)}`, `ISO=${out}`, 'MODULES='], { encoding: 'utf8' })
  assert.equal(r.status, 0, r.stdout + r.stderr)
  return out
}

async function trapped (path: string): Promise<string> {
  const vm = boot(path)
  try {
    await vm.waitFor(/kernel\.wasm trapped: .*\n/)
    assert.equal(await vm.exited, (0x7f << 1) | 1)
    return vm.output()
  } finally {
    vm.kill()
  }
}

describe.skipIf(skipReason !== false)('kernel.wasm memory behind guard pages', () => {
  it('maps grown memory zeroed up to its last byte and traps one byte past it', async () => {
    // 1 page, grown by 2: the new pages read as zero and their last byte takes a store; the byte
    // after them is past the end.
    const out = await trapped(iso('past-end', `
      (if (i32.ne (memory.grow (i32.const 2)) (i32.const 1)) (then (unreachable)))
      (if (i64.ne (i64.load (i32.const 65536)) (i64.const 0)) (then (unreachable)))
      (if (i32.ne (i32.load8_u (i32.const 196607)) (i32.const 0)) (then (unreachable)))
      (i32.store8 (i32.const 196607) (i32.const 7))
      (if (i32.ne (i32.load8_u (i32.const 196607)) (i32.const 7)) (then (unreachable)))
      (call $write (i32.const 32) (i32.const 51))
      (drop (i32.load8_u (i32.const 196608)))
      (call $exit (i32.const 5))`))
    assert.match(out, /start\ngrown memory zeroed and writable to its last byte\n/)
    assert.match(out, /kernel\.wasm trapped: Out-of-bounds access in linear memory/)
  })

  it('traps a load as far as an address plus an offset reaches, and a store straddling the end', async () => {
    const far = await trapped(iso('far', `
      (drop (i64.load offset=0xffffffff (i32.const 0xffffffff)))
      (call $exit (i32.const 5))`))
    assert.match(far, /kernel\.wasm trapped: Out-of-bounds access in linear memory/)
    assert.doesNotMatch(far, /CPU exception/)
    // An 8-byte store whose first 4 bytes are in bounds.
    const straddle = await trapped(iso('straddle', `
      (i64.store (i32.const 65532) (i64.const -1))
      (call $exit (i32.const 5))`))
    assert.match(straddle, /kernel\.wasm trapped: Out-of-bounds access in linear memory/)
  })
})
