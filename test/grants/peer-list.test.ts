// `wasmos grants` lists what a serving terminal was told about other peers' programs
// (WASMOS_HOME/peer-grants.json) beside the local decisions; a malformed file is a one-line error.
import { afterAll, expect, test } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { kv } from '../../src/interfaces/gen/kv.ts'
import { wasmos } from '../helpers.ts'

const home = mkdtempSync(join(tmpdir(), 'wasmos-peer-list-'))
afterAll(() => rmSync(home, { recursive: true, force: true }))
const PEER = '12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf'
const PROGRAM = 'bafkreiepu7ro5lsqzd3m2vqzgfidcmh6hzchahwxq6ct4gbqvjuhzuosfe'

test('peer decisions appear with the peer and the file they come from', async () => {
  writeFileSync(join(home, 'peer-grants.json'), JSON.stringify({
    decisions: [{ peer: PEER, program: PROGRAM, name: 'kv-client', iface: kv.key, decision: 'deny' }]
  }))
  const json = await wasmos(['grants', '--json'], { env: { WASMOS_HOME: home } })
  expect(json.code, json.stderr).toBe(0)
  expect(JSON.parse(json.stdout)).toEqual([{
    program: PROGRAM,
    name: 'kv-client',
    interface: kv.cid,
    interfaceName: 'kv',
    scope: null,
    kind: 'send',
    decision: 'deny',
    source: `${join(home, 'peer-grants.json')} (peer ${PEER})`,
    at: null
  }])
  const text = await wasmos(['grants'], { env: { WASMOS_HOME: home } })
  expect(text.stdout).toMatch(new RegExp(`^${PROGRAM} +kv-client +kv +send +deny +- +.*peer-grants\\.json \\(peer ${PEER}\\)$`, 'm'))
})

test('a malformed peer-grants.json is a one-line error', async () => {
  writeFileSync(join(home, 'peer-grants.json'), '{"decisions": [1]}')
  const r = await wasmos(['grants'], { env: { WASMOS_HOME: home } })
  expect(r.code).not.toBe(0)
  expect(r.stderr).toMatch(/^wasmos: .*peer-grants\.json: expected \{ "decisions"/)
  expect(r.stderr.trim().split('\n')).toHaveLength(1)
})
