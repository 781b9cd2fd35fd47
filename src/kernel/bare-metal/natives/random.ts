// Native `random`: RDRAND when the CPU has it, otherwise SHA-256 over TSC samples (with a warning
// on the console: such bytes are not for keys).
import { Action } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { klog } from '../console'
import { sha256 } from '../sha256'
import { rdrand64, rdtsc, ticks } from '../stub'
import { ERR_TOO_MANY, KEY, MSG_BYTES, readBytes, writeBytesAnswer } from '../gen/random'
import { answer, fail, Native } from './native'

const MAX: u32 = 65536

let haveRdrand: i32 = -1
let drbgCounter: u64 = 0
const drbgSeed = new Uint8Array(40)
const rnd = memory.data(8)

function randomBytes (n: i32): Uint8Array {
  const out = new Uint8Array(n)
  if (haveRdrand < 0) {
    haveRdrand = rdrand64(rnd)
    if (haveRdrand == 0) {
      klog('no RDRAND on this CPU: random bytes come from SHA-256 over TSC samples (not for keys)')
      for (let i = 0; i < 4; i++) store<u64>(drbgSeed.dataStart + <usize>i * 8, rdtsc() ^ (ticks() << 32))
    }
  }
  let i = 0
  while (i < n) {
    let chunk: Uint8Array
    if (haveRdrand == 1 && rdrand64(rnd) == 1) {
      const c = new Uint8Array(8)
      store<u64>(c.dataStart, load<u64>(rnd))
      chunk = c
    } else {
      drbgCounter++
      store<u64>(drbgSeed.dataStart + 32, drbgCounter ^ rdtsc())
      chunk = sha256(drbgSeed.dataStart, 40)
    }
    for (let k = 0; k < chunk.length && i < n; k++) out[i++] = chunk[k]
  }
  return out
}

export class Random extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index != MSG_BYTES) return false
    const q = readBytes(r)
    if (r.error) return false
    if (q.len > MAX) { fail(a, ERR_TOO_MANY); return true }
    answer(a, writeBytesAnswer(new Writer(<i32>q.len + 8), randomBytes(<i32>q.len)))
    return true
  }
}
