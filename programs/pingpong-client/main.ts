// pingpong-client [N]: pings the `pingpong` interface N times (default 1000) with 1..N and prints
// the total of the answers, which must be N(N+1)/2.
import { args, error, exit, print } from '../sdk/as/wasmos'
import * as pingpong from '../sdk/as/gen/pingpong'

const argv = args()
let n: u64 = 1000
if (argv.length > 1) n = U64.parseInt(argv[1])
let total: u64 = 0
for (let i: u64 = 1; i <= n; i++) {
  const a = pingpong.ping(i)
  if (a.status != 0) {
    error('ping ' + i.toString() + ' failed: status ' + a.status.toString())
    exit(1)
  }
  total += a.n
}
print('total: ' + total.toString() + '\n')
