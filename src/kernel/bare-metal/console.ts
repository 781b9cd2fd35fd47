// The serial console of the bare-metal kernel: text out on COM1 (the stub writes bytes raw, so
// "\n" becomes "\r\n" here) and small formatting helpers. Everything written is also sent, as
// `console.write` from the kernel, to a program that handles `console` (a screen driver), if any.
import { KERNEL_PID } from '../core/index.ts'
import { kernel } from './context'
import { KEY_CONSOLE } from './gen/interfaces'
import { serial_write } from './stub'
import { Writer } from '../../../programs/sdk/as/msgpack'

const OUT_CAP: i32 = 512
const out = memory.data(OUT_CAP)

const CONSOLE_DIGEST = new Uint8Array(32)
for (let i = 0; i < 32; i++) CONSOLE_DIGEST[i] = <u8>parseInt(KEY_CONSOLE.substring(i * 2, i * 2 + 2), 16)

/** Writes `n` raw bytes at `p` (kernel memory) to the console: serial, and the console handler. */
export function write (p: usize, n: u32): void {
  serial_write(p, n)
  // Without a handler the core refuses at once (NO_HANDLER); nothing is kept.
  const data = new Uint8Array(<i32>n)
  memory.copy(data.dataStart, p, n)
  const w = new Writer(<i32>n + 16)
  w.arrayHeader(2)
  w.u32(0)
  w.bin(data)
  kernel.send(KERNEL_PID, KEY_CONSOLE, CONSOLE_DIGEST, w.toBytes(), 0)
}

/** Writes `s` as UTF-8, every "\n" as "\r\n". */
export function put (s: string): void {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    let c = <u32>s.charCodeAt(i)
    if (c >= 0xd800 && c < 0xdc00 && i + 1 < s.length) {
      const d = <u32>s.charCodeAt(i + 1)
      if (d >= 0xdc00 && d < 0xe000) { c = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00); i++ }
    }
    if (n > OUT_CAP - 8) { write(out, n); n = 0 }
    if (c == 10) {
      store<u8>(out + n++, 13); store<u8>(out + n++, 10)
    } else if (c < 0x80) {
      store<u8>(out + n++, <u8>c)
    } else if (c < 0x800) {
      store<u8>(out + n++, <u8>(0xc0 | (c >> 6))); store<u8>(out + n++, <u8>(0x80 | (c & 63)))
    } else if (c < 0x10000) {
      store<u8>(out + n++, <u8>(0xe0 | (c >> 12))); store<u8>(out + n++, <u8>(0x80 | ((c >> 6) & 63)))
      store<u8>(out + n++, <u8>(0x80 | (c & 63)))
    } else {
      store<u8>(out + n++, <u8>(0xf0 | (c >> 18))); store<u8>(out + n++, <u8>(0x80 | ((c >> 12) & 63)))
      store<u8>(out + n++, <u8>(0x80 | ((c >> 6) & 63))); store<u8>(out + n++, <u8>(0x80 | (c & 63)))
    }
  }
  if (n > 0) write(out, n)
}

/** Writes bytes (UTF-8 from a program) with "\n" as "\r\n"; control bytes other than \t \r \n and ESC-free text pass through. */
export function putBytes (b: Uint8Array): void {
  let n = 0
  for (let i = 0; i < b.length; i++) {
    if (n > OUT_CAP - 2) { write(out, n); n = 0 }
    const c = b[i]
    if (c == 10) store<u8>(out + n++, 13)
    store<u8>(out + n++, c)
  }
  if (n > 0) write(out, n)
}

/** A kernel log line: "wasmos: <text>\n". */
export function klog (s: string): void {
  put('wasmos: ' + s + '\n')
}

const HEXDIGITS = '0123456789abcdef'

export function hex (v: u64, digits: i32): string {
  let s = ''
  for (let i = digits - 1; i >= 0; i--) {
    s += HEXDIGITS.charAt(<i32>((v >> (<u64>i * 4)) & 0xf))
  }
  return s
}

export function hexBytes (b: Uint8Array): string {
  let s = ''
  for (let i = 0; i < b.length; i++) s += hex(b[i], 2)
  return s
}
