// The README's generated parts, from a saved `npm run bench -- --json` run: the run's caption,
// every target in one table (the summary) and each bench's own figures (its detail block), each
// written between its pair of comment markers. Nothing here measures; bench/run.ts writes the file.
import { join } from 'node:path'
import { BenchError, markdownTargets, round, SUMMARY_BEGIN, SUMMARY_END, type BenchEntry } from './report.ts'

/** What `npm run bench -- --json` records about the run itself, under the key `meta`. */
export interface RunMeta {
  /** When the run started, ISO 8601 in UTC. */
  date?: string
  node?: string
  /** os.loadavg() (1, 5 and 15 minutes) as the run started and as it ended. */
  loadAverage?: { start?: number[], end?: number[] }
  cores?: number
  cpu?: string
  quick?: boolean
  /** The whole run, every bench and the runner, in ms. */
  wallMs?: number
}

/** The key of the run's own record in a saved run; no bench may take this name. */
export const META_KEY = 'meta'

export const detailBegin = (bench: string): string => `<!-- bench:detail:${bench}:begin -->`
export const detailEnd = (bench: string): string => `<!-- bench:detail:${bench}:end -->`

const isObject = (x: unknown): x is Record<string, unknown> => x !== null && typeof x === 'object' && !Array.isArray(x)
const isScalar = (x: unknown): x is string | number | boolean | null => x === null || ['string', 'number', 'boolean'].includes(typeof x)
/** A value that fits in one cell: a scalar or a list of them. */
const isFlat = (x: unknown): boolean => isScalar(x) || (Array.isArray(x) && x.every(isScalar))

/** A saved run split into the run's record and its benches (a document without `meta` is an older run). */
export function splitRun (doc: Record<string, unknown>): { meta: RunMeta | null, benches: Record<string, BenchEntry & Record<string, unknown>> } {
  const { [META_KEY]: meta, ...benches } = doc
  if (meta !== undefined && !isObject(meta)) throw new BenchError('bad-json', `"${META_KEY}" is not an object`)
  return { meta: (meta ?? null) as RunMeta | null, benches: benches as Record<string, BenchEntry & Record<string, unknown>> }
}

const load = (xs: number[] | undefined): string | null =>
  Array.isArray(xs) && typeof xs[0] === 'number' ? xs.map((x) => x.toFixed(2)).join(' / ') : null

/** One sentence saying which run the figures come from: date, Node, cores, load average, duration. */
export function runCaption (meta: RunMeta | null, benches: Record<string, Record<string, unknown>>): string {
  const node = meta?.node ?? Object.values(benches).map((b) => b.node).find((n) => typeof n === 'string')
  const parts: string[] = []
  if (typeof node === 'string') parts.push(`Node ${node}`)
  if (typeof meta?.cores === 'number') parts.push(`${meta.cores} cores${typeof meta.cpu === 'string' ? ` (${meta.cpu})` : ''}`)
  const start = load(meta?.loadAverage?.start)
  const end = load(meta?.loadAverage?.end)
  if (start !== null) parts.push(`load average (1, 5, 15 min) ${start} at the start${end !== null ? `, ${end} at the end` : ''}`)
  const wall = typeof meta?.wallMs === 'number'
    ? meta.wallMs
    : Object.values(benches).reduce((s, b) => s + (typeof b.wallMs === 'number' ? b.wallMs : 0), 0)
  const count = Object.keys(benches).length
  parts.push(`${count} bench${count === 1 ? '' : 'es'} in ${(wall / 1000).toFixed(0)} s`)
  const when = typeof meta?.date === 'string'
    ? `Run of ${meta.date.replace('T', ' ').replace(/:\d\d(\.\d+)?Z$/, ' UTC')}`
    : 'Saved run (it records no date or load average)'
  const quick = meta?.quick === true || Object.values(benches).some((b) => b.quick === true)
  return `${when}: ${parts.join(', ')}.${quick ? ' Run with `--quick`: small sizes, few runs, rough figures.' : ''}`
}

/** Keys every bench result has that are about the run, not figures of its own. */
const SKIP = new Set(['bench', 'targets', 'quick', 'node', 'wallMs'])

