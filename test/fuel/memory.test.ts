// The memory cap of the fuel rewrite, checked against V8's own behaviour (Node 24): memory.grow
// past the cap returns -1 as the spec says, a memory bomb stops at the cap, and a second program
// keeps its memory.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { counter, fixture, instantiate, toWat, wat } from './helpers.ts'

const PAGE = 65536

function load (bytes: Uint8Array, cap: number) {
  const m = instantiate(rewriteModule(bytes, { maxMemoryPages: cap }), { [REFUEL_MODULE]: { [REFUEL_NAME]: counter(10_000).refuel } })
  return { m, memory: m.memory as unknown as WebAssembly.Memory }
}

test('memory.grow beyond the cap returns -1 and leaves the memory as it was', () => {
  const { m, memory } = load(fixture('grow'), 8)
  assert.equal(m.size(), 1)
  assert.equal(m.grow(3), 1) // old size
  assert.equal(m.grow(5), -1) // 4 + 5 > 8
  assert.equal(m.size(), 4)
  assert.equal(m.grow(4), 4) // exactly to the cap
  assert.equal(m.grow(1), -1)
  assert.equal(m.grow(0), 8) // growing by 0 still answers the size
  assert.equal(memory.buffer.byteLength, 8 * PAGE)
  assert.throws(() => memory.grow(1), RangeError) // the host side sees the same maximum
})

test('the original module grows past the cap; the rewritten one does not', () => {
  const original = instantiate(fixture('grow'))
  assert.equal(original.grow(20), 1)
  const { m } = load(fixture('grow'), 16)
  assert.equal(m.grow(20), -1)
})

test('a memory bomb stops at the cap while another program keeps its memory', () => {
  const cap = 64 // 4 MiB
  const keeper = load(fixture('grow'), cap)
  assert.equal(keeper.m.grow(9), 1)
  const view = new Uint8Array(keeper.memory.buffer)
  for (let i = 0; i < view.length; i += 4099) view[i] = (i * 31) & 255

  const bomb = load(fixture('grow'), cap)
  assert.equal(bomb.m.bomb(), cap, 'the bomb reached exactly the cap')
  assert.equal(bomb.memory.buffer.byteLength, cap * PAGE)

  assert.equal(keeper.m.size(), 10)
  const after = new Uint8Array(keeper.memory.buffer)
  for (let i = 0; i < after.length; i += 4099) assert.equal(after[i], (i * 31) & 255)
  assert.equal(keeper.m.grow(1), 10, 'the other program can still grow within its own cap')
})

test('the default cap of 256 MiB: a bomb stops at 4096 pages', () => {
  const { m, memory } = load(fixture('grow'), 4096)
  assert.equal(m.bomb(), 4096)
  assert.equal(memory.buffer.byteLength, 256 * 1024 * 1024)
})

test('a declared maximum below the cap is kept; one above is lowered', () => {
  const low = wat('(module (memory (export "memory") 1 3) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))')
  assert.match(toWat(rewriteModule(low, { maxMemoryPages: 100 })), /\(memory \(;0;\) 1 3\)/)
  const high = wat('(module (memory (export "memory") 1 5000) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))')
  assert.match(toWat(rewriteModule(high, { maxMemoryPages: 100 })), /\(memory \(;0;\) 1 100\)/)
  const { m } = load(high, 100)
  assert.equal(m.grow(99), 1)
  assert.equal(m.grow(1), -1)
})

test('an imported memory is capped: only a memory within the cap links', () => {
  const bytes = wat('(module (import "env" "memory" (memory 1)) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))')
  const out = rewriteModule(bytes, { maxMemoryPages: 8 })
  const imports = (memory: WebAssembly.Memory) => ({ env: { memory }, [REFUEL_MODULE]: { [REFUEL_NAME]: () => 1000 } })
  assert.throws(() => instantiate(out, imports(new WebAssembly.Memory({ initial: 1 }))), WebAssembly.LinkError)
  assert.throws(() => instantiate(out, imports(new WebAssembly.Memory({ initial: 1, maximum: 9 }))), WebAssembly.LinkError)
  const m = instantiate(out, imports(new WebAssembly.Memory({ initial: 1, maximum: 8 })))
  assert.equal(m.grow(7), 1)
  assert.equal(m.grow(1), -1)
})

test('a shared memory keeps its flags and gets the cap', () => {
  const bytes = wat('(module (memory (export "memory") 1 65536 shared) (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0))))')
  const { m, memory } = load(bytes, 4)
  assert.ok(memory.buffer instanceof SharedArrayBuffer)
  assert.equal(m.grow(3), 1)
  assert.equal(m.grow(1), -1)
})
