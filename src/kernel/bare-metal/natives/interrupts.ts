// Native `interrupts`: a program granted an IRQ line claims it (`listen`), and gets each firing as
// the answer to a pending `next` (with the bytes COM1 received, for IRQ 4, since the stub drains
// the UART itself); `ack` unmasks the line again.
import { Action, KERNEL_PID, OK } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { guestOf, kernel } from '../context'
import { irq_ack, irq_mask, irq_unmask, serial_read } from '../stub'
import {
  ERR_BUSY, ERR_NOT_GRANTED, ERR_NOT_LISTENING, KEY, MSG_ACK, MSG_LISTEN, MSG_NEXT, readAck, readListen, readNext,
  writeAckAnswer, writeListenAnswer, writeNextAnswer
} from '../gen/interrupts'
import { answer, EMPTY, fail, Native, writer } from './native'

const LINES = 16
/** COM1's line: its bytes come with the firings. */
export const SERIAL_IRQ = 4

const owner = new StaticArray<f64>(LINES)
const count = new StaticArray<u32>(LINES)
const waiting = new StaticArray<f64>(LINES) // id of the pending `next`, 0 if none
const serialData = new Array<u8>()
const serialBuf = memory.data(256)

/** Whether a process has claimed IRQ line `irq`. */
export function lineClaimed (irq: i32): bool {
  return owner[irq] >= 0
}

function drainSerial (): void {
  for (;;) {
    const n = serial_read(serialBuf, 256)
    if (n == 0) break
    for (let i: u32 = 0; i < n; i++) serialData.push(load<u8>(serialBuf + <usize>i))
  }
}

/** Answers the pending `next` of a line that fired. */
function fire (irq: i32): void {
  const id = waiting[irq]
  if (id == 0) return
  if (irq == SERIAL_IRQ) drainSerial()
  if (count[irq] == 0 && !(irq == SERIAL_IRQ && serialData.length > 0)) return
  waiting[irq] = 0
  let data = EMPTY
  if (irq == SERIAL_IRQ) {
    data = new Uint8Array(serialData.length)
    for (let i = 0; i < serialData.length; i++) data[i] = serialData[i]
    serialData.length = 0
  }
  const w = writeNextAnswer(new Writer(16 + data.length), count[irq], data)
  count[irq] = 0
  kernel.answer(KERNEL_PID, id, OK, w.toBytes())
}

export class Interrupts extends Native {
  constructor () {
    super(KEY)
    for (let i = 0; i < LINES; i++) { owner[i] = -1; waiting[i] = 0 }
  }

  handle (a: Action, index: u32, r: Reader): bool {
    // Every message of the interface has the line as its only parameter.
    let irq: i32 = 0
    if (index == MSG_LISTEN) irq = <i32>readListen(r).irq
    else if (index == MSG_NEXT) irq = <i32>readNext(r).irq
    else if (index == MSG_ACK) irq = <i32>readAck(r).irq
    else return false
    if (r.error || irq >= LINES) return false
    const g = guestOf(a.pid)
    if (g === null) return true
    if (index == MSG_LISTEN) {
      if (g!.config.irqs.indexOf(<u32>irq) < 0) { fail(a, ERR_NOT_GRANTED); return true }
      if (owner[irq] >= 0 && owner[irq] != a.pid) { fail(a, ERR_BUSY); return true }
      owner[irq] = a.pid
      count[irq] = 0
      if (irq == SERIAL_IRQ) { serialData.length = 0; drainSerial() }
      irq_unmask(<u32>irq)
      answer(a, writeListenAnswer(writer()))
      return true
    }
    if (owner[irq] != a.pid) { fail(a, ERR_NOT_LISTENING); return true }
    if (index == MSG_NEXT) {
      if (waiting[irq] != 0) { fail(a, ERR_BUSY); return true }
      waiting[irq] = a.id
      fire(irq)
      return true
    }
    irq_ack(<u32>irq)
    answer(a, writeAckAnswer(writer()))
    return true
  }

  service (irqs: u32): void {
    if (irqs == 0) return
    for (let irq = 0; irq < LINES; irq++) {
      if ((irqs & (1 << irq)) == 0 || owner[irq] < 0) continue
      count[irq]++
      fire(irq)
    }
  }

  busy (): bool {
    for (let i = 0; i < LINES; i++) if (owner[i] >= 0) return true
    return false
  }

  ended (pid: f64, status: i32): void {
    for (let i = 0; i < LINES; i++) {
      if (owner[i] == pid) {
        owner[i] = -1
        waiting[i] = 0
        // The timer and COM1 stay unmasked: the kernel itself needs them.
        if (i != 0 && i != SERIAL_IRQ) irq_mask(<u32>i)
      }
    }
  }
}
