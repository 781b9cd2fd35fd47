// spin: loops forever without a syscall, as a runaway program would. With preemption the others
// keep running; with --cpu-limit it is ended.
import { info } from '../sdk/as/wasmos'

info('spinning')
let x: u64 = 0
while (true) {
  x = x * 6364136223846793005 + 1442695040888963407
}
