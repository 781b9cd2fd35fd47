// The interpreter's scheduling hooks and limits, run as wasm on Node: fuel (preempt and resume),
// suspension in host calls with several calls suspended at once, traps as values, call depth
// and memory limits, guest memory access by the embedder, and robustness on malformed input.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Interp, ST_DONE, ST_FUEL, ST_HOST, ST_RUN, ST_TRAP, K_FUNC, T_I32 } from '../spec/interp.ts'
import { wat, instantiate, funcAddr, start } from './wat.ts'

const COUNT = wat(`(module
  (func (export "count") (param $n i32) (result i32) (local $i i32)
    (loop $l
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
    (local.get $i)))`)

test('fuel: a call runs in slices of at most N instructions and resumes where it stopped', () => {
  const i = new Interp()
  const count = funcAddr(i, instantiate(i, COUNT), 'count')

  // unbounded: the reference instruction count
  assert.equal(start(i, count, [100_000n]), ST_DONE)
  assert.equal(Number(i.x.result(0)), 100_000)
  const total = i.x.fuel_used()

  i.x.reset_call()
  i.x.push_arg(100_000n)
  assert.equal(i.x.call(count), ST_RUN)
  let slices = 0
  let used = i.x.fuel_used()
  let st: number
  for (;;) {
    st = i.x.run(1000n)
    const now = i.x.fuel_used()
    if (st !== ST_FUEL) break
    assert.equal(now - used, 1000n, 'a preempted slice uses exactly its fuel')
    used = now
    slices++
  }
  assert.equal(st, ST_DONE)
  assert.equal(Number(i.x.result(0)), 100_000)
  assert.equal(i.x.fuel_used() - total, total, 'slicing does not change the work done')
  assert.ok(slices >= Number(total / 1000n) - 1, `${slices} slices`)
})

test('fuel: an infinite loop is preempted and the interpreter stays usable', () => {
  const i = new Interp()
  const iid = instantiate(i, wat(`(module
    (func (export "spin") (loop $l (br $l)))
    (func (export "one") (result i32) (i32.const 1)))`))
  i.x.reset_call()
  assert.equal(i.x.call(funcAddr(i, iid, 'spin')), ST_RUN)
  for (let k = 0; k < 5; k++) assert.equal(i.x.run(10_000n), ST_FUEL)
  // abandon it: a new call on the same thread works
  assert.equal(start(i, funcAddr(i, iid, 'one'), []), ST_DONE)
  assert.equal(Number(i.x.result(0)), 1)
})

const SUSPEND = wat(`(module
  (import "host" "wait" (func $wait (param i32) (result i32)))
  (func $rec (param $d i32) (param $x i32) (result i32)
    (if (result i32) (i32.eqz (local.get $d))
      (then (call $wait (local.get $x)))
      (else (i32.add (i32.const 1) (call $rec (i32.sub (local.get $d) (i32.const 1)) (local.get $x))))))
  (func (export "go") (param i32 i32) (result i32) (call $rec (local.get 0) (local.get 1))))`)

test('suspension: blocking host calls return to the embedder and resume later, two at once', () => {
  const i = new Interp()
  const WAIT = 7
  const waitFn = i.hostFunc([T_I32], [T_I32], WAIT)
  const iid = instantiate(i, SUSPEND, { 'host.wait': { kind: K_FUNC, addr: waitFn } })
  const go = funcAddr(i, iid, 'go')

  // thread 0: 50 frames deep when it blocks
  i.x.use_thread(0)
  assert.equal(start(i, go, [50n, 11n]), ST_HOST)
  assert.equal(i.x.host_id(), WAIT)
  assert.equal(i.x.host_arg_count(), 1)
  assert.equal(Number(BigInt.asUintN(32, i.x.host_arg(0))), 11)
  assert.equal(i.x.call_depth(), 52)

  // thread 1 blocks too while thread 0 is suspended: no native stack is held by either
  const t1 = i.x.new_thread()
  i.x.use_thread(t1)
  assert.equal(start(i, go, [3n, 22n]), ST_HOST)
  assert.equal(Number(BigInt.asUintN(32, i.x.host_arg(0))), 22)

  // resume in the other order
  i.x.push_host_result(1000n)
  assert.equal(i.x.finish_host(), ST_RUN)
  assert.equal(i.x.run(1n << 40n), ST_DONE)
  assert.equal(Number(i.x.result(0)), 1003)

  i.x.use_thread(0)
  i.x.push_host_result(2000n)
  assert.equal(i.x.finish_host(), ST_RUN)
  // fuel and suspension combine: run in small slices
  let st = i.x.run(7n)
  while (st === ST_FUEL) st = i.x.run(7n)
  assert.equal(st, ST_DONE)
  assert.equal(Number(i.x.result(0)), 2050)
})

