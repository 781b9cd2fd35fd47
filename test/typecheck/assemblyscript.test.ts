// The AssemblyScript checks of npm run typecheck catch real errors: tsc in unreachable code, asc on integer types, and let asc's decorators pass.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, test } from 'vitest'
import { ROOT } from '../helpers.ts'
import { ascCheck, assemblyScriptTsc } from '../../scripts/typecheck.ts'

/** A directory with an AssemblyScript tsconfig like tsconfig.as.json and the given sources. */
function project (files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'wasmos-typecheck-'))
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    extends: join(ROOT, 'node_modules', 'assemblyscript', 'std', 'assembly.json'),
    compilerOptions: { noEmit: true, skipLibCheck: true, allowImportingTsExtensions: true },
    include: ['*.ts']
  }))
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text)
  return dir
}

// asc's directives: TypeScript alone would reject both decorators
const DECORATED = `@inline function twice (x: i32): i32 { return x * 2 }
class A {
  @inline(never) f (): i32 { return twice(1) }
}
export function g (): i32 { return new A().f() + <i32>load<u8>(0) }
`

describe('tsc with AssemblyScript types (tsconfig.as.json)', () => {
  test('accepts asc decorators', () => {
    const r = assemblyScriptTsc(join(project({ 'ok.ts': DECORATED }), 'tsconfig.json'))
    expect(r.output).toBe('')
    expect(r.ok).toBe(true)
  })

  test('finds an error in a function nothing calls (asc would not compile it)', () => {
    const bad = 'export function unused (x: f64): i32 { return x.noSuchMethod() }\n'
    const r = assemblyScriptTsc(join(project({ 'ok.ts': DECORATED, 'bad.ts': bad }), 'tsconfig.json'))
    expect(r.ok).toBe(false)
    expect(r.output).toMatch(/bad\.ts\(1,\d+\): error TS2339: Property 'noSuchMethod'/)
  })
})

describe('asc --noEmit', () => {
  test('finds an implicit i64 to i32 conversion, which tsc sees as number to number', async () => {
    const dir = project({ 'narrow.ts': 'export function narrow (x: i64): i32 { const y: i32 = x; return y }\n' })
    expect(assemblyScriptTsc(join(dir, 'tsconfig.json')).ok).toBe(true)
    const r = await ascCheck('narrow', join(dir, 'narrow.ts'))
    expect(r.ok).toBe(false)
    expect(r.output).toMatch(/AS200: Conversion from type 'i64' to 'i32' requires an explicit cast/)
  })

  test('passes the same code with the cast', async () => {
    const dir = project({ 'cast.ts': 'export function narrow (x: i64): i32 { const y: i32 = <i32>x; return y }\n' })
    const r = await ascCheck('cast', join(dir, 'cast.ts'))
    expect(r.output).not.toMatch(/ERROR/)
    expect(r.ok).toBe(true)
  })
})
