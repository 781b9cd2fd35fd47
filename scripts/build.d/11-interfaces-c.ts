// Build step: generates the C interface clients (programs/sdk/c/gen/<name>.h) from interfaces/*.json.
// Files are rewritten only when they change.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkDefinition, nameOf } from '../../src/interfaces/definition.ts'
import { generateC } from '../../src/interfaces/codegen/c.ts'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'interfaces')
const out = join(root, 'programs', 'sdk', 'c', 'gen')
mkdirSync(out, { recursive: true })

for (const f of readdirSync(src).filter((f) => f.endsWith('.json')).sort()) {
  const def = checkDefinition(JSON.parse(readFileSync(join(src, f), 'utf8')), `interfaces/${f}`)
  const text = generateC(def, nameOf(def))
  const path = join(out, `${def.name}.h`)
  if (!existsSync(path) || readFileSync(path, 'utf8') !== text) writeFileSync(path, text)
}
