// CIDs: the light Cid against multiformats, and publishing's CIDs against Debian's ipfs_cid
// (what `ipfs add` gives with its legacy defaults: CIDv0, 256 KiB chunks, dag-pb leaves).
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, it } from 'vitest'
import { base58btc } from 'multiformats/bases/base58'
import { CID } from 'multiformats/cid'
import { bytesMatchCid, Cid, cidOfBytes, LoaderError } from '../../src/loader/index.ts'
import { makeWasm, scratchHome } from '../helpers.ts'

describe('Cid', () => {
  it('parses and prints v0 and v1 exactly as multiformats does', () => {
    for (const text of [
      'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXEN',
      'bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am',
      'bafybeiffndsajwhk3lwjewwdxqntmjm4b5wxaaanokonsggenkbw6slwk4',
    ]) {
      const mine = Cid.parse(text)
      const theirs = CID.parse(text)
      assert.equal(mine.toString(), theirs.toString())
      assert.deepEqual([...mine.bytes], [...theirs.bytes])
      assert.equal(mine.version, theirs.version)
      assert.equal(mine.codec, theirs.code)
      assert.equal(Cid.decode(theirs.bytes).toString(), text)
    }
    // base58btc CIDv1 (`z…`) parses to the same CID
    const v1 = CID.parse('bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am')
    const z = v1.toString(base58btc)
    assert.equal(Cid.parse(z).toString(), v1.toString())
  })

  it('ofBytes is the raw CIDv1 of sha2-256, and matches() checks the bytes', () => {
    const bytes = randomBytes(1000)
    const cid = Cid.ofBytes(bytes)
    assert.equal(cid.toString().slice(0, 7), 'bafkrei')
    assert.deepEqual([...cid.digest], [...createHash('sha256').update(bytes).digest()])
    assert.equal(cid.matches(bytes), true)
    bytes[0]! ^= 1
    assert.equal(cid.matches(bytes), false)
  })

  it('refuses malformed CIDs with code bad-cid', () => {
    for (const bad of ['', 'hello', 'Qm123', 'bafkrei!!', 'QmZULkCELmmk5XNfCgTnCyFgAVxBRBXyDHGGMVoLFLiXE0', 'bafy']) {
      assert.throws(() => Cid.parse(bad), (err: unknown) => err instanceof LoaderError && err.code === 'ERR_BAD_CID', bad)
    }
  })
})

describe('cidOfBytes agrees with ipfs_cid (ipfs add legacy defaults)', () => {
  const home = scratchHome('cid')
  afterAll(() => home.dispose())
  const cases: Array<[string, Uint8Array]> = [
    ['empty', new Uint8Array(0)],
    ['hello\\n', Buffer.from('hello\n')],
    ['small wasm', makeWasm(100, 'small')],
    ['exactly one chunk', randomBytes(256 * 1024)],
    ['one chunk + 1 byte', randomBytes(256 * 1024 + 1)],
    ['1 MiB wasm (5 chunks)', makeWasm(1024 * 1024)],
    ['50 MiB (two levels: more than 174 chunks)', randomBytes(50 * 1024 * 1024)],
  ]
  for (const [label, bytes] of cases) {
    it(label, async () => {
      const file = join(home.path, 'f')
      writeFileSync(file, bytes)
      const expected = JSON.parse(execFileSync('ipfs_cid', [file], { stdio: ['ignore', 'pipe', 'ignore'] }).toString()) as {
        CIDv0: string
        CIDv1: string
      }
      assert.equal((await cidOfBytes(bytes, { cidVersion: 0, rawLeaves: false })).toString(), expected.CIDv0)
      // ipfs_cid's "CIDv1" is the same root named as CIDv1 (its links stay v0), not a v1 DAG.
      assert.equal(Cid.parse(expected.CIDv0).toV1().toString(), expected.CIDv1)
      assert.equal(await bytesMatchCid(Cid.parse(expected.CIDv0), bytes), true)
      const v1 = await cidOfBytes(bytes)
      assert.equal(await bytesMatchCid(v1, bytes), true)
      assert.equal(await bytesMatchCid(await cidOfBytes(bytes, { cidVersion: 1, rawLeaves: false }), bytes), true)
      assert.equal(await bytesMatchCid(v1, Buffer.concat([bytes, Buffer.from([0])])), false)
      if (bytes.length <= 256 * 1024) {
        // A single chunk with raw leaves is the raw block itself.
        assert.equal(v1.toString(), Cid.ofBytes(bytes).toString())
      } else {
        // Same DAG shape as the legacy CID, but raw leaves: a dag-pb root, different CID.
        assert.equal(v1.codec, 0x70)
        assert.notEqual(v1.toString(), expected.CIDv1)
      }
    })
  }
})
