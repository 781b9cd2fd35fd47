// Bench kernel: SHA-256 (FIPS 180-4) of n bytes whose byte i is (i * 7 + 3) & 255, with the
// bare-metal kernel's implementation; returns the first 32-bit word of the digest (big-endian),
// which the tests compare with node:crypto.
import { sha256 } from '../../src/kernel/bare-metal/sha256'

export function run (n: i32): u32 {
  const data = new StaticArray<u8>(n)
  for (let i = 0; i < n; i++) unchecked(data[i] = u8(i * 7 + 3))
  const digest = sha256(changetype<usize>(data), n)
  return bswap<u32>(load<u32>(digest.dataStart))
}
