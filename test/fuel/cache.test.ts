// The on-disk cache of rewritten modules, in a temporary WASMOS_HOME.
import { onTestFinished, test } from 'vitest'
import assert from 'node:assert/strict'
import { spawnSync, type SpawnSyncReturns } from 'node:child_process'
import { appendFileSync, chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fuelCacheDir, fuelCacheKey, rewriteCached, SETTLED_MS } from '../../src/kernel/node/limits/cache.ts'
import { rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { fixture, kernel } from './helpers.ts'

const opts = { maxMemoryPages: 4096 }

function home (): string {
  return mkdtempSync(join(tmpdir(), 'wasmos-fuel-cache-'))
}

test('a miss rewrites and stores; the next call is a hit with the same bytes', () => {
  const h = home()
  onTestFinished(() => rmSync(h, { recursive: true, force: true }))
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

test('corrupt entries are ignored and rewritten', () => {
  const h = home()
  onTestFinished(() => rmSync(h, { recursive: true, force: true }))
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

/** A clock as it will read once an entry written now has settled. */
const later = (): number => Date.now() + SETTLED_MS + 1000

/** The identity a seal records; the tests check that each damage changes it (else the seal could not see it). */
function identity (path: string): string {
  const st = statSync(path, { bigint: true })
  return `${st.dev}:${st.ino}:${st.size}:${st.mtimeNs}:${st.ctimeNs}`
}

/** Waits past a tick of the file system's clock, so a change made next gets a ctime of its own. */
function tick (): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 30)
}

test('a settled entry is sealed once its checksum holds; a sealed hit skips the checksum', () => {
  const h = home()
  onTestFinished(() => rmSync(h, { recursive: true, force: true }))
  const bytes = kernel('sha256')
  const first = rewriteCached(bytes, opts, { home: h })
  const seal = `${first.path}.ok`
  const fresh = rewriteCached(bytes, opts, { home: h })
  assert.equal(fresh.checked, 'checksum')
  assert.equal(existsSync(seal), false, 'an entry changed moments ago is not sealed')
  const verified = rewriteCached(bytes, opts, { home: h, now: later })
  assert.equal(verified.checked, 'checksum')
  assert.ok(existsSync(seal))
  const sealed = rewriteCached(bytes, opts, { home: h })
  assert.equal(sealed.hit, true)
  assert.equal(sealed.checked, 'seal')
  assert.deepEqual(sealed.bytes, first.bytes)
  assert.deepEqual(readdirSync(fuelCacheDir(h)).sort(), [first.path, seal].map((p) => p.split('/').at(-1)).sort(), 'no temporary file left behind')
  // A seal that is not this file's (edited, or left from an earlier file) only costs the checksum.
  writeFileSync(seal, 'wasmosF3 0:0:0:0:0\n')
  assert.equal(rewriteCached(bytes, opts, { home: h }).checked, 'checksum')
})

test('a sealed entry that is then altered, truncated, extended or replaced is found out and rewritten', () => {
  const h = home()
  onTestFinished(() => rmSync(h, { recursive: true, force: true }))
  const bytes = fixture('features')
  const good = rewriteCached(bytes, opts, { home: h })
  const other = rewriteCached(fixture('spin'), opts, { home: h })
  const damages: Array<[string, () => void]> = [
    ['one flipped bit, written in place', () => { const f = readFileSync(good.path); f[f.length - 5] ^= 0x01; writeFileSync(good.path, f) }],
    ['cut short', () => truncateSync(good.path, readFileSync(good.path).length - 1)],
    ['a byte added', () => appendFileSync(good.path, Buffer.from([0]))],
    ['another entry renamed over it, its header made to claim this length', () => {
      const f = readFileSync(other.path)
      const g = Buffer.alloc(readFileSync(good.path).length)
      f.copy(g, 0, 0, Math.min(f.length, g.length))
      g.writeUInt32LE(g.length - 16, 12)
      writeFileSync(`${good.path}.swap`, g)
      renameSync(`${good.path}.swap`, good.path)
    }]
  ]
  for (const [what, damage] of damages) {
    assert.equal(rewriteCached(bytes, opts, { home: h, now: later }).hit, true)
    assert.equal(rewriteCached(bytes, opts, { home: h }).checked, 'seal', `sealed before: ${what}`)
    const before = identity(good.path)
    tick()
    damage()
    assert.notEqual(identity(good.path), before, `${what}: the file's identity changed`)
    const again = rewriteCached(bytes, opts, { home: h })
    assert.equal(again.hit, false, what)
    assert.equal(again.stored, true, what)
    assert.deepEqual(again.bytes, good.bytes, what)
  }
})

/**
 * Runs a Node script in a child for which `dir` cannot be written: its mode bits stop any user but
 * root, so for root the child gets a mount namespace of its own where `dir` is a read-only bind
 * mount; where root may not unshare (a container), the child drops to `nobody` instead.
 */
function runWhereUnwritable (dir: string, script: string): SpawnSyncReturns<string> {
  chmodSync(dir, 0o555)
  const node = [process.execPath, '--input-type=module', '-e', script]
  if (process.getuid?.() !== 0) return spawnSync(node[0], node.slice(1), { encoding: 'utf8' })
  const bound = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c',
    'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"', 'sh', dir, ...node], { encoding: 'utf8' })
  if (!/^(unshare|mount):/m.test(bound.stderr)) return bound
  return spawnSync(node[0], node.slice(1), { encoding: 'utf8', uid: 65534, gid: 65534 })
}

test('an unwritable cache still gives the rewritten module', () => {
  const h = home()
  const dir = fuelCacheDir(h)
  onTestFinished(() => { chmodSync(dir, 0o700); rmSync(h, { recursive: true, force: true }) })
  writeFileSync(join(h, 'spin.wasm'), fixture('spin'))
  mkdirSync(dir, { recursive: true })
  chmodSync(h, 0o755)
  const script = `
    import { readFileSync } from 'node:fs'
    import { rewriteCached } from ${JSON.stringify(join(import.meta.dirname, '..', '..', 'src', 'kernel', 'node', 'limits', 'cache.ts'))}
    const home = ${JSON.stringify(h)}
    const r = rewriteCached(readFileSync(home + '/spin.wasm'), ${JSON.stringify(opts)}, { home })
    process.stdout.write(JSON.stringify({ stored: r.stored, hit: r.hit, valid: WebAssembly.validate(r.bytes) }))`
  const child = runWhereUnwritable(dir, script)
  assert.equal(child.status, 0, child.stderr)
  assert.deepEqual(JSON.parse(child.stdout), { stored: false, hit: false, valid: true })
  assert.deepEqual(readdirSync(dir), [], 'nothing was written, not even a temporary file')
})

test('a cache directory that is a file does not break the rewrite', () => {
  const h = home()
  onTestFinished(() => rmSync(h, { recursive: true, force: true }))
  writeFileSync(join(h, 'cache'), 'in the way')
  const r = rewriteCached(fixture('spin'), opts, { home: h })
  assert.equal(r.hit, false)
  assert.equal(r.stored, false)
  assert.ok(WebAssembly.validate(r.bytes))
})

test('WASMOS_HOME is the default home', () => {
  const h = home()
  const saved = process.env.WASMOS_HOME
  onTestFinished(() => {
    if (saved === undefined) delete process.env.WASMOS_HOME
    else process.env.WASMOS_HOME = saved
    rmSync(h, { recursive: true, force: true })
  })
  process.env.WASMOS_HOME = h
  assert.equal(fuelCacheDir(), join(h, 'cache', 'fuel'))
  assert.ok(rewriteCached(fixture('spin'), opts).path.startsWith(h))
})
