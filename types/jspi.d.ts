// JSPI (JavaScript Promise Integration), shipped in Node 24 but not yet in TypeScript's lib.
declare namespace WebAssembly {
  class Suspending {
    constructor (fn: (...args: never[]) => unknown)
  }
  function promising<F extends (...args: never[]) => unknown> (fn: F): (...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>
}
