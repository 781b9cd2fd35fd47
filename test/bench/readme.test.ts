// The README's performance section, generated: `node bench/run.ts --markdown bench.json --readme
// README.md` writes, from one saved bench run, the run's caption and every target between the
// summary markers and each bench's figures between its detail markers, and nothing else; a bad
// document or a missing, repeated or orphaned marker is a one-line error and the README stays as
// it was. Also the target lines the runner adds (the interpreter against V8, bare-metal ping-pong).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BARE_PINGPONG_BASELINE, BenchError, markdownTargets, parseBenchDoc, replaceSummary, runnerTargets, SUMMARY_BEGIN, SUMMARY_END, target } from '../../bench/report.ts'
import { detailBegin, detailEnd, detailMarkdown, generateReadme, label, runCaption, splitRun } from '../../bench/markdown.ts'
import { NODE, ROOT } from '../helpers.ts'

const work = mkdtempSync(join(tmpdir(), 'wasmos-bench-readme-'))
afterAll(() => rmSync(work, { recursive: true, force: true }))

const doc = {
  loader: {
    bench: 'loader',
    targets: [target('wasmos exec <stored hello>, whole process', { value: 30, unit: 'ms' }, '<=', 1.5, '≤ 1.5× node -e 0',
      { measure: 'node -e 0', value: 25, unit: 'ms', relative: true })]
  },
  kernel: { bench: 'kernel', targets: [target('one-way messages per second', { value: 1.5, unit: 'M/s' }, '>=', 2, '≥ 2 M/s')] },
  net: { bench: 'net', error: 'wrk is not installed' }
}

const README = `# wasmos\n\nintro\n\n### Every target in one run\n\n${SUMMARY_BEGIN}\n| old | table |\n|---|---|\n${SUMMARY_END}\n\nafter\n`
/** The same with a detail block per bench of `doc`, each holding a stale table. */
const block = (name: string): string => `### ${name}\n\nprose about ${name}\n\n${detailBegin(name)}\n| stale ${name} |\n|---|\n${detailEnd(name)}\n\nmore prose\n\n`
const FULL = `${README}\n${Object.keys(doc).map(block).join('')}## Layout\n`

describe('parseBenchDoc', () => {
  test('takes a saved run and refuses what is not one, saying what is wrong', () => {
    expect(Object.keys(parseBenchDoc(JSON.stringify(doc)))).toEqual(['loader', 'kernel', 'net'])
    const bad: Array<[string, RegExp]> = [
      ['{"loader": ', /not JSON/],
      ['[1, 2]', /not a JSON object/],
      ['{"loader": 3}', /loader: not an object/],
      ['{"loader": {"targets": {}}}', /loader: "targets" is not an array/],
      ['{"loader": {"targets": [{"measure": "x"}]}}', /loader: target 1: no string "unit"/],
      ['{"net": {"error": "wrk missing"}}', /no bench in it has a target line/]
    ]
    for (const [text, why] of bad) {
      expect(() => parseBenchDoc(text)).toThrow(BenchError)
      expect(() => parseBenchDoc(text)).toThrow(why)
    }
  })
})

describe('replaceSummary', () => {
  test('replaces only what lies between the markers', () => {
    const out = replaceSummary(README, '| new |\n|---|\n')
    expect(out).toBe(`# wasmos\n\nintro\n\n### Every target in one run\n\n${SUMMARY_BEGIN}\n| new |\n|---|\n${SUMMARY_END}\n\nafter\n`)
    // Generated twice, the same text.
    expect(replaceSummary(out, '| new |\n|---|\n')).toBe(out)
  })

  test('refuses missing, repeated or swapped markers', () => {
    expect(() => replaceSummary('no markers', 't')).toThrow(/no <!-- bench:summary:begin -->/)
    expect(() => replaceSummary(`${SUMMARY_BEGIN}${SUMMARY_BEGIN}${SUMMARY_END}`, 't')).toThrow(/more than one <!-- bench:summary:begin -->/)
    expect(() => replaceSummary(`${SUMMARY_END}\n${SUMMARY_BEGIN}`, 't')).toThrow(/comes before/)
  })
})

