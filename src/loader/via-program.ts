// Programs loaded through a wasm program that handles the `loader` interface
// (`wasmos exec --handler loader=<cid>`): the kernel sends it load(cid) and checks what comes back
// against the CID before anything runs — whoever loads the bytes, they must be the CID's.
import type { NodeHost } from '../kernel/node/host.ts'
import { WasmosError } from '../kernel/node/errors.ts'
import { loadProgram } from '../kernel/node/program.ts'
import type { LoadOptions, Program } from '../kernel/node/program.ts'
import type { ProgramSource } from '../kernel/node/program.ts'
import { PayloadError } from '../interfaces/codec.ts'
import { loader } from '../interfaces/gen/loader.ts'
import { Cid } from './cid.ts'
import { bytesMatchCid } from './importer.ts'

export class LoaderProgramSource implements ProgramSource {
  readonly #host: NodeHost
  readonly #timeoutMs: number

  constructor (host: NodeHost, timeoutMs: number) {
    this.#host = host
    this.#timeoutMs = timeoutMs
  }

  async load (name: string, opts: LoadOptions = {}): Promise<Program | null> {
    const cid = Cid.tryParse(name)
    if (cid === undefined) throw new WasmosError('ERR_BAD_CID', `${name}: not a CID (a loader program loads by full CID)`)
    const text = cid.toString()
    const handler = this.#host.procs.get(this.#host.kernel.handlerOf(loader.key))?.program.name ?? 'the loader program'
    const reply = await this.#host.call(loader.key, loader.digest, loader.encode({ name: 'load', cid: text }),
      AbortSignal.timeout(this.#timeoutMs)).catch((err: unknown) => {
      throw new WasmosError('ERR_FETCH_TIMEOUT', `${handler} did not load ${text} within ${this.#timeoutMs / 1000} s${err instanceof Error && err.name !== 'TimeoutError' ? ` (${err.message})` : ''}`)
    })
    if (reply.status !== 0) throw new WasmosError('ERR_NOT_FOUND', `${handler} could not load ${text}: status ${reply.status}`)
    let bytes: Uint8Array
    try {
      bytes = loader.decodeAnswer('load', reply.payload).bytes
    } catch (err) {
      if (err instanceof PayloadError) throw new WasmosError('ERR_BAD_LOADER', `${handler} answered load(${text}) with a malformed payload`)
      throw err
    }
    if (!(await bytesMatchCid(cid, bytes))) {
      throw new WasmosError('ERR_HASH_MISMATCH', `${handler} returned bytes that do not match ${text}: refused`)
    }
    return await loadProgram(bytes, text, { ...opts, cid: text })
  }
}