/** Whole keys with a better name than their words. */
const KEY_LABELS: Record<string, string> = {
  rtt: 'round trip',
  node_wasi_ms: 'node:wasi (ms)',
  wasmos_first_ms: 'wasmos run, first (ms)',
  wasmos_cached_ms: 'wasmos run, rewrite cached (ms)',
  first_ratio: 'first run × node:wasi',
  cached_ratio: 'cached run × node:wasi',
  pingpong: 'ping-pong',
  v8Ms: 'V8 (ms)',
  nativeMs: 'interpreter native (ms)',
  nativeSlowdown: 'interpreter native × V8',
  interpOnV8Ms: 'interpreter on V8 (ms)',
  interpOnV8Slowdown: 'interpreter on V8 × V8',
  rssKiBPerProcess: 'RSS per process (KiB)',
}
/** Names a bench's keys need beyond their words (a unit the JSON leaves out), by key or dotted path. */
const BENCH_LABELS: Record<string, Record<string, string>> = {
  kernel: { name: 'measure' },
  remote: { 'rtt.median': 'round trip, median (µs)', 'rtt.p99': 'round trip, p99 (µs)', oneWay: 'one-way messages/s' },
  'bare-metal': {
    firstOutputMs: 'QEMU start to the first serial byte (ms)',
    greetingMs: 'QEMU start to hello\'s greeting (ms)',
    firstText: 'power-on to the first text',
    screenMs: 'on the screen (ms)',
    serialMs: 'on serial (ms)',
    bareMetal: 'bare metal (interpreted, QEMU TCG)',
    node: 'Node (V8, JSPI)',
  },
}

/** A key path of `bench` in words, its segments joined by `sep`. */
function pathLabel (bench: string, path: string[], sep: string): string {
  const own = BENCH_LABELS[bench] ?? {}
  return own[path.join('.')] ?? path.map((k) => own[k] ?? label(k)).join(sep)
}
/** Words of a key spelled as they are elsewhere in the README. */
const WORDS: Record<string, string> = { v8: 'V8', rtt: 'round trip', gc: 'GC', gcs: 'GCs', rss: 'RSS', cpu: 'CPU', wasi: 'WASI', us: 'µs', pct: '%', kib: 'KiB', ms: 'ms', interp: 'interpreter', uefi: 'UEFI', bios: 'BIOS' }
/** A last word that is a unit: shown in brackets. */
const UNITS = new Set(['ms', 'µs', '%', 'KiB', 'bytes'])

/** A JSON key in words: `spawnMainCpuUs` → `spawn main CPU (µs)`, `module_bytes` → `module (bytes)`. */
export function label (key: string): string {
  if (KEY_LABELS[key] !== undefined) return KEY_LABELS[key]
  const words = key.replace(/KiB/g, ' KiB ').replace(/_/g, ' ').replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(' ').filter((w) => w !== '').map((w) => WORDS[w.toLowerCase()] ?? (/^[A-Z][a-z0-9]+$/.test(w) ? w.toLowerCase() : w))
  const last = words[words.length - 1]
  if (words.length > 1 && UNITS.has(last)) return `${words.slice(0, -1).join(' ')} (${last})`
  return words.join(' ')
}

const ROOT_PREFIX = `${join(import.meta.dirname, '..')}/`

/** A cell: numbers to 4 significant digits, paths inside the repository relative to it, pipes escaped. */
function cell (x: unknown): string {
  if (x === null || x === undefined) return '—'
  // An integer as it is (a count, a checksum); a measurement to 4 significant digits.
  if (typeof x === 'number') return String(Number.isInteger(x) ? x : round(x))
  if (Array.isArray(x) && x.every(isScalar)) return x.map(cell).join(' / ')
  if (isObject(x) && Object.values(x).every(isFlat)) return Object.entries(x).map(([k, v]) => `${label(k)} ${cell(v)}`).join(', ')
  const text = typeof x === 'string' ? x.split(ROOT_PREFIX).join('') : JSON.stringify(x)
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ')
}

function markdownTable (head: string[], body: string[][]): string {
  return [`| ${head.join(' | ')} |`, `|${head.map(() => '---').join('|')}|`, ...body.map((r) => `| ${r.join(' | ')} |`)].join('\n')
}

/** A row's columns, nested objects flattened (`rtt.median`); a `value` with a `unit` is one column. */
function rowCells (row: Record<string, unknown>, prefix = ''): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = []
  for (const [k, v] of Object.entries(row)) {
    if (k === 'unit' && typeof v === 'string' && 'value' in row) continue
    if (k === 'value' && typeof row.unit === 'string') {
      out.push([`${prefix}${k}`, typeof v === 'number' ? `${cell(v)} ${row.unit}` : v])
    } else if (isObject(v)) {
      out.push(...rowCells(v, `${prefix}${k}.`))
    } else {
      out.push([`${prefix}${k}`, v])
    }
  }
  return out
}

