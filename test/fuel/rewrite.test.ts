// The fuel rewrite on real modules under Node 24: preemption points, same results as the original,
// everything that names a function still working after the renumbering, determinism, errors.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import {
  FUEL_SECTION, FuelRewriteError, REFUEL_MODULE, REFUEL_NAME, rewriteModule,
} from '../../src/kernel/node/limits/rewrite/index.ts'
import { counter, fixture, instantiate, kernel, toWat, wat } from './helpers.ts'

const CAP = 4096 // 256 MiB
const rw = (bytes: Uint8Array, maxMemoryPages = CAP): Uint8Array => rewriteModule(bytes, { maxMemoryPages })

function withFuel (bytes: Uint8Array, refuel: () => number, imports: WebAssembly.Imports = {}) {
  return instantiate(bytes, { ...imports, [REFUEL_MODULE]: { [REFUEL_NAME]: refuel } })
}

test('the rewritten module imports the refuel function and validates', () => {
  const out = rw(fixture('spin'))
  assert.ok(WebAssembly.validate(out))
  const imports = WebAssembly.Module.imports(new WebAssembly.Module(out))
  assert.deepEqual(imports, [{ module: REFUEL_MODULE, name: REFUEL_NAME, kind: 'function' }])
  assert.equal(WebAssembly.Module.customSections(new WebAssembly.Module(out), FUEL_SECTION).length, 1)
})

for (const fn of ['spin', 'spin_calls']) {
  test(`an endless loop (${fn}) keeps calling refuel, and a throwing refuel ends it`, () => {
    const fuel = counter(10_000, 50)
    const m = withFuel(rw(fixture('spin')), fuel.refuel)
    assert.throws(() => m[fn](-1), /out of fuel/)
    assert.equal(fuel.calls, 51)
  })
}

test('fuel is charged per loop iteration: more iterations, more refuels', () => {
  const few = counter(1000)
  withFuel(rw(fixture('spin')), few.refuel).spin(10_000)
  const many = counter(1000)
  withFuel(rw(fixture('spin')), many.refuel).spin(100_000)
  assert.ok(few.calls >= 10, `${few.calls} refuels for 10k iterations`)
  assert.ok(many.calls > few.calls * 8 && many.calls < few.calls * 12, `${few.calls} vs ${many.calls}`)
})

test('recursion without loops is preempted at function entries', () => {
  const fuel = counter(100)
  const m = withFuel(rw(fixture('spin')), fuel.refuel)
  assert.equal(m.fib(20), 6765)
  assert.ok(fuel.calls > 100, `${fuel.calls} refuels`)
})

test('a tail-call loop (return_call) is preempted', () => {
  const fuel = counter(50)
  const log: number[] = []
  const m = withFuel(rw(fixture('features')), fuel.refuel, { env: { add: (a: number, b: number) => a + b, log: (x: number) => log.push(x) } })
  assert.equal(m.countdown(100_000), 99)
  assert.ok(fuel.calls > 1000, `${fuel.calls} refuels`)
})

test('rewritten modules compute what the originals compute, with a tiny budget', () => {
  const orig = instantiate(fixture('spin'))
  const fuel = counter(7)
  const re = withFuel(rw(fixture('spin')), fuel.refuel)
  for (const n of [0, 1, 5, 1000]) {
    assert.equal(re.spin(n), orig.spin(n))
    assert.equal(re.nested(n % 200), orig.nested(n % 200))
  }
  assert.equal(re.spin_calls(500), orig.spin_calls(500))
  assert.equal(re.fib(15), orig.fib(15))
})

