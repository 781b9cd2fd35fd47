// Interface names are hashes of their definitions: this pins every definition's CID, so that an
// accidental change to a definition (which makes it a different interface) is caught here.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { Unpackr } from 'msgpackr'
import { canonicalBytes, checkDefinition, nameOf } from '../../src/interfaces/definition.ts'
import { digestOfCid } from '../../src/kernel/node/names.ts'
import type { InterfaceDef } from '../../src/interfaces/definition.ts'
import { ROOT } from '../helpers.ts'

const PINNED: Record<string, string> = {
  console: 'bafkreigynzczc72akrkm3alz4ng3wlkrfjqb26wdwvz3wkobiqtewzlmou',
  env: 'bafkreickndw2zm5syttijibj33ohfn5h4dgqqhe7gwszlzqs2ggo73o5sy',
  fs: 'bafkreidsutqi7erii6vuptz4xpma6gbfchlrzo67ud26jlhevp3rk2g2fe',
  interrupts: 'bafkreibluf3nwak4cuwghnfv75prq3lfrvdifks2egz654c2okpgnjzd3a',
  io: 'bafkreib5zjhshmzv4jpoyvub5im66bfrldp4zdrrypxvgehe7ocynm2f4y',
  kv: 'bafkreidi6pjwybdxqb4u7ckgvai2qgmsfi4shcvxn7dkxlkpzbvqxpqe5u',
  loader: 'bafkreifk2l2zd7xp2wcbodyduiuajqz3dqxzykeltbr4ewfhdfrfdziwf4',
  log: 'bafkreicdjv5yqh4prjty76p3ozhp75goigsvkweciuqwccy5wlv235ip7m',
  pci: 'bafkreifzfmf6vmaaqr5hggolczybkxbzayr73jfu324hoyads7vdzddr6q',
  pingpong: 'bafkreier6a67kffmt4y3suzmnod6tdmr7kzjwi7tstnshgzb3a4fez2j4i',
  process: 'bafkreicxxnv6fetsfdvozofplyekob5h4ox7z2w6fjhkhlufnnrn64cigy',
  random: 'bafkreiet6a3ha4ngdvzxmzd73i4js2whczobsicmtu2heqrmhzzs455jhq',
  registry: 'bafkreightdcrib7u26stmxioufzwtpp7ommlzv634ndai6kahjy4uw3idy',
  screen: 'bafkreibmb6galvqwmuajagnvkuet6r7mv23xqeh32hyhahndy3rpqlgf5e',
  stdio: 'bafkreiewmsaltewust2ahbejyxczdw445no2wngff3bwf2v7mnqq7elgqe',
  system: 'bafkreig6tpx4qgddz2ufay6u3gb3bqwmhildhdymt4jmxvfyv5ujgwu4hq',
  tcp: 'bafkreiczbbz4qsg37lkpmczcknzh7wwd54pekll3fnt5uqpjnepjkrkmmu',
  time: 'bafkreibfi54xzy7e5tqqfedtgiscsbgy4h2irzneoikedymuardlo6bgr4',
  udp: 'bafkreihhj2lcdjvnox6ejtm52aerjgay5nbfyuugthn6cjjgzmkeizx22y'
}

const dir = join(ROOT, 'interfaces')
const defs = readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) =>
  checkDefinition(JSON.parse(readFileSync(join(dir, f), 'utf8')), f))

test('every interface definition has its pinned CID', () => {
  for (const def of defs) {
    const pinned = PINNED[def.name]
    assert.ok(pinned !== undefined, `interfaces/${def.name}.json is not pinned: add its CID (${nameOf(def).cid}) to this test`)
    assert.equal(nameOf(def).cid, pinned, `interfaces/${def.name}.json changed: it is now a different interface`)
  }
})

test('the hash covers the canonical encoding: docs removed, keys sorted', () => {
  const def = defs.find((d) => d.name === 'kv')!
  const bytes = canonicalBytes(def)
  const decoded = new Unpackr({ useRecords: false, mapsAsObjects: true }).unpack(bytes) as Record<string, unknown>
  assert.deepEqual(Object.keys(decoded), ['errors', 'messages', 'name'])
  assert.ok(!JSON.stringify(decoded).includes('"doc"'))
  const { digest, cid } = nameOf(def)
  assert.deepEqual(digest, new Uint8Array(createHash('sha256').update(bytes).digest()))
  assert.ok(cid.startsWith('bafkrei'))
  assert.deepEqual(digestOfCid(cid), digest)
})

test('doc text and key order do not change the hash; a message change does', () => {
  const def = defs.find((d) => d.name === 'pingpong')!
  const redocumented: InterfaceDef = JSON.parse(JSON.stringify(def))
  redocumented.doc = 'Something else entirely.'
  redocumented.messages[0].doc = 'Other words.'
  assert.equal(nameOf(redocumented).cid, nameOf(def).cid)
  const reordered = JSON.parse(JSON.stringify({ messages: def.messages, name: def.name })) as InterfaceDef
  assert.equal(nameOf(reordered).cid, nameOf(def).cid)
  const changed: InterfaceDef = JSON.parse(JSON.stringify(def))
  changed.messages[0].params[0].type = 'u32'
  assert.notEqual(nameOf(changed).cid, nameOf(def).cid)
})

test('bad definitions are refused with the reason', () => {
  assert.throws(() => checkDefinition({ name: 'x', messages: [{ name: 'm', params: [{ name: 'a', type: 'float' }] }] }, 'x.json'),
    /x.json: m.params.a: unknown type "float"/)
  assert.throws(() => checkDefinition({ name: 'Bad', messages: [] }, 'b.json'), /name must match/)
})
