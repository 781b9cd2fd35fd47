// The console font: bare-metal/font/mkfont.mjs turns glyphs.txt into the stub's C array and the
// console driver's AssemblyScript module; the checked-in programs/console/font.ts must be what it
// generates now, and a font file with a glyph missing, doubled or malformed is refused.
import { afterAll, describe, it } from 'vitest'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const mkfont = join(root, 'bare-metal', 'font', 'mkfont.mjs')
const glyphs = join(root, 'bare-metal', 'font', 'glyphs.txt')
const dir = mkdtempSync(join(tmpdir(), 'wasmos-font-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

function run (src: string, out: string, ...more: string[]): { status: number | null, stderr: string } {
  const r = spawnSync(process.execPath, [mkfont, src, out, ...more], { encoding: 'utf8' })
  return { status: r.status, stderr: r.stderr }
}

describe('the console font', () => {
  it('programs/console/font.ts is what mkfont makes from glyphs.txt', () => {
    const out = join(dir, 'font.ts')
    assert.equal(run(glyphs, out, '--as').status, 0)
    assert.equal(readFileSync(out, 'utf8'), readFileSync(join(root, 'programs', 'console', 'font.ts'), 'utf8'))
  })

  it('draws every printable ASCII character, 9 rows of 5 pixels each, in the C header', () => {
    const out = join(dir, 'font.h')
    assert.equal(run(glyphs, out).status, 0)
    const rows = [...readFileSync(out, 'utf8').matchAll(/^ {2}\{ ((?:0x[0-9a-f]{2}(?:, )?){9}) \}/gm)]
    assert.equal(rows.length, 0x7f - 0x20)
    for (const r of rows) for (const b of r[1].split(', ')) assert.ok(Number(b) < 32, 'five pixels wide')
    // "H": two verticals joined in the middle row.
    const h = rows['H'.charCodeAt(0) - 0x20][1].split(', ').map(Number)
    assert.deepEqual(h.slice(0, 7), [0x11, 0x11, 0x11, 0x1f, 0x11, 0x11, 0x11])
  })

  it('refuses a missing, doubled or malformed glyph, with a one-line reason', () => {
    const text = readFileSync(glyphs, 'utf8')
    const cases: Array<[string, RegExp]> = [
      [text.replace(/^= A\n(?:[#.]{5}\n)+/m, ''), /no glyph for "A"/],
      [text + '= A\n#####\n', /A is drawn twice/],
      [text.replace(/^= B\n####\./m, '= B\n..##'), /a row is 5 of/],
      [text + '= x\n' + '.....\n'.repeat(10), /drawn twice|more than 9 rows/]
    ]
    for (const [bad, why] of cases) {
      const src = join(dir, 'bad.txt')
      writeFileSync(src, bad)
      const r = run(src, join(dir, 'bad.h'))
      assert.equal(r.status, 1)
      assert.match(r.stderr, why)
      assert.equal(r.stderr.trim().split('\n').length, 1)
    }
  })
})
