// `wasmos iso`: packs programs into a bootable bare-metal image. The programs go into a CAR
// (one raw block each, named by its CID, which kernel.wasm re-hashes at boot) and a boot
// configuration `boot.cfg` says which start, with what arguments and grants (no prompt on bare
// metal: whatever is not granted is denied). Both become boot modules next to the stub ELF
// linked with build/kernel.wasm, in one hybrid Limine ISO for BIOS and UEFI (bare-metal/Makefile,
// bare-metal/iso.ts).
import { accessSync, constants, existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join, resolve } from 'node:path'
import type { Command } from 'commander'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { checkDefinition, nameOf } from '../../interfaces/definition.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import { importBytes } from '../../loader/importer.ts'
import { wasmosHome } from '../../kernel/node/home.ts'

/** The checkout (the directory with bare-metal/Makefile), found upwards: this file may run from src/ or bundled in dist/. */
function findRoot (): string {
  let dir = import.meta.dirname
  for (;;) {
    if (existsSync(join(dir, 'bare-metal', 'Makefile')) && existsSync(join(dir, 'interfaces'))) return dir
    const up = dirname(dir)
    if (up === dir) return resolve(import.meta.dirname, '..', '..', '..')
    dir = up
  }
}
const ROOT = findRoot()
/** The largest program that is a single raw block (DESIGN.md: 256 KiB chunks); larger ones are UnixFS DAGs. */
const MAX_BLOCK = 256 * 1024

export interface IsoProgram {
  /** Name shown in logs and given as args[0]. */
  name: string
  bytes: Uint8Array
  args?: string[]
  /** Interfaces (names from interfaces/*.json, or 64-hex keys) it may send to, beyond the defaults. */
  send?: string[]
  /** Interfaces it may handle. */
  handle?: string[]
  /** PCI devices it may configure, as bus:dev.fn (hex). */
  pci?: string[]
  irqs?: number[]
  ports?: Array<[number, number]>
  mmio?: Array<[number, number]>
  /** End it after this much CPU time without waiting (ms; 0 = never). */
  cpuMs?: number
  /** Largest memory, in 64 KiB pages. */
  maxPages?: number
  /** false: only packed, for process.spawn by name or CID (default true: started at boot). */
  start?: boolean
}

export interface BootImage {
  car: Uint8Array
  config: string
  cids: string[]
}

let keysByName: Map<string, string> | null = null

/** The key (hex digest) of an interface given by name or key. */
export function interfaceKey (nameOrKey: string): string {
  if (/^[0-9a-f]{64}$/.test(nameOrKey)) return nameOrKey
  if (keysByName === null) {
    keysByName = new Map()
    const dir = join(ROOT, 'interfaces')
    for (const f of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const def = checkDefinition(JSON.parse(readFileSync(join(dir, f), 'utf8')), `interfaces/${f}`)
      keysByName.set(def.name, nameOf(def).key)
    }
  }
  const key = keysByName.get(nameOrKey)
  if (key === undefined) throw new WasmosError('ERR_UNKNOWN_INTERFACE', `unknown interface ${JSON.stringify(nameOrKey)} (not in interfaces/)`)
  return key
}

/** CIDv1 (raw, sha2-256) of a program that fits one block. */
export async function programCid (bytes: Uint8Array): Promise<CID> {
  return CID.createV1(0x55, await sha256.digest(bytes))
}

function word (s: string, what: string): string {
  if (!/^[^\s]+$/.test(s)) throw new WasmosError('ERR_BAD_ARGUMENT', `${what} ${JSON.stringify(s)} must be one word`)
  return s
}

