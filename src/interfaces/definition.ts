// Interface definitions: parsing and checking `interfaces/*.json`, and naming them. An interface's
// digest is SHA-256 of its canonical encoding (msgpack, map keys sorted, every `doc` removed) and
// its printable name is the CIDv1 (raw, sha2-256) of those bytes (DESIGN.md, "Names").
import { createHash } from 'node:crypto'
import { Packr } from 'msgpackr'
import { CID } from 'multiformats/cid'
import { create as createDigest } from 'multiformats/hashes/digest'

export interface FieldDef { name: string, type: string, doc?: string }
export interface MessageDef { name: string, doc?: string, params: FieldDef[], answer?: FieldDef[] }
export interface ErrorDef { name: string, code: number, doc?: string }
export interface InterfaceDef {
  name: string
  doc?: string
  messages: MessageDef[]
  errors?: ErrorDef[]
}

export class DefinitionError extends Error {
  readonly code = 'ERR_BAD_DEFINITION'
}

const SCALARS = new Set(['u8', 'u16', 'u32', 'u64', 'i32', 'i64', 'f64', 'bool', 'str', 'bytes'])
const NAME = /^[a-z][a-z0-9_]*$/

/** Whether `type` is a field type: a scalar or `list<T>`. */
export function isFieldType (type: string): boolean {
  const m = /^list<(.+)>$/.exec(type)
  return m != null ? isFieldType(m[1]) : SCALARS.has(type)
}

/** Checks the shape of a parsed definition; throws DefinitionError naming what is wrong. */
export function checkDefinition (value: unknown, where: string): InterfaceDef {
  const fail = (msg: string): never => { throw new DefinitionError(`${where}: ${msg}`) }
  if (typeof value !== 'object' || value == null) fail('not an object')
  const def = value as InterfaceDef
  if (typeof def.name !== 'string' || !NAME.test(def.name)) fail('name must match [a-z][a-z0-9_]*')
  if (!Array.isArray(def.messages) || def.messages.length === 0) fail('messages must be a non-empty array')
  const fields = (list: unknown, what: string): void => {
    if (!Array.isArray(list)) fail(`${what} must be an array`)
    const seen = new Set<string>()
    for (const f of list as FieldDef[]) {
      if (typeof f?.name !== 'string' || !NAME.test(f.name)) fail(`${what}: bad field name ${JSON.stringify(f?.name)}`)
      if (seen.has(f.name)) fail(`${what}: field ${f.name} twice`)
      seen.add(f.name)
      if (typeof f.type !== 'string' || !isFieldType(f.type)) fail(`${what}.${f.name}: unknown type ${JSON.stringify(f.type)}`)
    }
  }
  const names = new Set<string>()
  for (const m of def.messages) {
    if (typeof m?.name !== 'string' || !NAME.test(m.name)) fail(`bad message name ${JSON.stringify(m?.name)}`)
    if (names.has(m.name)) fail(`message ${m.name} twice`)
    names.add(m.name)
    fields(m.params, `${m.name}.params`)
    if (m.params.some((f) => f.name === 'name')) fail(`${m.name}.params: a parameter may not be called 'name' (host requests use it for the message's name)`)
    if (m.answer !== undefined) fields(m.answer, `${m.name}.answer`)
  }
  for (const e of def.errors ?? []) {
    if (typeof e?.name !== 'string' || !NAME.test(e.name)) fail(`bad error name ${JSON.stringify(e?.name)}`)
    if (!Number.isInteger(e.code) || e.code < 1 || e.code > 0x7fffffff) fail(`error ${e.name}: code must be a positive integer`)
  }
  return def
}

/** The definition without any `doc`, with map keys sorted: what the hash covers. */
function canonicalValue (value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonicalValue)
  if (typeof value === 'object' && value != null) {
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(value).sort()) {
      if (key === 'doc') continue
      out[key] = canonicalValue((value as Record<string, unknown>)[key])
    }
    return out
  }
  return value
}

const packr = new Packr({ useRecords: false, variableMapSize: true })

/** The canonical bytes of a definition (DESIGN.md): msgpack, keys sorted, docs removed. */
export function canonicalBytes (def: InterfaceDef): Uint8Array {
  return new Uint8Array(packr.pack(canonicalValue(def)))
}

export interface InterfaceName {
  /** SHA-256 of the canonical bytes. */
  digest: Uint8Array
  /** The digest in hex: the key the kernel core uses. */
  key: string
  /** CIDv1, raw codec, sha2-256: the printable name. */
  cid: string
}

/** The digest and CID naming a definition. */
export function nameOf (def: InterfaceDef): InterfaceName {
  const bytes = canonicalBytes(def)
  const digest = new Uint8Array(createHash('sha256').update(bytes).digest())
  const cid = CID.createV1(0x55, createDigest(0x12, digest)).toString()
  return { digest, key: Buffer.from(digest).toString('hex'), cid }
}
