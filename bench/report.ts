// What every bench shares: its flags (--json, --quick), tool checks, the target lines with their
// comparison and verdict, and the one way a result is printed (a table, or JSON alone on stdout).
import { accessSync, constants } from 'node:fs'
import { delimiter, join } from 'node:path'
import { parseArgs } from 'node:util'

export interface BenchFlags {
  /** Print one JSON document on stdout and nothing else there. */
  json: boolean
  /** Small sizes and few runs: checks the bench works, figures are rough. */
  quick: boolean
}

/** Parses --json and --quick (and any extra string options a bench declares). */
export function benchFlags<T extends Record<string, string>> (extra: T = {} as T): BenchFlags & { [K in keyof T]: string } {
  const options: Record<string, { type: 'string' | 'boolean', default: string | boolean }> = {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
  }
  for (const [name, def] of Object.entries(extra)) options[name] = { type: 'string', default: def }
  const { values } = parseArgs({ options, strict: true, allowPositionals: false })
  // A bench that cannot run (a tool missing, a server that failed) says why in one line.
  process.on('uncaughtException', (err) => {
    process.stderr.write(err instanceof BenchError ? `bench: ${err.message}\n` : `${err.stack ?? String(err)}\n`)
    process.exit(1)
  })
  return values as BenchFlags & { [K in keyof T]: string }
}

export class BenchError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.name = 'BenchError'
    this.code = code
  }
}

/** Fails unless `cmd` is an executable on PATH: a bench needing a tool says so rather than skipping. */
export function requireTool (cmd: string, pkg = cmd): void {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue
    try {
      accessSync(join(dir, cmd), constants.X_OK)
      return
    } catch {}
  }
  throw new BenchError('missing-tool', `${cmd} is not installed (Debian package ${pkg}); this bench needs it`)
}

/** A measured value with its unit. */
export interface Measure { value: number, unit: string }

/** One target line: what was measured, what it is compared with (same run), the target, the verdict. */
export interface TargetResult {
  measure: string
  value: number
  unit: string
  /** The comparison measured in the same run, when the target is relative to it. */
  comparison: { measure: string, value: number, unit: string } | null
  /** The value the target is about: `value` itself, or `value / comparison` for a relative target. */
  checked: number
  target: string
  met: boolean
}

/** What a target line is compared with: measured in the same run. */
export interface Comparison extends Measure {
  measure: string
  /** The target is on value / comparison (e.g. exec time / `node -e 0`); else it only informs. */
  relative?: boolean
}

/** A target `checked op limit`: `checked` is the value, or its ratio to a relative comparison. */
export function target (measure: string, m: Measure, op: '<=' | '>=', limit: number, limitText: string,
  comparison: Comparison | null = null): TargetResult {
  const checked = comparison?.relative === true ? m.value / comparison.value : m.value
  return {
    measure,
    value: round(m.value),
    unit: m.unit,
    comparison: comparison === null ? null : { measure: comparison.measure, value: round(comparison.value), unit: comparison.unit },
    checked: round(checked),
    target: limitText,
    met: op === '<=' ? checked <= limit : checked >= limit,
  }
}

/** Rounds to 4 significant digits: enough for any bench, short in JSON. */
export function round (x: number): number {
  if (!Number.isFinite(x) || x === 0) return x
  return Number(x.toPrecision(4))
}

export function median (xs: number[]): number {
  if (xs.length === 0) throw new BenchError('no-samples', 'median of no samples')
  const s = [...xs].sort((a, b) => a - b)
  return s[s.length >> 1]
}

export function quantile (xs: number[], q: number): number {
  if (xs.length === 0) throw new BenchError('no-samples', 'quantile of no samples')
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]
}

/** Aligns rows of cells into columns; `align` has an l or r per column (default: first l, others r). */
export function table (head: string[], body: string[][], align = ''): string {
  const w = head.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)))
  const left = (i: number): boolean => (align[i] ?? (i === 0 ? 'l' : 'r')) === 'l'
  return [head, ...body].map((r) => r.map((c, i) => (left(i) ? (c ?? '').padEnd(w[i]) : (c ?? '').padStart(w[i]))).join('  ').trimEnd()).join('\n')
}