test('compute kernels: fib, sieve, sha256 give the same results rewritten', () => {
  const env = { abort: () => { throw new Error('abort') } }
  const run = (name: string, n: number, budget: number): number[] => {
    const fuel = counter(budget)
    const a = instantiate(kernel(name), { env }).run(n)
    const b = withFuel(rw(kernel(name)), fuel.refuel, { env }).run(n)
    return [a, b, fuel.calls]
  }
  const [fa, fb, fc] = run('fib', 22, 500)
  assert.equal(fa, 17711)
  assert.equal(fb, 17711)
  assert.ok(fc > 10)
  const [sa, sb] = run('sieve', 100_000, 1000)
  assert.equal(sa, 9592)
  assert.equal(sb, 9592)
  for (const n of [0, 3, 55, 56, 64, 1000, 100_003]) {
    const data = Buffer.alloc(n)
    for (let i = 0; i < n; i++) data[i] = (i * 7 + 3) & 255
    const want = createHash('sha256').update(data).digest().readUInt32BE(0)
    const [ha, hb] = run('sha256', n, 300)
    assert.equal(ha >>> 0, want, `sha256 of ${n} bytes, original`)
    assert.equal(hb >>> 0, want, `sha256 of ${n} bytes, rewritten`)
  }
})

test('imports, start, element segments, call_indirect, ref.func and exports survive the renumbering', () => {
  const log: number[] = []
  const env = { add: (a: number, b: number) => a + b + 1000, log: (x: number) => { log.push(x) } }
  const m = withFuel(rw(fixture('features')), counter(1000).refuel, { env })
  assert.deepEqual(log, [42], 'the start function ran once')
  assert.equal(m.started(), 7)
  assert.equal(m.apply(0, 9, 4), 5) // $sub via the active segment
  assert.equal(m.apply(1, 9, 4), 36) // $mul
  assert.equal(m.apply(2, 9, 4), 1013) // the imported $add in the table
  assert.throws(() => m.apply(3, 9, 4), /null|uninitialized/i)
  m.load_late() // table.init from the passive segment
  assert.equal(m.apply(3, 9, 4), 18) // $twice
  assert.equal(m.via_ref(6, 2), 4 + 12) // ref.func $sub in code, $mul from a global initialiser
  assert.equal(m.add_via_import(1, 2), 1003)
  assert.equal(m.mul(6, 7), 42)
  const table = m.table as unknown as WebAssembly.Table
  assert.equal((table.get(1) as (a: number, b: number) => number)(3, 5), 15)
})