test('markdownTargets: a row per target with its verdict, a failed bench said as such', () => {
  expect(markdownTargets(doc).split('\n')).toEqual([
    '| bench | measure | value | compared with (same run) | target | verdict |',
    '|---|---|---|---|---|---|',
    '| loader | wasmos exec <stored hello>, whole process | 30.0 ms | node -e 0: 25.0 ms (ratio 1.2) | ≤ 1.5× node -e 0 | met |',
    '| kernel | one-way messages per second | 1.50 M/s |  | ≥ 2 M/s | **not met** |',
    '| net | the bench failed: wrk is not installed |  |  |  | **not measured** |',
    ''
  ])
})

describe('runnerTargets', () => {
  test('bare metal: ping-pong round trips/s against 5× the baseline, Node beside it', () => {
    const result = { pingpong: { bareMetal: { roundTrips: 2000, perSecond: 12_000 }, node: { perSecond: 150_000 } } }
    const [t, ...rest] = runnerTargets('bare-metal', result, [])
    expect(rest).toEqual([])
    expect(t).toMatchObject({ value: 12_000, unit: '/s', met: 5 * BARE_PINGPONG_BASELINE <= 12_000, comparison: { measure: 'on Node (V8, JSPI)', value: 150_000 } })
    expect(runnerTargets('bare-metal', { pingpong: { bareMetal: { perSecond: 2000 } } }, [])[0].met).toBe(false)
    // Nothing when the bench does not report it, or lists a ping-pong target of its own.
    expect(runnerTargets('bare-metal', {}, [])).toEqual([])
    const own = target('ping-pong round trips/s', { value: 1, unit: '/s' }, '>=', 2, '≥ 2')
    expect(runnerTargets('bare-metal', result, [own])).toEqual([])
  })

  test('interp: each kernel natively against V8, an error without a native build', () => {
    const kernels = [{ name: 'fib', n: 27, v8Ms: 1, nativeMs: 7 }, { name: 'sha256', n: 9, v8Ms: 1, nativeMs: 9 }]
    expect(runnerTargets('interp', { kernels }, []).map((t) => t.met)).toEqual([true, false])
    expect(() => runnerTargets('interp', { kernels: [{ name: 'fib', n: 1, v8Ms: 1, nativeMs: null }] }, [])).toThrow(/no native build/)
  })
})

