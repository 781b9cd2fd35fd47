// What `wasmos ls` shows about a stored file: whether it is a wasm module and, if the module
// has a `name` custom section with a module name (subsection 0), that name.
import { readVarint } from './cid.ts'

const MAGIC = [0x00, 0x61, 0x73, 0x6d]

export function isWasm (bytes: Uint8Array): boolean {
  return bytes.length >= 8 && MAGIC.every((b, i) => bytes[i] === b)
}

/** The module name from the `name` section, or undefined. Never throws on malformed input. */
export function wasmModuleName (bytes: Uint8Array): string | undefined {
  if (!isWasm(bytes)) return undefined
  const decoder = new TextDecoder('utf-8', { fatal: true })
  try {
    let i = 8
    while (i < bytes.length) {
      const id = bytes[i++]!
      const size = readVarint(bytes, i)
      if (!size) return undefined
      i += size[1]
      const end = i + size[0]
      if (end > bytes.length) return undefined
      if (id === 0) {
        const nameLen = readVarint(bytes, i)
        if (!nameLen) return undefined
        const sectionName = decoder.decode(bytes.subarray(i + nameLen[1], i + nameLen[1] + nameLen[0]))
        if (sectionName === 'name') {
          let j = i + nameLen[1] + nameLen[0]
          while (j < end) {
            const sub = bytes[j++]!
            const subSize = readVarint(bytes, j)
            if (!subSize) return undefined
            j += subSize[1]
            if (sub === 0) {
              const len = readVarint(bytes, j)
              if (!len) return undefined
              return decoder.decode(bytes.subarray(j + len[1], j + len[1] + len[0]))
            }
            j += subSize[0]
          }
          return undefined
        }
      }
      i = end
    }
  } catch {
    return undefined
  }
  return undefined
}
