// `npm start` (scripts/demo.ts) without a terminal, as CI and a pipe see it: every step of the
// story with the command a user types, the bare-metal boot where QEMU and the toolchain are
// installed, and a second run that builds nothing.
import { describe, expect, test } from 'vitest'
import { spawn } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { delimiter, join } from 'node:path'
import { NODE, ROOT } from '../helpers.ts'
import { newest } from '../../scripts/newest.ts'

const onPath = (tool: string): boolean => (process.env.PATH ?? '').split(delimiter).some((d) => d !== '' && existsSync(join(d, tool)))
/** With these, `npm start` builds a kernel and boots it (else it prints how). */
const bareMetal = ['qemu-system-x86_64', 'make', 'gcc', 'ld', 'strip', 'wasm2c', 'xorriso', 'flock'].every(onPath)

interface Result { code: number | null, stdout: string, stderr: string }

function demo (): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [join(ROOT, 'scripts', 'demo.ts')], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' }, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 170_000)
    child.once('error', reject)
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

/** What the demo builds: its bundle and programs, and the kernel it boots (quick, unless the optimised one was built). */
const outputs = ['dist/wasmos.mjs', 'programs/build/hello.wasm', 'programs/build/kv-server.wasm', 'programs/build/kv-client.wasm']
const kernelOutputs = (dir: string): string[] => [`${dir}/kernel.wasm`, `${dir}/bare-metal-kernel/kernel.elf`]
const mtimes = (files: string[]): number[] => files.map((f) => statSync(join(ROOT, f)).mtimeMs)

describe('npm start', () => {
  test('tells the story: publish, exec by CID from a peer, a grant decision, the kv pair, bare metal', async () => {
    const r = await demo()
    const all = r.stdout + r.stderr
    expect(r.code, all).toBe(0)
    const cid = /^home-a\$ wasmos publish \S+hello\.wasm\n(bafkrei[a-z2-7]{52})$/m.exec(r.stdout)?.[1]
    expect(cid, r.stdout).toBeDefined()
    expect(r.stdout).toMatch(/^home-a\$ wasmos serve\n\/ip4\/127\.0\.0\.1\/tcp\/\d+\/p2p\//m)
    expect(r.stdout).toContain(`home-b$ wasmos exec ${cid ?? ''} --peer /ip4/127.0.0.1/tcp/`)
    // hello's greeting: from a file, by CID from the peer, by a prefix of the CID.
    expect(r.stderr.match(/Hello from wasmos!/g)?.length).toBeGreaterThanOrEqual(3)
    // No terminal: denied, and the warning names the flag.
    expect(r.stderr).toMatch(/kv-client may not use kv .*no terminal to ask; allow it with --allow=kv/)
    expect(r.stdout).toMatch(/^put greeting failed: 1$/m)
    expect(r.stdout).toMatch(/^\$ wasmos run --allow=kv --handler kv=\S+kv-server\.wasm \S+kv-client\.wasm put greeting hello get greeting list\nput greeting\ngreeting = hello\nkeys: greeting$/m)
    // Bare metal: with QEMU and the toolchain, built and booted to hello's greeting; else one line saying how.
    if (bareMetal) {
      expect(r.stdout).toMatch(/^\$ wasmos iso (--kernel \S+kernel\.wasm )?--program \S+hello\.wasm -o wasmos\.iso$/m)
      expect(r.stdout).toMatch(/\| INFO hello\[1\]: Hello from wasmos!$/m)
    } else {
      expect(r.stdout).toMatch(/npm run iso && npm run qemu|Building the ISO needs/)
    }
  })

  test('a second run builds nothing', async () => {
    // In a tree shared with others at work, the kernel's sources may have changed since the first
    // run: then rebuilding the kernel is right, and only the rest is checked.
    const kernelSources = Math.max(...['core', 'interp', 'bare-metal'].map((d) => newest(join(ROOT, 'src', 'kernel', d))))
    const fresh = ['build/quick', 'build'].filter((d) => kernelOutputs(d).every((f) => existsSync(join(ROOT, f)) && statSync(join(ROOT, f)).mtimeMs >= kernelSources))
    const kernelFresh = !bareMetal || fresh.length > 0
    const files = [...outputs, ...fresh.flatMap(kernelOutputs)]
    const before = mtimes(files)
    const r = await demo()
    expect(r.code, r.stdout + r.stderr).toBe(0)
    expect(r.stderr).not.toMatch(/^build: /m)
    if (kernelFresh) expect(r.stdout).not.toMatch(/compiles meanwhile|Kernel built in/)
    expect(mtimes(files)).toEqual(before)
  })
})
