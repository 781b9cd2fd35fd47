// Makes a bootable wasmos ISO from the stub's kernel ELF and the boot modules (the CAR file with
// the guest programs, ...): the logic behind `wasmos iso`. One hybrid image booted by the vendored
// Limine 8.2.0 (limine/): BIOS from a CD, BIOS from a disk or USB stick, UEFI. Needs xorriso and a
// C compiler for Limine's host tool; no network. The ISO is written to a temporary file and
// renamed, so `out` is either the complete new image or untouched.
import { constants, existsSync } from 'node:fs'
import { access, copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises'
import { homedir, tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'

/** bare-metal/ of the checkout, found upwards: this file may run from its source or bundled in dist/. */
function findHere (): string {
  for (let dir = import.meta.dirname; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'limine', 'limine.c'))) return dir
    if (existsSync(join(dir, 'bare-metal', 'limine', 'limine.c'))) return join(dir, 'bare-metal')
    if (dirname(dir) === dir) return import.meta.dirname
  }
}
const HERE = findHere()
const LIMINE = join(HERE, 'limine')

export type IsoErrorCode =
  | 'ISO_TOOL_MISSING' | 'ISO_INPUT_MISSING' | 'ISO_BAD_NAME' | 'ISO_BAD_CMDLINE' | 'ISO_FAILED' | 'ABORT_ERR'

export class IsoError extends Error {
  readonly code: IsoErrorCode
  constructor (code: IsoErrorCode, message: string) {
    super(message)
    this.name = 'IsoError'
    this.code = code
  }
}

export interface IsoModule {
  /** File to carry. */
  path: string
  /** Name the kernel sees (module_name); default: the file's base name. */
  name?: string
}

export interface BuildIsoOptions {
  /** The stub linked with kernel.wasm (bare-metal/Makefile: build/bare-metal/kernel.elf). */
  kernelElf: string
  /** Boot modules, in order (module index = position). */
  modules?: Array<string | IsoModule>
  /** Kernel command line: words of [A-Za-z0-9._,:=/+-], separated by spaces. */
  cmdline?: string
  out: string
  signal?: AbortSignal
}

const SAFE_NAME = /^[A-Za-z0-9._-]{1,100}$/
const SAFE_WORD = /^[A-Za-z0-9._,:=/+-]+$/

/** The tools buildIso needs that are not on PATH. */
export function missingIsoTools (): string[] {
  return ['xorriso', 'make', 'cc'].filter((t) => process.getBuiltinModule('node:child_process').spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0)
}

/** The limine.conf (Limine 8.x spelling) for a kernel at /boot/kernel.elf and modules at /boot/modules/<name>. */
export function limineConfig (cmdline: string, moduleNames: string[]): string {
  const words = cmdline.trim() === '' ? [] : cmdline.trim().split(/\s+/)
  for (const w of words) {
    if (!SAFE_WORD.test(w)) throw new IsoError('ISO_BAD_CMDLINE', `kernel command line word ${JSON.stringify(w)} has characters the boot loader could reinterpret`)
  }
  return [
    'timeout: 0',
    'quiet: yes',
    '/wasmos',
    '    protocol: limine',
    '    kernel_path: boot():/boot/kernel.elf',
    `    cmdline: ${words.join(' ')}`,
    ...moduleNames.flatMap((n) => [`    module_path: boot():/boot/modules/${n}`, `    module_cmdline: ${n}`]),
    '',
  ].join('\n')
}

async function requireFile (path: string, what: string): Promise<void> {
  try {
    if ((await stat(path)).isFile()) return
  } catch {}
  throw new IsoError('ISO_INPUT_MISSING', `${what} ${path} does not exist or is not a file`)
}

function run (cmd: string, args: string[], signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = process.getBuiltinModule('node:child_process').spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], signal })
    let log = ''
    child.stdout.on('data', (d: Buffer) => { log += d.toString() })
    child.stderr.on('data', (d: Buffer) => { log += d.toString() })
    child.on('error', (e: Error & { code?: string }) => {
      if (e.name === 'AbortError') reject(new IsoError('ABORT_ERR', 'ISO build aborted'))
      else reject(new IsoError('ISO_FAILED', `${cmd}: ${e.message}`))
    })
    child.on('close', (code) => {
      if (signal?.aborted) reject(new IsoError('ABORT_ERR', 'ISO build aborted'))
      else if (code === 0) resolve()
      else {
        const last = log.trim().split('\n').filter((l) => l !== '').at(-1) ?? ''
        reject(new IsoError('ISO_FAILED', `${cmd} failed (status ${code}): ${last}`))
      }
    })
  })
}

