// The README's performance summary, generated: `node bench/run.ts --markdown bench.json --readme
// README.md` writes every target of a saved bench run between the summary markers and nothing
// else; a bad document or missing markers is a one-line error and the README stays as it was.
// Also the target lines the runner adds (the interpreter against V8, bare-metal ping-pong).
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, test } from 'vitest'
import { BARE_PINGPONG_BASELINE, BenchError, markdownTargets, parseBenchDoc, replaceSummary, runnerTargets, SUMMARY_BEGIN, SUMMARY_END, target } from '../../bench/report.ts'
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

  test('writes the table between the markers', () => {
    const json = join(work, 'good.json')
    const readme = join(work, 'README-good.md')
    writeFileSync(json, JSON.stringify(doc))
    writeFileSync(readme, README)
    const r = runner('--markdown', json, '--readme', readme)
    expect(r.status, r.stderr).toBe(0)
    expect(readFileSync(readme, 'utf8')).toBe(replaceSummary(README, markdownTargets(doc)))
  })

  test('a bad document, a missing file or a README without markers: one line, README untouched', () => {
    const readme = join(work, 'README-bad.md')
    writeFileSync(readme, README)
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
  })
})
