// Shared by the tests of src/remote/: a serving peer (a libp2p node on 127.0.0.1 with its own
// home, a host whose handlers it exports) and callers of it (a dial-only node, a host whose
// interface is forwarded to the serving peer), each torn down by the test that made it.
import type { Libp2p } from 'libp2p'
import type { Logger } from '../../src/kernel/node/logger.ts'
import { NodeHost } from '../../src/kernel/node/host.ts'
import { createLogger } from '../../src/kernel/node/logger.ts'
import type { NativeHandler } from '../../src/kernel/node/native.ts'
import { RemotePeer, remoteHandler } from '../../src/remote/client.ts'
import type { RemotePeerOptions } from '../../src/remote/client.ts'
import { startDialNode } from '../../src/remote/node.ts'
import { CallerPolicy, exportInterfaces } from '../../src/remote/server.ts'
import type { ExportOptions, Exported, PeerGrants } from '../../src/remote/server.ts'
import { scratchHome, type TempHome } from '../helpers.ts'

/** An interface key and its digest, for handlers made in tests. */
export const KEY = 'ab'.repeat(32)
export const DIGEST = Uint8Array.from(Buffer.from(KEY, 'hex'))
/** Grants everything: the local policy of a serving host, and the peer grants of tests that do not test them. */
export const allowAll = { decide: () => true, known: () => true }

export interface ServingPeerOptions {
  /** Names its temporary home. */
  label: string
  /** The serving host's handlers, given the host they answer through. */
  handlers: (host: NodeHost) => NativeHandler[]
  /** Who may call (default: everyone). */
  grants?: PeerGrants
  /** The exported interfaces, key → name (default: each handler's). */
  exports?: Map<string, string>
  maxMessageSize?: number
  maxPeerOutstanding?: number
  /** Serve direct links too (default true). */
  direct?: boolean
}

export interface ServingPeer {
  node: Libp2p
  host: NodeHost
  exported: Exported
  /** The node's first multiaddr, /p2p/<peer id> included. */
  addr: string
  close (): Promise<void>
}

/** A serving peer on 127.0.0.1: its node, its host and the interfaces it exports. */
export async function servingPeer (opts: ServingPeerOptions): Promise<ServingPeer> {
  const home = scratchHome(opts.label)
  const node = await startDialNode({ home: home.path, listen: ['/ip4/127.0.0.1/tcp/0'] })
  const policy = new CallerPolicy(allowAll)
  const host = new NodeHost({ logger: createLogger({ level: 'silent' }), grants: policy, ...(opts.maxMessageSize !== undefined ? { maxMessageSize: opts.maxMessageSize } : {}) })
  const handlers = opts.handlers(host)
  for (const h of handlers) host.addNative(h)
  const exportOpts: ExportOptions = {
    host,
    libp2p: node,
    exports: opts.exports ?? new Map(handlers.map((h) => [h.key, h.name])),
    grants: opts.grants ?? allowAll,
    ...(opts.maxPeerOutstanding !== undefined ? { maxPeerOutstanding: opts.maxPeerOutstanding } : {}),
    ...(opts.direct !== undefined ? { direct: opts.direct } : {})
  }
  const exported = await exportInterfaces(exportOpts, policy)
  return {
    node,
    host,
    exported,
    addr: node.getMultiaddrs()[0].toString(),
    async close () {
      await exported.stop()
      await host.close()
      await node.stop()
      await home.dispose()
    }
  }
}

/** A dial-only node with a home of its own, as a run has. */
export async function callerNode (label: string): Promise<{ node: Libp2p, home: TempHome, close: () => Promise<void> }> {
  const home = scratchHome(label)
  const node = await startDialNode({ home: home.path })
  return { node, home, async close () { await node.stop(); await home.dispose() } }
}

export interface CallerOptions extends Partial<Omit<RemotePeerOptions, 'addr' | 'node' | 'host'>> {
  /** The interfaces forwarded to the peer, key → name (default: KEY as 'test'). */
  interfaces?: Map<string, string>
  logger?: Logger
}

/** A host whose interfaces are handled by the peer at `addr`, reached from `node`. */
export function caller (node: Libp2p, addr: string, opts: CallerOptions = {}): { host: NodeHost, peer: RemotePeer } {
  const { interfaces, logger, ...peerOpts } = opts
  const host = new NodeHost({ logger: logger ?? createLogger({ level: 'silent' }), grants: allowAll })
  const peer = new RemotePeer({ maxMessageSize: 1 << 20, ...peerOpts, addr, node: async () => node, host })
  for (const [key, name] of interfaces ?? new Map([[KEY, 'test']])) host.addNative(remoteHandler({ key, name }, peer))
  return { host, peer }
}
