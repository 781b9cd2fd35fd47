// In process: the checked memory access WASI calls use (a bad pointer is a Fault, turned into
// EFAULT) and Node's error codes turned into witx errno values.
import { describe, expect, test } from 'vitest'
import { E, errnoOf } from '../../src/wasi/constants.ts'
import { Fault, Mem } from '../../src/wasi/memory.ts'

describe('Mem', () => {
  const memory = new WebAssembly.Memory({ initial: 1 })
  const mem = new Mem()
  mem.bind(memory)

  test('reads and writes in bounds; anything past the end is a Fault', () => {
    mem.setU32(0, 0xdeadbeef)
    expect(mem.u32At(0)).toBe(0xdeadbeef)
    mem.setU64(8, -1n)
    expect(mem.u64At(8)).toBe(2n ** 64n - 1n)
    expect(() => mem.u32At(65533)).toThrow(Fault)
    expect(() => mem.check(65536, 1)).toThrow(Fault)
    expect(() => mem.check(-1, 1)).toThrow(Fault)
    expect(() => mem.write(65530, new Uint8Array(7))).toThrow(Fault)
  })

  test('iovecs are checked one by one; gather and scatter follow them', () => {
    const v = new DataView(memory.buffer)
    v.setUint32(100, 200, true); v.setUint32(104, 3, true)
    v.setUint32(108, 300, true); v.setUint32(112, 2, true)
    mem.write(200, new TextEncoder().encode('abc'))
    mem.write(300, new TextEncoder().encode('de'))
    expect(new TextDecoder().decode(mem.gather(100, 2))).toBe('abcde')
    expect(mem.scatter(100, 2, new TextEncoder().encode('VWXYZ!'))).toBe(5)
    expect(mem.string(200, 3) + mem.string(300, 2)).toBe('VWXYZ')
    v.setUint32(112, 70000, true)
    expect(() => mem.iovecs(100, 2)).toThrow(Fault)
    expect(() => mem.iovecs(65530, 1)).toThrow(Fault)
  })

  test('views follow memory.grow', () => {
    memory.grow(1)
    mem.setU32(70000, 7)
    expect(mem.u32At(70000)).toBe(7)
  })
})

test('errnoOf: Node error codes become witx errno values', () => {
  const code = (c: string): number => errnoOf(Object.assign(new Error(c), { code: c }))
  expect(code('ENOENT')).toBe(44)
  expect(code('EEXIST')).toBe(20)
  expect(code('ENOTDIR')).toBe(54)
  expect(code('EISDIR')).toBe(31)
  expect(code('ENOTEMPTY')).toBe(55)
  expect(code('ELOOP')).toBe(32)
  expect(code('EACCES')).toBe(2)
  expect(code('EPERM')).toBe(63)
  expect(code('EBADF')).toBe(8)
  expect(code('EINVAL')).toBe(28)
  expect(code('ENOTCAPABLE')).toBe(76)
  expect(code('EXDEV')).toBe(75)
  expect(code('E2BIG')).toBe(1)
  expect(code('EWOULDBLOCK')).toBe(E.AGAIN)
  expect(code('EOPNOTSUPP')).toBe(E.NOTSUP)
  expect(code('ERR_SOMETHING_ELSE')).toBe(E.IO)
  expect(errnoOf(new Error('no code'))).toBe(E.IO)
  expect(E.NOTCAPABLE).toBe(76)
  expect(E.FAULT).toBe(21)
})