test('the name section is renumbered: names still match their functions', () => {
  const text = toWat(rw(fixture('features')))
  assert.match(text, new RegExp(`\\(import "${REFUEL_MODULE}" "${REFUEL_NAME}" \\(func \\$${REFUEL_MODULE}\\.${REFUEL_NAME} `))
  assert.match(text, /\(func \$sub \(type \$binop\)[\s\S]*?i32\.sub/)
  assert.match(text, /\(func \$mul \(type \$binop\)[\s\S]*?i32\.mul/)
  assert.match(text, /\(start \$init\)/)
  assert.match(text, /\(elem \(;0;\) \(i32\.const 0\) func \$sub \$mul \$add\)/)
  assert.match(text, /return_call \$countdown/)
  // and V8 uses them in stack traces
  const m = withFuel(rw(fixture('features')), counter(1000).refuel, { env: { add: () => 0, log: () => {} } })
  assert.throws(() => m.trap(), (err: Error) => /unreachable/.test(err.message))
})

test('an uncaught trap in a callee still reports the right function name', () => {
  const bytes = wat(`(module
    (import "env" "f" (func $f))
    (func $inner (unreachable))
    (func $outer (export "outer") (call $inner)))`)
  const m = withFuel(rw(bytes), counter(100).refuel, { env: { f: () => {} } })
  assert.throws(() => m.outer(), (err: Error) => /\$?inner/.test(err.stack ?? '') && /\$?outer/.test(err.stack ?? ''))
})

test('exceptions, br_table and blocks with results inside call-free loops keep their meaning', () => {
  const bytes = wat(`(module
    (tag $e (param i32))
    (func (export "classify") (param $n i32) (result i32)
      (local $i i32) (local $acc i32)
      (block $out (result i32)
        (loop $l (result i32)
          (block $b2 (block $b1 (block $b0
            (br_table $b0 $b1 $b2 (i32.rem_u (local.get $i) (i32.const 3))))
            (local.set $acc (i32.add (local.get $acc) (i32.const 1))) (br $b2))
            (local.set $acc (i32.add (local.get $acc) (i32.const 10))))
          (local.set $i (i32.add (local.get $i) (i32.const 1)))
          (br_if $l (i32.lt_u (local.get $i) (local.get $n)))
          (br $out (local.get $acc)))))
    (func (export "catches") (param $n i32) (result i32)
      (local $i i32)
      (try (result i32)
        (do
          (loop $l
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (if (i32.eq (local.get $i) (local.get $n)) (then (throw $e (i32.mul (local.get $i) (i32.const 2)))))
            (br $l))
          (i32.const -1))
        (catch $e))))`)
  const orig = instantiate(bytes)
  const re = withFuel(rw(bytes), counter(3).refuel)
  for (const n of [1, 2, 3, 10, 1000]) {
    assert.equal(re.classify(n), orig.classify(n))
    assert.equal(re.catches(n), n * 2)
  }
})

test('loops with parameters and results are rewritten correctly', () => {
  const bytes = wat(`(module
    (func (export "sum") (param $n i32) (result i32)
      (local $i i32)
      (i32.const 0)
      (loop $l (param i32) (result i32)
        (i32.add (local.get $i))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.le_u (local.get $i) (local.get $n))))))`)
  const fuel = counter(5)
  assert.equal(withFuel(rw(bytes), fuel.refuel).sum(100), 5050)
  assert.ok(fuel.calls > 10)
})

test('determinism: same input and options, same bytes; the options change the output', () => {
  for (const bytes of [fixture('spin'), fixture('features'), kernel('sha256')]) {
    assert.deepEqual(rw(bytes), rw(bytes))
    assert.notDeepEqual(rw(bytes, 100), rw(bytes, 200))
  }
})

test('a module whose memory minimum is above the cap is refused with a clear error', () => {
  assert.throws(() => rw(fixture('bigmem')), (err: unknown) =>
    err instanceof FuelRewriteError && err.code === 'memory-too-large' && /312\.5 MiB.*256 MiB/.test(err.message))
  assert.ok(rw(fixture('bigmem'), 5000).length > 0)
})

test('refused inputs: not wasm, truncated, already rewritten, reserved import, GC types', () => {
  const code = (f: () => unknown): string => {
    try { f() } catch (err) { if (err instanceof FuelRewriteError) return err.code; throw err }
    return 'none'
  }
  assert.equal(code(() => rw(new TextEncoder().encode('#!/bin/sh\necho hi\n'))), 'invalid-module')
  const spin = fixture('spin')
  assert.equal(code(() => rw(spin.subarray(0, spin.length - 3))), 'invalid-module')
  assert.equal(code(() => rw(rw(spin))), 'reserved-import')
  assert.equal(code(() => rw(wat(`(module (import "${REFUEL_MODULE}" "x" (func)))`))), 'reserved-import')
  // type section with one rec group holding a struct
  const gc = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 1, 5, 1, 0x4e, 1, 0x5f, 0])
  assert.equal(code(() => rw(gc)), 'unsupported')
  assert.equal(code(() => rewriteModule(spin, { maxMemoryPages: 0 })), 'bad-options')
})

test('modules without type, import or global sections get them', () => {
  const empty = new Uint8Array([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0])
  const out = rw(empty)
  assert.ok(WebAssembly.validate(out))
  const onlyMemory = wat('(module (memory (export "m") 1))')
  const m = withFuel(rw(onlyMemory), counter(1).refuel)
  assert.equal((m.m as unknown as WebAssembly.Memory).buffer.byteLength, 65536)
})

const programs = join(import.meta.dirname, '..', '..', 'programs', 'build')
const built = existsSync(programs) ? readdirSync(programs).filter((f) => f.endsWith('.wasm')).sort() : []
test('every built program rewrites to a valid module with the same imports and exports plus refuel', ({ skip }) => {
  skip(built.length === 0, 'no modules in programs/build yet: npm run build')
  for (const f of built) {
    const bytes = new Uint8Array(readFileSync(join(programs, f)))
    const before = new WebAssembly.Module(bytes)
    const after = new WebAssembly.Module(rw(bytes))
    assert.deepEqual(WebAssembly.Module.exports(after), WebAssembly.Module.exports(before), f)
    assert.deepEqual(WebAssembly.Module.imports(after),
      [...WebAssembly.Module.imports(before), { module: REFUEL_MODULE, name: REFUEL_NAME, kind: 'function' }], f)
  }
})
