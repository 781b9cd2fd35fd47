// Preemption for real under Node 24: rewritten modules run as JSPI coroutines on one thread, the
// refuel import is a WebAssembly.Suspending function driven by the FuelScheduler, so spinning
// programs alternate, an endless one is ended by its CPU limit while the others finish, and the
// event loop (timers, native interfaces) keeps running meanwhile.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { setImmediate as tick } from 'node:timers/promises'
import { refuelImports } from '../../src/kernel/node/imports/refuel.ts'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { type Decision, FuelScheduler, type ProgramStats } from '../../src/kernel/node/limits/scheduler.ts'
import { fixture, kernel, wat } from './helpers.ts'

class Killed extends Error {}

interface Program { pid: number, bytes: Uint8Array, entry: string, arg: number, imports?: WebAssembly.Imports, cpuLimitMs?: number }
interface Outcome { pid: number, result?: number, killed?: string, stats: ProgramStats }

/**
 * A minimal host: what the Node kernel does with the scheduler, without the messaging. Returns
 * each program's outcome and the pid of every refuel, in order.
 */
async function runAll (programs: Program[], opts: { sliceFuel: number, cpuLimitMs?: number }) {
  const sched = new FuelScheduler(opts)
  const turns = new Map<number, () => void>()
  const refuels: number[] = []
  const outcomes: Outcome[] = []
  const resumeNext = (): void => {
    const pid = sched.next()
    if (pid === undefined) return
    const go = turns.get(pid)!
    turns.delete(pid)
    go()
  }
  const done = programs.map((p) => new Promise<void>((resolve) => {
    let sliceStart = 0
    let running = false // under WebAssembly.promising: false while the start function runs
    let decision: Decision = { kind: 'continue', budget: 0 }
    const refuel = refuelImports({
      poll: () => {
        refuels.push(p.pid)
        if (!running) return sched.budget(p.pid)
        decision = sched.sliceEnded(p.pid, performance.now() - sliceStart)
        if (decision.kind === 'kill') throw new Killed(decision.reason)
        return 0 // suspend: others, or at least the event loop, run before this one goes on
      },
      block: async () => {
        const d = decision as { kind: 'continue' | 'yield', budget: number }
        if (d.kind === 'yield') {
          const turn = new Promise<void>((resolve) => turns.set(p.pid, resolve))
          resumeNext()
          await turn
        } else {
          await tick()
        }
        sliceStart = performance.now()
        return d.budget
      },
    })
    const instance = new WebAssembly.Instance(
      new WebAssembly.Module(rewriteModule(p.bytes, { maxMemoryPages: 256 })), { ...p.imports, ...refuel })
    const entry = WebAssembly.promising(instance.exports[p.entry] as (...a: number[]) => number)
    sched.add(p.pid, { cpuLimitMs: p.cpuLimitMs })
    turns.set(p.pid, () => {
      sliceStart = performance.now()
      running = true
      entry(p.arg).then(
        (result) => { outcomes.push({ pid: p.pid, result, stats: sched.stats(p.pid) }) },
        (err: unknown) => {
          if (!(err instanceof Killed)) throw err
          outcomes.push({ pid: p.pid, killed: err.message, stats: sched.stats(p.pid) })
        }
      ).finally(() => {
        sched.remove(p.pid)
        resolve()
        resumeNext()
      })
    })
  }))
  resumeNext()
  await Promise.all(done)
  return { outcomes, refuels }
}

/** How many times the refuel sequence switches from one pid to another. */
function switches (pids: number[]): number {
  let n = 0
  for (let i = 1; i < pids.length; i++) if (pids[i] !== pids[i - 1]) n++
  return n
}

