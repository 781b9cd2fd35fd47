// serial-echo: an interrupt-driven input driver. It claims the serial port's receive line
// (IRQ 4) through the `interrupts` interface, takes one answer per firing with the bytes the
// UART received, echoes them on standard output, and acknowledges the interrupt.
import { error, exit, print } from '../sdk/as/wasmos'
import * as interrupts from '../sdk/as/gen/interrupts'
import * as stdio from '../sdk/as/gen/stdio'

const IRQ: u8 = 4
const status = interrupts.listen(IRQ)
if (status != 0) {
  error('cannot listen to IRQ 4: status ' + status.toString())
  exit(1)
}
print('serial-echo: listening on IRQ 4\n')
for (;;) {
  const n = interrupts.next(IRQ)
  if (n.status != 0) {
    error('interrupts.next failed: status ' + n.status.toString())
    exit(1)
  }
  if (n.data.length > 0) {
    // Carriage returns from a terminal become newlines.
    const out = new Uint8Array(n.data.length)
    for (let i = 0; i < n.data.length; i++) out[i] = n.data[i] == 13 ? 10 : n.data[i]
    stdio.write(1, out)
  }
  interrupts.ack(IRQ)
}
