// The memo of file CIDs that spares `wasmos run` hashing a large program file it ran before: used
// only while the file's identity (device, inode, size, mtime and ctime in ns) is unchanged, so a
// file changed in place (same size, mtime put back) is hashed again, a file replaced by another
// never gets the old one's CID, and a corrupt memo is ignored and written anew.
import { afterAll, beforeAll, expect, test } from 'vitest'
import { closeSync, mkdtempSync, openSync, readFileSync, renameSync, statSync, utimesSync, writeFileSync, writeSync } from 'node:fs'
import type { BigIntStats } from 'node:fs'
import { join } from 'node:path'
import { CidMemo, identityOf, MEMO_ENTRIES, SETTLED_NS } from '../../src/cli/cid-memo.ts'
import { FileSource } from '../../src/cli/run.ts'
import { cidOfBytes } from '../../src/kernel/node/program.ts'
import { makeWasm, scratchHome } from '../helpers.ts'
import type { TempHome } from '../helpers.ts'

let home: TempHome
let dir: string
let file: string
/** A CID of the right shape that names none of the files here. */
const STRANGER = cidOfBytes(Uint8Array.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0]))

beforeAll(async () => {
  home = scratchHome('cid-memo')
  dir = mkdtempSync(join(home.path, 'files-'))
  file = join(dir, 'big.wasm')
  writeFileSync(file, makeWasm(300_000, 'big'))
  // Only a file whose last change is old enough is remembered (README.md in src/cli).
  await new Promise((resolve) => setTimeout(resolve, Number(SETTLED_NS / 1_000_000n) + 200))
})

afterAll(async () => { await home.dispose() })

const loadCid = async (path: string): Promise<string> => (await new FileSource([path], home.path).load(path))!.cid
const stat = (path: string): BigIntStats => statSync(path, { bigint: true })
const memoFile = (): { entries: Array<{ key: string, cid: string }> } => JSON.parse(readFileSync(new CidMemo(home.path).path, 'utf8'))

/** Writes a memo holding one entry, as a stale or forged one would be. */
function forge (key: string, cid: string): void {
  writeFileSync(new CidMemo(home.path).path, JSON.stringify({ version: 1, entries: [{ key, cid }] }))
}

test('a settled large file is named once by hashing, then from the memo while its identity holds', async () => {
  const cid = await loadCid(file)
  expect(cid).toBe(cidOfBytes(readFileSync(file)))
  expect(memoFile().entries).toEqual([{ key: identityOf(stat(file)), cid }])
  // The memo is what names it now: a forged entry under the same identity is taken as it is.
  forge(identityOf(stat(file)), STRANGER)
  expect(await loadCid(file)).toBe(STRANGER)
})

test('a file changed in place, same size and its mtime put back, is hashed again', async () => {
  const before = stat(file)
  forge(identityOf(before), STRANGER)
  const fd = openSync(file, 'r+')
  // A byte of the data segment (the module stays valid and the same size).
  writeSync(fd, Buffer.from([0x5a ^ readFileSync(file)[1000]]), 0, 1, 1000)
  closeSync(fd)
  utimesSync(file, Number(before.atimeNs) / 1e9, Number(before.mtimeNs) / 1e9)
  const after = stat(file)
  expect(after.size).toBe(before.size)
  // Put back to within a microsecond (utimes takes seconds as a double): only the ctime tells.
  expect(after.mtimeNs - before.mtimeNs < 1000n && before.mtimeNs - after.mtimeNs < 1000n).toBe(true)
  expect(after.ctimeNs).not.toBe(before.ctimeNs)
  expect(await loadCid(file)).toBe(cidOfBytes(readFileSync(file)))
})

test('a memo entry for a file that was replaced by another is not used', async () => {
  forge(identityOf(stat(file)), STRANGER)
  const other = join(dir, 'other.wasm.tmp')
  writeFileSync(other, makeWasm(300_000, 'big'))
  renameSync(other, file)
  const cid = await loadCid(file)
  expect(cid).not.toBe(STRANGER)
  expect(cid).toBe(cidOfBytes(readFileSync(file)))
  // Just written: too fresh to be remembered, so the next run hashes it again as well.
  expect(new CidMemo(home.path).get(stat(file))).toBeUndefined()
})

test('a corrupt memo is ignored and written anew', async () => {
  const settled = join(dir, 'settled.wasm')
  writeFileSync(settled, makeWasm(300_000, 'settled'))
  const t = new Date(Date.now() - 10_000)
  utimesSync(settled, t, t)
  // Its ctime is now: remembered only by a memo that counts from a later read.
  const memo = new CidMemo(home.path)
  writeFileSync(memo.path, '{"version":1,"entries":[{"key":')
  expect(memo.get(stat(settled))).toBeUndefined()
  expect(memo.set(stat(settled), cidOfBytes(readFileSync(settled)), stat(settled).ctimeNs + SETTLED_NS + 1n)).toBe(true)
  expect(memoFile().entries).toEqual([{ key: identityOf(stat(settled)), cid: cidOfBytes(readFileSync(settled)) }])
  // Entries that are not a key and a CID are dropped, the rest kept.
  writeFileSync(memo.path, JSON.stringify({ version: 1, entries: [{ key: identityOf(stat(settled)), cid: 'not a cid' }, 7] }))
  expect(new CidMemo(home.path).get(stat(settled))).toBeUndefined()
})

test('the memo keeps at most MEMO_ENTRIES entries, the newest', () => {
  const memo = new CidMemo(home.path)
  const base = stat(file)
  for (let i = 0; i < MEMO_ENTRIES + 10; i++) {
    const st = { ...base, ino: BigInt(1_000_000 + i), ctimeNs: 1n, mtimeNs: 1n } as BigIntStats
    expect(memo.set(st, STRANGER, 10n * SETTLED_NS)).toBe(true)
  }
  const entries = memoFile().entries
  expect(entries.length).toBe(MEMO_ENTRIES)
  expect(entries.at(-1)!.key).toBe(identityOf({ ...base, ino: BigInt(1_000_000 + MEMO_ENTRIES + 9), ctimeNs: 1n, mtimeNs: 1n } as BigIntStats))
})
