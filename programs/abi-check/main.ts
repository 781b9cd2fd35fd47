// abi-check: calls the three syscalls with bad arguments and checks the kernel's return codes
// (DESIGN.md): bad pointers give 3 (-3 for wait), unknown ids 6, unhandled interfaces 2. Prints
// one line per check and exits 1 if any failed.
import { exit, print } from '../sdk/as/wasmos'
import * as time from '../sdk/as/gen/time'

@external('wasmos', 'send')
declare function sys_send (iface: usize, buf: usize, len: usize, flags: u32, idOut: usize): i32
@external('wasmos', 'answer')
declare function sys_answer (id: u64, status: i32, buf: usize, len: usize): i32
@external('wasmos', 'wait')
declare function sys_wait (ids: usize, count: u32, out: usize, cap: u32, flags: u32): i32

let failures = 0
function check (what: string, got: i32, expected: i32): void {
  const ok = got == expected
  if (!ok) failures++
  print((ok ? 'ok ' : 'FAIL ') + what + ': ' + got.toString() + (ok ? '' : ' (expected ' + expected.toString() + ')') + '\n')
}

const end: usize = <usize>memory.size() << 16
const iface = changetype<usize>(time.DIGEST)
const buf = heap.alloc(64)
const unknown = memory.data(32)

check('send: interface past the end', sys_send(end - 16, buf, 0, 0, 0), 3)
check('send: payload past the end', sys_send(iface, end - 4, 8, 0, 0), 3)
check('send: payload length wraps', sys_send(iface, buf, 0xffffffff, 0, 0), 3)
check('send: id out past the end', sys_send(iface, buf, 0, 1, end - 4), 3)
check('send: nobody handles it', sys_send(unknown, buf, 0, 0, 0), 2)
check('answer: payload past the end', sys_answer(1, 0, end - 1, 2), 3)
check('answer: unknown id', sys_answer(123456, 0, buf, 0), 6)
check('answer: id 0', sys_answer(0, 0, buf, 0), 6)
check('wait: out past the end', sys_wait(0, 0, end - 8, 16, 0), -3)
check('wait: ids past the end', sys_wait(end - 8, 2, buf, 64, 0), -3)
check('wait: nothing queued', sys_wait(0, 0, buf, 64, 0), 0)
if (failures > 0) exit(1)
