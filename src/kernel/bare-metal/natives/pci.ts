// Native `pci`: the PCI functions present (anyone granted `pci` may list them and read what they
// are), and the configuration space of the devices boot.cfg grants a program (`pci` lines).
import { Action } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { guestOf } from '../context'
import { pci_read32, pci_write32 } from '../stub'
import {
  ERR_BAD_OFFSET, ERR_NOT_FOUND, ERR_NOT_GRANTED, KEY, MSG_INFO, MSG_LIST, MSG_READ, MSG_WRITE, readInfo, readList,
  readRead, readWrite, writeInfoAnswer, writeListAnswer, writeReadAnswer, writeWriteAnswer
} from '../gen/pci'
import { answer, fail, Native, writer } from './native'

const devices = new Array<u32>()
let scanned = false

/** A 32-bit word of the configuration space of the function at `addr` (bus << 8 | dev << 3 | fn). */
function cfg (addr: u32, offset: u32): u32 {
  return pci_read32(addr >> 8, (addr >> 3) & 31, addr & 7, offset)
}

/** Every PCI function present (brute force over bus/device/function, as lspci does). */
export function pciList (): Array<u32> {
  if (scanned) return devices
  scanned = true
  for (let bus: u32 = 0; bus < 256; bus++) {
    for (let dev: u32 = 0; dev < 32; dev++) {
      const a0 = (bus << 8) | (dev << 3)
      if ((cfg(a0, 0) & 0xffff) == 0xffff) continue
      const fns: u32 = ((cfg(a0, 0x0c) >> 16) & 0x80) != 0 ? 8 : 1
      for (let fn: u32 = 0; fn < fns; fn++) {
        if ((cfg(a0 | fn, 0) & 0xffff) != 0xffff) devices.push(a0 | fn)
      }
    }
  }
  return devices
}

/** The base address registers as read; a 64-bit BAR fills its first slot and the second reads 0. */
function bars (addr: u32): Array<u64> {
  const header = (cfg(addr, 0x0c) >> 16) & 0x7f
  const n = header == 0 ? 6 : (header == 1 ? 2 : 0)
  const out = new Array<u64>()
  for (let i = 0; i < n; i++) {
    const v = cfg(addr, 0x10 + <u32>i * 4)
    if ((v & 1) == 0 && ((v >> 1) & 3) == 2 && i + 1 < n) {
      out.push(<u64>v | (<u64>cfg(addr, 0x14 + <u32>i * 4) << 32))
      out.push(0)
      i++
    } else {
      out.push(<u64>v)
    }
  }
  return out
}

function present (addr: u32): bool {
  return addr <= 0xffff && pciList().indexOf(addr) >= 0
}

/** Checks that a program may touch the configuration space at `offset`; answers the failure if not. */
function mayAccess (a: Action, addr: u32, offset: u16): bool {
  if (!present(addr)) { fail(a, ERR_NOT_FOUND); return false }
  const g = guestOf(a.pid)
  if (g === null || g!.config.pci.indexOf(addr) < 0) { fail(a, ERR_NOT_GRANTED); return false }
  if ((offset & 3) != 0 || offset >= 256) { fail(a, ERR_BAD_OFFSET); return false }
  return true
}

export class Pci extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index == MSG_LIST) {
      readList(r)
      const list = pciList()
      answer(a, writeListAnswer(new Writer(16 + list.length * 5), list))
      return true
    }
    if (index == MSG_INFO) {
      const q = readInfo(r)
      if (r.error) return false
      if (!present(q.address)) { fail(a, ERR_NOT_FOUND); return true }
      const id = cfg(q.address, 0)
      answer(a, writeInfoAnswer(writer(), <u16>(id & 0xffff), <u16>(id >> 16), cfg(q.address, 0x08) >> 8,
        <u8>(cfg(q.address, 0x3c) & 0xff), bars(q.address)))
      return true
    }
    if (index == MSG_READ) {
      const q = readRead(r)
      if (r.error) return false
      if (mayAccess(a, q.address, q.offset)) answer(a, writeReadAnswer(writer(), cfg(q.address, q.offset)))
      return true
    }
    if (index == MSG_WRITE) {
      const q = readWrite(r)
      if (r.error) return false
      if (!mayAccess(a, q.address, q.offset)) return true
      pci_write32(q.address >> 8, (q.address >> 3) & 31, q.address & 7, q.offset, q.value)
      answer(a, writeWriteAnswer(writer()))
      return true
    }
    return false
  }
}
