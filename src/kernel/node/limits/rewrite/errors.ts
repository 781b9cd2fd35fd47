// The fuel rewrite's one error type, with a code for each way a module can be refused.
export type FuelRewriteErrorCode =
  | 'invalid-module' // not a WebAssembly module, or one this decoder cannot read
  | 'unsupported' // uses a feature the rewrite does not handle
  | 'memory-too-large' // a memory's minimum size is above the cap
  | 'reserved-import' // imports from the module the rewrite reserves, or is already rewritten
  | 'bad-options'

export class FuelRewriteError extends Error {
  readonly code: FuelRewriteErrorCode

  constructor (code: FuelRewriteErrorCode, message: string) {
    super(message)
    this.name = 'FuelRewriteError'
    this.code = code
  }
}

export function bad (what: string): FuelRewriteError {
  return new FuelRewriteError('invalid-module', `cannot decode the module: ${what}`)
}

export function unsupported (what: string): FuelRewriteError {
  return new FuelRewriteError('unsupported', `the fuel rewrite does not support ${what}`)
}