describe('node bench/run.ts --markdown <json> --readme <file>', () => {
  const runner = (...args: string[]): { status: number | null, stdout: string, stderr: string } =>
    spawnSync(NODE, [join(ROOT, 'bench', 'run.ts'), ...args], { cwd: work, encoding: 'utf8' })

  test('writes the summary and every detail block between their markers, nothing else', () => {
    const json = join(work, 'good.json')
    const readme = join(work, 'README-good.md')
    writeFileSync(json, JSON.stringify(doc))
    writeFileSync(readme, FULL)
    const r = runner('--markdown', json, '--readme', readme)
    expect(r.status, r.stderr).toBe(0)
    expect(r.stderr).toMatch(/performance summary \(2 targets\) and 3 benches' figures written/)
    const out = readFileSync(readme, 'utf8')
    expect(out).toBe(generateReadme(FULL, doc).text)
    expect(out).toContain(`${SUMMARY_BEGIN}\n${runCaption(null, doc)}\n\n${markdownTargets(doc)}${SUMMARY_END}`)
    expect(out).toContain(`${detailBegin('kernel')}\n${detailMarkdown('kernel', doc.kernel)}${detailEnd('kernel')}`)
    expect(out).not.toMatch(/old \| table|stale/)
    // Outside the markers, the README is as it was.
    expect(stripGenerated(out)).toBe(stripGenerated(FULL))
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  test('a bad document, a missing file or a README without markers: one line, README untouched', () => {
    const readme = join(work, 'README-bad.md')
    writeFileSync(readme, FULL)
    const onlySummary = join(work, 'README-summary.md')
    writeFileSync(onlySummary, README)
    const orphan = join(work, 'README-orphan.md')
    writeFileSync(orphan, `${FULL}${block('fuel')}`)
    const twice = join(work, 'README-twice.md')
    writeFileSync(twice, `${FULL}${block('kernel')}`)
    const swapped = join(work, 'README-swapped.md')
    writeFileSync(swapped, FULL.replace(detailBegin('net'), 'X').replace(detailEnd('net'), detailBegin('net')).replace('X', detailEnd('net')))
    const badMeta = join(work, 'bad-meta.json')
    writeFileSync(badMeta, JSON.stringify({ meta: 'yesterday', ...doc }))
    const broken = join(work, 'broken.json')
    writeFileSync(broken, '{"loader": {"targets": [')
    const noMarkers = join(work, 'README-plain.md')
    writeFileSync(noMarkers, '# plain\n')
    const good = join(work, 'good2.json')
    writeFileSync(good, JSON.stringify(doc))
    const cases: Array<[string[], RegExp, string]> = [
      [['--markdown', broken, '--readme', readme], /^wasmos: .*broken\.json: not a bench JSON document: not JSON/, readme],
      [['--markdown', join(work, 'missing.json'), '--readme', readme], /^wasmos: .*missing\.json: no such file/, readme],
      [['--markdown', good, '--readme', noMarkers], /^wasmos: .*README-plain\.md: no <!-- bench:summary:begin --> line/, noMarkers],
      [['--markdown', good, '--readme', onlySummary], /^wasmos: .*README-summary\.md: no <!-- bench:detail:loader:begin --> line/, onlySummary],
      [['--markdown', good, '--readme', orphan], /^wasmos: .*README-orphan\.md: a detail block for fuel, a bench the saved run does not have/, orphan],
      [['--markdown', good, '--readme', twice], /^wasmos: .*README-twice\.md: more than one <!-- bench:detail:kernel:begin --> line/, twice],
      [['--markdown', good, '--readme', swapped], /^wasmos: .*README-swapped\.md: <!-- bench:detail:net:end --> comes before/, swapped],
      [['--markdown', badMeta, '--readme', readme], /^wasmos: .*bad-meta\.json: not a bench JSON document: meta: not an object/, readme],
      [['--readme', readme], /^wasmos: --readme needs --markdown/, readme]
    ]
    for (const [args, why, file] of cases) {
      const before = readFileSync(file, 'utf8')
      const r = runner(...args)
      expect(r.status).toBe(2)
      expect(r.stderr).toMatch(why)
      expect(r.stderr.trim().split('\n')).toHaveLength(1)
      expect(readFileSync(file, 'utf8')).toBe(before)
    }
    expect(readdirSync(work).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })

  test("the project's README takes a whole saved run, and a second generation changes nothing", () => {
    const readme = join(work, 'README-project.md')
    const original = readFileSync(join(ROOT, 'README.md'), 'utf8')
    writeFileSync(readme, original)
    const json = join(work, 'run-with-meta.json')
    writeFileSync(json, JSON.stringify({ meta: META, ...saved }))
    const r = runner('--markdown', json, '--readme', readme)
    expect(r.status, r.stderr).toBe(0)
    const once = readFileSync(readme, 'utf8')
    expect(stripGenerated(once)).toBe(stripGenerated(original))
    for (const name of Object.keys(saved)) expect(once).toContain(`${detailBegin(name)}\n${detailMarkdown(name, saved[name])}${detailEnd(name)}`)
    expect(once).toContain('Run of 2026-12-03 20:08 UTC: Node 24.21.0, 2 cores (Test CPU), load average (1, 5, 15 min) 1.10 / 0.90 / 0.80 at the start, 1.40 / 1.00 / 0.85 at the end, 10 benches in 114 s.')
    expect(runner('--markdown', json, '--readme', readme).status).toBe(0)
    expect(readFileSync(readme, 'utf8')).toBe(once)
  })
})

/** A README with every generated block emptied: what a human wrote. */
function stripGenerated (text: string): string {
  return text.replace(/(<!-- bench:(?:summary|detail:[^ ]+):begin -->)[^]*?(<!-- bench:(?:summary|detail:[^ ]+):end -->)/g, '$1$2')
}

/** A whole saved run (`npm run bench -- --json`, every bench), from before runs recorded `meta`. */
const saved = JSON.parse(readFileSync(join(import.meta.dirname, 'fixtures', 'bench-run.json'), 'utf8')) as Record<string, Record<string, unknown>>
const META = { date: '2026-12-03T20:08:41.123Z', node: '24.21.0', cores: 2, cpu: 'Test CPU', quick: false, loadAverage: { start: [1.1, 0.9, 0.8], end: [1.4, 1, 0.85] }, wallMs: 113_640 }

describe('the generated parts', () => {
  test('a JSON key in words, a unit in brackets', () => {
    expect(label('spawnMainCpuUs')).toBe('spawn main CPU (µs)')
    expect(label('rttP99Us')).toBe('round trip p99 (µs)')
    expect(label('module_bytes')).toBe('module (bytes)')
    expect(label('slowdownPct')).toBe('slowdown (%)')
    expect(label('rssKiBPerProcess')).toBe('RSS per process (KiB)')
    expect(label('firstOutputMs')).toBe('first output (ms)')
  })

  test('the caption: date, Node, cores and load average when recorded, else says it has none', () => {
    const { meta, benches } = splitRun({ meta: META, ...saved })
    expect(meta).toEqual(META)
    expect(Object.keys(benches)).toEqual(Object.keys(saved))
    expect(runCaption(null, saved)).toBe('Saved run (it records no date or load average): Node 24.21.0, 10 benches in 111 s.')
    expect(runCaption({ ...META, quick: true }, saved)).toMatch(/Run with `--quick`: small sizes, few runs, rough figures\.$/)
  })

  test("each bench's figures from the shape it saves", () => {
    // rows of { name, value, unit }: the value with its unit
    expect(detailMarkdown('kernel', saved.kernel)).toContain('| call round trip, wasm ↔ wasm (median) | 2.538 µs |')
    // a list under its own key, headed by it; integers (a checksum) as they are
    const interp = detailMarkdown('interp', saved.interp)
    expect(interp).toContain('kernels:\n\n| name | n | result | V8 (ms) | interpreter on V8 (ms) | interpreter on V8 × V8 | interpreter native (ms) | interpreter native × V8 |')
    expect(interp).toContain('| msgpack | 50000 | 2736730640 | 7.244 | 71.22 | 9.831 | 48.27 | 6.664 |')
    expect(interp).toMatch(/^native compiler: gcc; native rewrite: both; results agree: true\./)
    // nested objects, no rows: one table of measures
    const bare = detailMarkdown('bare-metal', saved['bare-metal'])
    expect(bare).toContain('| QEMU start to the first serial byte (ms) | median 754, min 712, max 781 |')
    expect(bare).toContain('| power-on to the first text · UEFI · on serial (ms) | median 5256, min 5256, max 5256 |')
    expect(bare).toContain('| ping-pong · Node (V8, JSPI) | round trips 200000, ms 503, per second 397661 |')
    expect(detailMarkdown('remote', saved.remote)).toContain('| remote call, direct link (tcp+noise, another process) | 155.5 | 385 | 396000 |')
    expect(detailMarkdown('scale', saved.scale)).toMatch(/^setup: levels 10 \/ 100 \/ 1000 \/ 10000, batches 1000, batch 200; base: /)
    // flat figures only; a path inside the repository relative to it; a pipe escaped
    const wasi = detailMarkdown('wasi', { cli: join(ROOT, 'bin', 'wasmos.mjs'), note: 'a | b', ms: 1.23456 })
    expect(wasi.split('\n').slice(0, 5)).toEqual(['| measure | value |', '|---|---|', '| cli | bin/wasmos.mjs |', '| note | a \\| b |', '| ms | 1.235 |'])
    expect(detailMarkdown('net', { bench: 'net', error: 'wrk is not installed' })).toBe('The bench failed in this run: wrk is not installed.\n')
    expect(detailMarkdown('x', { bench: 'x', targets: [], wallMs: 5 })).toBe('This bench records no figures besides its targets (in the summary).\n')
  })

  test('generateReadme refuses a block of a bench not in the run, before anything is replaced', () => {
    expect(() => generateReadme(`${FULL}${block('fuel')}`, doc)).toThrow(/a detail block for fuel/)
    expect(() => generateReadme(README, doc)).toThrow(/no <!-- bench:detail:loader:begin --> line/)
  })
})
