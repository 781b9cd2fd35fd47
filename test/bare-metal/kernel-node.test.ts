// Runs the real build/kernel.wasm in V8 with a JavaScript stand-in for the x86_64 stub's imports
// (serial, boot modules, ticks; no hardware), to check the boot paths QEMU tests would make slow:
// malformed boot configurations and CARs, refused programs (not wasm, foreign imports, not UnixFS
// files, missing blocks), programs over 256 KiB reassembled from their UnixFS blocks (and refused
// with a corrupted leaf), grants refused, and the ping-pong pair.
import { describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { CarWriter } from '@ipld/car/writer'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { bootImage, type IsoProgram } from '../../src/cli/commands/iso.ts'
import { bootInV8, kernelPath, modulesOf } from './v8-stub.ts'

const root = join(import.meta.dirname, '..', '..')
const skip = existsSync(kernelPath) ? false : 'run npm run build first (build/kernel.wasm)'

function program (name: string, extra: Partial<IsoProgram> = {}): IsoProgram {
  return { name, bytes: readFileSync(join(root, 'programs', 'build', `${name}.wasm`)), ...extra }
}

function leb128 (n: number): Buffer {
  const out: number[] = []
  do {
    let b = n & 0x7f
    n >>>= 7
    if (n !== 0) b |= 0x80
    out.push(b)
  } while (n !== 0)
  return Buffer.from(out)
}

async function carOf (blocks: Array<{ cid: CID, bytes: Uint8Array }>): Promise<Uint8Array> {
  const { writer, out } = CarWriter.create([blocks[0].cid])
  const chunks: Uint8Array[] = []
  const done = (async () => { for await (const c of out) chunks.push(c) })()
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await done
  return Buffer.concat(chunks)
}

function wat (text: string): Uint8Array {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-wat-'))
  try {
    writeFileSync(join(dir, 'm.wat'), text)
    execFileSync('wat2wasm', [join(dir, 'm.wat'), '-o', join(dir, 'm.wasm')])
    return readFileSync(join(dir, 'm.wasm'))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const haveWat2wasm = spawnSync('sh', ['-c', 'command -v wat2wasm']).status === 0

describe.skipIf(skip !== false)('kernel.wasm in V8 with a stand-in stub', () => {
  it('runs the ping-pong pair to the same total as Node, and exits when nothing can run', async () => {
    const n = 3000
    const { out, code } = await bootInV8(await modulesOf([
      program('pingpong-server', { handle: ['pingpong'] }),
      program('pingpong-client', { args: [String(n)], send: ['pingpong'] }),
      program('hello')
    ]))
    assert.match(out, new RegExp(`^total: ${n * (n + 1) / 2}$`, 'm'))
    assert.match(out, /^INFO hello\[3\]: Hello from wasmos!$/m)
    assert.match(out, /every program waits for a message that cannot come \(1 left\): halting/)
    assert.equal(code, 0)
  })

  it('denies handling an interface without a handle grant, and sending to it without a send grant', async () => {
    const { out } = await bootInV8(await modulesOf([
      program('pingpong-server'),
      program('pingpong-client', { args: ['5'] })
    ]))
    assert.match(out, /^wasmos: pingpong-server\[1\] may not handle pingpong: not granted by the boot configuration$/m)
    assert.match(out, /^ERROR pingpong-server\[1\]: cannot handle pingpong: status 1$/m)
    assert.match(out, /^wasmos: pingpong-client\[2\] may not send to pingpong: not granted by the boot configuration$/m)
    assert.match(out, /^ERROR pingpong-client\[2\]: ping 1 failed: status 1$/m)
    assert.match(out, /^wasmos: pingpong-client\[2\] exited with status 1$/m)
  })

  it('spawns children from the boot CAR holding their parent\'s grants, and reports their exit', async () => {
    const files = [program('hello', { start: false }), program('trap', { start: false }), program('lspci', { start: false })]
    const { out } = await bootInV8(await modulesOf([
      program('grant-spawner', { args: ['hello'] }),
      program('grant-spawner', { args: ['trap'] }),
      program('grant-spawner', { args: ['nothing-by-that-name'] }),
      program('grant-spawner', { args: ['lspci'] }), // holds no pci grant: neither does its child
      program('grant-spawner', { args: ['lspci'], send: ['pci'] }),
      ...files
    ]))
    assert.match(out, /^INFO hello\[\d+\]: Hello from wasmos!$/m)
    assert.match(out, /^wasmos: trap\[\d+\] trapped: out of bounds memory access: ended$/m)
    assert.match(out, /^spawn failed: 16$/m)
    assert.match(out, /^wasmos: lspci\[\d+\] may not send to pci: not granted by the boot configuration$/m)
    const exits = [...out.matchAll(/^child exited (-?\d+)$/gm)].map((m) => Number(m[1])).sort()
    assert.deepEqual(exits, [-1, 0, 0, 1], out)
    assert.match(out, /^wasmos: all programs ended$/m)
  })

  it('answers a sleep after its time, idling meanwhile', async () => {
    const { out } = await bootInV8(await modulesOf([program('hwprobe', { send: ['time', 'random'] })]))
    const slept = Number(/^time\.sleep\(50\): status 0 took (\d+) ms$/m.exec(out)?.[1])
    assert.ok(slept >= 50 && slept < 500, out)
    assert.match(out, /^wasmos: hwprobe\[1\] may not send to loader: not granted by the boot configuration$/m)
    assert.match(out, /^loader\.load\(not-a-cid\): status 1$/m)
  })

  it('refuses a malformed boot configuration with the line at fault', async () => {
    const mods = await modulesOf([program('hello')])
    mods[1] = { name: 'boot.cfg', data: Buffer.from(`${Buffer.from(mods[1].data).toString()}\nfrobnicate yes\n`) }
    const { out } = await bootInV8(mods)
    assert.match(out, /^wasmos: boot\.cfg line \d+: unknown setting "frobnicate": nothing started$/m)
    assert.doesNotMatch(out, /Hello/)
    for (const bad of ['send nothex', 'irq 16', 'pci 0:32.0', 'ports 0x60', 'arg before']) {
      const text = bad === 'arg before' ? 'arg x\n' : `program bafkreiabc x\n${bad}\n`
      const r = await bootInV8([mods[0], { name: 'boot.cfg', data: Buffer.from(text) }])
      assert.match(r.out, /^wasmos: boot\.cfg line \d+: .*: nothing started$/m, bad)
    }
  })

  it('refuses a truncated CAR, and reports missing boot modules', async () => {
    const mods = await modulesOf([program('hello')])
    const truncated = { name: 'programs.car', data: mods[0].data.subarray(0, mods[0].data.length - 100) }
    let r = await bootInV8([truncated, mods[1]])
    assert.match(r.out, /^wasmos: boot module programs\.car: truncated section at byte \d+: refused$/m)
    assert.match(r.out, /^wasmos: no CAR boot module \(programs\.car\): nothing to start$/m)
    r = await bootInV8([mods[0]])
    assert.match(r.out, /^wasmos: no boot\.cfg boot module: nothing to start$/m)
    r = await bootInV8([{ name: 'programs.car', data: new Uint8Array([0xff, 0xff, 0xff]) }, mods[1]])
    assert.match(r.out, /programs\.car is not a CAR file \(bad header\): refused/)
  })

  it('refuses programs that are missing, not wasm, not UnixFS files, or import what bare metal lacks', async () => {
    const notWasm = new TextEncoder().encode('#!/bin/sh\necho not wasm\n')
    const image = await bootImage([{ name: 'notwasm', bytes: notWasm }, program('hello')])
    // A dag-pb block that is a UnixFS directory, not a file, correctly hashed.
    const dirBytes = new Uint8Array([0x0a, 0x02, 0x08, 0x01])
    const dirCid = CID.createV1(0x70, await sha256.digest(dirBytes))
    const blocks: Array<{ cid: CID, bytes: Uint8Array }> = [
      { cid: CID.parse(image.cids[0]), bytes: notWasm },
      { cid: CID.parse(image.cids[1]), bytes: program('hello').bytes },
      { cid: dirCid, bytes: dirBytes }
    ]
    let foreignCid = ''
    if (haveWat2wasm) {
      const foreign = wat('(module (import "env" "seed" (func (result f64))) (memory (export "memory") 1) (func (export "_start")))')
      const c = CID.createV1(0x55, await sha256.digest(foreign))
      foreignCid = c.toString()
      blocks.push({ cid: c, bytes: foreign })
    }
    const missing = 'bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy'
    const config = [image.config, `program ${dirCid.toString()} dir`, `program ${missing} ghost`,
      ...(foreignCid !== '' ? [`program ${foreignCid} foreign`] : [])].join('\n')
    const r = await bootInV8([{ name: 'programs.car', data: await carOf(blocks) }, { name: 'boot.cfg', data: Buffer.from(config) }])
    assert.match(r.out, new RegExp(`^wasmos: program notwasm \\(${image.cids[0]}\\) refused: not a valid WebAssembly module: .+$`, 'm'))
    assert.match(r.out, new RegExp(`^wasmos: program dir \\(${dirCid.toString()}\\) refused: block ${dirCid.toString()} is not a UnixFS file$`, 'm'))
    assert.match(r.out, new RegExp(`^wasmos: program ghost \\(${missing}\\) refused: block ${missing} is not in the boot CAR$`, 'm'))
    if (foreignCid !== '') assert.match(r.out, new RegExp(`^wasmos: program foreign \\(${foreignCid}\\) refused: imports env\\.seed, which bare metal does not provide$`, 'm'))
    assert.match(r.out, /^INFO hello\[1\]: Hello from wasmos!$/m)
    assert.match(r.out, /^wasmos: all programs ended$/m)
  })

  it('reassembles a program over 256 KiB from its UnixFS blocks, and refuses it when a leaf is corrupted', async () => {
    // hello with a 700 KiB custom section: still hello, but three 256 KiB chunks.
    const hello = program('hello').bytes
    const name = Buffer.from('padding')
    const payload = Buffer.concat([Buffer.from([name.length]), name, randomBytes(700 * 1024)])
    const big = Buffer.concat([hello, Buffer.from([0]), leb128(payload.length), payload])
    const image = await bootImage([{ name: 'big-hello', bytes: big }])
    assert.match(image.cids[0], /^bafybei/, 'a dag-pb root')
    let r = await bootInV8([{ name: 'programs.car', data: image.car }, { name: 'boot.cfg', data: Buffer.from(image.config) }])
    assert.match(r.out, /^INFO big-hello\[1\]: Hello from wasmos!$/m)
    // Flip a byte in the middle of the file: in the second leaf.
    const car = Buffer.from(image.car)
    const at = car.indexOf(big.subarray(300 * 1024, 300 * 1024 + 64))
    assert.ok(at > 0)
    car[at + 10] ^= 1
    r = await bootInV8([{ name: 'programs.car', data: car }, { name: 'boot.cfg', data: Buffer.from(image.config) }])
    const bad = /^wasmos: boot CAR: block (bafkrei[a-z2-7]+) is corrupted \(its sha2-256 does not match the CID\): refused$/m.exec(r.out)?.[1]
    assert.ok(bad !== undefined, r.out)
    assert.match(r.out, new RegExp(`^wasmos: program big-hello \\(${image.cids[0]}\\) refused: block ${bad} is corrupted$`, 'm'))
    assert.doesNotMatch(r.out, /Hello from wasmos/)
  })
})
