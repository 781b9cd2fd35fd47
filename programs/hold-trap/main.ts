// hold-trap: takes hold of resources, then traps, for the tests of cleanup: it listens on a free
// port, connects to 127.0.0.1:PORT, opens FILE for writing, says so, and traps once a line comes
// on its standard input. Usage: hold-trap PORT FILE
import { args, error, print } from '../sdk/as/wasmos'
import * as tcp from '../sdk/as/gen/tcp'
import * as fs from '../sdk/as/gen/fs'
import * as stdio from '../sdk/as/gen/stdio'

const a = args()
const l = tcp.listen('127.0.0.1', 0, 8)
const c = tcp.connect('127.0.0.1', <u16>I32.parseInt(a[1]))
const f = fs.open(a[2], 2 | 4)
if (l.status != 0 || c.status != 0 || f.status != 0) {
  error('could not take hold: ' + l.status.toString() + ' ' + c.status.toString() + ' ' + f.status.toString())
} else {
  print('holding ' + l.port.toString() + '\n')
  stdio.read(16)
  unreachable()
}
