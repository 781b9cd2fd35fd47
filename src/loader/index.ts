// The program store and loader: programs named by CID, kept under WASMOS_HOME, fetched from
// explicitly given peers over libp2p/bitswap when not local.
//
// API
//   openStore({ home?, peers?, fetchTimeoutMs?, signal?, onProgress? }) → Promise<Store>
//     home: WASMOS_HOME (default $WASMOS_HOME, else ~/.wasmos). peers: multiaddrs, added to
//     `peers` of WASMOS_HOME/config.json. fetchTimeoutMs: how long to wait for a block no peer
//     supplies (default 30 s). onProgress({ cid, blocks, bytes, totalBytes }) after each block
//     received from a peer. Opening is free: no file is read and no node started until needed.
//   store.resolve(cidOrPrefix) → Promise<Cid>
//     A full CID (v0 `Qm…`, v1 `b…`), or a unique prefix of a locally stored program's CID.
//     Throws LoaderError 'ERR_BAD_CID' | 'ERR_UNKNOWN_PREFIX' | 'ERR_AMBIGUOUS_PREFIX'.
//   store.load(cid | string, { signal?, pin? }) → Promise<Uint8Array>
//     The file's bytes. Every block is re-hashed and compared with its CID, and every node's
//     declared sizes are checked against its children; a local block is read from disk, a
//     missing one is fetched from the peers (the Helia node starts only then). A fetched DAG
//     is written to the store only once complete (children before parents, root last), so an
//     interrupted fetch leaves nothing behind. Errors: 'ERR_NOT_FOUND' (not local, no peers),
//     'ERR_FETCH_TIMEOUT', 'ERR_HASH_MISMATCH', 'ERR_BAD_BLOCK', 'ERR_BAD_PEER', 'ERR_ABORTED'.
//   store.close() → Promise<void>   stops the Helia node if one was started.
//   Also: publish(bytes, { cidVersion?, rawLeaves?, interfaces? }) → Cid (pinned), fetch(cid),
//   list(), pin(cid), unpin(cid), remove(cid, { force? }), gc(), exportCar(cid, path),
//   importCar(path), has(cid), announce(cid) (public network only). serve({ home, listen,
//   gateway, network }) (serve.ts) runs a serving node, with gateway: a trustless HTTP gateway.
//   openStore also takes gateways (trustless gateway URLs, added to `gateways` of config.json)
//   and network ('explicit' | 'public', else `network` of config.json; node-config.ts says what
//   each mode contacts). pinRemote({ service, token, cid, … }) (remote-pin.ts) speaks the IPFS
//   Pinning Service API; startGateway({ local, listen }) (gateway.ts) is the gateway alone.
//
//   cidOfBytes(bytes, { cidVersion = 1, rawLeaves = cidVersion === 1 }) → Promise<Cid>
//     The CID `ipfs add` gives for the bytes (256 KiB chunks, balanced, 174 links per node),
//     without a store. A program acting as loader is checked with it: its bytes must give the
//     CID asked for with the canonical settings (a DAG built with other chunking would not).
//   bytesMatchCid(cid, bytes) → Promise<boolean>   the same check for any CID: v0 (dag-pb leaves),
//     v1 raw, v1 with raw or dag-pb leaves.
//   Cid: parse(text), tryParse(text), decode(bytes), ofBytes(bytes) (raw CIDv1), toString(),
//     equals(other), matches(bytes) (the block's hash), version, codec, multihash, bytes.
//   LoaderError: an Error with a `code` (see errors.ts) and a one-line message.
//
// For `wasmos exec` (kept out of this index: they depend on the kernel): `StoreSource`
// (source.ts) is the kernel's ProgramSource over a store (names are CIDs or unique prefixes);
// `loaderHandler(store)` (handler.ts) builds the native handler of the `loader` interface.
// src/cli/commands/store.ts exports `addFetchOptions(cmd)`, `storeOptionsFromFlags(flags,
// signal)` (--peer, --fetch-timeout, progress on stderr) and `interruptSignal()` (Ctrl-C).
import { Store, type StoreOptions } from './store.ts'

export { Cid } from './cid.ts'
export { LoaderError, type LoaderErrorCode } from './errors.ts'
export { bytesMatchCid, cidOfBytes, type CidOptions } from './importer.ts'
export type { ProgramEntry } from './local.ts'
export { DEFAULT_FETCH_TIMEOUT_MS, Store, type FetchProgress, type GcResult, type LoadOptions, type PublishOptions, type StoreOptions } from './store.ts'

export async function openStore (options: StoreOptions = {}): Promise<Store> {
  return new Store(options)
}
