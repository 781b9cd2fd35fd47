// Names the Node host reads from users and programs: the digest inside an interface CID, and
// digests as hex keys.
import { CID } from 'multiformats/cid'

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
