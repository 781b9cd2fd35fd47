// `npm run bench`: every benchmark in bench/ in one run, each printing its table; with --json one
// JSON document on stdout, an object keyed by bench name; with --quick small sizes and few runs
// (what CI runs, so a broken bench fails CI). Names given select benches: `npm run bench -- fuel`.
// A bench is any bench/*.ts that is not a helper below; each takes --json and --quick.
// `--markdown FILE` prints, from a saved --json document, every target as one Markdown table;
// with `--readme README.md` it writes that table into the README instead, between the lines
// <!-- bench:summary:begin --> and <!-- bench:summary:end --> (the performance summary), leaving
// the README as it was when the document or the markers are unusable.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { BenchError, markdownTargets, parseBenchDoc, replaceSummary, runnerTargets, type TargetResult } from './report.ts'

// In this order; then any other bench file, by name.
const KNOWN = ['kernel', 'fuel', 'loader', 'gateway', 'interp', 'net', 'bare-metal', 'wasi', 'scale', 'remote']
// Modules of bench/ that are not benches: shared code, and interp-count (a tool that counts
// instructions under valgrind to compare two versions of the interpreter, not a timing).
const HELPERS = new Set(['run', 'report', 'modules', 'servers', 'fuel-fixtures', 'interp-native', 'interp-count'])

const { values, positionals } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    markdown: { type: 'string' },
    readme: { type: 'string' },
  },
  allowPositionals: true,
})
/** Says what is wrong in one line and leaves. */
function fail (message: string): never {
  console.error(`wasmos: ${message}`)
  process.exit(2)
}
if (values.readme !== undefined && values.markdown === undefined) fail('--readme needs --markdown <bench.json>')
if (values.markdown !== undefined) {
  const read = (file: string): string => {
    try {
      return readFileSync(file, 'utf8')
    } catch (err) {
      return fail(`${file}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`)
    }
  }
  let markdown: string
  try {
    markdown = markdownTargets(parseBenchDoc(read(values.markdown)))
  } catch (err) {
    if (!(err instanceof BenchError)) throw err
    fail(`${values.markdown}: not a bench JSON document: ${err.message}`)
  }
  if (values.readme === undefined) {
    process.stdout.write(markdown)
    process.exit(0)
  }
  let text: string
  try {
    text = replaceSummary(read(values.readme), markdown)
  } catch (err) {
    if (!(err instanceof BenchError)) throw err
    fail(`${values.readme}: ${err.message}`)
  }
  writeFileSync(values.readme, text)
  console.error(`${values.readme}: performance summary written from ${values.markdown} (${markdown.split('\n').length - 3} rows)`)
  process.exit(0)
}
const dir = import.meta.dirname
const found = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts')).filter((n) => !HELPERS.has(n))
const benches = [...KNOWN.filter((n) => found.includes(n)), ...found.filter((n) => !KNOWN.includes(n)).sort()]
for (const name of positionals) {
  if (!benches.includes(name)) {
    console.error(`wasmos: no bench named ${name} (there are: ${benches.join(', ')})`)
    process.exit(2)
  }
}
const selected = positionals.length > 0 ? benches.filter((n) => positionals.includes(n)) : benches

const results: Record<string, unknown> = {}
const failed: string[] = []
const started = performance.now()
for (const name of selected) {
  const file = join(dir, `${name}.ts`)
  if (!existsSync(file)) continue
  const args = [file, ...(values.json ? ['--json'] : []), ...(values.quick ? ['--quick'] : [])]
  const t = performance.now()
  // stderr always goes through; stdout is a table to pass on, or the bench's JSON to gather.
  const r = spawnSync(process.execPath, args, {
    encoding: 'utf8',
    stdio: ['ignore', values.json ? 'pipe' : 'inherit', 'inherit'],
    maxBuffer: 64 * 1024 * 1024,
    timeout: (values.quick ? 5 : 30) * 60_000,
  })
  const wallMs = Math.round(performance.now() - t)
  if (r.status !== 0) {
    const why = r.error !== undefined ? r.error.message : r.signal !== null ? `killed by ${r.signal}` : `exit status ${r.status}`
    console.error(`bench ${name} failed: ${why}`)
    failed.push(name)
    results[name] = { bench: name, error: why, wallMs }
    continue
  }
  if (!values.json) {
    console.error(`bench ${name}: ${(wallMs / 1000).toFixed(1)} s`)
    process.stdout.write('\n')
    continue
  }
  try {
    const result = JSON.parse(r.stdout) as Record<string, unknown>
    if (result === null || typeof result !== 'object' || Array.isArray(result)) throw new BenchError('bad-result', 'not a JSON object')
    const own = Array.isArray(result.targets) ? result.targets as TargetResult[] : []
    const targets = [...own, ...runnerTargets(name, result, own)]
    results[name] = { ...result, targets, wallMs }
    console.error(`bench ${name}: ${(wallMs / 1000).toFixed(1)} s, targets met ${targets.filter((x) => x.met).length} of ${targets.length}`)
  } catch (err) {
    console.error(`bench ${name} failed: its --json output is unusable: ${(err as Error).message}`)
    failed.push(name)
    results[name] = { bench: name, error: `unusable --json output: ${(err as Error).message}`, wallMs }
  }
}
if (values.json) process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
console.error(`benches: ${selected.length - failed.length} ran, ${failed.length} failed${failed.length > 0 ? ` (${failed.join(', ')})` : ''}` +
  ` in ${((performance.now() - started) / 1000).toFixed(0)} s`)
process.exit(failed.length > 0 ? 1 : 0)
