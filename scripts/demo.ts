// `npm start`: the whole main job in a few seconds, each step showing the command a user would
// type: publish a program by hash, serve it from one home and run it by CID in another over
// loopback libp2p, a program asking for an interface (the real prompt on a terminal, otherwise
// the denial and the flag), the key-value pair, and a bare-metal boot under QEMU. It builds only
// what it uses and works in temporary WASMOS_HOMEs, removed at the end, never the user's.
//   node scripts/demo.ts [--iso]   --iso: build the bare-metal kernel if needed (slow the first time)
import { spawn, spawnSync } from 'node:child_process'
import type { ChildProcess, StdioOptions } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { newest } from './newest.ts'

/** What the demo runs, and so builds: `npm run build -- --programs <these>`. */
const PROGRAMS = ['hello', 'kv-server', 'kv-client']

const started = performance.now()
const root = join(import.meta.dirname, '..')
const cli = join(root, 'bin', 'wasmos.mjs')
const wantIso = process.argv.includes('--iso')
const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined
const bold = (s: string): string => color ? `\x1b[1m${s}\x1b[0m` : s
const dim = (s: string): string => color ? `\x1b[2m${s}\x1b[0m` : s
const prog = (name: string): string => relative(process.cwd(), join(root, 'programs', 'build', `${name}.wasm`))

class DemoError extends Error {
  readonly code = 'ERR_DEMO'
}

const base = mkdtempSync(join(tmpdir(), 'wasmos-demo-'))
/** Three homes: this terminal's, a peer that publishes and serves, another that fetches by CID. */
const homes = { here: join(base, 'home'), a: join(base, 'home-a'), b: join(base, 'home-b') }
for (const h of Object.values(homes)) mkdirSync(h)
const children = new Set<ChildProcess>()

function cleanup (): void {
  for (const c of children) c.kill('SIGKILL')
  rmSync(base, { recursive: true, force: true })
}
process.on('exit', cleanup)
process.on('SIGINT', () => process.exit(130))

let stepNo = 0
function step (title: string): void {
  console.log(`\n${bold(`${++stepNo}. ${title}`)}`)
}

/** Shows the command as typed in a shell (prompt names the home), then runs it. */
function show (prompt: string, args: string[]): void {
  console.log(`${dim(prompt + '$')} wasmos ${args.map((a) => /^[\w./=:,@-]+$/.test(a) ? a : `'${a}'`).join(' ')}`)
}

interface Ran { code: number | null, stdout: string }

/** Runs `wasmos …` in a home; its output goes to this terminal (and is returned when captured). */
function wasmos (home: string, args: string[], opts: { capture?: boolean, terminal?: boolean } = {}): Promise<Ran> {
  const stdio: StdioOptions = [opts.terminal === true ? 'inherit' : 'ignore', opts.capture === true ? 'pipe' : 'inherit', 'inherit']
  const child = spawn(process.execPath, [cli, ...args], { stdio, env: { ...process.env, WASMOS_HOME: home } })
  children.add(child)
  let stdout = ''
  child.stdout?.on('data', (d: Buffer) => { stdout += d.toString(); process.stdout.write(d) })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => { children.delete(child); resolve({ code, stdout }) })
  })
}

function must (r: Ran, what: string): Ran {
  if (r.code !== 0) throw new DemoError(`${what} failed (exit status ${r.code})`)
  return r
}

/** Builds what the demo uses; every step skips what is up to date. */
function build (steps: string[], extra: string[] = []): void {
  const r = spawnSync(process.execPath, [join(root, 'scripts', 'build.ts'), ...steps, ...extra], { cwd: root, stdio: 'inherit' })
  if (r.status !== 0) throw new DemoError('the build failed: fix the error above, then npm start again (or npm run build for everything)')
}

/** `wasmos serve` in a home, until the demo ends; resolves to the first multiaddr it prints. */
function serve (home: string): Promise<{ addr: string, child: ChildProcess }> {
  const child = spawn(process.execPath, [cli, 'serve'], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, WASMOS_HOME: home } })
  children.add(child)
  return new Promise((resolve, reject) => {
    let out = ''
    const timer = setTimeout(() => reject(new DemoError('wasmos serve printed no address in 15 s')), 15_000)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const line = out.split('\n').find((l) => l.startsWith('/ip4/127.0.0.1/'))
      if (line !== undefined && out.includes('\n')) {
        clearTimeout(timer)
        console.log(out.trimEnd())
        resolve({ addr: line.trim(), child })
      }
    })
    child.once('exit', (code) => { clearTimeout(timer); reject(new DemoError(`wasmos serve exited (status ${code})`)) })
  })
}

function has (tool: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0
}

/** Whether the bare-metal kernel and its stub were built before and are up to date (then an ISO takes a second). */
function bareMetalBuilt (): boolean {
  const wasm = join(root, 'build', 'kernel.wasm')
  const elf = join(root, 'build', 'bare-metal-kernel', 'kernel.elf')
  if (!existsSync(wasm) || !existsSync(elf)) return false
  const sources = Math.max(...['core', 'interp', 'bare-metal'].map((d) => newest(join(root, 'src', 'kernel', d))))
  return statSync(wasm).mtimeMs >= sources && statSync(elf).mtimeMs >= statSync(wasm).mtimeMs
}

