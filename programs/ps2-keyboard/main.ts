// ps2-keyboard: a PS/2 keyboard driver. It claims IRQ 1 through the `interrupts` interface and,
// at each firing, reads the controller's output buffer through the `io` interface (ports 0x60 and
// 0x64, which must be granted), turns make codes of scan code set 1 (what the controller's
// translation gives) into text, prints it, and acknowledges the interrupt so the kernel unmasks
// the line again.
import { error, exit, print } from '../sdk/as/wasmos'
import * as interrupts from '../sdk/as/gen/interrupts'
import * as io from '../sdk/as/gen/io'

const IRQ: u8 = 1
const DATA: u16 = 0x60
const STATUS: u16 = 0x64

// Scan code set 1, make codes 0x00-0x39, unshifted and shifted (0 = no character).
const PLAIN = "\0\x1b1234567890-=\b\tqwertyuiop[]\n\0asdfghjkl;'`\0\\zxcvbnm,./\0*\0 "
const SHIFTED = '\0\x1b!@#$%^&*()_+\b\tQWERTYUIOP{}\n\0ASDFGHJKL:"~\0|ZXCVBNM<>?\0*\0 '

let shift = false

function key (code: u32): string {
  const release = (code & 0x80) != 0
  const make = code & 0x7f
  if (make == 0x2a || make == 0x36) { shift = !release; return '' }
  if (release || make >= <u32>PLAIN.length) return ''
  const c = (shift ? SHIFTED : PLAIN).charAt(<i32>make)
  return c == '\0' ? '' : c
}

const status = interrupts.listen(IRQ)
if (status != 0) {
  error('cannot listen to IRQ 1: status ' + status.toString())
  exit(1)
}
print('ps2-keyboard: listening on IRQ 1\n')
for (;;) {
  const n = interrupts.next(IRQ)
  if (n.status != 0) {
    error('interrupts.next failed: status ' + n.status.toString())
    exit(1)
  }
  let text = ''
  for (;;) {
    const s = io.portIn(STATUS, 1)
    if (s.status != 0) { error('io.port_in 0x64 failed: status ' + s.status.toString()); exit(1) }
    if ((s.value & 1) == 0) break
    const d = io.portIn(DATA, 1)
    if (d.status != 0) { error('io.port_in 0x60 failed: status ' + d.status.toString()); exit(1) }
    text += key(d.value)
  }
  if (text.length > 0) print(text)
  interrupts.ack(IRQ)
}
