// The `random` interface, handled natively from the host's cryptographic generator.
import type { NodeHost } from '../kernel/host.ts'
import { InterfaceError, native } from '../kernel/native.ts'
import type { NativeHandler } from '../kernel/native.ts'
import { random } from './gen/random.ts'

export function randomHandler (host: NodeHost): NativeHandler {
  const TOO_MANY = random.error('too_many')
  return native(host, random, {
    bytes (req) {
      if (req.len > 65536) throw new InterfaceError(TOO_MANY)
      return { data: crypto.getRandomValues(new Uint8Array(req.len)) }
    }
  })
}
