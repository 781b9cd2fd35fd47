// Fuel accounting across control flow: the fuel a rewritten function uses must reach the global
// whatever path it took, and a path must never write back a stale count. Each test runs a shape
// many times with a small budget and checks that the number of refuels matches the work done
// (within the rewrite's "about one unit per instruction"): too many means fuel was thrown away
// (the http-server made ~20 refuel calls per request, each an event-loop turn, halving its
// throughput), too few means work went uncounted (a program could outrun preemption).
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { counter, instantiate, wat } from './helpers.ts'

const BUDGET = 100_000

/** Runs `run` with a counting refuel of BUDGET; returns the refuels beyond the first. */
function refuels (bytes: Uint8Array, run: (e: Record<string, (...a: number[]) => number>) => void): number {
  const c = counter(BUDGET)
  const e = instantiate(rewriteModule(bytes, { maxMemoryPages: 16 }), { [REFUEL_MODULE]: { [REFUEL_NAME]: c.refuel } })
  run(e)
  return c.calls - 1
}

/** Asserts the refuels fit `units` of work, given as [least, most] fuel units. */
function fits (got: number, [least, most]: [number, number], what: string): void {
  const min = Math.floor(least / BUDGET) - 1
  const max = Math.ceil(most / BUDGET) + 1
  assert.ok(got >= min && got <= max, `${what}: ${got} refuels for ${least}..${most} units of work at ${BUDGET} a refuel (expected ${min}..${max})`)
}

// A call-free loop of $n iterations (13 instructions each) adding to $acc.
const LOOP = (n: string): string => `
  (local.set $i (i32.const 0))
  (loop $l
    (local.set $acc (i32.add (local.get $acc) (i32.const 3)))
    (local.set $i (i32.add (local.get $i) (i32.const 1)))
    (br_if $l (i32.lt_u (local.get $i) ${n})))`

const MODULE = wat(`(module
  (tag $e)
  ;; has a loop, so calls to it may change the fuel global
  (func $g (param $n i32) (result i32) (local $i i32) (local $acc i32)
    ${LOOP('(local.get $n)')}
    (local.get $acc))
  (func $thrower (param $n i32) (local $i i32) (local $acc i32)
    ${LOOP('(local.get $n)')}
    (throw $e))
  ;; a loop in a branch not taken, then another loop: the skipping path must not write its L
  (func (export "skip") (param $take i32) (result i32) (local $i i32) (local $acc i32)
    (if (local.get $take) (then ${LOOP('(i32.const 1)')}))
    ${LOOP('(i32.const 10)')}
    (local.get $acc))
  ;; a loop, then a call in a branch not taken: the loop's fuel must still reach the global
  (func (export "after") (param $call i32) (param $n i32) (result i32) (local $i i32) (local $acc i32)
    ${LOOP('(local.get $n)')}
    (if (local.get $call) (then (drop (call $g (i32.const 1)))))
    (local.get $acc))
  ;; a loop, a call using fuel, then a loop in a branch not taken: L from before the call is stale
  (func (export "stale") (param $n i32) (param $take i32) (result i32) (local $i i32) (local $acc i32)
    ${LOOP('(i32.const 2)')}
    (drop (call $g (local.get $n)))
    (if (local.get $take) (then ${LOOP('(i32.const 1)')}))
    (local.get $acc))
  ;; an exception from a callee that used fuel lands in a function keeping fuel in L
  (func (export "caught") (param $n i32) (result i32) (local $i i32) (local $acc i32)
    ${LOOP('(i32.const 2)')}
    (try (do (call $thrower (local.get $n))) (catch $e (local.set $acc (i32.add (local.get $acc) (i32.const 100)))))
    (if (i32.eqz (local.get $n)) (then ${LOOP('(i32.const 1)')}))
    (local.get $acc)))`)

test('a loop in a branch not taken does not throw the fuel away (one refuel per call before the fix)', () => {
  const got = refuels(MODULE, (e) => { for (let k = 0; k < 20_000; k++) assert.equal(e.skip(0), 30) })
  fits(got, [20_000 * 130, 20_000 * 400], 'skip(0)')
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 20_000; k++) e.skip(1) }), [20_000 * 143, 20_000 * 450], 'skip(1)')
})

test('a loop followed by a call in a branch not taken is charged', () => {
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 200; k++) assert.equal(e.after(0, 1000), 3000) }),
    [200 * 13_000, 200 * 14_000], 'after(0, 1000)')
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 200; k++) e.after(1, 1000) }), [200 * 13_000, 200 * 14_100], 'after(1, 1000)')
})

test('a callee\'s fuel is not undone by a stale count written back after it', () => {
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 200; k++) assert.equal(e.stale(1000, 0), 6) }),
    [200 * 13_000, 200 * 14_100], 'stale(1000, 0)')
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 200; k++) e.stale(1000, 1) }), [200 * 13_000, 200 * 14_100], 'stale(1000, 1)')
})

test('an exception caught after its thrower used fuel keeps that fuel charged', () => {
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 200; k++) assert.equal(e.caught(1000), 106) }),
    [200 * 13_000, 200 * 14_100], 'caught(1000)')
  fits(refuels(MODULE, (e) => { for (let k = 0; k < 20_000; k++) assert.equal(e.caught(0), 109) }),
    [20_000 * 40, 20_000 * 200], 'caught(0)')
})
