// Makes a bootable wasmos ISO (GRUB, Multiboot2, BIOS) from the stub's kernel ELF and the boot
// modules (the CAR file with the guest programs, ...): the logic behind `wasmos iso`. Uses
// Debian's grub-mkrescue (grub-pc-bin, grub-common) and xorriso; the ISO is written to a
// temporary file and renamed, so `out` is either the complete new image or untouched.
import { copyFile, mkdir, mkdtemp, rename, rm, stat, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, dirname, join } from 'node:path'

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

// The GRUB modules the image needs: a BIOS image with only these is under 1 MB.
const GRUB_MODULES = 'multiboot2 normal iso9660 biosdisk part_msdos'
const SAFE_NAME = /^[A-Za-z0-9._-]{1,100}$/
const SAFE_WORD = /^[A-Za-z0-9._,:=/+-]+$/

/** The tools buildIso needs that are not on PATH. */
export function missingIsoTools (): string[] {
  return ['grub-mkrescue', 'xorriso'].filter((t) => process.getBuiltinModule('node:child_process').spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0)
}

/** The grub.cfg for a kernel at /boot/kernel.elf and modules at /boot/modules/<name>. */
export function grubConfig (cmdline: string, moduleNames: string[]): string {
  const words = cmdline.trim() === '' ? [] : cmdline.trim().split(/\s+/)
  for (const w of words) {
    if (!SAFE_WORD.test(w)) throw new IsoError('ISO_BAD_CMDLINE', `kernel command line word ${JSON.stringify(w)} has characters GRUB would reinterpret`)
  }
  return [
    'set timeout=0',
    'set default=0',
    'menuentry "wasmos" {',
    `  multiboot2 /boot/kernel.elf${words.map((w) => ' ' + w).join('')}`,
    ...moduleNames.map((n) => `  module2 /boot/modules/${n} ${n}`),
    '  boot',
    '}',
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
    throw new IsoError('ISO_TOOL_MISSING', `making an ISO needs ${missing.join(' and ')} (Debian: grub-pc-bin grub-common xorriso)`)
  }
  const modules = (opts.modules ?? []).map((m) => typeof m === 'string' ? { path: m, name: basename(m) } : { path: m.path, name: m.name ?? basename(m.path) })
  const names = new Set<string>()
  for (const m of modules) {
    if (!SAFE_NAME.test(m.name)) throw new IsoError('ISO_BAD_NAME', `module name ${JSON.stringify(m.name)}: use letters, digits, '.', '_' and '-' only`)
    if (names.has(m.name)) throw new IsoError('ISO_BAD_NAME', `two modules are named ${m.name}`)
    names.add(m.name)
  }
  const config = grubConfig(opts.cmdline ?? '', modules.map((m) => m.name))
  await requireFile(kernelElf, 'kernel')
  for (const m of modules) await requireFile(m.path, 'module')

  const stage = await mkdtemp(join(tmpdir(), 'wasmos-iso-'))
  const tmpOut = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`)
  try {
    await mkdir(join(stage, 'boot', 'grub'), { recursive: true })
    await mkdir(join(stage, 'boot', 'modules'))
    await copyFile(kernelElf, join(stage, 'boot', 'kernel.elf'))
    for (const m of modules) await copyFile(m.path, join(stage, 'boot', 'modules', m.name))
    await writeFile(join(stage, 'boot', 'grub', 'grub.cfg'), config)
    await mkdir(dirname(out), { recursive: true })
    await run('grub-mkrescue', ['-o', tmpOut, `--install-modules=${GRUB_MODULES}`, '--fonts=', '--locales=', '--themes=', stage], signal)
    await rename(tmpOut, out)
  } finally {
    await rm(stage, { recursive: true, force: true })
    await rm(tmpOut, { force: true })
  }
}
