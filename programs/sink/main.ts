// sink: handles `pingpong` and never reads a message, as a stuck handler would.
import { error, handle, sys_wait, WAIT_BLOCK } from '../sdk/as/wasmos'
import * as pingpong from '../sdk/as/gen/pingpong'

if (handle(pingpong.DIGEST) != 0) error('cannot handle pingpong')
// Wait for the answer to a message that does not exist: forever, without reading anything.
const ids = memory.data(8)
const out = memory.data(64)
while (true) sys_wait(ids, 1, out, 64, WAIT_BLOCK)
