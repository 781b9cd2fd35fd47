// WASI programs (C built against Debian's wasi-libc, AssemblyScript built with
// @assemblyscript/wasi-shim) under `wasmos run`: arguments, --env, standard input, output that
// streams while the program runs, and proc_exit as the exit status.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { CLI, NODE, ROOT, program, tempHome, wasmos } from '../helpers.ts'

for (const [name, transform] of [['wasi-hello-c', (s: string) => s.toUpperCase()], ['wasi-hello-as', (s: string) => [...s].reverse().join('')]] as const) {
  test(`${name}: arguments, --env, stdin, stderr and the exit status`, async () => {
    const r = await wasmos(['run', '--env', 'GREETING=hi there', program(name), '7', 'two words'], { input: 'abc\nxyz\n' })
    assert.equal(r.code, 7, r.stderr)
    const lang = name.endsWith('-c') ? 'C' : 'AssemblyScript'
    const argList = name.endsWith('-c') ? `3 args: [${name}] [7] [two words]` : `[${name}] [7] [two words]`
    assert.equal(r.stdout, `hello from ${lang} on WASI: ${argList}\nGREETING=hi there\n${transform('abc')}\n${transform('xyz')}\nbye\n`)
    assert.match(r.stderr, /this goes to stderr\n/)
    const none = await wasmos(['run', program(name)], { env: { GREETING: 'from the host' } })
    assert.equal(none.code, 0)
    assert.match(none.stdout, /GREETING=\(unset\)\n/)
  })

  test(`${name}: output streams while the program runs, line by line`, async () => {
    const child = spawn(NODE, [CLI, 'run', program(name), '3'], { cwd: ROOT, env: { ...process.env, WASMOS_HOME: tempHome() } })
    let out = ''
    const waitFor = (text: string): Promise<void> => new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no ${JSON.stringify(text)} in ${JSON.stringify(out)}`)), 10_000)
      const check = (): void => { if (out.includes(text)) { clearTimeout(timer); child.stdout.off('data', check); resolve() } }
      child.stdout.on('data', check)
      check()
    })
    child.stdout.on('data', (d: Buffer) => { out += d.toString() })
    const exited = new Promise<number | null>((resolve) => child.on('close', resolve))
    // Each answer must arrive before the next line is even written: the program is still running.
    await waitFor('GREETING=')
    child.stdin.write('first\n')
    await waitFor(transform('first') + '\n')
    assert.ok(!out.includes('bye'))
    child.stdin.write('second\n')
    await waitFor(transform('second') + '\n')
    child.stdin.end()
    assert.equal(await exited, 3)
    assert.ok(out.endsWith('bye\n'))
  })
}

test('a WASI program may use wasmos interfaces too (wasi-mixed-c: printf and kv)', async () => {
  const r = await wasmos(['run', '--allow', 'kv', '--handler', `kv=${program('kv-server')}`, program('wasi-mixed-c'), 'fruit', 'apple'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'printf works; asking kv\nkv: fruit = apple\n')
  const denied = await wasmos(['run', '--handler', `kv=${program('kv-server')}`, program('wasi-mixed-c')])
  assert.equal(denied.code, 1)
  assert.match(denied.stdout, /kv put failed: status 1\n/)
})
