// Scoped grants end to end, through the built CLI with --no-prompt: tictactoe sends its score to
// the one allowed host:port (a real listener on 127.0.0.1) and is refused, without a prompt, any
// other; env globs; an fs read-only scope refusing a write; permission sets from wasmos.json and
// --grants-file with -P; a spawned child never holding more scope than its parent; `wasmos grants`
// showing where each decision came from and revoking one scope.
import { describe, expect, test } from 'vitest'
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { program, tempHome, wasmos } from '../helpers.ts'

/** Moves that finish one game of tictactoe (it loses or draws), then "n" to stop. */
const ONE_GAME = '5\n1\n2\n3\n4\n6\n7\n8\n9\nn\n'

/** A listener on 127.0.0.1 that keeps every line it receives. */
async function scoreServer (): Promise<{ server: Server, port: number, lines: string[], connections: () => number }> {
  const lines: string[] = []
  let connections = 0
  const server = createServer((c) => {
    connections++
    let buf = ''
    c.on('data', (d) => { buf += d.toString() })
    c.on('end', () => { lines.push(...buf.split('\n').filter((l) => l !== '')); c.end() })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { server, port: (server.address() as { port: number }).port, lines, connections: () => connections }
}

const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()))

describe('tcp by host:port', () => {
  test('the allowed port gets the score; another port is denied without a prompt and gets nothing', async () => {
    const allowed = await scoreServer()
    const other = await scoreServer()
    try {
      const ok = await wasmos(['run', '--no-prompt', '--allow', `tcp=127.0.0.1:${allowed.port}`, program('tictactoe'), `127.0.0.1:${allowed.port}`], { input: ONE_GAME })
      expect(ok.code, ok.stderr).toBe(0)
      expect(ok.stdout).toMatch(new RegExp(`\\(score sent to 127\\.0\\.0\\.1:${allowed.port}\\)`))
      expect(ok.stderr).toBe('')
      const denied = await wasmos(['run', '--no-prompt', '--allow', `tcp=127.0.0.1:${allowed.port}`, program('tictactoe'), `127.0.0.1:${other.port}`], { input: ONE_GAME })
      expect(denied.code, denied.stderr).toBe(0)
      expect(denied.stdout).toMatch(/\(score not sent: tcp is not allowed\)/)
      expect(denied.stderr).toMatch(new RegExp(`tictactoe may not use tcp to connect to 127\\.0\\.0\\.1:${other.port}: (prompting is off|no terminal to ask); allow it with --allow=tcp, or only this with --allow tcp=127\\.0\\.0\\.1:${other.port}\n`))
      expect(denied.stderr).toContain(`--allow tcp=127.0.0.1:${other.port}`)
      expect(denied.stdout).not.toMatch(/Allow\?/)
      // Deny wins over allow, even over a wider one.
      const deny = await wasmos(['run', '--no-prompt', '--allow', 'tcp=127.0.0.1:*', '--deny', `tcp=127.0.0.1:${allowed.port}`, program('tictactoe'), `127.0.0.1:${allowed.port}`], { input: ONE_GAME })
      expect(deny.stdout).toMatch(/\(score not sent: tcp is not allowed\)/)
      await new Promise((resolve) => setTimeout(resolve, 200))
      expect(allowed.lines).toEqual(['tictactoe wins=0 losses=1 draws=0'])
      expect(allowed.connections()).toBe(1)
      expect(other.connections()).toBe(0)
    } finally {
      await close(allowed.server)
      await close(other.server)
    }
  })

  test('bare --allow tcp keeps meaning any scope; a scope on an interface without scopes is refused', async () => {
    const srv = await scoreServer()
    try {
      const r = await wasmos(['run', '--no-prompt', '--allow', 'tcp', program('tictactoe'), `127.0.0.1:${srv.port}`], { input: ONE_GAME })
      expect(r.stdout).toMatch(/\(score sent to /)
    } finally {
      await close(srv.server)
    }
    const bad = await wasmos(['run', '--allow', 'kv=x', program('hello')])
    expect(bad.code).toBe(1)
    expect(bad.stderr).toBe('wasmos: --allow kv=x: kv takes no scope (scopes exist for tcp, udp, fs, env, process)\n')
    const badPort = await wasmos(['run', '--allow', 'tcp=127.0.0.1:99999', program('hello')])
    expect(badPort.code).toBe(1)
    expect(badPort.stderr).toMatch(/^wasmos: --allow tcp=127\.0\.0\.1:99999: bad port '99999'.*\n$/)
  })
})

describe('env and fs scopes', () => {
  test('env globs: AWS_* reads AWS_ variables and nothing else; list shows only those', async () => {
    const r = await wasmos(['run', '--no-prompt', '--allow', 'env=AWS_*', '--env', 'AWS_KEY=k', '--env', 'AWS_REGION=r', '--env', 'HOME=/h',
      program('fsh'), 'env', 'AWS_KEY', 'env', 'HOME', 'envs'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('AWS_KEY=k\nHOME: error 1\n[AWS_KEY=k,AWS_REGION=r]\n')
    expect(r.stderr).toMatch(/fsh may not use env to read the variable HOME: .*--allow env=HOME/)
  })

  test('a read-only fs scope reads, and refuses a write (nothing is written)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wasmos-scope-fs-'))
    mkdirSync(join(dir, 'www'))
    writeFileSync(join(dir, 'www', 'a.txt'), 'hello\n')
    writeFileSync(join(dir, 'secret.txt'), 'no\n')
    const r = await wasmos(['run', '--no-prompt', '--allow', 'fs=/data/www:read', '--dir', `${dir}:/data`, program('fsh'),
      'cat', '/data/www/a.txt', 'write', '/data/www/b.txt', 'x', 'cat', '/data/secret.txt', 'mkdir', '/data/www/d'])
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toBe('hello\n\n/data/www/b.txt: error 1\n/data/secret.txt: error 1\n/data/www/d: error 1\n')
    expect(() => readFileSync(join(dir, 'www', 'b.txt'))).toThrow(/ENOENT/)
    // With write access too, the same write goes through.
    const rw = await wasmos(['run', '--no-prompt', '--allow', 'fs=/data/www', '--dir', `${dir}:/data`, program('fsh'), 'write', '/data/www/b.txt', 'x'])
    expect(rw.code, rw.stderr).toBe(0)
    expect(readFileSync(join(dir, 'www', 'b.txt'), 'utf8')).toBe('x')
  })
})

