// The on-disk cache of rewritten modules, in a temporary WASMOS_HOME.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fuelCacheDir, fuelCacheKey, rewriteCached } from '../../src/kernel/node/limits/cache.ts'
import { rewriteModule } from '../../src/kernel/node/limits/rewrite.ts'
import { fixture, kernel } from './helpers.ts'

const opts = { maxMemoryPages: 4096 }

function home (): string {
  return mkdtempSync(join(tmpdir(), 'wasmos-fuel-cache-'))
}

test('a miss rewrites and stores; the next call is a hit with the same bytes', (t) => {
  const h = home()
  t.after(() => rmSync(h, { recursive: true, force: true }))
  const bytes = kernel('sha256')
  const first = rewriteCached(bytes, opts, { home: h })
  assert.equal(first.hit, false)
  assert.equal(first.stored, true)
  assert.ok(first.path.startsWith(join(h, 'cache', 'fuel')))
  assert.deepEqual(first.bytes, rewriteModule(bytes, opts))
  const second = rewriteCached(bytes, opts, { home: h })
  assert.equal(second.hit, true)
  assert.deepEqual(second.bytes, first.bytes)
  assert.ok(WebAssembly.validate(second.bytes))
  assert.deepEqual(readdirSync(fuelCacheDir(h)), [first.path.split('/').at(-1)], 'no temporary file left behind')
})

test('the key depends on the program, the options and the CID when given', () => {
  const a = fixture('spin')
  const b = fixture('grow')
  assert.notEqual(fuelCacheKey(a, opts), fuelCacheKey(b, opts))
  assert.notEqual(fuelCacheKey(a, opts), fuelCacheKey(a, { maxMemoryPages: 100 }))
  assert.equal(fuelCacheKey(a, opts), fuelCacheKey(new Uint8Array(a), opts))
  assert.equal(fuelCacheKey(a, opts, 'bafkreiabc'), fuelCacheKey(b, opts, 'bafkreiabc'))
  assert.notEqual(fuelCacheKey(a, opts, 'bafkreiabc'), fuelCacheKey(a, opts))
})

test('corrupt entries are ignored and rewritten', (t) => {
  const h = home()
  t.after(() => rmSync(h, { recursive: true, force: true }))
  const bytes = fixture('features')
  const good = rewriteCached(bytes, opts, { home: h })
  const corruptions: Array<() => void> = [
    () => truncateSync(good.path, 50), // cut short
    () => { const f = readFileSync(good.path); f[f.length - 5] ^= 0xff; writeFileSync(good.path, f) }, // flipped bits
    () => writeFileSync(good.path, ''), // empty
    () => writeFileSync(good.path, 'not a cache entry at all, but long enough to have a header'),
  ]
  for (const corrupt of corruptions) {
    corrupt()
    const again = rewriteCached(bytes, opts, { home: h })
    assert.equal(again.hit, false)
    assert.equal(again.stored, true)
    assert.deepEqual(again.bytes, good.bytes)
    assert.equal(rewriteCached(bytes, opts, { home: h }).hit, true, 'the entry was repaired')
  }
})

test('an unwritable cache still gives the rewritten module', { skip: process.getuid?.() === 0 ? 'root ignores file modes' : false }, (t) => {
  const h = home()
  t.after(() => { chmodSync(h, 0o700); rmSync(h, { recursive: true, force: true }) })
  chmodSync(h, 0o500)
  const r = rewriteCached(fixture('spin'), opts, { home: h })
  assert.equal(r.stored, false)
  assert.ok(WebAssembly.validate(r.bytes))
})

test('a cache directory that is a file does not break the rewrite', (t) => {
  const h = home()
  t.after(() => rmSync(h, { recursive: true, force: true }))
  writeFileSync(join(h, 'cache'), 'in the way')
  const r = rewriteCached(fixture('spin'), opts, { home: h })
  assert.equal(r.hit, false)
  assert.equal(r.stored, false)
  assert.ok(WebAssembly.validate(r.bytes))
})

test('WASMOS_HOME is the default home', (t) => {
  const h = home()
  const saved = process.env.WASMOS_HOME
  t.after(() => {
    if (saved === undefined) delete process.env.WASMOS_HOME
    else process.env.WASMOS_HOME = saved
    rmSync(h, { recursive: true, force: true })
  })
  process.env.WASMOS_HOME = h
  assert.equal(fuelCacheDir(), join(h, 'cache', 'fuel'))
  assert.ok(rewriteCached(fixture('spin'), opts).path.startsWith(h))
})
