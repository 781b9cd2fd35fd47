// Spawns through the `process` interface from a program (programs/spawner, which pipelines its
// requests), in this process from the sources: the children run, the grant and the process bound
// are the interface's, and a parent's `wait` on a child that already ended gets its status.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { FileSource, run } from '../../src/cli/run.ts'
import type { NodeHost } from '../../src/kernel/node/host.ts'
import { program } from '../helpers.ts'

interface Outcome { status: number, stdout: string, idleAtEnd: number }

/** Runs spawner with `args`; counts the idle processes alive when it prints its "spawned" line. */
async function spawner (args: string[], opts: { allow?: string[], maxProcesses?: number } = {}): Promise<Outcome> {
  let stdout = ''
  let host: NodeHost | null = null
  let idleAtEnd = -1
  const out = new Writable({
    write (chunk: Buffer, _enc, done) {
      const text = chunk.toString()
      if (text.startsWith('spawned ') && host !== null) {
        idleAtEnd = 0
        for (const p of (host as NodeHost).procs.values()) if (p.program.name === 'idle' && !p.ended) idleAtEnd++
      }
      stdout += text
      done()
    }
  })
  const files = [program('spawner'), program('idle'), program('grant-spawner'), program('hello')]
  const status = await run({
    main: program('spawner'),
    args,
    handlers: [],
    source: new FileSource(files),
    allow: opts.allow ?? [],
    allowHandle: [],
    deny: [],
    allowAll: false,
    maxProcesses: opts.maxProcesses,
    logLevel: 'error',
    streams: { stdin: process.stdin, stdout: out, stderr: new Writable({ write (_c, _e, done) { done() } }) },
    onHost: (h) => { host = h }
  })
  return { status, stdout, idleAtEnd }
}

test('a program spawns 300 children through process, pipelined, then runs another and exits with its status', async () => {
  const r = await spawner([program('idle'), '300', program('hello')], { allow: ['process'], maxProcesses: 400 })
  assert.equal(r.stdout, 'spawning\nspawned 300 0\n')
  assert.equal(r.idleAtEnd, 300)
  assert.equal(r.status, 0)
})

test('with process granted for another program only, the spawn is denied', async () => {
  const r = await spawner([program('idle'), '3'], { allow: ['process=hello'] })
  assert.equal(r.stdout, 'spawn failed: 1\n')
  assert.equal(r.status, 1)
})

test('past the process bound, spawns are answered queue_full while the others run', async () => {
  // The bound counts the spawner itself: 19 children fit under 20, and then hello does not (5: queue_full).
  const r = await spawner([program('idle'), '50', program('hello')], { allow: ['process'], maxProcesses: 20 })
  assert.equal(r.stdout, 'spawning\nspawned 19 31\nspawn failed: 5\n')
  assert.equal(r.idleAtEnd, 19)
  assert.equal(r.status, 1)
})

test("a parent's wait on a child gets its exit status, and an unknown name is not_found", async () => {
  const r = await spawner([program('idle'), '0', program('grant-spawner'), program('hello')], { allow: ['process'] })
  assert.equal(r.stdout, 'spawning\nspawned 0 0\nchild exited 0\n')
  assert.equal(r.status, 0)
  const missing = await spawner(['no-such-program', '2'], { allow: ['process'] })
  assert.equal(missing.stdout, 'spawn failed: 16\n')
  assert.equal(missing.status, 1)
})