test('suspension: an exported host function called directly completes on resume', () => {
  const i = new Interp()
  const h = i.hostFunc([T_I32], [T_I32], 5)
  const iid = instantiate(i, wat('(module (import "h" "f" (func $f (param i32) (result i32))) (export "f" (func $f)))'),
    { 'h.f': { kind: K_FUNC, addr: h } })
  assert.equal(start(i, funcAddr(i, iid, 'f'), [4n]), ST_HOST)
  i.x.push_host_result(40n)
  assert.equal(i.x.finish_host(), ST_DONE)
  assert.equal(Number(i.x.result(0)), 40)
})

test('suspension across instances: a host call two modules deep, each with its own memory', () => {
  const i = new Interp()
  const wait = i.hostFunc([T_I32], [T_I32], 9)
  // B has one page and grows it while A's call is on the stack; A has its own memory
  const b = instantiate(i, wat(`(module (import "host" "wait" (func $wait (param i32) (result i32)))
    (memory 1)
    (func (export "f") (param i32) (result i32)
      (drop (memory.grow (i32.const 2)))
      (i32.store (i32.const 131072) (call $wait (local.get 0)))
      (i32.load (i32.const 131072))))`), { 'host.wait': { kind: K_FUNC, addr: wait } })
  const a = instantiate(i, wat(`(module (import "b" "f" (func $f (param i32) (result i32)))
    (memory 1)
    (func (export "g") (param i32) (result i32)
      (i32.store (i32.const 65532) (i32.const 5))
      (i32.add (call $f (local.get 0)) (i32.load (i32.const 65532)))))`), { 'b.f': { kind: K_FUNC, addr: funcAddr(i, b, 'f') } })
  assert.equal(start(i, funcAddr(i, a, 'g'), [3n]), ST_HOST)
  assert.equal(i.x.host_id(), 9)
  i.x.push_host_result(100n)
  assert.equal(i.x.finish_host(), ST_RUN)
  assert.equal(i.x.run(1n << 40n), ST_DONE)
  assert.equal(Number(i.x.result(0)), 105)
  assert.equal(i.x.memory_pages(b), 3)
  assert.equal(i.x.memory_pages(a), 1)
})

test('traps come back as values with a reason', () => {
  const i = new Interp()
  const iid = instantiate(i, wat(`(module (memory 1)
    (func (export "unreachable") unreachable)
    (func (export "div") (param i32 i32) (result i32) (i32.div_s (local.get 0) (local.get 1)))
    (func (export "load") (param i32) (result i32) (i32.load (local.get 0)))
    (func (export "conv") (param f64) (result i32) (i32.trunc_f64_s (local.get 0)))
    (table 2 funcref)
    (func (export "indirect") (param i32) (call_indirect (local.get 0))))`))
  const cases: [string, bigint[], string][] = [
    ['unreachable', [], 'unreachable'],
    ['div', [1n, 0n], 'integer divide by zero'],
    ['div', [0x80000000n, 0xffffffffn], 'integer overflow'],
    ['load', [65534n], 'out of bounds memory access'],
    ['conv', [0x7ff8000000000000n], 'invalid conversion to integer'],
    ['indirect', [1n], 'uninitialized element'],
    ['indirect', [5n], 'undefined element'],
  ]
  for (const [name, args, reason] of cases) {
    assert.equal(start(i, funcAddr(i, iid, name), args), ST_TRAP, name)
    assert.equal(i.trapReason(), reason)
  }
  assert.equal(start(i, funcAddr(i, iid, 'div'), [7n, 2n]), ST_DONE)
  assert.equal(Number(i.x.result(0)), 3)
})