/** An array of objects as a table: a column per key any row has, in the order first seen. */
function rowsTable (bench: string, rows: Array<Record<string, unknown>>): string {
  const cells = rows.map((r) => new Map(rowCells(r)))
  const keys = [...new Set(cells.flatMap((m) => [...m.keys()]))]
  const head = keys.map((k) => pathLabel(bench, k.split('.'), ' '))
  return markdownTable(head, cells.map((m) => keys.map((k) => cell(m.get(k)))))
}

const isRows = (x: unknown): x is Array<Record<string, unknown>> => Array.isArray(x) && x.length > 0 && x.every(isObject)

/** `[path, value]` for every leaf of `x`, an object whose members are all scalars counting as one leaf. */
function leaves (x: unknown, path: string[]): Array<[string[], unknown]> {
  if (!isObject(x) || Object.values(x).every(isFlat)) return [[path, x]]
  return Object.entries(x).flatMap(([k, v]) => leaves(v, [...path, k]))
}

/**
 * A bench's own figures as Markdown, from its entry in a saved run: each list of rows as a table
 * (headed by its key unless it is `rows`); the other values as a line of settings before them, or,
 * in a bench with no list of rows, as one table of measures. Reads any bench's shape, so a bench
 * that adds a figure to its --json output shows it here without a change to this file.
 */
export function detailMarkdown (name: string, entry: Record<string, unknown>): string {
  if (typeof entry.error === 'string') return `The bench failed in this run: ${cell(entry.error)}.\n`
  const own = Object.entries(entry).filter(([k]) => !SKIP.has(k))
  const tables = own.filter(([, v]) => isRows(v)) as Array<[string, Array<Record<string, unknown>>]>
  const rest = own.filter(([, v]) => !isRows(v))
  const out: string[] = []
  if (tables.length === 0) {
    if (rest.length === 0) return 'This bench records no figures besides its targets (in the summary).\n'
    const rows = rest.flatMap(([k, v]) => leaves(v, [k]))
    out.push(markdownTable(['measure', 'value'], rows.map(([path, v]) => [pathLabel(name, path, ' · '), cell(v)])))
  } else {
    if (rest.length > 0) out.push(`${rest.map(([k, v]) => `${pathLabel(name, [k], '')}: ${cell(v)}`).join('; ')}.`)
    for (const [k, rows] of tables) {
      if (k !== 'rows') out.push(`${pathLabel(name, [k], '')}:`)
      out.push(rowsTable(name, rows))
    }
  }
  const wall = typeof entry.wallMs === 'number' ? `; this bench took ${(entry.wallMs / 1000).toFixed(1)} s` : ''
  return `${out.join('\n\n')}\n\n_From the run of the summary above${wall}. Its targets and verdicts are in the summary._\n`
}

const count = (text: string, m: string): number => text.split(m).length - 1

/** `text` with what lies between `begin` and `end` (each there exactly once, in order) replaced by `content`. */
export function replaceBlock (text: string, begin: string, end: string, content: string): string {
  for (const m of [begin, end]) {
    if (count(text, m) !== 1) throw new BenchError('bad-markers', `${count(text, m) === 0 ? 'no' : 'more than one'} ${m} line`)
  }
  const from = text.indexOf(begin) + begin.length
  const to = text.indexOf(end)
  if (to < from) throw new BenchError('bad-markers', `${end} comes before ${begin}`)
  return `${text.slice(0, from)}\n${content.endsWith('\n') ? content : `${content}\n`}${text.slice(to)}`
}

/**
 * The README with its summary (the run's caption and every target) and each bench's detail block
 * generated from one saved run. Every bench of the run needs its block, and every block a bench in
 * the run: a block left from another run would give a reader a second answer.
 */
export function generateReadme (text: string, doc: Record<string, unknown>): { text: string, benches: string[], targets: number } {
  const { meta, benches } = splitRun(doc)
  const named = [...text.matchAll(/<!-- bench:detail:([^ ]+):begin -->/g)].map((m) => m[1])
  for (const name of named) {
    if (!(name in benches)) throw new BenchError('bad-markers', `a detail block for ${name}, a bench the saved run does not have (regenerate from a whole run)`)
  }
  const targets = markdownTargets(benches)
  let out = replaceBlock(text, SUMMARY_BEGIN, SUMMARY_END, `${runCaption(meta, benches)}\n\n${targets}`)
  for (const [name, entry] of Object.entries(benches)) {
    out = replaceBlock(out, detailBegin(name), detailEnd(name), detailMarkdown(name, entry))
  }
  return { text: out, benches: Object.keys(benches), targets: Object.values(benches).reduce((n, b) => n + (b.targets ?? []).length, 0) }
}
