// Small helpers about interface names that the run needs at start-up; kept apart from
// definition.ts so that starting a program does not load the hashing code.
import { CID } from 'multiformats/cid'
import type { InterfaceDef } from './definition.ts'

/** The digest inside an interface CID (raw, sha2-256), or null if it is not one. */
export function digestOfCid (text: string): Uint8Array | null {
  try {
    const cid = CID.parse(text)
    if (cid.multihash.code !== 0x12 || cid.multihash.digest.length !== 32) return null
    return cid.multihash.digest
  } catch {
    return null
  }
}

/** The first sentence of the interface's doc: what `wasmos interfaces` and the prompt show. */
export function summaryOf (def: InterfaceDef): string {
  return (def.doc ?? '').trim().split(/(?<=\.)\s/)[0]
}