function show (x: number, unit: string): string {
  const digits = Math.abs(x) >= 100 ? 0 : Math.abs(x) >= 10 ? 1 : 2
  return `${x.toFixed(digits)} ${unit}`.trim()
}

function comparisonText (t: TargetResult): string {
  if (t.comparison === null) return ''
  const ratio = t.checked !== t.value ? ` (ratio ${t.checked})` : ''
  return `${t.comparison.measure}: ${show(t.comparison.value, t.comparison.unit)}${ratio}`
}

/** The targets as a table: measure, value, comparison, target, verdict. */
export function targetTable (targets: TargetResult[]): string {
  return table(['measure', 'value', 'compared with (same run)', 'target', 'verdict'], targets.map((t) => [
    t.measure,
    show(t.value, t.unit),
    comparisonText(t),
    t.target,
    t.met ? 'met' : 'NOT MET',
  ]), 'lrlll')
}

/** Bare-metal ping-pong round trips per second under QEMU TCG when its target was set; the target is 5× it. */
export const BARE_PINGPONG_BASELINE = 1963

/**
 * Targets the runner adds to a bench's own: the interpreter's slowdown against V8, natively as on
 * bare metal (README, Benchmarks), and bare metal's ping-pong round trips per second (unless the
 * bare-metal bench lists a ping-pong target itself). A missing native build is an error, not a
 * skipped target.
 */
export function runnerTargets (name: string, result: Record<string, unknown>, own: TargetResult[]): TargetResult[] {
  if (name === 'bare-metal') {
    const pingpong = result.pingpong as { bareMetal?: { perSecond?: unknown, roundTrips?: unknown }, node?: { perSecond?: unknown } } | undefined
    const perSecond = pingpong?.bareMetal?.perSecond
    if (typeof perSecond !== 'number' || own.some((t) => /ping-?pong/i.test(t.measure))) return []
    const node = pingpong?.node?.perSecond
    return [target(`ping-pong round trips/s on bare metal (interpreter, QEMU TCG, ${String(pingpong?.bareMetal?.roundTrips)} round trips)`,
      { value: perSecond, unit: '/s' }, '>=', 5 * BARE_PINGPONG_BASELINE, `≥ ${5 * BARE_PINGPONG_BASELINE} /s (5× ${BARE_PINGPONG_BASELINE})`,
      typeof node === 'number' ? { measure: 'on Node (V8, JSPI)', value: node, unit: '/s' } : null)]
  }
  if (name !== 'interp' || own.length > 0) return []
  const kernels = result.kernels as Array<{ name: string, n: number, v8Ms: number, nativeMs: number | null }> | undefined
  if (!Array.isArray(kernels)) throw new BenchError('bad-result', 'the interp bench gave no kernels')
  return kernels.map((k) => {
    if (k.nativeMs === null) throw new BenchError('bad-result', `interp: no native build of the interpreter for ${k.name} (needs wasm2c and gcc)`)
    return target(`${k.name}(${k.n}), interpreter native vs V8`, { value: k.nativeMs, unit: 'ms' }, '<=', 8, '≤ 8× V8',
      { measure: 'V8', value: k.v8Ms, unit: 'ms', relative: true })
  })
}

/** A bench's entry in a saved `npm run bench -- --json` document: its target lines, or why it failed. */
export interface BenchEntry { targets?: TargetResult[], error?: string }

/** Every bench's targets as one Markdown table: bench, measure, value, comparison, target, verdict. */
export function markdownTargets (doc: Record<string, BenchEntry>): string {
  const rows = ['| bench | measure | value | compared with (same run) | target | verdict |', '|---|---|---|---|---|---|']
  for (const [bench, result] of Object.entries(doc)) {
    if (result.error !== undefined && (result.targets ?? []).length === 0) rows.push(`| ${bench} | the bench failed: ${result.error} |  |  |  | **not measured** |`)
    for (const t of result.targets ?? []) {
      rows.push(`| ${bench} | ${t.measure} | ${show(t.value, t.unit)} | ${comparisonText(t)} | ${t.target} | ${t.met ? 'met' : '**not met**'} |`)
    }
  }
  return `${rows.join('\n')}\n`
}

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x)

