// `npm start`: the whole main job in a few seconds, each step showing the command a user would
// type: publish a program by hash, serve it from one home and run it by CID in another over
// loopback libp2p, a program asking for an interface (the real prompt on a terminal, otherwise
// the denial and the flag), the key-value pair, and a bare-metal boot under QEMU. It builds only
// what it uses and works in temporary WASMOS_HOMEs, removed at the end, never the user's.
// The builds overlap the story: the bare-metal kernel (a quick, unoptimised build of the same
// sources in build/quick/, when the optimised one is not built) compiles from the first second
// on the other core, the key-value programs while the first steps run with hello.
//   node scripts/demo.ts [--iso]   --iso: boot the optimised kernel, building it if needed (slow the first time)
import { spawn } from 'node:child_process'
import type { ChildProcess, StdioOptions } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'
import { newest } from './newest.ts'

/** What the demo runs, and so builds: `npm run build -- --programs <these>`, hello first: the first steps need only it. */
const PROGRAMS = ['hello', 'kv-server', 'kv-client']
/** How long the bare-metal step waits for the kernel's build (quick, optimised), counted from the demo's start. */
const KERNEL_WAIT_S = { quick: 120, optimised: 900 }

const started = performance.now()
const root = join(import.meta.dirname, '..')
const cli = join(root, 'bin', 'wasmos.mjs')
const wantIso = process.argv.includes('--iso')
const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined
const bold = (s: string): string => color ? `\x1b[1m${s}\x1b[0m` : s
const dim = (s: string): string => color ? `\x1b[2m${s}\x1b[0m` : s
const rel = (p: string): string => relative(process.cwd(), p)
const prog = (name: string): string => rel(join(root, 'programs', 'build', `${name}.wasm`))
const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`

class DemoError extends Error {
  readonly code = 'ERR_DEMO'
}

const base = mkdtempSync(join(tmpdir(), 'wasmos-demo-'))
/** Three homes: this terminal's, a peer that publishes and serves, another that fetches by CID. */
const homes = { here: join(base, 'home'), a: join(base, 'home-a'), b: join(base, 'home-b') }
for (const h of Object.values(homes)) mkdirSync(h)
const children = new Set<ChildProcess>()

/**
 * Ends a child and what it started (builds run make, asc, cc in their own process group). SIGTERM,
 * not SIGKILL: make then deletes the target it was writing, so a later build does not take a
 * half-written object for an up-to-date one.
 */
function end (c: ChildProcess): void {
  try {
    if (c.pid !== undefined) process.kill(-c.pid, 'SIGTERM')
  } catch {
    c.kill('SIGTERM')
  }
}

function cleanup (): void {
  for (const c of children) end(c)
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

interface Ran { code: number | null, stdout: string, output: string }

/**
 * Runs a command; `show` sends its output to this terminal, else it is kept (and returned). Each
 * child leads its own process group, so that ending it ends what it started.
 */
function run (cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv, show?: boolean, capture?: boolean, terminal?: boolean, onStdout?: (text: string) => void } = {}): Promise<Ran> {
  const shown = opts.show !== false
  const stdio: StdioOptions = [opts.terminal === true ? 'inherit' : 'ignore', shown && opts.capture !== true ? 'inherit' : 'pipe', shown ? 'inherit' : 'pipe']
  const child = spawn(cmd, args, { stdio, env: opts.env ?? process.env, detached: opts.terminal !== true })
  children.add(child)
  let stdout = ''
  let output = ''
  child.stdout?.on('data', (d: Buffer) => {
    stdout += d.toString()
    output += d.toString()
    if (shown) process.stdout.write(d)
    opts.onStdout?.(stdout)
  })
  child.stderr?.on('data', (d: Buffer) => { output += d.toString() })
  return new Promise((resolve, reject) => {
    child.once('error', reject)
    child.once('close', (code) => { children.delete(child); resolve({ code, stdout, output }) })
  })
}

/** Runs `wasmos …` in a home; its output goes to this terminal (and is returned when captured). */
function wasmos (home: string, args: string[], opts: { capture?: boolean, terminal?: boolean } = {}): Promise<Ran> {
  return run(process.execPath, [cli, ...args], { ...opts, env: { ...process.env, WASMOS_HOME: home } })
}

function must (r: Ran, what: string): Ran {
  if (r.code !== 0) throw new DemoError(`${what} failed (exit status ${r.code})`)
  return r
}

/**
 * Runs the build steps the demo needs (each skips what is up to date), in one process with one
 * compiler for the programs; `ready(name)` resolves as soon as that program is built, so the
 * story starts while the next ones compile. Its timing lines go to stderr at the end.
 */
function build (): { ready: (name: string) => Promise<void>, done: Promise<void> } {
  const waiting = new Map<string, () => void>()
  const seen = new Set<string>()
  let failed: DemoError | null = null
  const done = run(process.execPath, [join(root, 'scripts', 'build.ts'), '10-interfaces', '12-abi', '25-bundle', '30-programs',
    '--programs', PROGRAMS.join(','), '--announce', '--one-thread'], {
    show: false,
    onStdout: (text) => {
      for (const m of text.matchAll(/^ready (\S+)$/gm)) {
        seen.add(m[1])
        waiting.get(m[1])?.()
      }
    }
  }).then((r) => {
    const lines = r.output.split('\n').filter((l) => l !== '' && !l.startsWith('ready ')).join('\n')
    if (lines !== '') process.stderr.write(lines + '\n')
    if (r.code !== 0) failed = new DemoError('the build failed: fix the error above, then npm start again (or npm run build for everything)')
    for (const resolve of waiting.values()) resolve()
  })
  const ready = async (name: string): Promise<void> => {
    if (!seen.has(name) && failed === null) await Promise.race([new Promise<void>((resolve) => waiting.set(name, resolve)), done])
    if (failed !== null) throw failed
  }
  return { ready, done }
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

const onPath = new Map<string, boolean>()
function has (tool: string): boolean {
  let found = onPath.get(tool)
  if (found === undefined) {
    found = (process.env.PATH ?? '').split(':').some((d) => d !== '' && existsSync(join(d, tool)))
    onPath.set(tool, found)
  }
  return found
}

const mtime = (f: string): number => existsSync(f) ? statSync(f).mtimeMs : 0

/** Whether a kernel (build/ or build/quick/) and its stub were built and are newer than the kernel's sources (then an ISO takes a second). */
function kernelBuilt (dir: string): boolean {
  const wasm = join(dir, 'kernel.wasm')
  const elf = join(dir, 'bare-metal-kernel', 'kernel.elf')
  if (!existsSync(wasm) || !existsSync(elf)) return false
  const sources = Math.max(...['core', 'interp', 'bare-metal'].map((d) => newest(join(root, 'src', 'kernel', d))))
  return statSync(wasm).mtimeMs >= sources && statSync(elf).mtimeMs >= statSync(wasm).mtimeMs
}

interface KernelBuild { wasm: string, quick: boolean, label: string, ready: boolean, done: Promise<Ran & { seconds: string, compiled: boolean }> }

/**
 * Builds kernel.wasm, then the stub around it and Limine's host tool, in the background. Quick:
 * asc -O0 to build/quick/kernel.wasm and kernel.c (wasm2c's output, most of the C) at -O0, by
 * clang when installed (about twice as fast as gcc there); it boots hello a second or two later
 * than the optimised kernel (asc -O3, gcc -O2: build/kernel.wasm), which takes a minute or more.
 */
function kernelBuild (quick: boolean): KernelBuild {
  const since = performance.now()
  const dir = quick ? join(root, 'build', 'quick') : join(root, 'build')
  const wasm = join(dir, 'kernel.wasm')
  const stub = join(dir, 'bare-metal-kernel')
  const cc = quick && has('clang') ? 'clang' : 'gcc'
  const before = mtime(join(stub, 'kernel.elf'))
  const k: KernelBuild = {
    wasm,
    quick,
    label: quick ? `a quick build with asc -O0 and ${cc} -O0` : 'the optimised build with asc -O3 and gcc -O2, a minute or more',
    ready: false,
    done: (async () => {
      mkdirSync(stub, { recursive: true })
      // Under the lock `wasmos iso` takes on the same directory.
      const make = (targets: string[]): Promise<Ran> => run('flock', [`${stub}.lock`, 'make', '-s', '-C', join(root, 'bare-metal'),
        `KERNEL_WASM=${wasm}`, `BUILD=${stub}`, ...(quick ? [`KERNEL_CC=${cc}`, 'KERNEL_CFLAGS=-O0 -g0'] : []), `NODE24=${process.execPath}`,
        ...targets], { show: false })
      // The stub's own objects and Limine's tool do not need kernel.wasm: built while asc runs.
      const [asc, first] = await Promise.all([
        run(process.execPath, [join(root, 'scripts', 'build.ts'), '65-kernel', ...(quick ? ['--quick-kernel'] : [])], { show: false }),
        make(['stub-objs', 'limine-tool'])
      ])
      if (asc.code !== 0 || first.code !== 0) return { ...(asc.code !== 0 ? asc : first), output: asc.output + first.output, seconds: seconds(since), compiled: true }
      const elf = await make(['elf'])
      return { ...elf, output: asc.output + first.output + elf.output, seconds: seconds(since), compiled: mtime(join(stub, 'kernel.elf')) !== before }
    })()
  }
  k.done.then(() => { k.ready = true }, () => {})
  return k
}

/** Boots an ISO under QEMU for a few seconds, showing the serial console until hello's greeting. */
function boot (iso: string, limit: number): Promise<boolean> {
  const qemu = spawn('timeout', ['-k', '1', String(limit), 'qemu-system-x86_64', '-accel', 'tcg', '-cdrom', iso, '-m', '256M',
    '-serial', 'stdio', '-display', 'none', '-no-reboot', '-monitor', 'none', '-device', 'isa-debug-exit,iobase=0xf4,iosize=0x04'],
  { stdio: ['ignore', 'pipe', 'ignore'] })
  children.add(qemu)
  return new Promise((resolve) => {
    let seen = false
    let rest = ''
    qemu.stdout.on('data', (d: Buffer) => {
      rest += d.toString().replace(/\r/g, '')
      const lines = rest.split('\n')
      rest = lines.pop() ?? ''
      for (const l of lines) {
        console.log(dim('  | ') + l)
        if (/Hello from wasmos/.test(l)) seen = true
        // Once every program has ended the stub exits QEMU through isa-debug-exit, or halts.
        if (/: halted$/.test(l)) qemu.kill('SIGTERM')
      }
    })
    qemu.once('close', () => { children.delete(qemu); resolve(seen) })
  })
}

/** What the bare-metal step will do, decided (and its build started) before anything else. */
function planBareMetal (): { kernel: KernelBuild | null, skip: string | null } {
  if (!has('qemu-system-x86_64')) {
    return { kernel: null, skip: '  QEMU is not installed (Debian: apt-get install qemu-system-x86); with it: npm run iso && npm run qemu' }
  }
  const missing = ['make', 'gcc', 'ld', 'strip', 'wasm2c', 'xorriso', 'flock'].filter((t) => !has(t))
  if (missing.length > 0) {
    return { kernel: null, skip: `  Building the ISO needs ${missing.join(', ')} (Debian: apt-get install make gcc binutils wabt xorriso util-linux)` }
  }
  // A tree where `npm run iso` or `npm test` built the optimised kernel boots that one.
  return { kernel: kernelBuild(!wantIso && !kernelBuilt(join(root, 'build'))), skip: null }
}

async function main (): Promise<void> {
  console.log(bold('wasmos: programs are WebAssembly modules named by the hash of their bytes.'))
  console.log(dim(`Building what this demo runs (skipped when up to date): npm run build -- --programs ${PROGRAMS.join(',')}`))
  const bare = planBareMetal()
  if (bare.kernel !== null && !kernelBuilt(join(bare.kernel.wasm, '..'))) console.log(dim(`The bare-metal kernel compiles meanwhile: ${bare.kernel.label}.`))
  const built = build()
  await built.ready('hello')
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
  server.child.kill('SIGINT')
  show('home-b', ['exec', cid.slice(0, 16)])
  console.log(dim('  (now stored in home-b: a unique prefix of the CID is enough, and no network is used)'))
  must(await wasmos(homes.b, ['exec', cid.slice(0, 16)]), 'wasmos exec by prefix')

  await built.ready('kv-server')
  await built.ready('kv-client')
  await built.done
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
  if (bare.kernel === null) {
    console.log(bare.skip)
  } else {
    const k = bare.kernel
    if (!k.ready) console.log(dim(`  Waiting for the kernel, ${k.label}, started with the demo ${seconds(started)} ago.`))
    const wait = k.quick ? KERNEL_WAIT_S.quick : KERNEL_WAIT_S.optimised
    const left = wait * 1000 - (performance.now() - started)
    let timer: NodeJS.Timeout | undefined
    const kb = await Promise.race([k.done, new Promise<null>((resolve) => { timer = setTimeout(() => resolve(null), Math.max(left, 0)) })])
    clearTimeout(timer)
    if (kb === null) {
      console.log(`  The kernel was not built within ${wait} s (a busy machine?): npm start again keeps what was compiled, or npm run iso && npm run qemu`)
    } else if (kb.code !== 0) {
      process.stderr.write(kb.output)
      throw new DemoError('building the bare-metal kernel failed (output above)')
    } else {
      if (kb.compiled) console.log(dim(`  Kernel built in ${kb.seconds}: ${k.label}${k.quick ? '; npm run iso builds the optimised one' : ''}.`))
      const iso = join(base, 'wasmos.iso')
      const kernelArgs = k.quick ? ['--kernel', rel(k.wasm)] : []
      show('', ['iso', ...kernelArgs, '--program', prog('hello'), '-o', 'wasmos.iso'])
      must(await wasmos(homes.here, ['iso', ...kernelArgs, '--program', prog('hello'), '-o', iso]), 'wasmos iso')
      console.log(`${dim('$')} node scripts/qemu.ts wasmos.iso ${dim('# QEMU, serial console here; booted for a few seconds:')}`)
      if (!await boot(iso, 20)) console.log('  (no greeting within 20 s: the machine may be busy; npm run qemu boots it with no time limit)')
    }
  }

  console.log(`\n${bold('Next:')} wasmos --help, and README.md. ${dim(`(demo ${seconds(started)})`)}`)
}

try {
  await main()
} catch (err) {
  process.stderr.write(`demo: ${(err as Error).message}\n`)
  process.exitCode = 1
}
process.exit()
