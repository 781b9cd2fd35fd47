// trap: logs, then traps (out-of-bounds memory access), to test that a trap ends only this
// program and is reported with the program's name.
import { info } from '../sdk/as/wasmos'

info('about to trap')
store<u32>(0xfffffff0, 1)
