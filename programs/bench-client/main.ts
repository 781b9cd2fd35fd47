// bench-client: measures the kernel from inside a program, against pingpong-server.
//   bench-client rtt <batches> <size>    prints the mean round trip of each batch, in ns
//   bench-client oneway <count> <window> prints the ns taken to send <count> one-way messages,
//                                        with a ping after each <window> as flow control
import { args, print } from '../sdk/as/wasmos'
import * as pingpong from '../sdk/as/gen/pingpong'
import * as time from '../sdk/as/gen/time'

const argv = args()
const mode = argv.length > 1 ? argv[1] : 'rtt'
const a = argv.length > 2 ? I32.parseInt(argv[2]) : 100
const b = argv.length > 3 ? I32.parseInt(argv[3]) : 1000

if (mode == 'rtt') {
  const out = new Array<string>()
  let k: u64 = 0
  for (let i = 0; i < a; i++) {
    const t0 = time.monotonic().ms
    for (let j = 0; j < b; j++) pingpong.ping(k++)
    const t1 = time.monotonic().ms
    out.push((<i64>((t1 - t0) * 1e6 / <f64>b)).toString())
  }
  print(out.join(' ') + '\n')
} else {
  const t0 = time.monotonic().ms
  for (let i = 0; i < a; i++) {
    pingpong.drop(<u64>i)
    if ((i + 1) % b == 0) pingpong.ping(<u64>i)
  }
  pingpong.ping(0)
  const t1 = time.monotonic().ms
  print((<i64>((t1 - t0) * 1e6)).toString() + '\n')
}
