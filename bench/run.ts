// `npm run bench`: every benchmark in one run, each printing its table (or, with --json, one
// JSON document gathering them all). Each bench is a script in bench/ that takes --json.
import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const BENCHES = ['kernel', 'fuel', 'loader', 'interp', 'net', 'bare-metal']
const json = process.argv.includes('--json')
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'))
const results: Record<string, unknown> = {}
let failed = false
for (const name of BENCHES) {
  if (only.length > 0 && !only.includes(name)) continue
  const file = join(import.meta.dirname, `${name}.ts`)
  if (!existsSync(file)) continue
  const r = spawnSync(process.execPath, [file, ...(json ? ['--json'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })
  if (r.status !== 0) { failed = true; console.error(`bench ${name} failed`); continue }
  if (json) results[name] = JSON.parse(r.stdout)
  else process.stdout.write(`${r.stdout}\n`)
}
if (json) console.log(JSON.stringify(results, null, 2))
process.exit(failed ? 1 : 0)
