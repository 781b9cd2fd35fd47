// The wasmos SDK for AssemblyScript, what programs import: the ABI (./abi) and conveniences over
// the standard interfaces (print, args, exit, handle, log levels).
export * from './abi'
import { sys_wait, WAIT_BLOCK } from './abi'

import * as log from './gen/log'
import * as processIface from './gen/process'
import * as registry from './gen/registry'
import * as stdio from './gen/stdio'

/** Writes text to standard output. */
export function print (text: string): void {
  stdio.write(1, Uint8Array.wrap(String.UTF8.encode(text)))
}

/** Writes text to standard error. */
export function eprint (text: string): void {
  stdio.write(2, Uint8Array.wrap(String.UTF8.encode(text)))
}

export function info (text: string): void {
  log.write(2, text)
}

export function warn (text: string): void {
  log.write(3, text)
}

export function error (text: string): void {
  log.write(4, text)
}

/** The program's arguments; the first is its name. */
export function args (): Array<string> {
  return processIface.args().args
}

/** Ends the process with `status`; does not return. */
export function exit (status: i32): void {
  processIface.exit(status)
  // The kernel ends the process on that message; until it does, wait for nothing.
  const ids = memory.data(8)
  const out = memory.data(64)
  for (;;) sys_wait(ids, 1, out, 64, WAIT_BLOCK)
}

/** Becomes the handler of an interface; returns 0 or the failure status. */
export function handle (iface: StaticArray<u8>): i32 {
  const d = new Uint8Array(32)
  memory.copy(d.dataStart, changetype<usize>(iface), 32)
  return registry.register(d)
}

/** Replaces asc's `env.abort`: logs where the program failed, then traps. Build with `--use abort=…`. */
export function abort (message: string | null, fileName: string | null, line: u32, column: u32): void {
  let m = 'abort'
  if (message !== null) m = message
  let f = '?'
  if (fileName !== null) f = fileName
  log.write(5, m + ' at ' + f + ':' + line.toString() + ':' + column.toString())
  unreachable()
}