/** The CAR of the programs and the boot configuration that starts them, in order. */
export async function bootImage (programs: IsoProgram[]): Promise<BootImage> {
  const blocks: Array<{ cid: CID, bytes: Uint8Array }> = []
  const lines = ['# wasmos boot configuration, written by `wasmos iso`', '']
  const cids: string[] = []
  const seen = new Set<string>()
  const put = (cid: CID, bytes: Uint8Array): void => {
    if (seen.has(cid.toString())) return
    seen.add(cid.toString())
    blocks.push({ cid, bytes })
  }
  for (const p of programs) {
    let cid: CID
    if (p.bytes.length <= MAX_BLOCK) {
      cid = await programCid(p.bytes)
      put(cid, p.bytes)
    } else {
      // Chunked as `ipfs add --cid-version=1` does (UnixFS, 256 KiB raw leaves, balanced).
      const root = await importBytes(p.bytes, async (c, bytes) => { put(CID.decode(c.bytes), bytes) })
      cid = CID.decode(root.bytes)
    }
    cids.push(cid.toString())
    if (p.start === false) {
      lines.push(`file ${cid.toString()} ${word(p.name, 'program name')}`, '')
      continue
    }
    lines.push(`program ${cid.toString()} ${word(p.name, 'program name')}`)
    for (const a of p.args ?? []) {
      if (/[\r\n]/.test(a)) throw new WasmosError('ERR_BAD_ARGUMENT', `argument ${JSON.stringify(a)} spans lines`)
      lines.push(`arg ${a}`)
    }
    for (const i of p.send ?? []) lines.push(`send ${interfaceKey(i)}`)
    for (const i of p.handle ?? []) lines.push(`handle ${interfaceKey(i)}`)
    for (const d of p.pci ?? []) {
      if (!/^[0-9a-f]{1,2}:[0-9a-f]{1,2}\.[0-7]$/i.test(d)) throw new WasmosError('ERR_BAD_ARGUMENT', `PCI device ${JSON.stringify(d)}: use bus:device.function (hex)`)
      lines.push(`pci ${d}`)
    }
    for (const irq of p.irqs ?? []) {
      if (!Number.isInteger(irq) || irq < 0 || irq > 15) throw new WasmosError('ERR_BAD_ARGUMENT', `IRQ ${irq}: use a line 0-15`)
      lines.push(`irq ${irq}`)
    }
    for (const [first, count] of p.ports ?? []) lines.push(`ports 0x${first.toString(16)} ${count}`)
    for (const [first, count] of p.mmio ?? []) lines.push(`mmio 0x${first.toString(16)} 0x${count.toString(16)}`)
    if (p.cpuMs !== undefined) lines.push(`cpu ${p.cpuMs}`)
    if (p.maxPages !== undefined) lines.push(`memory ${p.maxPages}`)
    lines.push('')
  }
  const roots = blocks.length > 0 ? [blocks[0].cid] : []
  const { CarWriter } = await import('@ipld/car/writer')
  const { writer, out } = CarWriter.create(roots)
  const chunks: Uint8Array[] = []
  const collected = (async () => { for await (const c of out) chunks.push(c) })()
  for (const b of blocks) await writer.put(b)
  await writer.close()
  await collected
  return { car: Buffer.concat(chunks), config: lines.join('\n'), cids }
}

export interface KernelElfOptions {
  /** build/kernel.wasm by default. */
  kernelWasm?: string
  /** Make's build directory for this stub (default: bare-metal-<name> beside the kernel.wasm). */
  buildDir?: string
}

function writable (dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK)
    return true
  } catch {
    return false
  }
}

/**
 * Where the stub for a kernel.wasm is built: bare-metal-<name> beside it (build/bare-metal-kernel
 * for build/kernel.wasm), or under WASMOS_HOME when that directory is not writable (a package
 * installed by root).
 */
export function stubBuildDir (wasm: string): string {
  const name = `bare-metal-${basename(wasm, '.wasm')}`
  const dir = dirname(wasm)
  if (writable(dir)) return join(dir, name)
  return join(wasmosHome(), 'build', name)
}

/** Builds the stub linked with kernel.wasm (bare-metal/Makefile) and returns the ELF's path. */
export function kernelElf (opts: KernelElfOptions = {}): string {
  const wasm = resolve(opts.kernelWasm ?? join(ROOT, 'build', 'kernel.wasm'))
  if (!existsSync(wasm)) {
    throw new WasmosError('ERR_NO_KERNEL', opts.kernelWasm === undefined
      ? `${wasm} does not exist: run npm run build -- kernel-wasm`
      : `${wasm} does not exist`)
  }
  const buildDir = opts.buildDir ?? stubBuildDir(wasm)
  // Several builds (tests in parallel) may share the build directory: make runs under a lock.
  mkdirSync(buildDir, { recursive: true })
  // The font generator is plain JavaScript: the Node running this CLI runs it, installed or not.
  const make = ['make', '-s', '-C', join(ROOT, 'bare-metal'), `KERNEL_WASM=${wasm}`, `BUILD=${buildDir}`, `NODE24=${process.execPath}`, 'elf']
  const r = process.getBuiltinModule('node:child_process').spawnSync('flock', [`${buildDir}.lock`, ...make], { encoding: 'utf8' })
  if (r.error !== undefined) throw new WasmosError('ERR_TOOL_MISSING', `cannot run make: ${r.error.message} (Debian: apt-get install make gcc binutils wabt)`)
  if (r.status !== 0) throw new WasmosError('ERR_STUB_BUILD', `building the bare-metal stub failed: ${(r.stdout + r.stderr).trim().split('\n').slice(-3).join(' / ')}`)
  // The ISO carries a stripped copy (≈0.5 MB instead of ≈4 MB of debug information, which the
  // boot loader would read from the CD at every boot); the unstripped ELF stays in buildDir for debugging.
  const elf = join(buildDir, 'kernel.elf')
  const stripped = join(buildDir, 'kernel.stripped.elf')
  const s = process.getBuiltinModule('node:child_process').spawnSync('flock', [`${buildDir}.lock`, 'strip', '-o', stripped, elf], { encoding: 'utf8' })
  return s.status === 0 ? stripped : elf
}