export async function buildIso (opts: BuildIsoOptions): Promise<void> {
  const { kernelElf, out, signal } = opts
  if (signal?.aborted) throw new IsoError('ABORT_ERR', 'ISO build aborted')
  const missing = missingIsoTools()
  if (missing.length > 0) {
    throw new IsoError('ISO_TOOL_MISSING', `making an ISO needs ${missing.join(' and ')} (Debian: xorriso make gcc)`)
  }
  const modules = (opts.modules ?? []).map((m) => typeof m === 'string' ? { path: m, name: basename(m) } : { path: m.path, name: m.name ?? basename(m.path) })
  const names = new Set<string>()
  for (const m of modules) {
    if (!SAFE_NAME.test(m.name)) throw new IsoError('ISO_BAD_NAME', `module name ${JSON.stringify(m.name)}: use letters, digits, '.', '_' and '-' only`)
    if (names.has(m.name)) throw new IsoError('ISO_BAD_NAME', `two modules are named ${m.name}`)
    names.add(m.name)
  }
  const config = limineConfig(opts.cmdline ?? '', modules.map((m) => m.name))
  await requireFile(kernelElf, 'kernel')
  for (const m of modules) await requireFile(m.path, 'module')

  const tool = await limineTool(signal)
  const stage = await mkdtemp(join(tmpdir(), 'wasmos-iso-'))
  const tmpOut = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`)
  try {
    await mkdir(join(stage, 'boot', 'limine'), { recursive: true })
    await mkdir(join(stage, 'boot', 'modules'))
    await mkdir(join(stage, 'EFI', 'BOOT'), { recursive: true })
    await copyFile(kernelElf, join(stage, 'boot', 'kernel.elf'))
    for (const m of modules) await copyFile(m.path, join(stage, 'boot', 'modules', m.name))
    await writeFile(join(stage, 'boot', 'limine', 'limine.conf'), config)
    for (const f of ['limine-bios.sys', 'limine-bios-cd.bin', 'limine-uefi-cd.bin']) await copyFile(join(LIMINE, f), join(stage, 'boot', 'limine', f))
    await copyFile(join(LIMINE, 'BOOTX64.EFI'), join(stage, 'EFI', 'BOOT', 'BOOTX64.EFI'))
    await mkdir(dirname(out), { recursive: true })
    await run('xorriso', ['-as', 'mkisofs', '-R', '-r', '-J', '-b', 'boot/limine/limine-bios-cd.bin', '-no-emul-boot',
      '-boot-load-size', '4', '-boot-info-table', '-hfsplus', '-apm-block-size', '2048',
      '--efi-boot', 'boot/limine/limine-uefi-cd.bin', '-efi-boot-part', '--efi-boot-image', '--protective-msdos-label',
      stage, '-o', tmpOut], signal)
    await run(tool, ['bios-install', tmpOut], signal)
    await rename(tmpOut, out)
  } finally {
    await rm(stage, { recursive: true, force: true })
    await rm(tmpOut, { force: true })
  }
}

/**
 * Builds Limine's host tool (bios-install) from the vendored source when it is missing or stale;
 * returns its path. Built in build/ beside bare-metal/, or under WASMOS_HOME when that is not
 * writable (a package installed by root).
 */
async function limineTool (signal?: AbortSignal): Promise<string> {
  let build = join(HERE, '..', 'build')
  try {
    await mkdir(build, { recursive: true })
    await access(build, constants.W_OK)
  } catch {
    build = join(process.env['WASMOS_HOME'] ?? join(homedir(), '.wasmos'), 'build')
    await mkdir(build, { recursive: true })
  }
  const tool = join(build, 'limine', 'limine')
  await run('flock', [join(build, 'limine.lock'), 'make', '-s', '-C', HERE, `LIMINE_TOOL=${tool}`, 'limine-tool'], signal)
  return tool
}
