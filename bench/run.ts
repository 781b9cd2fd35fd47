// `npm run bench`: every benchmark in bench/ in one run, each printing its table; with --json one
// JSON document on stdout, an object keyed by bench name, plus `meta` (the run's date, Node,
// cores, load average at its start and end); with --quick small sizes and few runs (what CI runs,
// so a broken bench fails CI). Names given select benches: `npm run bench -- fuel`.
// A bench is any bench/*.ts that is not a helper below; each takes --json and --quick.
// `--markdown FILE` prints, from a saved --json document, every target as one Markdown table;
// with `--readme README.md` it writes into the README instead, from that one run: the summary
// (the run's caption and every target) between <!-- bench:summary:begin --> and
// <!-- bench:summary:end -->, and each bench's figures between <!-- bench:detail:NAME:begin -->
// and <!-- bench:detail:NAME:end -->. An unusable document or a marker missing, repeated or
// without its bench leaves the README as it was; the new text replaces it in one rename.
import { spawnSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { availableParallelism, cpus, loadavg } from 'node:os'
import { basename, join } from 'node:path'
import { parseArgs } from 'node:util'
import { generateReadme, META_KEY, type RunMeta } from './markdown.ts'
import { BenchError, markdownTargets, parseBenchDoc, runnerTargets, type BenchEntry, type TargetResult } from './report.ts'

// In this order; then any other bench file, by name.
const KNOWN = ['kernel', 'fuel', 'loader', 'gateway', 'interp', 'net', 'bare-metal', 'wasi', 'scale', 'remote']
// Modules of bench/ that are not benches: shared code, and interp-count (a tool that counts
// instructions under valgrind to compare two versions of the interpreter, not a timing).
const HELPERS = new Set(['run', 'report', 'markdown', 'modules', 'servers', 'fuel-fixtures', 'interp-native', 'interp-count'])

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
  let doc: Record<string, BenchEntry>
  try {
    doc = parseBenchDoc(read(values.markdown))
  } catch (err) {
    if (!(err instanceof BenchError)) throw err
    fail(`${values.markdown}: not a bench JSON document: ${err.message}`)
  }
  if (values.readme === undefined) {
    const { [META_KEY]: _meta, ...benches } = doc
    process.stdout.write(markdownTargets(benches))
    process.exit(0)
  }
  let generated: ReturnType<typeof generateReadme>
  try {
    generated = generateReadme(read(values.readme), doc)
  } catch (err) {
    if (!(err instanceof BenchError)) throw err
    fail(`${values.readme}: ${err.message}`)
  }
  // Written beside it and renamed over it: a reader (or a crash) sees the old README or the new one.
  const temp = `${values.readme}.${process.pid}.tmp`
  try {
    writeFileSync(temp, generated.text)
    renameSync(temp, values.readme)
  } catch (err) {
    rmSync(temp, { force: true })
    fail(`${values.readme}: ${(err as Error).message}`)
  }
  console.error(`${values.readme}: performance summary (${generated.targets} targets) and ${generated.benches.length} benches' figures written from ${values.markdown}`)
  process.exit(0)
}
const dir = import.meta.dirname
const found = readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => basename(f, '.ts')).filter((n) => !HELPERS.has(n))
if (found.includes(META_KEY)) fail(`bench/${META_KEY}.ts: "${META_KEY}" is the run's own record in --json, not a name a bench can take`)
const benches = [...KNOWN.filter((n) => found.includes(n)), ...found.filter((n) => !KNOWN.includes(n)).sort()]
for (const name of positionals) {
  if (!benches.includes(name)) {
    console.error(`wasmos: no bench named ${name} (there are: ${benches.join(', ')})`)
    process.exit(2)
  }
}
const selected = positionals.length > 0 ? benches.filter((n) => positionals.includes(n)) : benches

const meta: RunMeta = {
  date: new Date().toISOString(),
  node: process.versions.node,
  cores: availableParallelism(),
  cpu: cpus()[0]?.model,
  quick: values.quick,
  loadAverage: { start: loadavg().map((x) => Math.round(x * 100) / 100) },
}
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
if (values.json) {
  meta.loadAverage!.end = loadavg().map((x) => Math.round(x * 100) / 100)
  meta.wallMs = Math.round(performance.now() - started)
  process.stdout.write(`${JSON.stringify({ [META_KEY]: meta, ...results }, null, 2)}\n`)
}
console.error(`benches: ${selected.length - failed.length} ran, ${failed.length} failed${failed.length > 0 ? ` (${failed.join(', ')})` : ''}` +
  ` in ${((performance.now() - started) / 1000).toFixed(0)} s`)
process.exit(failed.length > 0 ? 1 : 0)
