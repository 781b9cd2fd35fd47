// The `loader` interface handled natively by the store: `load(cid)` answers the file's bytes,
// verified against the CID (from the local store, else from the peers). A malformed CID is
// `bad_cid`; anything that leaves us without verified bytes (not stored and no peer has it in
// time, a peer sending wrong bytes) is `not_found`. The store is closed with the run.
import type { HostServices } from '../kernel/node/native.ts'
import { InterfaceError, native } from '../interfaces/native/handler.ts'
import type { NativeHandler } from '../kernel/node/native.ts'
import type { Iface } from '../interfaces/codec.ts'
import { loader } from '../interfaces/gen/loader.ts'
import type { LoaderRequest } from '../interfaces/gen/loader.ts'
import { Cid } from './cid.ts'
import { LoaderError } from './errors.ts'
import type { Store } from './store.ts'

export function loaderHandler (store: Store): (host: HostServices) => NativeHandler {
  return (host) => {
    const BAD_CID = loader.error('bad_cid')
    const NOT_FOUND = loader.error('not_found')
    // The generated LoaderAnswers is an interface, which TypeScript does not treat as a
    // Record<string, object>; the shape is the same.
    const iface = loader as unknown as Iface<LoaderRequest, { load: { bytes: Uint8Array } }>
    return native(
      host,
      iface,
      {
        async load (req) {
          const cid = Cid.tryParse(req.cid)
          if (!cid) throw new InterfaceError(BAD_CID, `not a CID: ${req.cid}`)
          try {
            return { bytes: await store.load(cid) }
          } catch (err) {
            if (err instanceof LoaderError) throw new InterfaceError(err.code === 'ERR_BAD_CID' ? BAD_CID : NOT_FOUND, err.message)
            throw err
          }
        },
      },
      { close: () => store.close() }
    )
  }
}
