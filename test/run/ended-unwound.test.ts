// A process ended while suspended (in `wait`, or yielding) is resumed with an exception so that
// its stack unwinds: V8 never frees a suspended stack that is never resumed, nor the instance and
// memory it holds (8 GiB of address space each), so ended processes would pile up for good.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { NodeHost } from '../../src/kernel/node/host.ts'
import type { HostMonitor } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import { loadProgram } from '../../src/kernel/node/program.ts'
import type { Program } from '../../src/kernel/node/program.ts'
import { wat } from '../hardening/helpers.ts'

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

function newHost (monitor?: HostMonitor): NodeHost {
  return new NodeHost({ logger: createLogger({ level: 'silent' }), grants: { decide: () => true }, maxProcesses: 1000, monitor })
}

async function load (text: string): Promise<Program> {
  const path = wat(text)
  return await loadProgram(readFileSync(path), path)
}

/** Waits (blocking) for an answer that never comes, for ever. */
const IDLE = `(module
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (drop (call $wait (i32.const 0) (i32.const 1) (i32.const 16) (i32.const 16) (i32.const 1))) (br $l))))`

async function turns (n: number): Promise<void> {
  for (let i = 0; i < n; i++) await nextTurn()
}

test('processes ended while blocked in wait are unwound, and their memories freed', async () => {
  const host = newHost()
  const idle = await load(IDLE)
  const memories: Array<WeakRef<WebAssembly.Memory>> = []
  const procs = []
  for (let i = 0; i < 40; i++) procs.push(await host.spawn(idle, []))
  await turns(2)
  for (const p of procs) {
    assert.ok(p.waitReject !== null, `pid ${p.pid} is blocked in wait`)
    memories.push(new WeakRef(p.memory!))
  }
  for (const p of procs) host.exit(p.pid, 9)
  for (const p of procs) assert.equal(await p.exited, 9)
  procs.length = 0
  await turns(3)
  gc()
  await turns(1)
  gc()
  const alive = memories.filter((m) => m.deref() !== undefined).length
  assert.equal(alive, 0, `${alive} of ${memories.length} memories of ended processes are still alive`)
  await host.close()
})

test('a process ended inside a syscall is unwound at its next wait', async () => {
  // Its memory, as it starts to run (it ends before its spawn returns, and an ended Proc drops it).
  let memory: WeakRef<WebAssembly.Memory> | null = null
  const nothing = (): void => {}
  const host = newHost({ spawned: nothing, blocked: nothing, running: nothing, ended: nothing, resumed (proc) { memory ??= new WeakRef(proc.memory!) } })
  // Sends on an interface whose native handler ends it, then waits: as the SDK's exit does.
  const key = '6b'.repeat(32)
  host.addNative({ key, name: 'ender', handle (msg) { host.exit(msg.emitter, 3) } })
  const digest = key.replace(/../g, (h) => `\\${h}`)
  const exiter = await load(`(module
    (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
    (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "${digest}")
    (func (export "_start")
      (drop (call $send (i32.const 0) (i32.const 64) (i32.const 0) (i32.const 0) (i32.const 0)))
      (loop $l (drop (call $wait (i32.const 96) (i32.const 1) (i32.const 128) (i32.const 16) (i32.const 1))) (br $l))))`)
  const p = await host.spawn(exiter, [])
  assert.equal(await p.exited, 3)
  assert.equal(p.memory, null, 'an ended Proc holds no memory')
  await turns(3)
  gc()
  await turns(1)
  gc()
  assert.ok(memory !== null)
  assert.equal((memory as WeakRef<WebAssembly.Memory>).deref(), undefined, 'the memory of the ended process is freed')
  await host.close()
})

test('a program that catches the exception that unwinds it gets no second one and runs no more', async () => {
  const host = newHost()
  // Counts (at 200) the exceptions it caught around its wait, and waits again after each.
  const catcher = await load(`(module
    (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
    (memory (export "memory") 1)
    (func (export "_start")
      (loop $l
        (try (do (drop (call $wait (i32.const 0) (i32.const 1) (i32.const 16) (i32.const 16) (i32.const 1))))
          (catch_all (i32.store (i32.const 200) (i32.add (i32.load (i32.const 200)) (i32.const 1)))))
        (br $l))))`)
  const p = await host.spawn(catcher, [])
  await turns(2)
  assert.ok(p.waitReject !== null, 'it is blocked in wait')
  const view = new DataView(p.memory!.buffer)
  host.exit(p.pid, 5)
  assert.equal(await p.exited, 5)
  await turns(5)
  assert.equal(view.getUint32(200, true), 1, 'it caught the unwinding exception once, and waits for ever after')
  await host.close()
})
