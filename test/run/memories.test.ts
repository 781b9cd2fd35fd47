// Past TUNE_AT processes alive the host lets V8 count wasm memories toward its ordinary heap limit
// (spawning no longer forces a full collection every thousand spawns) and asks for a collection
// itself once enough processes ended: the memories of ended processes are freed all the same.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import { collectionsAsked, DEAD_COUNT, TUNE_AT, tuned } from '../../src/kernel/node/memories.ts'
import { loadProgram } from '../../src/kernel/node/program.ts'
import type { Proc } from '../../src/kernel/node/proc.ts'
import { wat } from '../hardening/helpers.ts'

const IDLE = wat(`(module
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func (export "_start") (loop $l (drop (call $wait (i32.const 0) (i32.const 1) (i32.const 16) (i32.const 16) (i32.const 1))) (br $l))))`)

test('many processes: the host takes over collecting memories, and those of ended processes are freed', async () => {
  const host = new NodeHost({ logger: createLogger({ level: 'silent' }), grants: { decide: () => true }, maxProcesses: 4 * TUNE_AT })
  const idle = await loadProgram(readFileSync(IDLE), IDLE)
  const live: Proc[] = []
  for (let i = 0; i < TUNE_AT - 1; i++) live.push(await host.spawn(idle, []))
  assert.equal(tuned(), false, 'a run of fewer processes keeps V8\'s defaults')
  live.push(await host.spawn(idle, []))
  live.push(await host.spawn(idle, []))
  assert.equal(tuned(), true)

  // Processes come and go beside those: one collection is asked for every DEAD_COUNT that ended.
  const asked = collectionsAsked()
  const memories: Array<WeakRef<WebAssembly.Memory>> = []
  for (let i = 0; i < DEAD_COUNT; i++) {
    const p = await host.spawn(idle, [])
    if (i % 64 === 0) await nextTurn()
    memories.push(new WeakRef(p.memory!))
    host.exit(p.pid, 0)
  }
  for (let i = 0; i < 4 && collectionsAsked() === asked; i++) await nextTurn()
  assert.equal(collectionsAsked(), asked + 1)
  // The collection runs on the main thread, but V8 may free what it found dead a little later.
  for (let i = 0; i < 50 && memories.some((m) => m.deref() !== undefined); i++) await nextTurn()
  const alive = memories.filter((m) => m.deref() !== undefined).length
  assert.equal(alive, 0, `${alive} of ${memories.length} memories of ended processes are still alive`)
  assert.ok(live.every((p) => !p.ended && p.memory !== null), 'the processes alive keep theirs')
  await host.close()
})
