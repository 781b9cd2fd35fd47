// bare-metal/Makefile with a kernel.wasm other than the test kernel: a minimal hand-written one
// boots with no boot module and exits with its own status; kernels the stub cannot run are
// refused at build time with a one-line reason.
import { afterAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { boot, root, skipReason } from './vm.ts'

const dir = mkdtempSync(join(tmpdir(), 'wasmos-bm-build-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function wasm (name: string, wat: string): string {
  writeFileSync(join(dir, `${name}.wat`), wat)
  execFileSync('wat2wasm', [join(dir, `${name}.wat`), '-o', join(dir, `${name}.wasm`)])
  return join(dir, `${name}.wasm`)
}

function make (target: string, vars: Record<string, string>): { status: number | null, output: string } {
  const all = { BUILD: join(dir, 'build'), ...vars }
  const r = spawnSync('make', ['-s', '-C', join(root, 'bare-metal'), target,
    ...Object.entries(all).map(([k, v]) => `${k}=${v}`)], { encoding: 'utf8' })
  return { status: r.status, output: r.stdout + r.stderr }
}

describe.skipIf(skipReason !== false)('bare-metal build with another kernel.wasm', () => {
  it('boots a minimal kernel without boot modules and exits with its status', async () => {
    const kernel = wasm('exit5', `(module
      (import "stub" "serial_write" (func $write (param i32 i32)))
      (import "stub" "exit" (func $exit (param i32)))
      (memory (export "memory") 1)
      (data (i32.const 16) "minimal kernel\\n")
      (func (export "kmain") (call $write (i32.const 16) (i32.const 15)) (call $exit (i32.const 5))))`)
    const iso = join(dir, 'exit5.iso')
    const r = make('iso', { KERNEL_WASM: kernel, ISO: iso, MODULES: '' })
    assert.equal(r.status, 0, r.output)
    const vm = boot(iso)
    try {
      await vm.waitFor(/minimal kernel\n/)
      assert.match(vm.output(), /heap \d+ KiB, 0 boot module\(s\)/)
      assert.equal(await vm.exited, (5 << 1) | 1)
    } finally {
      vm.kill()
    }
  })

  // Unbounded recursion; the call after the recursive one keeps gcc from turning it into a loop.
  const recursive = `(module
    (import "stub" "serial_write" (func $write (param i32 i32)))
    (memory (export "memory") 1)
    (data (i32.const 16) "recursing\\n")
    (func $deep (param $n i32)
      (call $deep (i32.add (local.get $n) (i32.const 1)))
      (call $write (i32.const 16) (local.get $n)))
    (func (export "kmain") (call $write (i32.const 16) (i32.const 10)) (call $deep (i32.const 0))))`

  it('traps runaway recursion in kernel.wasm at wasm2c\'s call depth limit', async () => {
    const iso = join(dir, 'recursive.iso')
    const r = make('iso', { KERNEL_WASM: wasm('recursive', recursive), ISO: iso, MODULES: '' })
    assert.equal(r.status, 0, r.output)
    const vm = boot(iso)
    try {
      await vm.waitFor(/kernel\.wasm trapped: Call stack exhausted/)
      assert.equal(await vm.exited, (0x7f << 1) | 1)
    } finally {
      vm.kill()
    }
  })

  it('reports a kernel stack overflow on the guard page when the depth limit is lifted', async () => {
    const iso = join(dir, 'overflow.iso')
    const r = make('iso', {
      KERNEL_WASM: wasm('recursive', recursive),
      ISO: iso,
      MODULES: '',
      BUILD: join(dir, 'build-deep'),
      WASM_CFLAGS: '-DWASM_RT_MAX_CALL_STACK_DEPTH=100000000',
    })
    assert.equal(r.status, 0, r.output)
    const vm = boot(iso)
    try {
      // The handler runs on its own stack (IST), so it can still print.
      await vm.waitFor(/CPU exception 14 \(#PF page fault\).* \(kernel stack overflow\)\n.*halted/)
    } finally {
      vm.kill()
    }
  })

  it('refuses a kernel that imports from a module other than "stub"', () => {
    const kernel = wasm('env', `(module (import "env" "seed" (func (result f64)))
      (memory (export "memory") 1) (func (export "kmain")))`)
    const r = make('elf', { KERNEL_WASM: kernel })
    assert.notEqual(r.status, 0)
    assert.match(r.output, /imports from modules other than "stub": 'env' 'seed'/)
  })

  it('refuses a kernel without kmain', () => {
    const kernel = wasm('nokmain', '(module (memory (export "memory") 1) (func (export "_start")))')
    const r = make('elf', { KERNEL_WASM: kernel })
    assert.notEqual(r.status, 0)
    assert.match(r.output, /does not export kmain/)
  })
})
