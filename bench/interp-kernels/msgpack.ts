// Bench kernel: a MessagePack round trip. Encodes n records {id, name, vals: [i, 2i, -i]} as
// MessagePack maps, decodes them back and returns a checksum of what was decoded, so encoder and
// decoder both run. Byte buffers and loops only: the kind of work a wasmos program does with
// every message.
const KEY_ID: StaticArray<u8> = [0x69, 0x64]
const KEY_NAME: StaticArray<u8> = [0x6e, 0x61, 0x6d, 0x65]
const KEY_VALS: StaticArray<u8> = [0x76, 0x61, 0x6c, 0x73]

let buf = new StaticArray<u8>(0)
let pos = 0

function put (b: i32): void { unchecked(buf[pos++] = u8(b)) }

function putInt (v: i32): void {
  if (v >= 0 && v < 128) put(v)
  else if (v < 0 && v >= -32) put(v & 0xff)
  else if (v >= 0) { put(0xce); put(v >>> 24); put(v >>> 16); put(v >>> 8); put(v) } else { put(0xd2); put(v >>> 24); put(v >>> 16); put(v >>> 8); put(v) }
}

function putStr (s: StaticArray<u8>, extra: i32): void {
  const n = s.length + (extra >= 0 ? 4 : 0)
  put(0xa0 | n)
  for (let i = 0; i < s.length; i++) put(unchecked(s[i]))
  if (extra >= 0) { put(0x30 + (extra / 1000) % 10); put(0x30 + (extra / 100) % 10); put(0x30 + (extra / 10) % 10); put(0x30 + extra % 10) }
}

function get (): i32 { return i32(unchecked(buf[pos++])) }

function getInt (): i32 {
  const b = get()
  if (b < 0x80) return b
  if (b >= 0xe0) return b - 256
  const v = (get() << 24) | (get() << 16) | (get() << 8) | get()
  return v
}

export function run (n: i32): i32 {
  buf = new StaticArray<u8>(n * 64 + 16) // a record takes at most 44 bytes
  pos = 0
  put(0xdd); put(n >>> 24); put(n >>> 16); put(n >>> 8); put(n)
  for (let i = 0; i < n; i++) {
    put(0x83)
    putStr(KEY_ID, -1); putInt(i * 7919)
    putStr(KEY_NAME, -1); putStr(KEY_NAME, i % 10000)
    putStr(KEY_VALS, -1); put(0x93); putInt(i); putInt(i * 2); putInt(-i)
  }
  const end = pos
  pos = 0
  let sum = 0
  if (get() != 0xdd) return -1
  const count = (get() << 24) | (get() << 16) | (get() << 8) | get()
  for (let r = 0; r < count; r++) {
    const fields = get() & 0x0f
    for (let f = 0; f < fields; f++) {
      const klen = get() & 0x1f
      const k0 = i32(unchecked(buf[pos]))
      pos += klen
      if (k0 == 0x69) sum += getInt()
      else if (k0 == 0x6e) {
        const slen = get() & 0x1f
        for (let j = 0; j < slen; j++) sum = sum * 31 + get()
      } else {
        const items = get() & 0x0f
        for (let j = 0; j < items; j++) sum ^= getInt()
      }
    }
  }
  return pos == end ? sum : -2
}
