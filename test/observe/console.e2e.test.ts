// `wasmos ps` and `wasmos top` against real runs: the control socket (owner-only, cleaned when
// stale), a snapshot of a spinning program, and top in a real terminal (tmux) killing the spinner
// and revoking a grant, effective at once and written to the audit log.
import { afterEach, describe, test } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync, spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { CLI, NODE, program, ROOT, tempHome, runCli } from '../helpers.ts'

interface Started { child: ChildProcess, stdout: string, stderr: string, exited: Promise<number | null> }

const children: ChildProcess[] = []
const tmuxes: string[] = []

afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL')
  for (const t of tmuxes.splice(0)) { try { execFileSync('tmux', ['-L', t, 'kill-server'], { stdio: 'ignore' }) } catch {} }
})

function start (home: string, args: string[]): Started {
  const child = spawn(NODE, [CLI, 'run', ...args], { env: { ...process.env, WASMOS_HOME: home, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
  children.push(child)
  const s: Started = { child, stdout: '', stderr: '', exited: new Promise((resolve) => child.on('close', (code) => resolve(code))) }
  child.stdout!.on('data', (d: Buffer) => { s.stdout += d.toString() })
  child.stderr!.on('data', (d: Buffer) => { s.stderr += d.toString() })
  return s
}

async function until<T> (what: string, f: () => T | null | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const v = f()
    if (v !== null && v !== undefined && v !== false) return v
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

function socketOf (home: string, pid: number): string {
  return join(home, 'run', `${pid}.sock`)
}

interface PsKernel { kernel: number, main: string, processes: Array<{ pid: number, name: string, cid: string, state: string, cpu: number, memory: number, queue: number, sent: number, received: number, grants: Array<{ iface: string, kind: string, state: string }> }> }

describe('wasmos ps', () => {
  test('shows a spinning program from its control socket; the socket is owner-only and goes with the run', async () => {
    const home = tempHome('ps')
    const spin = start(home, [program('spin')])
    const sock = socketOf(home, spin.child.pid!)
    await until('the control socket', () => existsSync(sock))
    assert.equal(statSync(join(home, 'run')).mode & 0o777, 0o700)
    assert.equal(statSync(sock).mode & 0o777, 0o600)
    const r = await runCli(home, ['ps', '--json'])
    assert.equal(r.code, 0, r.stderr)
    const kernels = JSON.parse(r.stdout) as PsKernel[]
    assert.equal(kernels.length, 1)
    assert.equal(kernels[0].kernel, spin.child.pid)
    const p = kernels[0].processes[0]
    assert.equal(p.name, 'spin')
    assert.match(p.cid, /^bafk/)
    assert.equal(p.state, 'running')
    assert.ok(p.cpu > 50, `a spinner is busy: ${p.cpu}%`)
    assert.equal(p.memory, 65536)
    assert.deepEqual(p.grants, [{ iface: 'log', kind: 'send', state: 'allowed' }])
    const text = await runCli(home, ['ps'])
    assert.match(text.stdout, new RegExp(`^kernel ${spin.child.pid}: `, 'm'))
    assert.match(text.stdout, /^\s+1\s+spin\s+bafk\S+\s+running\s/m)
    // A kernel that dies without closing leaves its socket: ps removes it.
    spin.child.kill('SIGKILL')
    await spin.exited
    assert.ok(existsSync(sock))
    const after = await runCli(home, ['ps'])
    assert.equal(after.stdout, 'no running wasmos programs\n')
    assert.ok(!existsSync(sock))
  })

  test('a run that ends removes its socket; --no-control opens none', async () => {
    const home = tempHome('ps')
    const a = await runCli(home, ['run', program('hello')])
    assert.equal(a.code, 0, a.stderr)
    // A run this short is over before its socket opens (features/control.ts: CONTROL_DELAY_MS).
    assert.ok(!existsSync(join(home, 'run')) || readdirSync(join(home, 'run')).length === 0)
    const lasting = start(home, ['--cpu-limit', '1s', program('spin')])
    await until('the control socket', () => existsSync(socketOf(home, lasting.child.pid!)))
    await lasting.exited
    assert.deepEqual(readdirSync(join(home, 'run')), [])
    const home2 = tempHome('ps')
    const spin = start(home2, ['--no-control', program('spin')])
    await until('the spinner starts', () => spin.stderr.includes('spinning'))
    assert.ok(!existsSync(socketOf(home2, spin.child.pid!)))
  })
})

/** `wasmos top` in a tmux pane: keys in, the visible screen out. */
class TopPane {
  readonly socket = `wasmos-top-${process.pid}-${Math.random().toString(36).slice(2, 8)}`
  constructor (home: string) {
    tmuxes.push(this.socket)
    const q = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`
    execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', 'new-session', '-d', '-x', '160', '-y', '40', 'sh', '-c',
      `cd ${q(ROOT)} && WASMOS_HOME=${q(home)} ${q(NODE)} ${q(CLI)} top --interval 0.3; echo "[exited $?]"; sleep 600`])
  }

  keys (...k: string[]): void { execFileSync('tmux', ['-L', this.socket, 'send-keys', ...k]) }
  screen (): string { return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p'], { encoding: 'utf8' }) }
  async waitFor (re: RegExp): Promise<string> {
    let last = ''
    try {
      return await until(`${re} on the screen`, () => { last = this.screen(); return re.test(last) ? last : null })
    } catch { throw new Error(`timed out waiting for ${re}; screen:\n${last}`) }
  }

  /** Moves the selection to the row of `name` (rows are listed in order; the first is selected). */
  async select (name: string): Promise<void> {
    const rows = (await this.waitFor(new RegExp(`\\s${name}\\s`))).split('\n').filter((l) => /^ {2}\s*\d+ {2}/.test(l))
    const i = rows.findIndex((l) => new RegExp(`\\s${name}\\s`).test(l))
    assert.ok(i >= 0)
    for (let n = 0; n < i; n++) this.keys('Down')
  }
}

describe('wasmos top', () => {
  test('shows and kills a spinning program, revokes a grant at once; both in the audit log', async () => {
    const home = tempHome('top')
    const audit = join(home, 'audit.jsonl')
    const spin = start(home, ['--audit', audit, program('spin')])
    const client = start(home, ['--audit', audit, '--allow=pingpong', `--handler=pingpong=${program('pingpong-server')}`, program('pingpong-client'), '1000000000'])
    await until('both control sockets', () => existsSync(socketOf(home, spin.child.pid!)) && existsSync(socketOf(home, client.child.pid!)))
    const top = new TopPane(home)
    const screen = await top.waitFor(/pingpong-client/)
    assert.match(screen, /wasmos top: 2 kernel\(s\), 3 process\(es\)/)
    assert.match(screen, /^\s+1\s+spin\s+bafk\S+\s+running\s+\d/m)

    await top.select('spin')
    top.keys('k')
    await top.waitFor(/killed spin@1/)
    assert.equal(await spin.exited, 247, spin.stderr)
    assert.match(spin.stderr, /^wasmos: spin was killed from the console$/m)

    await top.waitFor(/1 kernel\(s\), 2 process\(es\)/)
    await top.select('pingpong-client')
    top.keys('r')
    const offer = await top.waitFor(/revoke which grant of pingpong-client@2\?/)
    const n = /(\d) send pingpong/.exec(offer)
    assert.ok(n !== null, offer)
    top.keys(n[1])
    await top.waitFor(/revoked: pingpong-client@2 may no longer use pingpong/)
    // Its next ping is refused: the client reports status 1 (denied) and exits.
    assert.equal(await client.exited, 1)
    assert.match(client.stderr, /ping \d+ failed: status 1/)
    top.keys('q')
    await top.waitFor(/\[exited 0\]/)

    const lines = readFileSync(audit, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>)
    const kill = lines.find((l) => l.event === 'kill')
    assert.ok(kill !== undefined)
    assert.equal(kill.program, 'spin')
    assert.equal(kill.source, 'console')
    const revoke = lines.find((l) => l.event === 'revoke')
    assert.ok(revoke !== undefined)
    assert.equal(revoke.program, 'pingpong-client')
    assert.equal(revoke.interface, 'pingpong')
    assert.equal(revoke.decision, 'deny')
    assert.equal(revoke.source, 'console')
    assert.ok(lines.some((l) => l.event === 'denied' && l.interface === 'pingpong' && l.source === 'console'))
  })

  test('without a terminal: a one-line error', async () => {
    const r = await runCli(tempHome('top'), ['top'])
    assert.equal(r.code, 1)
    assert.equal(r.stderr, 'wasmos: top needs a terminal (wasmos ps prints the same once)\n')
  })
})
