// idle: registers nothing, sends nothing and waits forever: the smallest process there is, for
// measuring what each process costs the host (bench/scale.ts).
import { sys_wait, WAIT_BLOCK } from '../sdk/as/wasmos'

// Wait for the answer to a message that does not exist: forever, without reading anything.
const ids = memory.data(8)
const out = memory.data(16)
while (true) sys_wait(ids, 1, out, 16, WAIT_BLOCK)
