// Grants without a terminal: the deny-and-name-the-flag path, `--no-prompt`, remembered decisions
// across runs and `wasmos grants`, a child exceeding its parent, handling without a grant,
// `wasmos inspect` and the `wasmos.interfaces` section, the sanitiser.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { decodeDeclared, encodeDeclared } from '../../src/kernel/node/grants/declared.ts'
import { rawCidOf } from '../../src/kernel/node/program.ts'
import { sanitize } from '../../src/kernel/node/text.ts'
import { program, tempHome, wasmos } from '../helpers.ts'
import { Terminal } from './terminal.ts'
import { withSection } from './wasm.ts'

const KV_SERVER = ['--handler', `kv=${program('kv-server')}`]
const KV_CLIENT = [program('kv-client'), 'put', 'a', '1', 'get', 'a']
const TCP_CID = 'bafkreiczbbz4qsg37lkpmczcknzh7wwd54pekll3fnt5uqpjnepjkrkmmu'

test('without a terminal, undecided means deny, and the warning names the flag; the game stays playable', async () => {
  const r = await wasmos(['run', program('tictactoe'), '127.0.0.1:9'], { input: '5\n1\n2\n3\n4\n6\n7\n8\n9\nn\n' })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /\(score not sent: tcp is not allowed\)/)
  assert.match(r.stdout, /Final score: wins=0 losses=1 draws=0/)
  const warnings = r.stderr.split('\n').filter((l) => l.includes('may not'))
  assert.equal(warnings.length, 1, r.stderr)
  assert.match(warnings[0], /tictactoe may not use tcp to connect to 127\.0\.0\.1:\d+: no terminal to ask; allow it with --allow=tcp, or only this with --allow tcp=127\.0\.0\.1:\d+$/)
})

test('--allow, --deny, --allow-all: deny wins over allow', async () => {
  const allowed = await wasmos(['run', '--allow=kv', ...KV_SERVER, ...KV_CLIENT])
  assert.match(allowed.stdout, /^a = 1$/m, allowed.stderr)
  const both = await wasmos(['run', '--allow-all', '--deny', 'kv', ...KV_SERVER, ...KV_CLIENT])
  assert.match(both.stdout, /^put a failed: 1$/m)
  assert.doesNotMatch(both.stderr, /may not use kv/, 'the user denied it: no warning needed')
})

test('--no-prompt in a terminal: no prompt, the warning says so and names the flag', async () => {
  const home = tempHome()
  const t = new Terminal(['run', '--no-prompt', ...KV_SERVER, ...KV_CLIENT], home)
  try {
    assert.equal(await t.exitStatus(), 0)
    const s = t.screen()
    assert.doesNotMatch(s, /Allow\?/)
    assert.match(s, /kv-client may not use kv \(bafkrei\w+\): prompting is off; allow it with --allow=kv/)
    assert.match(s, /^put a failed: 1$/m)
  } finally {
    t.close()
  }
})

