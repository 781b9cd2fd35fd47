// spawner <program> <n> [<then> [args…]]: starts n children of <program> through the `process`
// interface as fast as it allows: one spawn first (so the module and the host's paths are warm),
// then the rest with up to DEPTH requests in flight, each answer letting the next request go. It
// prints "spawning" before the pipelined requests and "spawned <ok> <failed>" after the last
// answer (bench/scale.ts times between the two), then runs <then> as its child, waits for it and
// exits with its status; without <then> it waits forever, its children alive.
import { args, exit, KIND_ANSWER, next, print, sendRequest, sys_wait, WAIT_BLOCK, writer } from '../sdk/as/wasmos'
import * as processIface from '../sdk/as/gen/process'

/** Spawn requests in flight at once: enough that the host always has the next one at hand. */
const DEPTH = 64

const argv = args()
if (argv.length < 3) {
  print('usage: spawner <program> <n> [<then> [args…]]\n')
  exit(2)
}
const program = argv[1]
const n = I32.parseInt(argv[2])
if (n < 0) {
  print('spawner: <n> must be a whole number\n')
  exit(2)
}
const none = new Array<string>()

/** Sends one spawn request of `program` with no arguments; false if the send failed. */
function request (): bool {
  const w = writer()
  w.arrayHeader(3)
  w.u32(processIface.MSG_SPAWN)
  w.str(program)
  w.arrayHeader(0)
  return sendRequest(processIface.DIGEST, w) != 0
}

let ok = 0
let failed = 0
if (n > 0) {
  const first = processIface.spawn(program, none)
  if (first.status != 0) {
    print('spawn failed: ' + first.status.toString() + '\n')
    exit(1)
  }
  ok = 1
}
print('spawning\n')
let sent = ok
let inFlight = 0
while (sent < n && inFlight < DEPTH) {
  if (!request()) { failed++; sent++; continue }
  sent++
  inFlight++
}
while (inFlight > 0) {
  const note = next()
  if (note.kind != KIND_ANSWER) continue
  inFlight--
  if (note.code == 0) ok++
  else failed++
  while (sent < n && inFlight < DEPTH) {
    sent++
    if (request()) { inFlight++; break }
    failed++
  }
}
print('spawned ' + ok.toString() + ' ' + failed.toString() + '\n')

if (argv.length > 3) {
  const child = processIface.spawn(argv[3], argv.slice(4))
  if (child.status != 0) {
    print('spawn failed: ' + child.status.toString() + '\n')
    exit(1)
  }
  exit(processIface.wait(child.pid).exit_status)
}
const ids = memory.data(8)
const out = memory.data(16)
while (true) sys_wait(ids, 1, out, 16, WAIT_BLOCK)
