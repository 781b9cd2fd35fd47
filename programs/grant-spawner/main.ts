// grant-spawner <program> [args…]: starts <program> as its child, waits for it and prints
// "child exited <status>". It uses no interface itself: the tests use it to check that a child
// holds at most its parent's grants (test/grants).
import { args, exit, print } from '../sdk/as/wasmos'
import * as processIface from '../sdk/as/gen/process'

const argv = args()
if (argv.length < 2) {
  print('usage: grant-spawner <program> [args…]\n')
  exit(2)
}
const child = processIface.spawn(argv[1], argv.slice(2))
if (child.status != 0) {
  print('spawn failed: ' + child.status.toString() + '\n')
  exit(1)
}
const w = processIface.wait(child.pid)
print('child exited ' + w.exit_status.toString() + '\n')
