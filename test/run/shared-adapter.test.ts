// The host's processes share one syscall adapter, which learns who calls from the process the
// host last let run: these tests make processes interleave, spawn inside a syscall and resume
// with an exception, and check that every message is still told to come from its real sender.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { setImmediate as nextTurn } from 'node:timers/promises'
import { NodeHost } from '../../src/kernel/node/host.ts'
import type { HostMonitor } from '../../src/kernel/node/host.ts'
import { Limits } from '../../src/kernel/node/limits/monitor.ts'
import { REFUEL_MODULE, REFUEL_NAME } from '../../src/kernel/node/limits/rewrite/index.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import type { NativeMessage } from '../../src/kernel/node/native.ts'
import { loadProgram } from '../../src/kernel/node/program.ts'
import type { LoadOptions, Program } from '../../src/kernel/node/program.ts'
import type { Proc } from '../../src/kernel/node/proc.ts'
import { wat } from '../hardening/helpers.ts'

const KEY = '5a'.repeat(32)
const DIGEST = KEY.replace(/../g, (h) => `\\${h}`)
const ROUNDS = 5

// Sends its token (4 bytes at 64) and waits for the answer, whose payload is the next token.
const caller = wat(`(module
  (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "${DIGEST}")
  (func (export "_start") (local $i i32)
    (loop $l
      (if (call $send (i32.const 0) (i32.const 64) (i32.const 4) (i32.const 1) (i32.const 128)) (then unreachable))
      (if (i32.le_s (call $wait (i32.const 128) (i32.const 1) (i32.const 256) (i32.const 64) (i32.const 1)) (i32.const 0)) (then unreachable))
      (i32.store (i32.const 64) (i32.load (i32.const 280)))
      (br_if $l (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (i32.const ${ROUNDS}))))))`)

/** A native handler that hands each process a new token with every answer and checks it comes back from the same pid. */
function tokens (host: NodeHost, onFirst: (emitter: number) => void): { wrong: string[], seen: Map<number, number> } {
  const wrong: string[] = []
  const seen = new Map<number, number>()
  const last = new Map<number, number>()
  let next = 1
  let queued: NativeMessage[] = []
  const flush = (): void => {
    // Answered in an order of their own, so that the processes resume interleaved.
    const batch = queued.reverse()
    queued = []
    for (const msg of batch) {
      const token = next++
      last.set(msg.emitter, token)
      const payload = new Uint8Array(4)
      new DataView(payload.buffer).setUint32(0, token, true)
      host.answer(msg.id, 0, payload)
    }
  }
  host.addNative({
    key: KEY,
    name: 'tokens',
    handle (msg) {
      const token = new DataView(msg.payload.buffer, msg.payload.byteOffset).getUint32(0, true)
      if (token !== (last.get(msg.emitter) ?? 0)) wrong.push(`pid ${msg.emitter} sent token ${token}, its last was ${last.get(msg.emitter) ?? 0}`)
      if (!seen.has(msg.emitter)) onFirst(msg.emitter)
      seen.set(msg.emitter, (seen.get(msg.emitter) ?? 0) + 1)
      if (queued.length === 0) setImmediate(flush)
      queued.push(msg)
    }
  })
  return { wrong, seen }
}

function newHost (monitor?: HostMonitor): NodeHost {
  return new NodeHost({ logger: createLogger({ level: 'error' }), grants: { decide: () => true }, maxProcesses: 1000, monitor })
}

async function load (path: string, opts: LoadOptions = {}): Promise<Program> {
  return await loadProgram(readFileSync(path), path, opts)
}

async function interleave (host: NodeHost, program: Program): Promise<void> {
  const children: Array<Promise<Proc>> = []
  const { wrong, seen } = tokens(host, (emitter) => {
    // Inside the sender's syscall: the child runs (and sends) before the sender's call returns.
    if (emitter % 3 === 0 && children.length < 10) children.push(host.spawn(program, [], emitter))
  })
  const procs = await Promise.all(Array.from({ length: 40 }, async () => await host.spawn(program, [])))
  const all = [...procs, ...await Promise.all(children)]
  const statuses = await Promise.all(all.map(async (p) => await p.exited))
  assert.deepEqual(wrong, [])
  assert.ok(children.length > 0)
  assert.deepEqual(statuses, all.map(() => 0))
  for (const p of all) assert.equal(seen.get(p.pid), ROUNDS, `pid ${p.pid}`)
  await host.close()
}

test('processes that interleave, and children spawned inside a syscall, each send as themselves', async () => {
  const host = newHost()
  await interleave(host, await load(caller))
})

test('the same with the fuel rewrite: processes also suspend and resume in refuel', async () => {
  const limits = new Limits({ sliceFuel: 1000, maxMemoryPages: 16, preempt: true, home: mkdtempSync(join(tmpdir(), 'wasmos-shared-')) })
  await interleave(newHost(limits), await load(caller, limits.loadOptions()))
})

test('a process resumed with an exception it catches, after another ran, does not send as that other', async () => {
  const limits = new Limits({ sliceFuel: 1000, maxMemoryPages: 16, preempt: true })
  const host = newHost(limits)
  const opts: LoadOptions = { allowImport: (module, name) => module === REFUEL_MODULE && name === REFUEL_NAME }
  // Gives up its turn once (its first refuel is its first slice, given at once: the second
  // yields), then waits for ever: the last process to resume before the other.
  // (The interface's digest is in its memory too, where a send taken for its own would read it.)
  const blocker = await load(wat(`(module
    (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
    (import "${REFUEL_MODULE}" "${REFUEL_NAME}" (func $refuel (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "${DIGEST}")
    (func (export "_start") (drop (call $refuel)) (drop (call $refuel)) (drop (call $wait (i32.const 0) (i32.const 0) (i32.const 64) (i32.const 64) (i32.const 1)))))`), opts)
  // Catches whatever ends its turn (it is killed meanwhile), then sends.
  const catcher = await load(wat(`(module
    (import "wasmos" "send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
    (import "${REFUEL_MODULE}" "${REFUEL_NAME}" (func $refuel (result i32)))
    (memory (export "memory") 1)
    (data (i32.const 0) "${DIGEST}")
    (func (export "_start")
      (drop (call $refuel))
      (try (do (drop (call $refuel))) (catch_all))
      (drop (call $send (i32.const 0) (i32.const 64) (i32.const 4) (i32.const 0) (i32.const 0)))))`), opts)
  const from: number[] = []
  host.addNative({ key: KEY, name: 'sink', handle (msg) { from.push(msg.emitter) } })
  const b = await host.spawn(blocker, [])
  const a = await host.spawn(catcher, [])
  host.exit(a.pid, 137)
  await nextTurn()
  await nextTurn()
  assert.equal(await a.exited, 137)
  assert.equal(b.ended, false)
  assert.ok(b.waitResolve !== null, 'the blocker waits')
  assert.deepEqual(from, [])
  await host.close()
})