describe('permission sets and children', () => {
  const B = (n: string): string => program(n)

  test('wasmos.json applies to the program it names; -P applies a set to every program; --grants-file', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wasmos-sets-'))
    writeFileSync(join(cwd, 'wasmos.json'), JSON.stringify({ programs: { fsh: { allow: ['env=SECRET'] }, other: { allow: ['env=OTHER'] } } }))
    const named = await wasmos(['run', '--no-prompt', '--env', 'SECRET=s', '--env', 'OTHER=o', B('fsh'), 'env', 'SECRET', 'env', 'OTHER'], { cwd })
    expect(named.stdout).toBe('SECRET=s\nOTHER: error 1\n')
    const withP = await wasmos(['run', '--no-prompt', '-P', 'other', '--env', 'SECRET=s', '--env', 'OTHER=o', B('fsh'), 'env', 'SECRET', 'env', 'OTHER'], { cwd })
    expect(withP.stdout).toBe('SECRET=s\nOTHER=o\n')
    const file = join(cwd, 'perms.json')
    writeFileSync(file, JSON.stringify({ programs: { web: { allow: ['env=OTHER'], deny: ['env=SECRET'] } } }))
    const given = await wasmos(['run', '--no-prompt', '--grants-file', file, '-P', 'web', '--allow', 'env', '--env', 'SECRET=s', '--env', 'OTHER=o', B('fsh'), 'env', 'SECRET', 'env', 'OTHER'], { cwd })
    expect(given.stdout, 'the set\'s deny wins over the bare --allow env').toBe('SECRET: error 1\nOTHER=o\n')
    const missing = await wasmos(['run', '-P', 'nope', B('hello')], { cwd })
    expect(missing.code).toBe(1)
    expect(missing.stderr).toBe('wasmos: wasmos.json: no permission set "nope" (it names fsh, other)\n')
    writeFileSync(join(cwd, 'bad.json'), '{"programs": {"x": {"allow": "tcp"}}}')
    const bad = await wasmos(['run', '--grants-file', join(cwd, 'bad.json'), B('hello')], { cwd })
    expect(bad.code).toBe(1)
    expect(bad.stderr).toMatch(/^wasmos: .*bad\.json: programs\.x\.allow: expected an array of strings.*\n$/)
  })

  test('a spawned child never gets more scope than its parent', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'wasmos-child-'))
    writeFileSync(join(cwd, 'wasmos.json'), JSON.stringify({ programs: { fsh: { allow: ['env=SECRET', 'env=PLAIN'] }, parent: { allow: ['env=PLAIN'] } } }))
    const args = ['--env', 'SECRET=s', '--env', 'PLAIN=p', '--program', B('fsh'), B('grant-spawner'), B('fsh'), 'env', 'SECRET', 'env', 'PLAIN']
    const alone = await wasmos(['run', '--no-prompt', ...args], { cwd })
    expect(alone.stdout).toBe('SECRET: error 1\nPLAIN: error 1\nchild exited 0\n')
    expect(alone.stderr).toMatch(/fsh may not use env to read the variable SECRET: the program that started it \(grant-spawner\) does not hold that grant/)
    const parentHolds = await wasmos(['run', '--no-prompt', '-P', 'parent', ...args], { cwd })
    expect(parentHolds.stdout).toBe('SECRET: error 1\nPLAIN=p\nchild exited 0\n')
    // Starting a program is scoped too: only the programs named.
    const restricted = await wasmos(['run', '--no-prompt', '--allow', 'process=kv-client', '--program', B('fsh'), B('grant-spawner'), B('fsh')], { cwd })
    expect(restricted.stderr).toMatch(/grant-spawner may not use process to start the program fsh/)
    expect(restricted.stdout).not.toMatch(/child exited/)
  })

  test('wasmos grants shows where each decision came from, and revokes one scope', async () => {
    const home = tempHome()
    const cwd = mkdtempSync(join(tmpdir(), 'wasmos-list-'))
    writeFileSync(join(cwd, 'wasmos.json'), JSON.stringify({ programs: { 'http-server': { allow: ['tcp=0.0.0.0:8080', 'fs=/www:read'] } } }))
    const env = { WASMOS_HOME: home }
    const set = await wasmos(['grants', 'allow', program('tictactoe'), 'tcp=127.0.0.1:7878', 'tcp=localhost:9000-9010'], { env, cwd })
    expect(set.code, set.stderr).toBe(0)
    expect(set.stdout).toMatch(/allowed tictactoe \(bafk\S+\) to send to tcp=127\.0\.0\.1:7878, tcp=localhost:9000-9010/)
    const list = JSON.parse((await wasmos(['grants', '--json'], { env, cwd })).stdout) as Array<{ program: string, scope: string | null, source: string, decision: string }>
    expect(list.map((g) => [g.scope, g.decision, g.source.replace(home, 'HOME')]).sort()).toEqual([
      ['/www:read', 'allow', 'wasmos.json: http-server'],
      ['0.0.0.0:8080', 'allow', 'wasmos.json: http-server'],
      ['127.0.0.1:7878', 'allow', 'HOME/grants.json (wasmos grants)'],
      ['localhost:9000-9010', 'allow', 'HOME/grants.json (wasmos grants)']
    ])
    const table = (await wasmos(['grants'], { env, cwd })).stdout
    expect(table).toMatch(/^PROGRAM +NAME +INTERFACE +KIND +DECISION +SINCE +FROM$/m)
    expect(table).toMatch(/^http-server +http-server +tcp=0\.0\.0\.0:8080 +send +allow +- +wasmos\.json: http-server$/m)
    expect(table).toMatch(/^bafk\S+ +tictactoe +tcp=127\.0\.0\.1:7878 +send +allow +\d{4}-\d\d-\d\d [\d:]+ +\S+grants\.json \(wasmos grants\)$/m)
    const revoke = await wasmos(['grants', 'revoke', program('tictactoe'), 'tcp=127.0.0.1:7878'], { env, cwd })
    expect(revoke.stdout).toMatch(/^revoked 1 decision of /)
    const after = JSON.parse((await wasmos(['grants', '--json'], { env })).stdout) as Array<{ scope: string | null }>
    expect(after.map((g) => g.scope)).toEqual(['localhost:9000-9010'])
    // The remembered scope is used by the next run, without a flag.
    const srv = await scoreServer()
    try {
      await wasmos(['grants', 'allow', program('tictactoe'), `tcp=127.0.0.1:${srv.port}`], { env })
      const r = await wasmos(['run', '--no-prompt', program('tictactoe'), `127.0.0.1:${srv.port}`], { env, input: ONE_GAME })
      expect(r.stdout).toMatch(/\(score sent to /)
    } finally {
      await close(srv.server)
    }
  })
})
