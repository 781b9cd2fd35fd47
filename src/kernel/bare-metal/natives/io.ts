// Native `io`: port I/O and 32-bit physical memory access, only inside the `ports` and `mmio`
// ranges boot.cfg grants the program.
import { Action } from '../../core/index.ts'
import { Reader } from '../../../../programs/sdk/as/msgpack'
import { Guest, guestOf } from '../context'
import { inb, inl, inw, mmio_read32, mmio_write32, outb, outl, outw } from '../stub'
import {
  ERR_BAD_WIDTH, ERR_NOT_GRANTED, KEY, MSG_MMIO_READ, MSG_MMIO_WRITE, MSG_PORT_IN, MSG_PORT_OUT, readMmioRead,
  readMmioWrite, readPortIn, readPortOut, writeMmioReadAnswer, writeMmioWriteAnswer, writePortInAnswer,
  writePortOutAnswer
} from '../gen/io'
import { answer, fail, Native, writer } from './native'

function portGranted (g: Guest, port: u32, width: u32): bool {
  const rs = g.config.ports
  for (let i = 0; i < rs.length; i++) if (rs[i].contains(<u64>port, <u64>width)) return true
  return false
}

function mmioGranted (g: Guest, addr: u64): bool {
  const rs = g.config.mmio
  for (let i = 0; i < rs.length; i++) if (rs[i].contains(addr, 4)) return true
  return false
}

/** Checks a port access; answers the failure if it may not be done. */
function portOk (a: Action, g: Guest, port: u32, width: u32): bool {
  if (width != 1 && width != 2 && width != 4) { fail(a, ERR_BAD_WIDTH); return false }
  if (!portGranted(g, port, width)) { fail(a, ERR_NOT_GRANTED); return false }
  return true
}

/** Checks a physical memory access; answers the failure if it may not be done. */
function mmioOk (a: Action, g: Guest, addr: u64): bool {
  if ((addr & 3) != 0) { fail(a, ERR_BAD_WIDTH); return false }
  if (!mmioGranted(g, addr)) { fail(a, ERR_NOT_GRANTED); return false }
  return true
}

export class Io extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    const g = guestOf(a.pid)
    if (index == MSG_PORT_IN) {
      const q = readPortIn(r)
      if (r.error) return false
      if (g === null || !portOk(a, g!, <u32>q.port, <u32>q.width)) return true
      const port = <u32>q.port
      const v = q.width == 1 ? inb(port) : (q.width == 2 ? inw(port) : inl(port))
      answer(a, writePortInAnswer(writer(), v))
      return true
    }
    if (index == MSG_PORT_OUT) {
      const q = readPortOut(r)
      if (r.error) return false
      if (g === null || !portOk(a, g!, <u32>q.port, <u32>q.width)) return true
      const port = <u32>q.port
      if (q.width == 1) outb(port, q.value & 0xff)
      else if (q.width == 2) outw(port, q.value & 0xffff)
      else outl(port, q.value)
      answer(a, writePortOutAnswer(writer()))
      return true
    }
    if (index == MSG_MMIO_READ) {
      const q = readMmioRead(r)
      if (r.error) return false
      if (g === null || !mmioOk(a, g!, q.addr)) return true
      answer(a, writeMmioReadAnswer(writer(), mmio_read32(q.addr)))
      return true
    }
    if (index == MSG_MMIO_WRITE) {
      const q = readMmioWrite(r)
      if (r.error) return false
      if (g === null || !mmioOk(a, g!, q.addr)) return true
      mmio_write32(q.addr, q.value)
      answer(a, writeMmioWriteAnswer(writer()))
      return true
    }
    return false
  }
}
