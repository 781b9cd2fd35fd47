// Sending to an interface and handling it are separate grants, and an interface given to a
// program with --handler is that program's for the whole run: nobody else may take it.
import { describe, expect, test } from 'vitest'
import { ALREADY_HANDLED, GRANT_HANDLE, Kernel, KernelConfig, OK } from '../../src/kernel/core/index.ts'
import { program, wasmos } from './helpers.ts'

describe('reserved interfaces in the kernel core', () => {
  test('only the owner may register a reserved interface, even after it ended', () => {
    const k = new Kernel(new KernelConfig())
    const key = 'ab'.repeat(32)
    const owner = k.spawn(0)
    const other = k.spawn(0)
    k.reserve(key, owner)
    k.decide(other, key, GRANT_HANDLE, true)
    expect(k.register(other, key, null, 1)).toBe(ALREADY_HANDLED)
    k.exit(owner, -1)
    expect(k.register(other, key, null, 2)).toBe(ALREADY_HANDLED)
    // Nobody was asked about it: no grant question for a reserved interface.
    expect(k.takeActions().length).toBe(1)
    const third = k.spawn(0)
    k.reserve('cd'.repeat(32), third)
    k.decide(third, 'cd'.repeat(32), GRANT_HANDLE, true)
    expect(k.register(third, 'cd'.repeat(32), null, 3)).toBe(OK)
  })
})

describe('send and handle grants', { timeout: 60_000 }, () => {
  test('--allow kv lets a program send to kv, not handle it', async () => {
    const r = await wasmos(['run', '--allow', 'kv', program('kv-server')], { timeoutMs: 20_000 })
    expect(r.stderr).toMatch(/kv-server may not handle kv \(bafkrei\w+\): no terminal to ask; allow it with --allow-handle=kv/)
    expect(r.stderr).toContain('kv-server: cannot handle kv')
    expect(r.stderr).not.toContain('waits for a notification that can never come')
  })

  test('--allow-handle kv lets it handle kv', async () => {
    const r = await wasmos(['run', '--allow-handle', 'kv', program('kv-server')], { timeoutMs: 20_000 })
    expect(r.stderr).not.toContain('cannot handle kv')
    expect(r.stderr).toContain('kv-server waits for a notification that can never come')
  })

  test('an interface named in --handler cannot be taken by another program, even one allowed everything', async () => {
    // The chosen handler (hello) never registers kv and ends; kv stays its own all the same.
    const r = await wasmos(['run', '--allow-all', '--handler', `kv=${program('hello')}`, program('kv-server')], { timeoutMs: 20_000 })
    expect(r.stderr).toContain('kv-server: cannot handle kv')
    expect(r.stderr).not.toContain('waits for a notification that can never come')
  })

  test('the chosen handler still serves its interface', async () => {
    const r = await wasmos(['run', '--allow', 'kv', '--handler', `kv=${program('kv-server')}`, program('kv-client'), 'put', 'a', '1', 'get', 'a'], { timeoutMs: 20_000 })
    expect(r.stderr).toBe('')
    expect(r.stdout).toContain('a = 1')
    expect(r.code).toBe(0)
  })
})