test('two spinning programs alternate slice by slice, and both finish', async () => {
  const spin = fixture('spin')
  const { outcomes, refuels } = await runAll([
    { pid: 1, bytes: spin, entry: 'spin', arg: 2_000_000 },
    { pid: 2, bytes: spin, entry: 'spin_calls', arg: 1_000_000 },
  ], { sliceFuel: 200_000 })
  assert.deepEqual(outcomes.map((o) => [o.pid, o.result]).sort(), [[1, 2_000_000], [2, 1_000_000]])
  const both = refuels.slice(0, refuels.lastIndexOf(2) < refuels.lastIndexOf(1) ? refuels.lastIndexOf(2) : refuels.lastIndexOf(1))
  // while both run, every refuel hands over to the other one
  assert.ok(both.length > 20, `${both.length} slices while both ran`)
  assert.equal(switches(both), both.length - 1)
  for (const o of outcomes) assert.ok(o.stats.slices > 10 && o.stats.cpuMs > 0)
})

test('an endless loop is ended by its CPU limit while the others finish, and timers still fire', async () => {
  const env = { abort: () => { throw new Error('abort') } }
  let timerFired = 0
  const timer = setInterval(() => { timerFired++ }, 5)
  const started = performance.now()
  try {
    // Slices are timed on the wall clock, so a busy machine makes every program look slower: only
    // the endless one has a limit, and one high enough that the others finish first regardless.
    const { outcomes } = await runAll([
      { pid: 1, bytes: fixture('spin'), entry: 'spin', arg: -1, cpuLimitMs: 600 },
      { pid: 2, bytes: kernel('sieve'), entry: 'run', arg: 300_000, imports: { env } },
      { pid: 3, bytes: fixture('spin'), entry: 'fib', arg: 24 },
    ], { sliceFuel: 100_000 })
    const byPid = new Map(outcomes.map((o) => [o.pid, o]))
    const killed = /^cpu limit: pid 1 used (\d+\.\d+) (ms|s) of CPU time, its limit is 600\.0 ms$/.exec(byPid.get(1)!.killed ?? '')
    assert.ok(killed !== null, byPid.get(1)!.killed)
    assert.ok(killed[2] === 's' || Number(killed[1]) >= 600)
    assert.equal(byPid.get(2)!.result, 25997)
    assert.equal(byPid.get(3)!.result, 46368)
    assert.equal(outcomes.at(-1)!.pid, 1, 'the endless one ends last')
  } finally {
    clearInterval(timer)
  }
  const elapsed = performance.now() - started
  // A starved event loop would not fire it at all until the end; a busy machine fires it late.
  assert.ok(timerFired >= elapsed / 5 / 20, `the interval fired ${timerFired} times in ${elapsed.toFixed(0)} ms`)
})

test('a start function that runs out of fuel: a bare Suspending import traps, the adapter does not', async () => {
  const bytes = rewriteModule(wat(`(module (global $g (mut i32) (i32.const 0))
    (func $init (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (i32.const 100000))))
      (global.set $g (local.get $i)))
    (start $init)
    (func (export "spin") (param $n i32) (result i32) (local $i i32)
      (loop $l (local.set $i (i32.add (local.get $i) (i32.const 1))) (br_if $l (i32.lt_u (local.get $i) (local.get $n))))
      (i32.add (local.get $i) (global.get $g))))`), { maxMemoryPages: 1 })
  const module = new WebAssembly.Module(bytes)
  const bare = new WebAssembly.Suspending(() => 1000)
  assert.throws(() => new WebAssembly.Instance(module, { [REFUEL_MODULE]: { [REFUEL_NAME]: bare as unknown as WebAssembly.ImportValue } }),
    /without WebAssembly\.promising/)

  let running = false
  let polls = 0
  let blocks = 0
  const instance = new WebAssembly.Instance(module, refuelImports({
    poll: () => { polls++; return running ? 0 : 1000 },
    block: async () => { blocks++; await tick(); return 1000 },
  }))
  assert.ok(polls > 10 && blocks === 0, 'the start function ran on synchronous budgets')
  running = true
  const spin = WebAssembly.promising(instance.exports.spin as (n: number) => number)
  assert.equal(await spin(50_000), 150_000)
  assert.ok(blocks > 10, `${blocks} suspensions`)
})
