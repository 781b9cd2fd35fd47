// The id a program answers is a u64 from wasm (a BigInt to the host): ids at or past 2^53, and
// negative i64s, name no message and get UNKNOWN_MESSAGE, even where the id rounds, as a number,
// to one near the real message's; the real id is then still answered.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { UNKNOWN_MESSAGE } from '../../src/kernel/core/index.ts'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import { loadProgram } from '../../src/kernel/node/program.ts'
import { wat } from '../hardening/helpers.ts'

const KEY = '6b'.repeat(32)
const DIGEST = new Uint8Array(32).fill(0x6b)

// Takes one message (its id is the u64 at 8 of what `wait` wrote at 256), answers it with ids that
// name nothing (each must get UNKNOWN_MESSAGE, else it traps), then with its own id (must be OK).
const server = wat(`(module
  (import "wasmos" "answer" (func $answer (param i64 i32 i32 i32) (result i32)))
  (import "wasmos" "wait" (func $wait (param i32 i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (func $refused (param $id i64)
    (if (i32.ne (call $answer (local.get $id) (i32.const 0) (i32.const 0) (i32.const 0)) (i32.const ${UNKNOWN_MESSAGE})) (then unreachable)))
  (func (export "_start") (local $id i64)
    (if (i32.le_s (call $wait (i32.const 0) (i32.const 0) (i32.const 256) (i32.const 256) (i32.const 1)) (i32.const 0)) (then unreachable))
    (local.set $id (i64.load (i32.const 264)))
    (call $refused (i64.add (local.get $id) (i64.const 0x20000000000000)))
    (call $refused (i64.const 0x20000000000000))
    (call $refused (i64.const 0x20000000000001))
    (call $refused (i64.const -1))
    (call $refused (i64.const 0))
    (if (call $answer (local.get $id) (i32.const 0) (i32.const 0) (i32.const 0)) (then unreachable))))`)

test('answers with ids that name no message are refused; the real id is answered', async () => {
  const host = new NodeHost({ logger: createLogger({ level: 'error' }), grants: { decide: () => true } })
  const program = await loadProgram(readFileSync(server), server, {})
  const proc = await host.spawn(program, [])
  assert.equal(await host.register(proc.pid, KEY, DIGEST, 1), 0)
  const answer = await host.call(KEY, DIGEST, new Uint8Array([1, 2, 3]))
  assert.equal(answer.status, 0)
  assert.equal(await proc.exited, 0)
  assert.equal(proc.error, null)
  await host.close()
})