/** Boots an ISO under QEMU for a few seconds, showing the serial console until hello's greeting. */
function boot (iso: string, seconds: number): Promise<boolean> {
  const qemu = spawn('timeout', ['-k', '1', String(seconds), 'qemu-system-x86_64', '-accel', 'tcg', '-cdrom', iso, '-m', '256M',
    '-serial', 'stdio', '-display', 'none', '-no-reboot', '-monitor', 'none'], { stdio: ['ignore', 'pipe', 'ignore'] })
  children.add(qemu)
  return new Promise((resolve) => {
    let seen = false
    let rest = ''
    qemu.stdout.on('data', (d: Buffer) => {
      rest += d.toString().replace(/\r/g, '')
      const lines = rest.split('\n')
      rest = lines.pop() ?? ''
      for (const l of lines) console.log(dim('  | ') + l)
      if (!seen && /Hello from wasmos/.test(d.toString())) {
        seen = true
        setTimeout(() => qemu.kill('SIGTERM'), 500)
      }
    })
    qemu.once('close', () => { children.delete(qemu); resolve(seen) })
  })
}

async function main (): Promise<void> {
  console.log(bold('wasmos: programs are WebAssembly modules named by the hash of their bytes.'))
  console.log(dim(`Building what this demo runs (skipped when up to date): npm run build -- --programs ${PROGRAMS.join(',')}`))
  const buildStarted = performance.now()
  build(['10-interfaces', '12-abi', '25-bundle', '30-programs'], ['--programs', PROGRAMS.join(',')])
  const buildSeconds = (performance.now() - buildStarted) / 1000
  console.log(dim(`Temporary homes (WASMOS_HOME) under ${base}, removed at the end.`))

  step('Run a program from a file')
  show('', ['run', prog('hello')])
  must(await wasmos(homes.here, ['run', prog('hello')]), 'wasmos run')

  step('Publish it: it is stored under its CID, the hash of its bytes')
  show('home-a', ['publish', prog('hello')])
  const cid = must(await wasmos(homes.a, ['publish', prog('hello')], { capture: true }), 'wasmos publish').stdout.trim()

  step('Serve the store to peers (libp2p on loopback; runs until Ctrl-C)')
  show('home-a', ['serve'])
  const server = await serve(homes.a)

  step('From another home, run it by CID: fetched from the peer, every block re-hashed, then run')
  show('home-b', ['exec', cid, '--peer', server.addr])
  must(await wasmos(homes.b, ['exec', cid, '--peer', server.addr]), 'wasmos exec')
  show('home-b', ['exec', cid.slice(0, 16)])
  console.log(dim('  (now stored in home-b: a unique prefix of the CID is enough, and no network is used)'))
  must(await wasmos(homes.b, ['exec', cid.slice(0, 16)]), 'wasmos exec by prefix')
  server.child.kill('SIGINT')

  const kv = ['--handler', `kv=${prog('kv-server')}`, prog('kv-client'), 'put', 'greeting', 'hello', 'get', 'greeting']
  const terminal = process.stdin.isTTY === true && process.stderr.isTTY === true
  step('A program asks for an interface: nothing but log, stdio, registry and process is granted by default')
  console.log(dim('  kv-client wants to send to `kv`, which the kv-server program handles.'))
  if (terminal) console.log(dim('  You decide: y/n for this run, A/N to remember the answer (in this demo\'s temporary home).'))
  else console.log(dim('  No terminal here, so nobody can be asked: it is denied, and the warning names the flag.'))
  show('', ['run', ...kv])
  await wasmos(homes.here, ['run', ...kv], { terminal })
  if (!terminal) console.log(dim('  (status 1 = denied: the program was told so and carried on. On a terminal, wasmos asks instead: [y/n/A/N].)'))

  step('The key-value pair, with the grant given up front')
  const kvAll = ['run', '--allow=kv', ...kv, 'list']
  show('', kvAll)
  must(await wasmos(homes.here, kvAll), 'the kv pair')

  step('Bare metal: the same kernel core, compiled to wasm, boots on x86_64')
  const iso = join(base, 'wasmos.iso')
  const isoArgs = ['iso', '--program', prog('hello'), '-o', iso]
  if (!has('qemu-system-x86_64')) {
    console.log('  QEMU is not installed (Debian: apt-get install qemu-system-x86); with it: npm run iso && npm run qemu')
  } else if (!wantIso && !bareMetalBuilt()) {
    console.log('  The bare-metal kernel is not built, or older than its sources (a minute or two of compiling):')
    console.log('  npm run iso && npm run qemu     or: npm start -- --iso   to boot it here')
  } else {
    if (!bareMetalBuilt()) console.log(dim('  Building the bare-metal kernel and its stub first (a minute or two of compiling).'))
    build(['65-kernel'])
    show('', [...isoArgs.slice(0, -1), 'wasmos.iso'])
    must(await wasmos(homes.here, isoArgs), 'wasmos iso')
    console.log(`${dim('$')} node scripts/qemu.ts wasmos.iso ${dim('# QEMU, serial console here; booted for a few seconds:')}`)
    if (!await boot(iso, 15)) console.log('  (no greeting within 15 s: the machine may be busy; npm run qemu boots it with no time limit)')
  }

  const total = (performance.now() - started) / 1000
  console.log(`\n${bold('Next:')} wasmos --help, and README.md. ${dim(`(demo ${total.toFixed(1)} s, of which build ${buildSeconds.toFixed(1)} s)`)}`)
}

try {
  await main()
} catch (err) {
  process.stderr.write(`demo: ${(err as Error).message}\n`)
  process.exitCode = 1
}
process.exit()
