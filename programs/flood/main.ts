// flood [n]: sends up to n one-way messages (default 1000000) to whoever handles `pingpong`
// without waiting, and prints how many the kernel took before it said "queue full" (5).
import { print } from '../sdk/as/wasmos'
import * as pingpong from '../sdk/as/gen/pingpong'
import { args } from '../sdk/as/wasmos'

const argv = args()
const n: u64 = argv.length > 1 ? U64.parseInt(argv[1]) : 1000000
let sent: u64 = 0
let status = 0
while (sent < n) {
  status = pingpong.drop(sent)
  if (status != 0) break
  sent++
}
print('sent ' + sent.toString() + ', then status ' + status.toString() + '\n')
