// Build step: the bare-metal kernel. Generates src/kernel/bare-metal/gen/interfaces.ts (every
// interfaces/*.json's key and digest, so that the kernel never hashes definitions at boot) and
// gen/<interface>.ts (the handler side: request readers and answer writers its natives use), and
// compiles src/kernel/bare-metal/main.ts — the kernel core, the interpreter and the bare-metal
// host adapter in one asc compilation — to build/kernel.wasm. Skipped when up to date.
// With --quick-kernel: unoptimised (asc -O0, a fifth of the compile time) to build/quick/kernel.wasm,
// for `npm start`'s boot, which runs a few programs for a few seconds; build/kernel.wasm is untouched.
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkDefinition, nameOf } from '../../src/interfaces/definition.ts'
import { generateAsHandler } from '../../src/interfaces/codegen/typescript.ts'
import { newest } from '../newest.ts'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'src', 'kernel', 'bare-metal')
const quick = process.argv.includes('--quick-kernel')
const out = join(root, 'build', ...(quick ? ['quick'] : []), 'kernel.wasm')

function write (path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return
  writeFileSync(path, text)
}

const ifaceDir = join(root, 'interfaces')
const defs = readdirSync(ifaceDir).filter((f) => f.endsWith('.json')).sort().map((f) =>
  checkDefinition(JSON.parse(readFileSync(join(ifaceDir, f), 'utf8')), `interfaces/${f}`))
const lines = [
  '// Generated from interfaces/*.json by scripts/build.d/65-kernel-wasm.ts. Do not edit.',
  '// Interface keys (hex of the definition digest, the kernel core\'s name for an interface).'
]
for (const def of defs) lines.push(`export const KEY_${def.name.toUpperCase()}: string = '${nameOf(def).key}'`)
lines.push('', '/** Names and keys of every known interface, in the same order. */')
lines.push(`export const NAMES: Array<string> = [${defs.map((d) => `'${d.name}'`).join(', ')}]`)
lines.push(`export const KEYS: Array<string> = [${defs.map((d) => `KEY_${d.name.toUpperCase()}`).join(', ')}]`, '')
mkdirSync(join(src, 'gen'), { recursive: true })
write(join(src, 'gen', 'interfaces.ts'), lines.join('\n'))
for (const def of defs) {
  write(join(src, 'gen', `${def.name}.ts`),
    generateAsHandler(def, nameOf(def), '../../../../programs/sdk/as/msgpack', 'scripts/build.d/65-kernel-wasm.ts'))
}

const inputs = Math.max(newest(src), newest(join(root, 'src', 'kernel', 'core')), newest(join(root, 'src', 'kernel', 'interp')),
  statSync(join(root, 'programs', 'sdk', 'as', 'msgpack.ts')).mtimeMs, statSync(import.meta.filename).mtimeMs)
if (!existsSync(out) || statSync(out).mtimeMs < inputs) {
  mkdirSync(join(out, '..'), { recursive: true })
  // Another build may be writing the same output (tests, a second npm start): each its own temporary file.
  const tmp = `${out}.${process.pid}.tmp`
  execFileSync(process.execPath, [join(root, 'node_modules', 'assemblyscript', 'bin', 'asc.js'),
    // The quick build skips asc's validation: wasm2c validates the module it translates.
    // The minimal runtime: no shadow stack (the kernel's main loop collects; src/kernel/bare-metal/main.ts).
    join(src, 'main.ts'), '-o', tmp, ...(quick ? ['-O0', '--noValidate'] : ['-O3']), '--runtime', 'minimal', '--noAssert', '--disableWarning',
    '--use', 'abort=src/kernel/bare-metal/stub/abort'
  ], { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] })
  renameSync(tmp, out)
}
