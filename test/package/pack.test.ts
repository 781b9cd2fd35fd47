// wasmos as a package: `npm pack` (its prepack builds the bundle and the shipped programs), the
// tarball installed into a temporary global prefix, and the installed `wasmos` run from a
// directory outside the repository: --version, the overview, a program from a file, publish and
// exec by CID, and exec by CID fetched from a second installed-CLI home serving over loopback;
// where the C/ISO toolchain is installed, `wasmos iso` from the package (the stub built around the
// shipped kernel.wasm, nothing from the repository) and, with QEMU, the image booted to hello's greeting.
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { spawn, spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { delimiter, dirname, join } from 'node:path'
import { NODE, ROOT } from '../helpers.ts'
import { boot } from '../bare-metal/vm.ts'

const work = mkdtempSync(join(tmpdir(), 'wasmos-pack-'))
const prefix = join(work, 'prefix')
/** The user's directory: outside the repository, holding only a copy of hello.wasm. */
const cwd = join(work, 'elsewhere')
const installed = join(prefix, 'lib', 'node_modules', 'wasmos')
const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version
/** What a user's shell has: the installed bin first, then Node 24 (never the repository's node_modules/.bin). */
const PATH = [join(prefix, 'bin'), dirname(realpathSync(NODE)), ...(process.env.PATH ?? '').split(delimiter)
  .filter((p) => !p.startsWith(ROOT))].join(delimiter)

interface Result { code: number | null, stdout: string, stderr: string }

function npm (args: string[], cwdDir: string): Result {
  // npm's own JavaScript, run by the project's Node, so that npm itself is found wherever Node is.
  const r = spawnSync('npm', args, { cwd: cwdDir, encoding: 'utf8', env: { ...process.env, PATH: `${dirname(realpathSync(NODE))}${delimiter}${process.env.PATH ?? ''}` }, timeout: 500_000 })
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

function home (): string {
  return mkdtempSync(join(work, 'home-'))
}

const onPath = (tool: string): boolean => PATH.split(delimiter).some((d) => d !== '' && existsSync(join(d, tool)))
/** What `wasmos iso` needs (besides Node): the stub's C toolchain, wasm2c and xorriso. */
const isoTools = ['make', 'gcc', 'ld', 'strip', 'wasm2c', 'xorriso', 'flock'].filter((t) => !onPath(t))

/** Runs the installed `wasmos` by name, as a user would, from `cwd`. */
function wasmos (args: string[], wasmosHome: string, timeoutMs = 60_000, env: NodeJS.ProcessEnv = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn('wasmos', args, { cwd, env: { ...process.env, PATH, WASMOS_HOME: wasmosHome, NO_COLOR: '1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
    child.once('error', reject)
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

beforeAll(() => {
  const pack = npm(['pack', '--pack-destination', work, '--silent'], ROOT)
  if (pack.code !== 0) throw new Error(`npm pack failed: ${pack.stderr}`)
  const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'))
  if (tgz === undefined) throw new Error(`npm pack wrote no tarball: ${pack.stdout}`)
  const install = (mode: string): Result =>
    npm(['install', '-g', '--prefix', prefix, mode, '--no-audit', '--no-fund', '--loglevel=error', join(work, tgz)], work)
  // From npm's cache when it has every package; else the registry fills the gaps.
  let r = install('--offline')
  if (r.code !== 0 && /ENOTCACHED/.test(r.stderr)) r = install('--prefer-offline')
  if (r.code !== 0) throw new Error(`npm install -g of the tarball failed: ${r.stderr}`)
  spawnSync('mkdir', ['-p', cwd])
  copyFileSync(join(installed, 'programs', 'build', 'hello.wasm'), join(cwd, 'hello.wasm'))
}, 600_000)

afterAll(() => rmSync(work, { recursive: true, force: true, maxRetries: 5 }))

describe('the installed wasmos package', () => {
  test('ships the bundle and no path into the repository', () => {
    const bundle = readFileSync(join(installed, 'dist', 'wasmos.mjs'), 'utf8')
    expect(bundle.includes(ROOT)).toBe(false)
    expect(readdirSync(installed)).not.toContain('src')
    expect(readdirSync(installed)).not.toContain('test')
  })

  test('wasmos --version prints the package version', async () => {
    const r = await wasmos(['--version'], home())
    expect(r).toMatchObject({ code: 0, stdout: `${version}\n` })
  })

  test('wasmos alone prints the grouped overview', async () => {
    const r = await wasmos([], home())
    expect(r.code).toBe(0)
    expect(r.stdout).toMatch(/^Run programs$/m)
    expect(r.stdout).toMatch(/\$ wasmos exec bafkrei/)
  })

  test('runs a program from a file', async () => {
    const r = await wasmos(['run', 'hello.wasm'], home())
    expect(r.stderr).toMatch(/Hello from wasmos!/)
    expect(r.code).toBe(0)
  })

  test('publishes a program and runs it by CID', async () => {
    const h = home()
    const pub = await wasmos(['publish', 'hello.wasm'], h)
    expect(pub.code).toBe(0)
    const cid = pub.stdout.trim()
    expect(cid).toMatch(/^bafkrei[a-z2-7]{52}$/)
    const r = await wasmos(['exec', cid], h)
    expect(r.stderr).toMatch(/Hello from wasmos!/)
    expect(r.code).toBe(0)
  })

  test('runs by CID a program fetched from another home serving it over loopback', async () => {
    const a = home()
    const cid = (await wasmos(['publish', 'hello.wasm'], a)).stdout.trim()
    const server = spawn('wasmos', ['serve', '--json'], { cwd, env: { ...process.env, PATH, WASMOS_HOME: a }, stdio: ['ignore', 'pipe', 'pipe'] })
    try {
      const addr = await new Promise<string>((resolve, reject) => {
        let out = ''
        let err = ''
        const timer = setTimeout(() => reject(new Error(`serve printed no address: ${err}`)), 30_000)
        server.stderr.on('data', (d: Buffer) => { err += d.toString() })
        server.stdout.on('data', (d: Buffer) => {
          out += d.toString()
          if (!out.includes('\n')) return
          clearTimeout(timer)
          resolve((JSON.parse(out.slice(0, out.indexOf('\n'))) as { multiaddrs: string[] }).multiaddrs[0])
        })
        server.once('exit', (code) => reject(new Error(`serve exited with ${code}: ${err}`)))
      })
      expect(addr).toMatch(/^\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//)
      const r = await wasmos(['exec', cid, '--peer', addr], home())
      expect(r.stderr).toMatch(/Hello from wasmos!/)
      expect(r.code).toBe(0)
    } finally {
      // Wait for it to leave: it may still be writing to its home, which afterAll removes.
      if (server.exitCode === null && server.signalCode === null) {
        const exited = new Promise((resolve) => server.once('exit', resolve))
        server.kill('SIGINT')
        await exited
      }
    }
  })

  // Make takes KERNEL_CC/KERNEL_CFLAGS from the environment: kernel.c (wasm2c's output of the
  // shipped -O3 kernel.wasm) at -O0 compiles in seconds instead of a minute; the rest of the stub
  // and the image are built as always.
  test.skipIf(isoTools.length > 0)(`wasmos iso builds a bootable image from the installed package${isoTools.length > 0 ? ` (needs ${isoTools.join(', ')})` : ''}`, async () => {
    const fast = { KERNEL_CFLAGS: '-O0 -g0', ...(onPath('clang') ? { KERNEL_CC: 'clang' } : {}) }
    const r = await wasmos(['iso', '--program', 'hello.wasm', '-o', 'hello.iso'], home(), 500_000, fast)
    expect(r.code, r.stderr).toBe(0)
    expect(r.stdout).toMatch(/^bafkrei[a-z2-7]{52} {2}hello$/m)
    expect(statSync(join(cwd, 'hello.iso')).size).toBeGreaterThan(1_000_000)
    // The stub was built inside the installed package, from its own sources.
    expect(existsSync(join(installed, 'build', 'bare-metal-kernel', 'kernel.elf'))).toBe(true)
    if (!onPath('qemu-system-x86_64')) return
    const vm = boot(join(cwd, 'hello.iso'), 60)
    try {
      await vm.waitFor(/^INFO hello\[1\]: Hello from wasmos!$/m, 60_000)
    } finally {
      vm.kill()
    }
  }, 600_000)
})
