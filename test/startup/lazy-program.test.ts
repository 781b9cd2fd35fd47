// `wasmos run` of a large program file that the CID memo knows (its identity unchanged) and whose
// fuel rewrite is cached neither reads nor hashes the file; any change to the file (in place with
// its size and mtime kept, truncated, replaced by a rename) makes the run read and hash it again,
// and a file that changes between its stat and a late read of its bytes stops the load.
import { afterAll, beforeAll, expect, test } from 'vitest'
import fs, { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { syncBuiltinESMExports } from 'node:module'
import { join } from 'node:path'
import { identityOf, SETTLED_NS } from '../../src/cli/cid-memo.ts'
import { FileSource } from '../../src/cli/run.ts'
import { rewriteForRun } from '../../src/kernel/node/limits/cache.ts'
import { REFUEL_MODULE, REFUEL_NAME } from '../../src/kernel/node/limits/rewrite/constants.ts'
import { cidOfBytes } from '../../src/kernel/node/program.ts'
import type { LoadOptions } from '../../src/kernel/node/program.ts'
import { makeWasm, scratchHome } from '../helpers.ts'
import type { TempHome } from '../helpers.ts'

let home: TempHome
let dir: string
let file: string
let other: string
/** Reads (readFileSync) whose result has the length of the file watched: the program's reads. */
let reads = 0
let watched = -1
const realReadFileSync = fs.readFileSync

beforeAll(async () => {
  home = scratchHome('lazy-program')
  dir = mkdtempSync(join(home.path, 'files-'))
  file = join(dir, 'big.wasm')
  other = join(dir, 'other.wasm')
  writeFileSync(file, makeWasm(300_000, 'big'))
  writeFileSync(other, makeWasm(300_000, 'other'))
  fs.readFileSync = ((...args: unknown[]) => {
    const out = (realReadFileSync as (...a: unknown[]) => Buffer | string)(...args)
    if (out.length === watched) reads++
    return out
  }) as typeof fs.readFileSync
  // run.ts imports readFileSync from node:fs: its binding follows the module object only once synced.
  syncBuiltinESMExports()
  // Only a file whose last change is old enough is remembered (src/cli/README.md).
  await new Promise((resolve) => setTimeout(resolve, Number(SETTLED_NS / 1_000_000n) + 200))
})

afterAll(async () => {
  fs.readFileSync = realReadFileSync
  syncBuiltinESMExports()
  await home.dispose()
})

const stat = (path: string): BigIntStats => statSync(path, { bigint: true })

/** How a run with limits loads (monitor.ts): the cached rewrite keyed by CID; `calls` counts reads of the original. */
function loadOptions (cacheHome: string, calls: { n: number }, before?: () => void): LoadOptions {
  return {
    rewrite: (original, cid) => {
      before?.()
      return rewriteForRun(() => { calls.n++; return original() }, { maxMemoryPages: 1024, maxTableEntries: 10_000 }, { home: cacheHome, cid }).bytes
    },
    allowImport: (module, name) => module === REFUEL_MODULE && name === REFUEL_NAME
  }
}

/** Loads `path` as `wasmos run` does, counting the reads of it. */
async function load (path: string, cacheHome = home.path, before?: () => void): Promise<{ cid: string, reads: number, originals: number }> {
  watched = readFileSync(path).length
  reads = 0
  const calls = { n: 0 }
  const program = await new FileSource([path], home.path).load(path, loadOptions(cacheHome, calls, before))
  return { cid: program!.cid, reads, originals: calls.n }
}

test('a known file with a cached rewrite is neither read nor hashed; a miss reads it once', async () => {
  const cid = cidOfBytes(readFileSync(file))
  // First: read, hashed, remembered; the rewrite written to the cache.
  expect(await load(file)).toEqual({ cid, reads: 1, originals: 1 })
  // Then: the CID from the memo, the module from the cache, the file never read.
  expect(await load(file)).toEqual({ cid, reads: 0, originals: 0 })
  // The same file against an empty cache: the lazy read happens, once.
  const empty = mkdtempSync(join(home.path, 'empty-'))
  expect(await load(file, empty)).toEqual({ cid, reads: 1, originals: 1 })
})

test('a file changed in place, same size and its mtime put back, is read and hashed again', async () => {
  const before = stat(file)
  const old = cidOfBytes(readFileSync(file))
  const fd = openSync(file, 'r+')
  // A byte of the data segment: the module stays valid and the same size.
  writeSync(fd, Buffer.from([0x5a ^ readFileSync(file)[1000]]), 0, 1, 1000)
  closeSync(fd)
  utimesSync(file, Number(before.atimeNs) / 1e9, Number(before.mtimeNs) / 1e9)
  const after = stat(file)
  expect(after.ino).toBe(before.ino)
  expect(after.size).toBe(before.size)
  // Put back to within a microsecond (utimes takes seconds as a double): only the ctime tells.
  expect(after.mtimeNs - before.mtimeNs < 1000n && before.mtimeNs - after.mtimeNs < 1000n).toBe(true)
  expect(identityOf(after)).not.toBe(identityOf(before))
  const cid = cidOfBytes(readFileSync(file))
  expect(cid).not.toBe(old)
  expect(await load(file)).toEqual({ cid, reads: 1, originals: 1 })
})

test('a file truncated in place, or replaced by a rename, is read and hashed again', async () => {
  let before = stat(file)
  const shorter = makeWasm(290_000, 'big')
  const fd = openSync(file, 'r+')
  writeSync(fd, shorter, 0, shorter.length, 0)
  ftruncateSync(fd, shorter.length)
  closeSync(fd)
  utimesSync(file, Number(before.atimeNs) / 1e9, Number(before.mtimeNs) / 1e9)
  expect(stat(file).ino).toBe(before.ino)
  expect(await load(file)).toEqual({ cid: cidOfBytes(shorter), reads: 1, originals: 1 })

  before = stat(file)
  const replacement = makeWasm(290_000, 'big')
  const tmp = join(dir, 'big.wasm.tmp')
  writeFileSync(tmp, replacement)
  utimesSync(tmp, Number(before.atimeNs) / 1e9, Number(before.mtimeNs) / 1e9)
  renameSync(tmp, file)
  expect(stat(file).size).toBe(before.size)
  expect(stat(file).ino).not.toBe(before.ino)
  expect(await load(file)).toEqual({ cid: cidOfBytes(replacement), reads: 1, originals: 1 })
})

test('a file that changes between its stat and a late read of its bytes stops the load', async () => {
  const cid = cidOfBytes(readFileSync(other))
  expect(await load(other)).toEqual({ cid, reads: 1, originals: 1 })
  expect(await load(other)).toEqual({ cid, reads: 0, originals: 0 })
  // Against an empty cache the rewrite needs the bytes; the file changes just before it reads them.
  const empty = mkdtempSync(join(home.path, 'empty-'))
  const change = (): void => {
    const fd = openSync(other, 'r+')
    writeSync(fd, Buffer.from([0x5a ^ readFileSync(other)[1000]]), 0, 1, 1000)
    closeSync(fd)
  }
  await expect(load(other, empty, change)).rejects.toMatchObject({ code: 'ERR_CHANGED', message: `${other}: changed while it was being loaded; run it again` })
  // The next run reads and names the file as it now is.
  expect(await load(other, empty)).toEqual({ cid: cidOfBytes(readFileSync(other)), reads: 1, originals: 1 })
})
