// grants.json under concurrent writers: several processes (real ones, each its own GrantStore) set
// scoped decisions at the same time, many times over; every decision survives and the file stays
// valid JSON (the lock file serialises the read-modify-write, the rename makes it atomic).
import { expect, test } from 'vitest'
import { spawn } from 'node:child_process'
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { NODE, ROOT, tempHome } from '../helpers.ts'
import { GrantStore } from '../../src/kernel/node/grants/store.ts'

const WRITERS = 4
const EACH = 25

function writer (home: string, n: number): Promise<number | null> {
  const script = `
    import { GrantStore } from ${JSON.stringify(join(ROOT, 'src/kernel/node/grants/store.ts'))}
    const store = new GrantStore(${JSON.stringify(home)})
    for (let i = 0; i < ${EACH}; i++) {
      store.set([{ program: 'bafkprog${n}', name: 'w${n}', iface: 'bafktcp', scope: '127.0.0.1:' + (1000 + i), kind: 'send', decision: i % 2 === 0 ? 'allow' : 'deny' }])
    }`
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, ['--input-type=module', '-e', script], { stdio: 'inherit' })
    child.on('error', reject)
    child.on('close', resolve)
  })
}

test(`${WRITERS} processes writing ${EACH} scoped decisions each at once: all kept, the file valid`, async () => {
  const home = tempHome()
  const codes = await Promise.all(Array.from({ length: WRITERS }, (_, n) => writer(home, n)))
  expect(codes).toEqual(Array(WRITERS).fill(0))
  const file = JSON.parse(readFileSync(join(home, 'grants.json'), 'utf8')) as { version: number }
  expect(file.version).toBe(1)
  const list = new GrantStore(home).list()
  expect(list.length).toBe(WRITERS * EACH)
  for (let n = 0; n < WRITERS; n++) {
    const mine = list.filter((g) => g.program === `bafkprog${n}`)
    expect(mine.map((g) => g.scope).sort()).toEqual(Array.from({ length: EACH }, (_, i) => `127.0.0.1:${1000 + i}`).sort())
    expect(mine.every((g) => g.decision === (Number(g.scope!.split(':')[1]) % 2 === 0 ? 'allow' : 'deny'))).toBe(true)
  }
  expect(readdirSync(home).filter((f) => f !== 'cache').sort(), 'no lock or temporary file left').toEqual(['grants.json'])
})
