// `wasmos ls` lists only programs whose bytes are still stored: a block found corrupt is removed
// when read, and the program is then no longer listed. Names it shows are made printable.
import { mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { program, wasmos } from './helpers.ts'

function blocks (dir: string): string[] {
  const out: string[] = []
  for (const e of readdirSync(dir)) {
    const p = join(dir, e)
    if (statSync(p).isDirectory()) out.push(...blocks(p))
    else if (p.endsWith('.data')) out.push(p)
  }
  return out
}

describe('wasmos ls', { timeout: 60_000 }, () => {
  test('a program whose block was corrupt and removed is no longer listed', async () => {
    const home = mkdtempSync(join(tmpdir(), 'wasmos-ls-'))
    const cid = (await wasmos(['publish', program('hello')], { home })).stdout.trim()
    expect((await wasmos(['ls'], { home })).stdout).toContain(cid)
    const [block] = blocks(join(home, 'blocks'))
    writeFileSync(block, 'not the bytes of that CID')
    const exec = await wasmos(['exec', cid], { home })
    expect(exec.stderr).toContain('corrupt')
    const ls = await wasmos(['ls'], { home })
    expect(ls.code).toBe(0)
    expect(ls.stdout).not.toContain(cid)
    const json = await wasmos(['ls', '--json'], { home })
    expect(JSON.parse(json.stdout)).toEqual([])
  })
})
