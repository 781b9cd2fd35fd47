// Where the rewrite puts entry checks (functions that may recurse, and deep call trees) and the
// fuel-passing clones of self-recursive functions: same results, still preempted.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { counter, instantiate, toWat, wat } from './helpers.ts'

const rw = (bytes: Uint8Array): Uint8Array => rewriteModule(bytes, { maxMemoryPages: 16 })
const withFuel = (bytes: Uint8Array, refuel: () => number) => instantiate(bytes, { [REFUEL_MODULE]: { [REFUEL_NAME]: refuel } })

test('a deep tree of non-recursive calls (2^28 leaves, no loops) is still preempted', () => {
  const funcs = ['(func $f0 (param i32) (result i32) (i32.add (local.get 0) (i32.const 1)))']
  for (let k = 1; k <= 28; k++) {
    funcs.push(`(func $f${k} (param i32) (result i32) (call $f${k - 1} (call $f${k - 1} (local.get 0))))`)
  }
  const bytes = wat(`(module ${funcs.join('\n')} (export "top" (func $f28)) (export "f10" (func $f10)))`)
  const fuel = counter(100_000, 5)
  const m = withFuel(rw(bytes), fuel.refuel)
  assert.equal(m.f10(0), 1024)
  assert.throws(() => m.top(0), /out of fuel/)
  // small leaves stay unchecked: only functions whose call tree is heavy get a check
  const text = toWat(rw(bytes))
  assert.doesNotMatch(text.slice(text.indexOf('(func $f1 '), text.indexOf('(func $f2 ')), /refuel/)
  const checked = [...text.matchAll(/\(func \$f(\d+) [^]*?(?=\(func |\(global)/g)].filter((m) => m[0].includes('refuel')).map((m) => Number(m[1]))
  assert.ok(checked.length > 0 && checked[0] > 5, `checked: ${checked.join(' ')}`)
})

test('mutual recursion is checked at entry (not cloned) and preempted', () => {
  const bytes = wat(`(module
    (func $even (export "even") (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 1)) (else (call $odd (i32.sub (local.get 0) (i32.const 1))))))
    (func $odd (param i32) (result i32)
      (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0)) (else (call $even (i32.sub (local.get 0) (i32.const 1)))))))`)
  const fuel = counter(20)
  const m = withFuel(rw(bytes), fuel.refuel)
  assert.equal(m.even(1000), 1)
  assert.equal(m.even(777), 0)
  assert.ok(fuel.calls > 50)
})

test('self-recursive clones: returns, multi-value, locals, loops and calls to others inside', () => {
  const bytes = wat(`(module
    (global $calls (mut i32) (i32.const 0))
    (func $note (global.set $calls (i32.add (global.get $calls) (i32.const 1))))
    ;; sum of 1..n by recursion, each level also loops over 0..n-1 and calls $note: exercises
    ;; locals after the parameters, return, a call-free loop and a call to another function
    (func $tri (export "tri") (param $n i32) (result i32)
      (local $i i32) (local $acc i32)
      (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
      (call $note)
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (i32.const 1)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i32.add (local.get $acc) (call $tri (i32.sub (local.get $n) (i32.const 1)))))
    ;; two results: (fib n, fib n-1)
    (func $fib2 (export "fib2") (param $n i32) (result i32 i32)
      (local $a i32) (local $b i32)
      (if (i32.lt_u (local.get $n) (i32.const 2)) (then (return (local.get $n) (i32.const 0))))
      (call $fib2 (i32.sub (local.get $n) (i32.const 1)))
      (local.set $b) (local.set $a)
      (i32.add (local.get $a) (local.get $b))
      (local.get $a))
    ;; a branch to the function label: not cloned, still right
    (func $down (export "down") (param $n i32) (result i32)
      (drop (br_if 0 (i32.const 7) (i32.eqz (local.get $n))))
      (call $down (i32.sub (local.get $n) (i32.const 1))))
    (func (export "calls") (result i32) (global.get $calls)))`)
  const orig = instantiate(bytes)
  const fuel = counter(50)
  const re = withFuel(rw(bytes), fuel.refuel)
  const tri = re.tri(300)
  assert.equal(tri, orig.tri(300))
  assert.equal(tri, 300 * 301 / 2)
  assert.equal(re.calls(), 300)
  assert.deepEqual(re.fib2(25), orig.fib2(25))
  assert.deepEqual(re.fib2(25), [75025, 46368])
  assert.equal(re.down(5000), 7)
  assert.ok(fuel.calls > 100, `${fuel.calls} refuels`)
  const text = toWat(rw(bytes))
  assert.match(text, /\(func \$tri\.1 \(type \d+\) \(param \$n i32\) \(param i32\) \(result i32 i32\)/, 'tri has a clone')
  assert.doesNotMatch(text, /\$down\.1/, 'down has no clone')
})

test('an endless self-recursion through a clone runs out of stack or fuel, never hangs', () => {
  const bytes = wat('(module (func $r (export "r") (param i32) (result i32) (call $r (i32.add (local.get 0) (i32.const 1)))))')
  const fuel = counter(1000, 3)
  assert.throws(() => withFuel(rw(bytes), fuel.refuel).r(0), /out of fuel|call stack/)
})

test('a loop calling a bounded leaf keeps the fuel in a local; one calling a loop does not', () => {
  const bytes = wat(`(module
    (import "env" "ext" (func $ext (param i32) (result i32)))
    (func $leaf (param i32) (result i32) (i32.mul (local.get 0) (i32.const 3)))
    (func $looper (param $n i32) (result i32) (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $i))
    (func (export "sum_leaf") (param $n i32) (result i32) (local $i i32) (local $acc i32)
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (call $leaf (local.get $i))))
        (local.set $acc (i32.add (local.get $acc) (call $ext (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $acc))
    (func (export "sum_looper") (param $n i32) (result i32) (local $i i32) (local $acc i32)
      (loop $l
        (local.set $acc (i32.add (local.get $acc) (call $looper (local.get $i))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (local.get $acc)))`)
  const env = { ext: (x: number) => x + 1 }
  const orig = instantiate(bytes, { env })
  const fuel = counter(40)
  const re = instantiate(rw(bytes), { env, [REFUEL_MODULE]: { [REFUEL_NAME]: fuel.refuel } })
  assert.equal(re.sum_leaf(1000), orig.sum_leaf(1000))
  assert.equal(re.sum_looper(300), orig.sum_looper(300))
  assert.ok(fuel.calls > 100)
  const text = toWat(rw(bytes))
  const body = (name: string): string => {
    const index = new RegExp(`\\(export "${name}" \\(func (\\d+)\\)\\)`).exec(text)![1]
    const start = text.indexOf(`(func (;${index};)`)
    return text.slice(start, text.indexOf('(func ', start + 1) >= 0 ? text.indexOf('(func ', start + 1) : text.indexOf('(global', start))
  }
  const loopOf = (src: string): string => src.slice(src.indexOf('loop'))
  // sum_leaf: the loop counts in the local only; sum_looper's loop reads the global each time
  assert.doesNotMatch(loopOf(body('sum_leaf')).split('br_if 1')[0], /global\.get/)
  assert.match(loopOf(body('sum_looper')).split('call')[0], /global\.get/)
})
