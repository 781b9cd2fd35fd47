// Builds everything `npm test` and the CLI need: runs each step in scripts/build.d in name order.
// A step is a module whose top-level code does its work; steps skip outputs that are up to date.
//   node scripts/build.ts                          every step
//   node scripts/build.ts bundle programs          the steps whose name contains a word
//   node scripts/build.ts 30-programs --programs hello,kv-server   only these programs
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

const dir = join(import.meta.dirname, 'build.d')
const only: string[] = []
const argv = process.argv.slice(2)
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--programs') i++
  else if (!argv[i].startsWith('--')) only.push(argv[i])
}
for (const name of readdirSync(dir).filter((f) => f.endsWith('.ts')).sort()) {
  if (only.length > 0 && !only.some((o) => name.includes(o))) continue
  const started = performance.now()
  await import(pathToFileURL(join(dir, name)).href)
  const ms = performance.now() - started
  if (ms > 500) console.error(`build: ${name} ${(ms / 1000).toFixed(1)} s`)
}