test('call depth is bounded: runaway recursion is a trap, not a crash', () => {
  const i = new Interp({ maxDepth: 500 })
  const iid = instantiate(i, wat(`(module
    (func $f (export "f") (param i32) (result i32) (i32.add (call $f (local.get 0)) (i32.const 1)))
    (func $g (export "g") (param i32) (result i32)
      (if (result i32) (local.get 0) (then (i32.add (call $g (i32.sub (local.get 0) (i32.const 1))) (i32.const 1))) (else (i32.const 0)))))`))
  assert.equal(start(i, funcAddr(i, iid, 'f'), [0n]), ST_TRAP)
  assert.equal(i.trapReason(), 'call stack exhausted')
  assert.equal(start(i, funcAddr(i, iid, 'g'), [498n]), ST_DONE)
  assert.equal(Number(i.x.result(0)), 498)
  assert.equal(start(i, funcAddr(i, iid, 'g'), [500n]), ST_TRAP)
})

test('guest memory is capped by the kernel limit', () => {
  const i = new Interp({ maxPages: 4 })
  const iid = instantiate(i, wat(`(module (memory 1)
    (func (export "grow") (param i32) (result i32) (memory.grow (local.get 0)))
    (func (export "size") (result i32) (memory.size)))`))
  const grow = funcAddr(i, iid, 'grow')
  assert.equal(start(i, grow, [3n]), ST_DONE)
  assert.equal(Number(i.x.result(0)), 1)
  assert.equal(start(i, grow, [1n]), ST_DONE)
  assert.equal(Number(BigInt.asIntN(32, i.x.result(0))), -1, 'past the kernel limit')
  assert.equal(i.x.memory_pages(iid), 4)
  const mid = i.load(wat('(module (memory 5))'))
  assert.equal(typeof mid, 'number')
  assert.equal(i.instantiate(mid as number, []), 'memory exceeds the kernel limit')
})

test('the embedder reads and writes guest memory', () => {
  const i = new Interp()
  const iid = instantiate(i, wat(`(module (memory (export "mem") 1)
    (func (export "sum") (param $p i32) (param $n i32) (result i32) (local $s i32)
      (block $done (loop $l
        (br_if $done (i32.eqz (local.get $n)))
        (local.set $s (i32.add (local.get $s) (i32.load8_u (local.get $p))))
        (i32.store8 (local.get $p) (i32.const 0xee))
        (local.set $p (i32.add (local.get $p) (i32.const 1)))
        (local.set $n (i32.sub (local.get $n) (i32.const 1)))
        (br $l)))
      (local.get $s)))`))
  assert.ok(i.writeMemory(iid, 100, new Uint8Array([1, 2, 3, 4, 250])))
  assert.equal(start(i, funcAddr(i, iid, 'sum'), [100n, 5n]), ST_DONE)
  assert.equal(Number(i.x.result(0)), 260)
  assert.deepEqual([...i.readMemory(iid, 99, 7)!], [0, 0xee, 0xee, 0xee, 0xee, 0xee, 0])
  assert.equal(i.readMemory(iid, 65535, 2), undefined, 'out of bounds')
  assert.equal(i.writeMemory(iid, 65536, new Uint8Array(1)), false)
})

test('malformed input never crashes the interpreter, and nothing V8 rejects is accepted', () => {
  // Differential check against V8: every truncation and many byte flips of a valid module.
  // V8 knows newer proposals, so it may accept what a 2.0 engine rejects, never the reverse.
  const i = new Interp()
  const good = SUSPEND
  const variants: Uint8Array<ArrayBuffer>[] = []
  for (let n = 0; n < good.length; n++) variants.push(good.slice(0, n))
  for (let k = 8; k < good.length; k++) {
    for (const v of [0x00, 0x01, 0x0b, 0x40, 0x7f, 0x80, 0xff]) {
      const b = good.slice()
      b[k] = v
      variants.push(b)
    }
  }
  let rejected = 0
  for (const b of variants) {
    const ours = typeof i.load(b) === 'number'
    const v8 = WebAssembly.validate(b)
    if (ours) assert.ok(v8, `accepted a module V8 rejects: ${Buffer.from(b).toString('hex')}`)
    else rejected++
    if (!ours && v8) assert.fail(`rejected a module V8 accepts: ${Buffer.from(b).toString('hex')}`)
  }
  assert.ok(rejected > variants.length / 2)
  assert.equal(typeof i.load(good), 'number', 'still works')
})
