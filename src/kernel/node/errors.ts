// Typed errors of the Node host. Every failure a user can cause is one of these: the CLI prints
// its message on one line and exits non-zero; `code` tells programs and tests what happened.

export class WasmosError extends Error {
  readonly code: string
  /** The exit status the CLI uses for it. */
  readonly exitCode: number

  constructor (code: string, message: string, exitCode = 1) {
    super(message)
    this.name = 'WasmosError'
    this.code = code
    this.exitCode = exitCode
  }
}

export const notWasm = (what: string): WasmosError =>
  new WasmosError('ERR_NOT_WASM', `${what} is not a WebAssembly module`)

export const badModule = (what: string, why: string): WasmosError =>
  new WasmosError('ERR_BAD_MODULE', `${what}: ${why}`)

export const trapped = (what: string, why: string): WasmosError =>
  new WasmosError('ERR_TRAP', `${what} trapped: ${why}`)

export const timedOut = (seconds: number): WasmosError =>
  new WasmosError('ERR_TIMEOUT', `timed out after ${seconds} s`, 124)

export const deadlocked = (what: string): WasmosError =>
  new WasmosError('ERR_DEADLOCK', `${what} waits for a notification that can never come (nothing else is running)`)

/** A process ended by the kernel (a limit): thrown from inside it, it ends it with `status`. */
export class ProcessKilled extends WasmosError {
  readonly status: number

  constructor (status: number, message: string) {
    super('ERR_KILLED', message, status)
    this.status = status
  }
}
