// Encoding and checking of payloads for a known interface, on the host side: a message is the
// msgpack array [message index, ...params], an answer the array of the answer's fields, both in
// the order of the definition. Decoding checks every field's type, so a native handler only ever
// sees well-formed requests.
import { Packr, Unpackr } from 'msgpackr'
import type { FieldDef, InterfaceDef, MessageDef } from './definition.ts'

export class PayloadError extends Error {
  readonly code = 'ERR_BAD_PAYLOAD'
}

// Made on first use: a run that only logs never packs.
let packr: Packr | undefined
let unpackr: Unpackr | undefined

export function pack (value: unknown): Uint8Array {
  packr ??= new Packr({ useRecords: false, variableMapSize: true })
  return packr.pack(value)
}

export function unpack (bytes: Uint8Array): unknown {
  unpackr ??= new Unpackr({ useRecords: false, mapsAsObjects: true, int64AsType: 'number' })
  return unpackr.unpack(bytes)
}

const RANGES: Record<string, [number, number]> = {
  u8: [0, 0xff],
  u16: [0, 0xffff],
  u32: [0, 0xffffffff],
  u64: [0, Number.MAX_SAFE_INTEGER],
  i32: [-0x80000000, 0x7fffffff],
  i64: [Number.MIN_SAFE_INTEGER, Number.MAX_SAFE_INTEGER]
}

/** Whether `value` is a well-formed value of field type `type`. */
export function fits (type: string, value: unknown): boolean {
  const range = RANGES[type]
  if (range != null) {
    return typeof value === 'number' && Number.isInteger(value) && value >= range[0] && value <= range[1]
  }
  switch (type) {
    case 'f64': return typeof value === 'number'
    case 'bool': return typeof value === 'boolean'
    case 'str': return typeof value === 'string'
    case 'bytes': return value instanceof Uint8Array
  }
  const m = /^list<(.+)>$/.exec(type)
  if (m == null || !Array.isArray(value)) return false
  const inner = m[1]
  return value.every((v) => fits(inner, v))
}

function readFields (fields: FieldDef[], values: unknown[], offset: number, where: string): Record<string, unknown> {
  if (values.length !== offset + fields.length) {
    throw new PayloadError(`${where}: expected ${fields.length} fields, got ${values.length - offset}`)
  }
  const out: Record<string, unknown> = {}
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i]
    const v = values[offset + i]
    if (!fits(f.type, v)) throw new PayloadError(`${where}: field ${f.name} is not a ${f.type}`)
    out[f.name] = v
  }
  return out
}

function writeFields (fields: FieldDef[], values: Record<string, unknown>, head: unknown[], where: string): unknown[] {
  for (const f of fields) {
    const v = values[f.name]
    if (!fits(f.type, v)) throw new PayloadError(`${where}: field ${f.name} is not a ${f.type}`)
    head.push(wide(f.type, v))
  }
  return head
}

/**
 * msgpackr writes integers beyond 32 bits as float64, which typed readers (the SDKs' u64/i64)
 * refuse: as BigInt they are written as uint64/int64.
 */
function wide (type: string, v: unknown): unknown {
  if (type === 'u64' || type === 'i64') {
    const n = v as number
    return n > 0xffffffff || n < -0x80000000 ? BigInt(n) : n
  }
  if (type.startsWith('list<') && (type.includes('64>')) && Array.isArray(v)) {
    const inner = type.slice(5, -1)
    return v.map((x) => wide(inner, x))
  }
  return v
}

/** A known interface with typed requests `Req` (`{ name, ...params }`) and answers `Ans`. */
export class Iface<Req extends { name: string }, Ans extends Record<string, object>> {
  readonly def: InterfaceDef
  readonly key: string
  readonly cid: string
  // Made on first use: every interface is constructed when the CLI starts, most are never used.
  #digest: Uint8Array | undefined
  #names: Map<string, number> | undefined

  constructor (def: InterfaceDef, key: string, cid: string) {
    this.def = def
    this.key = key
    this.cid = cid
  }

  get digest (): Uint8Array {
    this.#digest ??= new Uint8Array(Buffer.from(this.key, 'hex'))
    return this.#digest
  }

  get #byName (): Map<string, number> {
    this.#names ??= new Map(this.def.messages.map((m, i) => [m.name, i]))
    return this.#names
  }

  get name (): string {
    return this.def.name
  }

  message (name: string): MessageDef {
    const i = this.#byName.get(name)
    if (i === undefined) throw new PayloadError(`${this.def.name}: no message ${name}`)
    return this.def.messages[i]
  }

  /** Decodes and checks a request; throws PayloadError when it is not one of this interface's. */
  decode (payload: Uint8Array): Req {
    let value: unknown
    try {
      value = unpack(payload)
    } catch {
      throw new PayloadError(`${this.def.name}: payload is not msgpack`)
    }
    if (!Array.isArray(value) || typeof value[0] !== 'number') {
      throw new PayloadError(`${this.def.name}: a message is an array starting with its index`)
    }
    const m = this.def.messages[value[0]]
    if (m === undefined) throw new PayloadError(`${this.def.name}: no message ${value[0]}`)
    const fields = readFields(m.params, value, 1, `${this.def.name}.${m.name}`)
    return { name: m.name, ...fields } as unknown as Req
  }

  /** Encodes a request (the client side). */
  encode (req: Req): Uint8Array {
    const i = this.#byName.get(req.name)
    if (i === undefined) throw new PayloadError(`${this.def.name}: no message ${req.name}`)
    const m = this.def.messages[i]
    return pack(writeFields(m.params, req as unknown as Record<string, unknown>, [i], `${this.def.name}.${m.name}`))
  }

  encodeAnswer<K extends keyof Ans & string> (name: K, fields: Ans[K]): Uint8Array {
    const m = this.message(name)
    return pack(writeFields(m.answer ?? [], fields as Record<string, unknown>, [], `${this.def.name}.${name} answer`))
  }

  decodeAnswer<K extends keyof Ans & string> (name: K, payload: Uint8Array): Ans[K] {
    const m = this.message(name)
    let value: unknown
    try {
      value = unpack(payload)
    } catch {
      throw new PayloadError(`${this.def.name}.${name}: answer is not msgpack`)
    }
    if (!Array.isArray(value)) throw new PayloadError(`${this.def.name}.${name}: an answer is an array`)
    return readFields(m.answer ?? [], value, 0, `${this.def.name}.${name} answer`) as Ans[K]
  }

  /** The status code of a named error of this interface. */
  error (name: string): number {
    const e = this.def.errors?.find((x) => x.name === name)
    if (e === undefined) throw new PayloadError(`${this.def.name}: no error ${name}`)
    return e.code
  }
}