/** Why `t` is not a target line (null when it is one). */
function badTarget (t: unknown): string | null {
  if (!isObject(t)) return 'not an object'
  for (const k of ['measure', 'unit', 'target']) if (typeof t[k] !== 'string') return `no string "${k}"`
  for (const k of ['value', 'checked']) if (typeof t[k] !== 'number') return `no number "${k}"`
  if (typeof t.met !== 'boolean') return 'no boolean "met"'
  const c = t.comparison
  if (c !== null && !(isObject(c) && typeof c.measure === 'string' && typeof c.value === 'number' && typeof c.unit === 'string')) return 'a "comparison" that is neither null nor { measure, value, unit }'
  return null
}

/**
 * A saved `npm run bench -- --json` document: an object keyed by bench name, each with its target
 * lines (or the error it failed with). Anything else is a BenchError naming what is wrong.
 */
export function parseBenchDoc (text: string): Record<string, BenchEntry> {
  let doc: unknown
  try {
    doc = JSON.parse(text)
  } catch (err) {
    throw new BenchError('bad-json', `not JSON (${(err as Error).message})`)
  }
  if (!isObject(doc)) throw new BenchError('bad-json', 'not a JSON object keyed by bench name')
  let lines = 0
  for (const [bench, entry] of Object.entries(doc)) {
    if (!isObject(entry)) throw new BenchError('bad-json', `${bench}: not an object`)
    if (entry.error !== undefined && typeof entry.error !== 'string') throw new BenchError('bad-json', `${bench}: "error" is not a string`)
    if (entry.targets === undefined) continue
    if (!Array.isArray(entry.targets)) throw new BenchError('bad-json', `${bench}: "targets" is not an array`)
    entry.targets.forEach((t, i) => {
      const why = badTarget(t)
      if (why !== null) throw new BenchError('bad-json', `${bench}: target ${i + 1}: ${why}`)
    })
    lines += entry.targets.length
  }
  if (lines === 0) throw new BenchError('bad-json', 'no bench in it has a target line')
  return doc as Record<string, BenchEntry>
}

/** The comments around the README's generated performance summary. */
export const SUMMARY_BEGIN = '<!-- bench:summary:begin -->'
export const SUMMARY_END = '<!-- bench:summary:end -->'

/** `text` with what lies between the summary markers (each there exactly once, in order) replaced by `table`. */
export function replaceSummary (text: string, table: string): string {
  const count = (m: string): number => text.split(m).length - 1
  for (const m of [SUMMARY_BEGIN, SUMMARY_END]) {
    if (count(m) !== 1) throw new BenchError('bad-markers', `${count(m) === 0 ? 'no' : 'more than one'} ${m} line`)
  }
  const begin = text.indexOf(SUMMARY_BEGIN) + SUMMARY_BEGIN.length
  const end = text.indexOf(SUMMARY_END)
  if (end < begin) throw new BenchError('bad-markers', `${SUMMARY_END} comes before ${SUMMARY_BEGIN}`)
  return `${text.slice(0, begin)}\n${table.endsWith('\n') ? table : `${table}\n`}${text.slice(end)}`
}

/**
 * Prints a bench's result: with --json the object alone (one document on stdout), else `text()`
 * followed by the targets table.
 */
export function report (flags: BenchFlags, result: { bench: string, targets: TargetResult[] } & Record<string, unknown>, text: () => string): void {
  const doc = { ...result, quick: flags.quick, node: process.versions.node }
  if (flags.json) {
    process.stdout.write(`${JSON.stringify(doc, null, 2)}\n`)
    return
  }
  process.stdout.write(`${text()}\n`)
  if (result.targets.length > 0) process.stdout.write(`\n${targetTable(result.targets)}\n`)
}
