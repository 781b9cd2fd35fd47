// The interfaces a program declares up front, in its custom section `wasmos.interfaces`, so that
// the user can be asked once, before it starts, as a phone asks at install.
//
// Encoding of the section (version 1): msgpack, an array of entries, each an array
// `[cid, reason]`, `[cid, reason, kind]` or `[cid, reason, kind, scope]`: `cid` the interface's CID
// (string), `reason` why the program needs it (string, shown in the prompt, sanitised), `kind`
// "send" (the default) or "handle", `scope` a pattern of scope.ts ("127.0.0.1:7878") that narrows
// a send grant to what it names. The AssemblyScript SDK writes it from `needs(…)` / `needsToHandle(…)` calls
// (programs/sdk/as/declare.ts); any toolchain can add it (e.g. `wasm-custom-section`).
import { pack, unpack } from 'msgpackr'
import { digestOfCid } from '../names.ts'
import { badModule } from '../errors.ts'

export const DECLARED_SECTION = 'wasmos.interfaces'

export interface DeclaredInterface {
  cid: string
  /** The interface's digest in hex, the kernel's key. */
  key: string
  reason: string
  kind: 'send' | 'handle'
  /** The scope pattern declared with it (scope.ts), or null for the whole interface. */
  scope: string | null
}

/** Encodes a list for the custom section. */
export function encodeDeclared (list: Array<{ cid: string, reason: string, kind?: 'send' | 'handle', scope?: string | null }>): Uint8Array {
  return pack(list.map((d) => d.scope !== undefined && d.scope !== null
    ? [d.cid, d.reason, d.kind ?? 'send', d.scope]
    : d.kind === 'handle' ? [d.cid, d.reason, 'handle'] : [d.cid, d.reason]))
}

/** Decodes the section's bytes; throws a one-line ERR_BAD_MODULE naming `source` when malformed. */
export function decodeDeclared (bytes: Uint8Array, source: string): DeclaredInterface[] {
  const bad = (why: string): Error => badModule(source, `malformed ${DECLARED_SECTION} section: ${why}`)
  let data: unknown
  try {
    data = unpack(bytes)
  } catch (err) {
    throw bad(`not msgpack (${(err as Error).message})`)
  }
  if (!Array.isArray(data)) throw bad('expected an array of [cid, reason] entries')
  const out: DeclaredInterface[] = []
  const seen = new Set<string>()
  for (const entry of data as unknown[]) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 4 || typeof entry[0] !== 'string' || typeof entry[1] !== 'string') {
      throw bad('expected an array of [cid, reason] entries')
    }
    const kind = entry.length >= 3 ? entry[2] : 'send'
    if (kind !== 'send' && kind !== 'handle') throw bad(`kind must be "send" or "handle", got ${JSON.stringify(kind)}`)
    const scope: unknown = entry.length === 4 ? entry[3] : null
    if (scope !== null && (typeof scope !== 'string' || kind !== 'send')) throw bad('a scope is a string, on a send entry')
    const digest = digestOfCid(entry[0])
    if (digest === null) throw bad(`not an interface CID: ${JSON.stringify(entry[0].slice(0, 80))}`)
    const key = Buffer.from(digest).toString('hex')
    if (seen.has(`${kind}:${key}:${scope ?? ''}`)) continue
    seen.add(`${kind}:${key}:${scope ?? ''}`)
    out.push({ cid: entry[0], key, reason: entry[1], kind, scope: scope as string | null })
  }
  return out
}

/** The interfaces a compiled module declares (empty when it has no such section). */
export function declaredInterfaces (module: WebAssembly.Module, source: string): DeclaredInterface[] {
  const sections = WebAssembly.Module.customSections(module, DECLARED_SECTION)
  if (sections.length === 0) return []
  if (sections.length > 1) throw badModule(source, `more than one ${DECLARED_SECTION} section`)
  return decodeDeclared(new Uint8Array(sections[0]), source)
}
