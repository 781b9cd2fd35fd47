// Build step: checks every interfaces/*.json and generates the host codecs (src/interfaces/gen)
// and the AssemblyScript clients (programs/sdk/as/gen). Files are rewritten only when they change.
import { mkdirSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { checkDefinition, nameOf } from '../../src/interfaces/definition.ts'
import { generateAs, generateTs, generateTsIndex } from '../../src/interfaces/codegen/typescript.ts'

const root = join(import.meta.dirname, '..', '..')
const src = join(root, 'interfaces')
const tsOut = join(root, 'src', 'interfaces', 'gen')
const asOut = join(root, 'programs', 'sdk', 'as', 'gen')
mkdirSync(tsOut, { recursive: true })
mkdirSync(asOut, { recursive: true })

function write (path: string, text: string): void {
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return
  writeFileSync(path, text)
}

const defs = readdirSync(src).filter((f) => f.endsWith('.json')).sort().map((f) => {
  const def = checkDefinition(JSON.parse(readFileSync(join(src, f), 'utf8')), `interfaces/${f}`)
  if (`${def.name}.json` !== f) throw new Error(`interfaces/${f}: name must be ${f.slice(0, -5)}`)
  return def
})
for (const def of defs) {
  const name = nameOf(def)
  write(join(tsOut, `${def.name}.ts`), generateTs(def, name))
  write(join(asOut, `${def.name}.ts`), generateAs(def, name))
}
write(join(tsOut, 'index.ts'), generateTsIndex(defs))
