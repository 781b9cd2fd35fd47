// Programs by CID for `wasmos exec` (the kernel's ProgramSource): a name is a CID or a unique
// prefix of a stored one; the bytes come from the store, verified against the CID, so the
// program is compiled under the CID it was asked by.
import { loadProgram } from '../kernel/node/program.ts'
import type { LoadOptions, Program } from '../kernel/node/program.ts'
import type { ProgramSource } from '../kernel/node/program.ts'
import type { Store } from './store.ts'

export class StoreSource implements ProgramSource {
  readonly #store: Store
  readonly #byName = new Map<string, Promise<Program>>()

  constructor (store: Store) {
    this.#store = store
  }

  load (name: string, opts: LoadOptions = {}): Promise<Program | null> {
    let program = this.#byName.get(name)
    if (!program) {
      program = (async () => {
        const cid = await this.#store.resolve(name)
        const bytes = await this.#store.load(cid)
        // The run's load options (the fuel rewrite, its cache, the bounds) apply as for files.
        return loadProgram(bytes, cid.toString(), { ...opts, cid: cid.toString() })
      })()
      this.#byName.set(name, program)
      program.catch(() => this.#byName.delete(name))
    }
    return program
  }
}
