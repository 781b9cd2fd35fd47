// udp-echo: sends every datagram it receives back to its sender, upper-cased when it is ASCII
// text, COUNT times (default: forever). Usage: udp-echo [--port N] [--count COUNT]. Prints
// "listening on 127.0.0.1:PORT" once bound.
import { args, error, exit, print } from '../sdk/as/wasmos'
import * as udp from '../sdk/as/gen/udp'

const a = args()
let port: u16 = 0
let count: i32 = -1
for (let i = 1; i + 1 < a.length; i += 2) {
  if (a[i] == '--port') port = <u16>I32.parseInt(a[i + 1])
  else if (a[i] == '--count') count = I32.parseInt(a[i + 1])
}
const b = udp.bind('127.0.0.1', port)
if (b.status != 0) {
  error('cannot bind: status ' + b.status.toString())
  exit(1)
} else {
  print('listening on 127.0.0.1:' + b.port.toString() + '\n')
  while (count != 0) {
    const d = udp.receive(b.handle)
    if (d.status != 0) { error('receive failed: status ' + d.status.toString()); exit(1) }
    const data = d.data
    for (let i = 0; i < data.length; i++) if (data[i] >= 97 && data[i] <= 122) data[i] -= 32
    const s = udp.send(b.handle, d.address, d.port, data)
    if (s != 0) { error('send failed: status ' + s.toString()); exit(1) }
    if (count > 0) count--
  }
  udp.close(b.handle)
}
