// The `registry` interface, handled natively: a program becomes (or stops being) the handler of
// an interface. Registering needs the grant to handle it; the kernel core checks that.
import { ALREADY_HANDLED, DENIED, OK } from '../../kernel/core/index.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import { registry } from '../gen/registry.ts'

const hex = (b: Uint8Array): string => Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex')

export function registryHandler (host: HostServices): NativeHandler {
  const BAD_DIGEST = registry.error('bad_digest')
  const NOT_HANDLER = registry.error('not_handler')
  const outcome = (status: number): Record<string, never> => {
    if (status === OK) return {}
    if (status === DENIED || status === ALREADY_HANDLED) throw new InterfaceError(status)
    throw new InterfaceError(status)
  }
  return native(host, registry, {
    register (req, call) {
      if (req.digest.length !== 32) throw new InterfaceError(BAD_DIGEST)
      const digest = new Uint8Array(req.digest)
      const status = host.register(call.pid, hex(digest), digest, call.id)
      return typeof status === 'number' ? outcome(status) : status.then(outcome)
    },
    unregister (req, call) {
      if (req.digest.length !== 32) throw new InterfaceError(BAD_DIGEST)
      if (host.unregister(call.pid, hex(req.digest)) !== OK) throw new InterfaceError(NOT_HANDLER)
      return {}
    }
  })
}
