// How a self-recursive function's clone is charged: its callers pay for its entry (the wrapper for
// calls from outside, the clone itself at its self-calls, several at once in straight-line code),
// so a call that makes no calls runs no check. The fuel charged must still be exactly the entry
// cost per call, whatever path each call took, and an exponential call tree must be preempted.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { counter, instantiate, toWat, wat } from './helpers.ts'

const BUDGET = 10_000
const rw = (bytes: Uint8Array): Uint8Array => rewriteModule(bytes, { maxMemoryPages: 16 })

/** The body of function `name` in the text form (up to the next function or the global). */
function body (text: string, name: string): string {
  const at = text.indexOf(`(func ${name} `)
  assert.ok(at >= 0, `no function ${name}`)
  const next = text.slice(at + 1).search(/\n {2}\((func|global|export|memory) /)
  return text.slice(at, next < 0 ? undefined : at + 1 + next)
}

/** The entry cost the wrapper (the original index) charges before calling the clone. */
function entryCost (text: string, name: string): number {
  const m = /global\.get 0\s+i32\.const (\d+)\s+i32\.sub/.exec(body(text, name))
  assert.ok(m !== null, `${name} charges nothing at entry`)
  return Number(m[1])
}

/** Runs `run` against the rewritten module with a counting refuel; returns the refuels beyond the first. */
function refuels (bytes: Uint8Array, run: (e: Record<string, (...a: number[]) => number>) => void): number {
  const c = counter(BUDGET)
  run(instantiate(bytes, { [REFUEL_MODULE]: { [REFUEL_NAME]: c.refuel } }))
  return c.calls - 1
}

/** Asserts that `got` refuels are what `units` of fuel need at BUDGET a refuel (±1 for rounding). */
function exactly (got: number, units: number, what: string): void {
  const min = Math.floor(units / BUDGET) - 1
  const max = Math.ceil(units / BUDGET) + 1
  assert.ok(got >= min && got <= max, `${what}: ${got} refuels for ${units} units at ${BUDGET} a refuel (expected ${min}..${max})`)
}

const MODULE = wat(`(module
  (func $fib (export "fib") (param $n i32) (result i32)
    (if (result i32) (i32.lt_s (local.get $n) (i32.const 2))
      (then (local.get $n))
      (else (i32.add (call $fib (i32.sub (local.get $n) (i32.const 1))) (call $fib (i32.sub (local.get $n) (i32.const 2)))))))
  ;; a self-call on every path, a second one only in a branch: s(n) makes n + 1 calls, plus 4 when n >= 5
  (func $s (export "s") (param $n i32) (result i32) (local $r i32)
    (if (i32.eqz (local.get $n)) (then (return (i32.const 0))))
    (local.set $r (call $s (i32.sub (local.get $n) (i32.const 1))))
    (if (i32.eq (local.get $n) (i32.const 5))
      (then (local.set $r (i32.add (local.get $r) (call $s (i32.const 3))))))
    (i32.add (local.get $r) (i32.const 1)))
  ;; tail self-calls: count(n, acc) makes n + 1 calls
  (func $count (export "count") (param $n i32) (param $acc i32) (result i32)
    (if (i32.eqz (local.get $n)) (then (return (local.get $acc))))
    (return_call $count (i32.sub (local.get $n) (i32.const 1)) (i32.add (local.get $acc) (i32.const 2))))
  ;; 2^n calls, no base case but the depth
  (func $tree (export "tree") (param $n i32) (result i32)
    (if (result i32) (i32.eqz (local.get $n))
      (then (i32.const 1))
      (else (i32.add (call $tree (i32.sub (local.get $n) (i32.const 1))) (call $tree (i32.sub (local.get $n) (i32.const 1))))))))`)

const REWRITTEN = rw(MODULE)
const TEXT = toWat(REWRITTEN)

test('fib: one check per call that recurses, charging both self-calls; none on the leaf path', () => {
  const clone = body(TEXT, '$fib.1')
  assert.equal(clone.match(/call \$wasmos_sched\.refuel/g)?.length, 1, clone)
  // the check sits in the branch that recurses, charging the two calls together
  const cost = entryCost(TEXT, '$fib')
  assert.match(clone, new RegExp(`else[^]*i32\\.const ${cost * 2}\\s+i32\\.sub[^]*refuel[^]*call \\$fib\\.1[^]*call \\$fib\\.1`))
})

test('fib: the fuel charged is the entry cost per call, as when each entry was checked', () => {
  const cost = entryCost(TEXT, '$fib')
  const fib = (n: number): number => n < 2 ? n : fib(n - 1) + fib(n - 2)
  for (const n of [20, 25]) {
    const calls = 2 * fib(n + 1) - 1
    exactly(refuels(REWRITTEN, (e) => assert.equal(e.fib(n), fib(n))), calls * cost, `fib(${n})`)
  }
})

test('a self-call in a branch not taken is not charged; one taken is', () => {
  const cost = entryCost(TEXT, '$s')
  exactly(refuels(REWRITTEN, (e) => { for (let k = 0; k < 100; k++) assert.equal(e.s(4), 4) }), 100 * 5 * cost, 's(4)')
  exactly(refuels(REWRITTEN, (e) => { for (let k = 0; k < 100; k++) assert.equal(e.s(400), 403) }), 100 * 405 * cost, 's(400)')
})

test('tail self-calls are charged at the call', () => {
  const cost = entryCost(TEXT, '$count')
  exactly(refuels(REWRITTEN, (e) => assert.equal(e.count(200_000, 0), 400_000)), 200_001 * cost, 'count(200000)')
})

test('an exponential call tree through a clone (2^40 calls) is preempted', () => {
  const fuel = counter(100_000, 20)
  const e = instantiate(REWRITTEN, { [REFUEL_MODULE]: { [REFUEL_NAME]: fuel.refuel } })
  assert.equal(e.tree(10), 1024)
  assert.throws(() => e.tree(40), /out of fuel/)
})
