// The options of a command that may fetch programs (`wasmos exec`, `wasmos fetch`): --peer,
// --gateway, --network, --fetch-timeout; the store options made from them, the fetch progress on
// standard error and Ctrl-C ending a fetch. Apart from the store commands (store.ts), so that
// `wasmos exec` does not load those.
import type { Command } from 'commander'
import { LoaderError, type FetchProgress, type StoreOptions } from '../../loader/index.ts'

/** Parses `500ms`, `30s`, `2m` or a bare number of seconds into milliseconds. */
export function parseDuration (text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(text.trim())
  if (!m) throw new LoaderError('ERR_BAD_CONFIG', `not a duration: ${JSON.stringify(text)} (use e.g. 500ms, 30s, 2m)`)
  const n = Number(m[1])
  return Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000)
}

const collect = (value: string, previous: string[] = []): string[] => [...previous, value]

/** Adds --peer and --gateway (repeatable), --network and --fetch-timeout to a command that may fetch programs. */
export function addFetchOptions (cmd: Command): Command {
  return cmd
    .option('--peer <multiaddr>', 'a peer to fetch from (repeatable; adds to "peers" of WASMOS_HOME/config.json)', collect)
    .option('--gateway <url>', 'a trustless HTTP gateway to fetch from (repeatable; adds to "gateways" of WASMOS_HOME/config.json)', collect)
    .option('--network <mode>', 'explicit (default: only the peers and gateways given) or public (the IPFS network: bootstrap, DHT, delegated routing, public gateways)')
    .option('--fetch-timeout <duration>', 'give up on a block no peer or gateway supplies within this time', '30s')
}

export interface FetchFlags {
  peer?: string[]
  gateway?: string[]
  network?: string
  fetchTimeout?: string
}

/** Store options from the fetch flags, with progress on stderr and Ctrl-C aborting the fetch. */
export function storeOptionsFromFlags (flags: FetchFlags, signal?: AbortSignal): StoreOptions {
  if (flags.network !== undefined && flags.network !== 'explicit' && flags.network !== 'public') {
    throw new LoaderError('ERR_BAD_CONFIG', `--network must be explicit or public, not ${JSON.stringify(flags.network)}`)
  }
  return {
    peers: flags.peer ?? [],
    gateways: flags.gateway ?? [],
    ...(flags.network !== undefined ? { network: flags.network as 'explicit' | 'public' } : {}),
    fetchTimeoutMs: parseDuration(flags.fetchTimeout ?? '30s'),
    onProgress: progressReporter(),
    ...(signal ? { signal } : {})
  }
}

/** A byte count for people: B, KiB or MiB. */
export function formatBytes (n: number): string {
  if (n < 1024) return `${n} B`
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`
  return `${(n / (1024 * 1024)).toFixed(1)} MiB`
}

/**
 * Shows fetch progress on stderr once the command has run for more than a second: a line updated
 * in place on a terminal, otherwise at most one line per second. Create it when the command starts.
 */
export function progressReporter (given?: NodeJS.WriteStream): (p: FetchProgress) => void {
  const started = Date.now()
  let lastPrinted = 0
  return (p) => {
    const now = Date.now()
    const done = p.totalBytes !== undefined && p.bytes >= p.totalBytes
    if (now - started < 1000) return
    // process.stderr built only now: a start that fetches nothing never builds it.
    const stream = given ?? process.stderr
    if (!stream.isTTY && now - lastPrinted < 1000 && !done) return
    lastPrinted = now
    const total = p.totalBytes !== undefined ? ` of ${formatBytes(p.totalBytes)}` : ''
    const line = `fetching ${p.cid}: ${p.blocks} blocks, ${formatBytes(p.bytes)}${total}`
    if (stream.isTTY) stream.write(`\r${line}\x1b[K${done ? '\n' : ''}`)
    else stream.write(line + '\n')
  }
}

/** An AbortSignal fired by the first Ctrl-C (SIGINT) or SIGTERM; a second one exits at once. */
export function interruptSignal (): AbortSignal {
  const ctl = new AbortController()
  const onSignal = (): void => {
    if (ctl.signal.aborted) process.exit(130)
    ctl.abort(new LoaderError('ERR_ABORTED', 'interrupted'))
  }
  process.once('SIGINT', onSignal)
  process.once('SIGTERM', onSignal)
  return ctl.signal
}
