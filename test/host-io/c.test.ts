// C programs on the wasmos ABI, built with the C SDK (programs/sdk/c) and Debian's clang: a client
// (hello-c) and a handler (kv-server-c), each talking to AssemblyScript programs and to each other.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { program, wasmos } from '../helpers.ts'

test('hello-c, a C program on the wasmos ABI, greets and uses the kv interface', async () => {
  const r = await wasmos(['run', '--allow', 'kv', '--handler', `kv=${program('kv-server')}`, program('hello-c'), 'kv', 'color', 'blue'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'Hello from C on wasmos! args: [hello-c] [kv] [color] [blue]\nkv: color = blue\nkv: no-such-key -> status 16\n')
  assert.match(r.stderr, /hello-c: hello-c says hello/)
  const denied = await wasmos(['run', '--handler', `kv=${program('kv-server')}`, program('hello-c'), 'kv', 'a', 'b'])
  assert.equal(denied.code, 1)
  assert.match(denied.stdout, /kv put failed: status 1\n/)
})

test('kv-server-c, a handler in C, serves the AssemblyScript kv client and the C one', async () => {
  const r = await wasmos(['run', '--allow=kv', '--handler', `kv=${program('kv-server-c')}`, program('kv-client'),
    'put', 'b', 'two', 'put', 'a', 'one', 'get', 'a', 'get', 'zz', 'delete', 'a', 'list', 'put', 'c', 'three', 'list'])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, 'put b\nput a\na = one\nzz not found\ndeleted a\nkeys: b\nput c\nkeys: b,c\n')
  const c = await wasmos(['run', '--allow', 'kv', '--handler', `kv=${program('kv-server-c')}`, program('hello-c'), 'kv', 'shape', 'round'])
  assert.equal(c.code, 0, c.stderr)
  assert.match(c.stdout, /kv: shape = round\nkv: no-such-key -> status 16\n$/)
})
