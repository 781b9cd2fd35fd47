// The cache of modules as a run compiles them (fuel rewrite, then the bounds pass), and the bounds
// pass done in one copy: a hit must give the final bytes without rewriting or re-encoding anything.
import { onTestFinished, test } from 'vitest'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { boundModule, capTables, exportStart, START_EXPORT } from '../../src/kernel/node/bounds.ts'
import { fuelCacheKey, rewriteCached, rewriteForRun } from '../../src/kernel/node/limits/cache.ts'
import { rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { fixture, toWat, wat } from './helpers.ts'

const opts = { maxMemoryPages: 4096, maxTableEntries: 5000 }

function home (): string {
  const h = mkdtempSync(join(tmpdir(), 'wasmos-run-cache-'))
  onTestFinished(() => rmSync(h, { recursive: true, force: true }))
  return h
}

const withStart = wat(`(module
  (type $v (func))
  (table $a 2 funcref)
  (table $b 1 10 externref)
  (memory (export "memory") 1)
  (global $ran (mut i32) (i32.const 0))
  (func $init (global.set $ran (i32.const 1)))
  (func (export "_start"))
  (func (export "ran") (result i32) (global.get $ran))
  (start $init))`)

test('boundModule caps the tables and moves the start function to an export, in one copy', () => {
  const out = boundModule(withStart, 1000)
  assert.deepEqual(out, exportStart(capTables(withStart, 1000)), 'the same bytes as the two edits one after the other')
  const text = toWat(out)
  assert.match(text, /\(table \$a 2 500 funcref\)/)
  assert.match(text, /\(table \$b 1 10 externref\)/)
  assert.doesNotMatch(text, /\(start /)
  const exports = new WebAssembly.Instance(new WebAssembly.Module(out as Uint8Array<ArrayBuffer>)).exports as Record<string, () => number>
  assert.equal(exports.ran(), 0, 'instantiating no longer runs the start function')
  exports[START_EXPORT]()
  assert.equal(exports.ran(), 1)
  assert.throws(() => boundModule(withStart, 2), /its tables need 3 entries, more than the 2 allowed/)
})

test('boundModule leaves a module without tables or start function as it is', () => {
  const plain = wat('(module (memory (export "memory") 1) (func (export "_start")))')
  assert.equal(boundModule(plain, 1000), plain)
})

test('a run entry holds the final bytes and a hit never looks at the program again', () => {
  const h = home()
  const bytes = fixture('spin')
  const cid = 'bafkreispin'
  const first = rewriteForRun(bytes, opts, { home: h, cid })
  assert.equal(first.hit, false)
  assert.equal(first.stored, true)
  assert.deepEqual(first.bytes, boundModule(rewriteModule(bytes, opts), opts.maxTableEntries))
  // Keyed by the CID alone: bytes that are not even a module come back as the cached entry, so
  // nothing was parsed, rewritten or re-encoded.
  const again = rewriteForRun(new Uint8Array([1, 2, 3]), opts, { home: h, cid })
  assert.equal(again.hit, true)
  assert.equal(again.path, first.path)
  assert.deepEqual(again.bytes, first.bytes)
  assert.ok(WebAssembly.validate(again.bytes as Uint8Array<ArrayBuffer>))
})

test('run entries are keyed by the table cap and apart from plain rewrites', () => {
  const h = home()
  const bytes = fixture('spin')
  const a = rewriteForRun(bytes, opts, { home: h, cid: 'bafkreix' })
  const b = rewriteForRun(bytes, { ...opts, maxTableEntries: 7 }, { home: h, cid: 'bafkreix' })
  const plain = rewriteCached(bytes, { maxMemoryPages: opts.maxMemoryPages }, { home: h, cid: 'bafkreix' })
  assert.equal(b.hit, false)
  assert.equal(plain.hit, false)
  assert.equal(new Set([a.path, b.path, plain.path]).size, 3)
  assert.equal(plain.path.endsWith(`${fuelCacheKey(bytes, opts, 'bafkreix')}.wasm`), true, 'plain keys are unchanged')
})

test('damaged run entries and entries of the older format are misses, then repaired', () => {
  const h = home()
  const bytes = fixture('features')
  const good = rewriteForRun(bytes, opts, { home: h })
  const damages: Array<() => void> = [
    () => { const f = readFileSync(good.path); f[f.length - 3] ^= 0x01; writeFileSync(good.path, f) }, // one flipped bit
    () => { const f = readFileSync(good.path); writeFileSync(good.path, Buffer.concat([f, Buffer.from([0])])) }, // a byte too many
    () => writeFileSync(good.path, readFileSync(good.path).subarray(0, 40)), // cut short
    // The older format: the SHA-256 of the module, then the module.
    () => writeFileSync(good.path, Buffer.concat([createHash('sha256').update(good.bytes).digest(), good.bytes]))
  ]
  for (const damage of damages) {
    damage()
    const again = rewriteForRun(bytes, opts, { home: h })
    assert.equal(again.hit, false)
    assert.equal(again.stored, true)
    assert.deepEqual(again.bytes, good.bytes)
    assert.equal(rewriteForRun(bytes, opts, { home: h }).hit, true, 'the entry was repaired')
  }
})

test('the bounds pass done inside the rewrite gives the same bytes as done after it', () => {
  const h = home()
  for (const bytes of [withStart, fixture('spin'), fixture('features')]) {
    const run = rewriteForRun(bytes, opts, { home: h })
    assert.equal(run.hit, false)
    assert.deepEqual(run.bytes, boundModule(rewriteModule(bytes, opts), opts.maxTableEntries))
  }
  const exports = WebAssembly.Module.exports(new WebAssembly.Module(rewriteForRun(withStart, opts, { home: h }).bytes as Uint8Array<ArrayBuffer>))
  assert.ok(exports.some((e) => e.name === START_EXPORT && e.kind === 'function'))
})
