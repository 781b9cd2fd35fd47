// Editing built modules for the tests: replace the name section (a forged program name) and add
// a `wasmos.interfaces` section, by walking the module's sections.

function leb (n: number): number[] {
  const out: number[] = []
  do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b) } while (n !== 0)
  return out
}

function readLeb (b: Uint8Array, i: number): [number, number] {
  let result = 0; let shift = 0
  for (;;) {
    const byte = b[i++]
    result += (byte & 0x7f) * 2 ** shift
    shift += 7
    if ((byte & 0x80) === 0) return [result, i]
  }
}

function customSection (name: string, payload: Uint8Array): Uint8Array {
  const n = Buffer.from(name)
  const body = Buffer.concat([Buffer.from(leb(n.length)), n, payload])
  return Buffer.concat([Buffer.from([0, ...leb(body.length)]), body])
}

/** The module without its custom sections called `name`. */
export function withoutSection (bytes: Uint8Array, name: string): Uint8Array {
  const parts: Uint8Array[] = [bytes.subarray(0, 8)]
  let i = 8
  while (i < bytes.length) {
    const start = i
    const id = bytes[i++]
    const [size, body] = readLeb(bytes, i)
    const end = body + size
    let drop = false
    if (id === 0) {
      const [len, at] = readLeb(bytes, body)
      drop = Buffer.from(bytes.subarray(at, at + len)).toString() === name
    }
    if (!drop) parts.push(bytes.subarray(start, end))
    i = end
  }
  return Buffer.concat(parts)
}

/** The module with its name section replaced by one naming the module `name` (any bytes). */
export function withName (bytes: Uint8Array, name: string): Uint8Array {
  const n = Buffer.from(name)
  const sub = Buffer.concat([Buffer.from(leb(n.length)), n])
  const payload = Buffer.concat([Buffer.from([0, ...leb(sub.length)]), sub])
  return Buffer.concat([withoutSection(bytes, 'name'), customSection('name', payload)])
}

/** The module with a custom section added. */
export function withSection (bytes: Uint8Array, name: string, payload: Uint8Array): Uint8Array {
  return Buffer.concat([withoutSection(bytes, name), customSection(name, payload)])
}