/** Writes a bootable ISO with these programs; returns the programs' CIDs. */
export async function writeIso (programs: IsoProgram[], out: string, opts: KernelElfOptions & { cmdline?: string, signal?: AbortSignal } = {}): Promise<BootImage> {
  const image = await bootImage(programs)
  const elf = kernelElf(opts)
  const { buildIso } = await import('../../../bare-metal/iso.ts')
  const dir = await mkdtemp(join(tmpdir(), 'wasmos-iso-'))
  try {
    await writeFile(join(dir, 'programs.car'), image.car)
    await writeFile(join(dir, 'boot.cfg'), image.config)
    await buildIso({
      kernelElf: elf,
      modules: [join(dir, 'programs.car'), join(dir, 'boot.cfg')],
      cmdline: opts.cmdline ?? '',
      out,
      ...(opts.signal !== undefined ? { signal: opts.signal } : {})
    })
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
  return image
}

/**
 * The default set (`npm run iso`): the screen console driver, hello and the shell `wsh` start; the
 * others are packed for the shell's `run` and hold at most its grants. Drivers that claim the console's lines (serial-echo:
 * IRQ 4, ps2-keyboard: IRQ 1) are packed, not started, so that the console keeps its input.
 */
export function defaultPrograms (): IsoProgram[] {
  const build = join(ROOT, 'programs', 'build')
  const load = (n: string): Uint8Array => {
    const p = join(build, `${n}.wasm`)
    if (!existsSync(p)) throw new WasmosError('ERR_NO_PROGRAM', `${p} does not exist: run npm run build -- programs`)
    return readFileSync(p)
  }
  const packed = (n: string): IsoProgram => ({ name: n, bytes: load(n), start: false })
  return [
    { name: 'console', bytes: load('console'), handle: ['console'], send: ['screen'] },
    { name: 'hello', bytes: load('hello') },
    { name: 'wsh', bytes: load('wsh'), send: ['system', 'pci', 'pingpong', 'time', 'random', 'loader'], handle: ['pingpong'] },
    packed('lspci'), packed('pingpong-server'), packed('pingpong-client'), packed('hwprobe'), packed('tictactoe'),
    packed('wasi-hello-c'), packed('serial-echo'), packed('ps2-keyboard')
  ]
}

interface IsoFlags {
  kernel?: string
  program?: string[]
  file?: string[]
  handler?: string[]
  allow?: string[]
  grant?: string[]
  output: string
  json?: boolean
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

async function loadProgram (spec: string): Promise<IsoProgram> {
  const [target, ...args] = spec.trim().split(/\s+/)
  if (target === undefined || target === '') throw new WasmosError('ERR_BAD_ARGUMENT', '--program needs a file or a CID')
  if (existsSync(target)) {
    return { name: basename(target).replace(/\.wasm$/, ''), bytes: await readFile(target), args }
  }
  if (/^(bafy|bafk|Qm)[A-Za-z0-9]+$/.test(target)) {
    const { openStore } = await import('../../loader/index.ts')
    const store = await openStore()
    try {
      const bytes = await store.load(target)
      // Named as the store knows it (the module's name section), else by the start of its CID.
      const known = (await store.list()).find((e) => e.cid === target)?.name?.replace(/[^A-Za-z0-9._-]/g, '_')
      return { name: known !== undefined && known !== '' ? known : target.slice(0, 16), bytes, args }
    } finally {
      await store.close()
    }
  }
  throw new WasmosError('ERR_NO_PROGRAM', `${target}: no such file, and not a CID`)
}

function find (programs: IsoProgram[], name: string, flag: string): IsoProgram {
  const p = programs.find((q) => q.name === name)
  if (p === undefined) throw new WasmosError('ERR_BAD_ARGUMENT', `${flag}: no program named ${JSON.stringify(name)} (names: ${programs.map((q) => q.name).join(', ')})`)
  return p
}

function num (s: string, what: string): number {
  const n = Number(s)
  if (!Number.isInteger(n) || n < 0) throw new WasmosError('ERR_BAD_ARGUMENT', `${what}: ${JSON.stringify(s)} is not a number`)
  return n
}

/** Applies --handler, --allow and --grant to the programs. */
export function applyGrants (programs: IsoProgram[], flags: { handler?: string[], allow?: string[], grant?: string[] }): void {
  for (const h of flags.handler ?? []) {
    const [iface, name] = h.split('=')
    if (iface === undefined || name === undefined) throw new WasmosError('ERR_BAD_ARGUMENT', `--handler ${h}: use <interface>=<program>`)
    interfaceKey(iface)
    const p = find(programs, name, '--handler')
    p.handle = [...(p.handle ?? []), iface]
    for (const q of programs) if (q !== p) q.send = [...(q.send ?? []), iface]
    // Handlers start first, so that their interface is there when the others send.
    programs.splice(programs.indexOf(p), 1)
    programs.unshift(p)
  }
  for (const a of flags.allow ?? []) {
    const [iface, name] = a.split('=')
    interfaceKey(iface)
    for (const q of name === undefined ? programs : [find(programs, name, '--allow')]) q.send = [...(q.send ?? []), iface]
  }
  for (const g of flags.grant ?? []) {
    const m = /^([^:]+):(pci|irq|ports|mmio|cpu|memory)=(.+)$/.exec(g)
    if (m === null) throw new WasmosError('ERR_BAD_ARGUMENT', `--grant ${g}: use <program>:pci=<bus:dev.fn>, irq=<n>, ports=<first>+<count>, mmio=<addr>+<len>, cpu=<ms> or memory=<pages>`)
    const p = find(programs, m[1], '--grant')
    const v = m[3]
    if (m[2] === 'pci') p.pci = [...(p.pci ?? []), v]
    else if (m[2] === 'irq') p.irqs = [...(p.irqs ?? []), num(v, '--grant irq')]
    else if (m[2] === 'cpu') p.cpuMs = num(v, '--grant cpu')
    else if (m[2] === 'memory') p.maxPages = num(v, '--grant memory')
    else {
      const [first, count] = v.split('+')
      const range: [number, number] = [num(first, `--grant ${m[2]}`), num(count ?? '', `--grant ${m[2]}`)]
      if (m[2] === 'ports') p.ports = [...(p.ports ?? []), range]
      else p.mmio = [...(p.mmio ?? []), range]
    }
  }
}

export function registerIsoCommands (program: Command): void {
  program.command('iso')
    .description('build a bootable bare-metal image (Limine ISO for BIOS and UEFI, CD or USB stick) with programs, their grants and kernel.wasm')
    .option('--program <file|cid>', 'a program to start, with its arguments after spaces (repeatable; default: the screen console driver, hello and the shell wsh, with lspci, ping-pong, hwprobe, tictactoe, wasi-hello-c and the drivers packed for it)', collect)
    .option('--file <file|cid>', 'a program packed but not started, for process.spawn by name or CID (repeatable)', collect)
    .option('--handler <iface=program>', 'the program handles this interface; the others may send to it (repeatable)', collect)
    .option('--allow <iface[=program]>', 'programs (or one) may send to this interface (repeatable)', collect)
    .option('--grant <program:what=value>', 'hardware for one program: pci=00:03.0, irq=4, ports=0x60+5, mmio=0xfebf0000+4096, cpu=<ms>, memory=<pages> (repeatable)', collect)
    .option('--kernel <kernel.wasm>', 'the kernel.wasm to link into the stub (default: build/kernel.wasm of wasmos)')
    .requiredOption('-o, --output <file>', 'the ISO to write')
    .option('--json', 'print what was packed as JSON')
    .action(async (flags: IsoFlags) => {
      let programs: IsoProgram[]
      if (flags.program === undefined || flags.program.length === 0) programs = defaultPrograms()
      else programs = await Promise.all(flags.program.map(loadProgram))
      for (const f of flags.file ?? []) programs.push({ ...(await loadProgram(f)), start: false })
      applyGrants(programs, flags)
      const image = await writeIso(programs, flags.output, flags.kernel !== undefined ? { kernelWasm: flags.kernel } : {})
      if (flags.json === true) {
        process.stdout.write(JSON.stringify({ iso: flags.output, programs: programs.map((p, i) => ({ name: p.name, cid: image.cids[i], args: p.args ?? [], started: p.start !== false })) }) + '\n')
      } else {
        for (let i = 0; i < programs.length; i++) process.stdout.write(`${image.cids[i]}  ${programs[i].name}${programs[i].start === false ? ' (not started)' : ''}\n`)
        process.stdout.write(`wrote ${flags.output}\n`)
      }
    })
}
