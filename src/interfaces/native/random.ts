// The `random` interface, handled natively from the host's cryptographic generator.
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { random } from '../gen/random.ts'

export function randomHandler (host: HostServices): NativeHandler {
  const TOO_MANY = random.error('too_many')
  return native(host, random, {
    bytes (req) {
      if (req.len > 65536) throw new InterfaceError(TOO_MANY)
      return { data: crypto.getRandomValues(new Uint8Array(req.len)) }
    }
  })
}
