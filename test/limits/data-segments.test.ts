// The bounds pass writes active data segments that lie close together as one (each segment costs
// every instance a few words): the memory a program starts with must be the same bytes, and a
// module where the change could be seen (segments named by code, passive or overlapping ones, an
// imported memory) must be left as it is.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { boundModule } from '../../src/kernel/node/bounds.ts'
import { ROOT, wat } from '../hardening/helpers.ts'

function instantiate (bytes: Uint8Array, memory?: WebAssembly.Memory): WebAssembly.Instance {
  const module = new WebAssembly.Module(bytes as Uint8Array<ArrayBuffer>)
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {}
  for (const i of WebAssembly.Module.imports(module)) {
    imports[i.module] ??= {}
    imports[i.module][i.name] = i.kind === 'memory' ? memory! : () => { throw new Error(`${i.module}.${i.name} called`) }
  }
  return new WebAssembly.Instance(module, imports)
}

function memoryOf (bytes: Uint8Array): Uint8Array {
  const m = Object.values(instantiate(bytes).exports).find((e) => e instanceof WebAssembly.Memory)
  assert.ok(m instanceof WebAssembly.Memory)
  return new Uint8Array(m.buffer)
}

/** The number of data segments: the count that opens the data section. */
function segments (bytes: Uint8Array): number {
  let at = 8
  const leb = (): number => {
    let n = 0
    let shift = 0
    for (;;) {
      const b = bytes[at++]
      n += (b & 0x7f) * 2 ** shift
      shift += 7
      if ((b & 0x80) === 0) return n
    }
  }
  while (at < bytes.length) {
    const id = bytes[at++]
    const size = leb()
    if (id === 11) return leb()
    at += size
  }
  return 0
}

test('every built program starts with the same memory, in fewer segments', () => {
  const dir = join(ROOT, 'programs', 'build')
  const files = readdirSync(dir).filter((f) => f.endsWith('.wasm'))
  assert.ok(files.length > 10, 'the programs are built (npm run build -- programs)')
  let merged = 0
  for (const f of files) {
    const bytes = readFileSync(join(dir, f))
    const out = boundModule(bytes, null, false)
    if (out === bytes) continue
    merged++
    assert.ok(segments(out) < segments(bytes), f)
    assert.deepEqual(memoryOf(out), memoryOf(bytes), f)
  }
  assert.ok(merged > 10, `${merged} programs had their segments joined`)
})

test('segments close together become one, far apart ones stay apart, and the bytes are the same', () => {
  const bytes = wat(`(module (memory (export "memory") 2)
    (data (i32.const 100) "ab") (data (i32.const 16) "xyz") (data (i32.const 120) "") (data (i32.const 104) "cd")
    (data (i32.const 70000) "far"))`)
  const out = boundModule(readFileSync(bytes), null, false)
  assert.equal(segments(out), 2)
  assert.deepEqual(memoryOf(out), memoryOf(readFileSync(bytes)))
})

test('a segment past the end of memory still fails instantiation', () => {
  const bytes = readFileSync(wat(`(module (memory (export "memory") 1)
    (data (i32.const 65500) "ab") (data (i32.const 65535) "cd"))`))
  const out = boundModule(bytes, null, false)
  assert.equal(segments(out), 1)
  assert.throws(() => instantiate(bytes), /data segment/)
  assert.throws(() => instantiate(out), /data segment/)
})

test('modules where joining could be seen are left as they are', () => {
  const cases = {
    'memory.init in the code': `(module (memory 1) (data (i32.const 0) "a") (data (i32.const 4) "b")
      (func (memory.init 1 (i32.const 0) (i32.const 0) (i32.const 0))))`,
    'data.drop in the code': '(module (memory 1) (data (i32.const 0) "a") (data (i32.const 4) "b") (func (data.drop 0)))',
    'a passive segment': '(module (memory 1) (data (i32.const 0) "a") (data "b"))',
    'overlapping segments': '(module (memory 1) (data (i32.const 0) "abcd") (data (i32.const 2) "x"))',
    'an imported memory': '(module (import "m" "memory" (memory 1)) (data (i32.const 0) "a") (data (i32.const 4) "b"))',
    'an offset from a global': '(module (import "m" "g" (global $g i32)) (memory 1) (data (i32.const 0) "a") (data (global.get $g) "b"))'
  }
  for (const [what, text] of Object.entries(cases)) {
    const bytes = readFileSync(wat(text))
    assert.equal(boundModule(bytes, null, false), bytes, what)
  }
  // Overlapping segments keep their order: the later one's byte wins, as before.
  const overlap = readFileSync(wat('(module (memory (export "memory") 1) (data (i32.const 0) "abcd") (data (i32.const 2) "x"))'))
  assert.equal(String.fromCharCode(...memoryOf(overlap).subarray(0, 4)), 'abxd')
})
