// Native `stdio`: standard output and error on the serial console, and standard input typed on it
// with a line discipline like a terminal's cooked mode (echo, backspace, Enter ends a line, Ctrl-D
// at the start of a line is end of input). COM1 is read only while a program waits in `read` and
// no driver has claimed IRQ 4.
import { Action, KERNEL_PID, OK, SEND_ANSWER } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { putBytes, write } from '../console'
import { kernel } from '../context'
import { serial_read } from '../stub'
import { ERR_BAD_FD, KEY, MSG_READ, MSG_WRITE, readRead, readWrite, writeReadAnswer, writeWriteAnswer } from '../gen/stdio'
import { lineClaimed, SERIAL_IRQ } from './interrupts'
import { answer, EMPTY, fail, Native, writer } from './native'

/** A `read` waiting for a line. */
class InputRead {
  id: f64
  pid: f64
  max: u32
  constructor (id: f64, pid: f64, max: u32) { this.id = id; this.pid = pid; this.max = max }
}
const readers = new Array<InputRead>()
/** The line being edited, and the lines Enter (or Ctrl-D) made readable. */
const editing = new Array<u8>()
const typed = new Array<u8>()
let endOfInput = false
const echoBuf = memory.data(8)
const serialBuf = memory.data(256)

function echo (c: u8): void {
  store<u8>(echoBuf, c)
  write(echoBuf, 1)
}

/** Edits with what was typed on the serial console. */
function edit (c: u8): void {
  if (c == 13 || c == 10) {
    echo(13); echo(10)
    for (let k = 0; k < editing.length; k++) typed.push(editing[k])
    typed.push(10)
    editing.length = 0
  } else if (c == 8 || c == 127) {
    if (editing.length > 0) { editing.pop(); echo(8); echo(32); echo(8) }
  } else if (c == 4) {
    if (editing.length == 0) endOfInput = true
    else { for (let k = 0; k < editing.length; k++) typed.push(editing[k]); editing.length = 0 }
  } else if (c >= 32 || c == 9) {
    editing.push(c)
    echo(c)
  }
}

/** Takes what was typed on the serial console, and answers the reads it completes. */
function ttyInput (): void {
  if (readers.length == 0 || lineClaimed(SERIAL_IRQ)) return
  for (;;) {
    const n = serial_read(serialBuf, 256)
    if (n == 0) break
    for (let i: u32 = 0; i < n; i++) edit(load<u8>(serialBuf + <usize>i))
  }
  while (readers.length > 0 && (typed.length > 0 || endOfInput)) {
    const rd = readers.shift()
    let data = EMPTY
    if (typed.length > 0) {
      const len = min<i32>(typed.length, <i32>rd.max)
      data = new Uint8Array(len)
      for (let k = 0; k < len; k++) data[k] = typed[k]
      typed.splice(0, len)
    } else {
      endOfInput = false
    }
    const w = writeReadAnswer(new Writer(16 + data.length), data)
    kernel.answer(KERNEL_PID, rd.id, OK, w.toBytes())
  }
}

export class Stdio extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index == MSG_WRITE) {
      const q = readWrite(r)
      if (r.error) return false
      if (q.fd != 1 && q.fd != 2) { fail(a, ERR_BAD_FD); return true }
      putBytes(q.data)
      answer(a, writeWriteAnswer(writer(), <u32>q.data.length))
      return true
    }
    if (index == MSG_READ) {
      const q = readRead(r)
      if (r.error) return false
      if ((a.flags & SEND_ANSWER) == 0) return true
      readers.push(new InputRead(a.id, a.pid, q.max == 0 ? 1 : q.max))
      ttyInput()
      return true
    }
    return false
  }

  service (irqs: u32): void {
    if ((irqs & (1 << SERIAL_IRQ)) != 0) ttyInput()
  }

  busy (): bool {
    return readers.length > 0
  }

  ended (pid: f64, status: i32): void {
    for (let i = 0; i < readers.length; i++) {
      if (readers[i].pid == pid) { readers.splice(i, 1); i-- }
    }
  }
}
