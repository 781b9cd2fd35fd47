// std-check: exercises the standard native interfaces and prints what it saw, one line each:
// the clocks and a 50 ms sleep (time), 16 random bytes (random), its arguments (process), and
// standard input copied to standard output until its end (stdio).
import { args, print } from '../sdk/as/wasmos'
import * as time from '../sdk/as/gen/time'
import * as random from '../sdk/as/gen/random'
import * as stdio from '../sdk/as/gen/stdio'

const now = time.now()
print('now ' + (now.status == 0 && now.ms > 1.7e12 ? 'ok' : 'bad') + '\n')
const t0 = time.monotonic().ms
const slept = time.sleep(50)
const t1 = time.monotonic().ms
print('sleep ' + slept.toString() + ' ' + (t1 - t0 >= 49 ? 'ok' : 'short: ' + (t1 - t0).toString()) + '\n')
const r = random.bytes(16)
let zeros = 0
for (let i = 0; i < r.data.length; i++) if (r.data[i] == 0) zeros++
print('random ' + r.status.toString() + ' ' + r.data.length.toString() + ' bytes ' + (zeros < 8 ? 'ok' : 'suspicious') + '\n')
print('too many ' + random.bytes(65537).status.toString() + '\n')
print('args ' + args().join('|') + '\n')
let total = 0
for (;;) {
  const chunk = stdio.read(7)
  if (chunk.status != 0 || chunk.data.length == 0) break
  total += chunk.data.length
  stdio.write(1, chunk.data)
}
print('\nstdin ' + total.toString() + ' bytes\n')
