// Build step: copies the ABI codes and notification sizes of src/kernel/core/codes.ts, the one
// source, into the SDKs: programs/sdk/as/gen/codes.ts (AssemblyScript) and
// programs/sdk/c/gen/wasmos_codes.h (C, each name prefixed WASMOS_). Rewritten only when changed.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as core from '../../src/kernel/core/codes.ts'

const root = join(import.meta.dirname, '..', '..')
const source = join(root, 'src', 'kernel', 'core', 'codes.ts')

/**
 * A constant of codes.ts: its doc comment (on the first of a group that shares one), whether it
 * starts a group (constants between blank lines), name, AssemblyScript type and value.
 */
interface Code { doc: string, first: boolean, name: string, type: string, value: number }

/** Reads codes.ts as text (to keep its comments) and checks every value against the module. */
function readCodes (): Code[] {
  const codes: Code[] = []
  let doc = ''
  let first = true
  for (const line of readFileSync(source, 'utf8').split('\n')) {
    const d = /^\/\*\* (.*) \*\/$/.exec(line)
    if (d != null) { doc = d[1]; continue }
    const m = /^export const ([A-Z_0-9]+): (i32|u32|f64) = (-?\d+)$/.exec(line)
    if (m == null) {
      if (line.startsWith('export')) throw new Error(`src/kernel/core/codes.ts: not a plain numeric constant: ${line}`)
      if (line.trim() === '') { doc = ''; first = true }
      continue
    }
    const value = Number(m[3])
    if ((core as Record<string, unknown>)[m[1]] !== value) throw new Error(`src/kernel/core/codes.ts: ${m[1]} does not read back as ${value}`)
    codes.push({ doc, first, name: m[1], type: m[2], value })
    doc = ''
    first = false
  }
  if (codes.length === 0) throw new Error('src/kernel/core/codes.ts: no constants found')
  return codes
}

function write (path: string, text: string): void {
  mkdirSync(join(path, '..'), { recursive: true })
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return
  writeFileSync(path, text)
}

const codes = readCodes()
const by = 'Generated from src/kernel/core/codes.ts by scripts/build.d/12-abi-codes.ts. Do not edit.'

const as = [`// ${by}`, '// The program ABI\'s numbers, as the kernel core defines them (DESIGN.md, "The program ABI").']
for (const c of codes) {
  if (c.first) as.push('')
  if (c.doc !== '') as.push(`/** ${c.doc} */`)
  as.push(`export const ${c.name}: ${c.type} = ${c.value}`)
}
write(join(root, 'programs', 'sdk', 'as', 'gen', 'codes.ts'), as.join('\n') + '\n')

const c = [`/* ${by} */`, '/* The program ABI\'s numbers, as the kernel core defines them (DESIGN.md, "The program ABI"). */',
  '#ifndef WASMOS_CODES_H', '#define WASMOS_CODES_H']
for (const k of codes) {
  if (k.first) c.push('')
  if (k.doc !== '') c.push(`/* ${k.doc.replace(/\*\//g, '* /')} */`)
  c.push(`#define WASMOS_${k.name} ${k.value < 0 ? `(${k.value})` : k.value}`)
}
c.push('', '#endif')
write(join(root, 'programs', 'sdk', 'c', 'gen', 'wasmos_codes.h'), c.join('\n') + '\n')