test('wasmos grants allow | deny | revoke, remembered across runs', async () => {
  const env = { WASMOS_HOME: tempHome() }
  const cid = await rawCidOf(readFileSync(program('kv-client')))
  let r = await wasmos(['grants', 'allow', program('kv-client'), 'kv'], { env })
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, `allowed kv-client (${cid}) to send to kv\n`)
  assert.deepEqual(readdirSync(env.WASMOS_HOME).filter((f) => f !== 'cache'), ['grants.json'], 'no temporary file is left behind (cache/ holds the CLI code cache)')

  r = await wasmos(['run', ...KV_SERVER, ...KV_CLIENT], { env })
  assert.match(r.stdout, /^a = 1$/m, r.stderr)
  assert.doesNotMatch(r.stderr, /may not/)

  r = await wasmos(['grants', '--json'], { env })
  const list = JSON.parse(r.stdout) as Array<Record<string, string>>
  assert.equal(list.length, 1)
  assert.equal(list[0].program, cid)
  assert.equal(list[0].name, 'kv-client')
  assert.equal(list[0].interfaceName, 'kv')
  assert.equal(list[0].kind, 'send')
  assert.equal(list[0].decision, 'allow')
  r = await wasmos(['grants'], { env })
  assert.match(r.stdout, new RegExp(`^${cid}  kv-client  kv +send  allow +\\d{4}-`, 'm'))

  // By CID this time, and two interfaces at once; deny replaces allow.
  r = await wasmos(['grants', 'deny', cid, 'kv', TCP_CID], { env })
  assert.equal(r.code, 0, r.stderr)
  r = await wasmos(['run', ...KV_SERVER, ...KV_CLIENT], { env })
  assert.match(r.stdout, /^put a failed: 1$/m)
  assert.equal(r.stderr.match(/kv-client may not use kv .*never allowed \(remembered; 'wasmos grants revoke/g)?.length, 1, r.stderr)

  r = await wasmos(['grants', 'revoke', program('kv-client'), 'kv'], { env })
  assert.equal(r.stdout, `revoked 1 decision of ${cid}\n`)
  r = await wasmos(['grants', '--json'], { env })
  assert.deepEqual((JSON.parse(r.stdout) as Array<Record<string, string>>).map((g) => g.interfaceName), ['tcp'])
  r = await wasmos(['grants', 'revoke', cid], { env })
  assert.equal(r.stdout, `revoked 1 decision of ${cid}\n`)
  r = await wasmos(['grants'], { env })
  assert.equal(r.stdout, 'no remembered decisions\n')
  r = await wasmos(['run', ...KV_SERVER, ...KV_CLIENT], { env })
  assert.match(r.stderr, /no terminal to ask; allow it with --allow=kv/)
})

test('wasmos grants: one-line errors for what the user got wrong', async () => {
  const env = { WASMOS_HOME: tempHome() }
  let r = await wasmos(['grants', 'allow', 'nosuch', 'kv'], { env })
  assert.equal(r.code, 1)
  assert.equal(r.stderr, 'wasmos: nosuch: neither a .wasm file nor a program CID\n')
  r = await wasmos(['grants', 'allow', program('hello'), 'nosuch'], { env })
  assert.equal(r.code, 1)
  assert.equal(r.stderr, "wasmos: unknown interface 'nosuch' (give a name from 'wasmos interfaces', or a CID)\n")
  writeFileSync(join(env.WASMOS_HOME, 'grants.json'), '{"version": 1, "programs": ')
  for (const args of [['grants'], ['run', program('hello')]]) {
    r = await wasmos(args, { env })
    assert.equal(r.code, 1)
    assert.match(r.stderr, /^wasmos: .*grants\.json: not valid JSON \(.*\); fix it or remove the file .*\n$/)
  }
})

test('a child holds at most its parent\'s grants, whatever is remembered for it', async () => {
  const env = { WASMOS_HOME: tempHome() }
  const spawn = ['--program', program('kv-client'), program('grant-spawner'), program('kv-client'), 'put', 'a', '1']
  await wasmos(['grants', 'allow', program('kv-client'), 'kv'], { env })
  let r = await wasmos(['run', ...KV_SERVER, ...spawn], { env })
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, /^put a failed: 1\nchild exited 0$/m)
  assert.match(r.stderr, /kv-client may not use kv .*: the program that started it does not hold that grant/)
  // The parent may use kv (a flag): the child may too, though the parent never used it itself.
  r = await wasmos(['run', '--allow=kv', ...KV_SERVER, ...spawn], { env })
  assert.match(r.stdout, /^put a\nchild exited 0$/m, r.stderr)
  // The parent may, the child has no decision of its own: still refused (asked, here no terminal).
  await wasmos(['grants', 'revoke', program('kv-client')], { env })
  await wasmos(['grants', 'allow', program('grant-spawner'), 'kv'], { env })
  r = await wasmos(['run', ...KV_SERVER, ...spawn], { env })
  assert.match(r.stdout, /^put a failed: 1$/m)
  assert.match(r.stderr, /kv-client may not use kv .*no terminal to ask; allow it with --allow=kv/)
})

test('handling an interface needs its own grant', async () => {
  const r = await wasmos(['run', '--allow-handle=kv', program('kv-server')], { timeoutMs: 10_000 })
  assert.doesNotMatch(r.stderr, /cannot handle kv|may not/, 'allowed by the flag')
  assert.match(r.stderr, /kv-server waits for a notification that can never come/, 'it handles kv, and nobody else runs')
  const env = { WASMOS_HOME: tempHome() }
  const denied = await wasmos(['run', program('kv-server')], { env, timeoutMs: 10_000 })
  assert.match(denied.stderr, /kv-server may not handle kv \(bafkrei\w+\): no terminal to ask; allow it with --allow-handle=kv/)
  assert.match(denied.stderr, /kv-server: cannot handle kv/)
  // A send grant is not a handle grant.
  await wasmos(['grants', 'allow', program('kv-server'), 'kv'], { env })
  const sendOnly = await wasmos(['run', program('kv-server')], { env, timeoutMs: 10_000 })
  assert.match(sendOnly.stderr, /kv-server may not handle kv/)
  await wasmos(['grants', 'allow', '--handle', program('kv-server'), 'kv'], { env })
  const list = JSON.parse((await wasmos(['grants', '--json'], { env })).stdout) as Array<{ kind: string }>
  assert.deepEqual(list.map((g) => g.kind).sort(), ['handle', 'send'])
})

test('wasmos inspect shows the name, imports, exports and the declared interfaces', async () => {
  const r = await wasmos(['inspect', program('tictactoe')])
  assert.equal(r.code, 0, r.stderr)
  const cid = await rawCidOf(readFileSync(program('tictactoe')))
  assert.match(r.stdout, /^name: {4}tictactoe$/m)
  assert.match(r.stdout, new RegExp(`^cid: {5}${cid}$`, 'm'))
  assert.match(r.stdout, /^ {2}wasmos\.send \(function\)$/m)
  assert.match(r.stdout, /^ {2}_start \(function\)$/m)
  assert.match(r.stdout, new RegExp(`^ {2}send to tcp ${TCP_CID}\n {4}why: "to send your score to the high-score server"$`, 'm'))
  const json = JSON.parse((await wasmos(['inspect', '--json', program('tictactoe')])).stdout) as { interfaces: unknown[] }
  assert.deepEqual(json.interfaces, [{ cid: TCP_CID, name: 'tcp', kind: 'send', scope: null, reason: 'to send your score to the high-score server' }])
  const hello = await wasmos(['inspect', program('hello')])
  assert.match(hello.stdout, /^interfaces it declares: \(none\)$/m)
})

test('a malformed wasmos.interfaces section: inspect says so, run refuses the program', async () => {
  const home = tempHome()  // a scratch directory for the module
  const bad = join(home, 'bad.wasm')
  writeFileSync(bad, withSection(readFileSync(program('hello')), 'wasmos.interfaces', new Uint8Array([0x91, 0xa2, 0x61, 0x62])))
  const r = await wasmos(['inspect', bad])
  assert.match(r.stdout, /^interfaces it declares: .*malformed wasmos\.interfaces section/m)
  const run = await wasmos(['run', bad])
  assert.equal(run.code, 1)
  assert.equal(run.stderr, `wasmos: ${bad}: malformed wasmos.interfaces section: expected an array of [cid, reason] entries\n`)
})

test('the declared section round-trips, and checks what it reads', () => {
  const bytes = encodeDeclared([{ cid: TCP_CID, reason: 'scores' }, { cid: TCP_CID, reason: 'serve', kind: 'handle' }])
  assert.deepEqual(decodeDeclared(bytes, 'x').map((d) => [d.cid, d.kind, d.reason]), [[TCP_CID, 'send', 'scores'], [TCP_CID, 'handle', 'serve']])
  assert.throws(() => decodeDeclared(encodeDeclared([{ cid: 'not-a-cid', reason: '' }]), 'x.wasm'), /x\.wasm: malformed wasmos\.interfaces section: not an interface CID/)
})

test('sanitize: no escape sequence, control or bidi character survives; long text is cut', () => {
  assert.equal(sanitize('a\x1b[31mred\x1b[0m'), 'ared')
  assert.equal(sanitize('a\nb\rc\x07d\x7f'), 'a\\nb\\rc\\u0007d\\u007f')
  assert.equal(sanitize('x\u202ey\u2028z'), 'x\\u202ey\\u2028z')
  assert.equal(sanitize('\x1b]0;title\x07ok'), 'ok')
  assert.equal(sanitize('abcdefgh', 5), 'abcd…')
  assert.equal(sanitize('plain name'), 'plain name')
})
