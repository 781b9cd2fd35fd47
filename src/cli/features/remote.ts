// Run feature and serve options for interfaces across machines (src/remote/). On the calling side,
// `--remote iface=<multiaddr>` (and "remotes" in WASMOS_HOME/config.json) makes a peer the handler
// of an interface for this run: a native handler forwards its messages. On the serving side,
// `wasmos serve --handler iface=prog --export iface --allow-peer <peer id>[=iface,…]` runs the
// handler programs and lets the peers allowed send to the exported interfaces; a peer nothing
// allows is asked about on the serving terminal (always/never kept in WASMOS_HOME/peer-grants.json),
// else refused with a message naming the flag.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { createInterface } from 'node:readline/promises'
import type { Command } from 'commander'
import type { Libp2p } from 'libp2p'
import { WasmosError } from '../../kernel/node/errors.ts'
import { resolveInterface } from '../../kernel/node/grants/policy.ts'
import { createLogger } from '../../kernel/node/logger.ts'
import type { Logger } from '../../kernel/node/logger.ts'
import { sanitize, shortCid } from '../../kernel/node/text.ts'
import { writeAtomic } from '../../loader/local.ts'
// The link's client and server (and msgpackr under them) are loaded only by a run that has remotes
// or a serve that exports: a run without either does not pay for them at its start.
import type { RemotePeer } from '../../remote/client.ts'
import type { CallerPolicy, Exported, PeerGrants, RemoteCaller } from '../../remote/server.ts'
import { parseHandlers } from '../options.ts'
import { FileSource, knownInterfaces, startHandlers } from '../run.ts'
import type { Feature, Flags } from './feature.ts'
import { wasmosHome } from '../../kernel/node/home.ts'

const collect = (value: string, previous: string[]): string[] => [...previous, value]

export interface RemoteSpec { iface: string, addr: string }

/** Parses `iface=<multiaddr>`; the address must name the peer (/p2p/<peer id>), so noise checks who answers. */
export function parseRemote (spec: string, flag = '--remote'): RemoteSpec {
  const eq = spec.indexOf('=')
  if (eq <= 0 || eq === spec.length - 1) throw new WasmosError('ERR_BAD_OPTION', `${flag}: expected <interface>=<multiaddr>, got '${sanitize(spec)}'`)
  const addr = spec.slice(eq + 1)
  if (!/^\/.+\/p2p\/[1-9A-HJ-NP-Za-km-z]+$/.test(addr)) {
    throw new WasmosError('ERR_BAD_OPTION', `${flag} ${sanitize(spec, 200)}: the address must be a multiaddr ending in /p2p/<peer id>, as 'wasmos serve' prints it`)
  }
  return { iface: spec.slice(0, eq), addr }
}

/**
 * A JSON file of WASMOS_HOME, parsed; undefined when it does not exist. Read synchronously: a
 * small file, read once at the start of a run, where four trips through libuv's thread pool (open,
 * stat, read, close) would only add to the start.
 */
async function readJson (file: string): Promise<unknown> {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw new WasmosError('ERR_BAD_CONFIG', `cannot read ${file}: ${(err as Error).message}`)
  }
  try {
    return JSON.parse(text)
  } catch (err) {
    throw new WasmosError('ERR_BAD_CONFIG', `${file}: ${(err as Error).message}`)
  }
}

/** "remotes" of WASMOS_HOME/config.json: { "<interface>": "<multiaddr>", … }. */
async function configRemotes (home: string): Promise<RemoteSpec[]> {
  const file = join(home, 'config.json')
  const parsed = await readJson(file)
  if (parsed === undefined) return []
  const remotes = (parsed as { remotes?: unknown }).remotes
  if (remotes === undefined) return []
  if (typeof remotes !== 'object' || remotes === null || Array.isArray(remotes) || !Object.values(remotes).every((v) => typeof v === 'string')) {
    throw new WasmosError('ERR_BAD_CONFIG', `${file}: "remotes" must be an object { "<interface>": "<multiaddr>" }`)
  }
  return Object.entries(remotes as Record<string, string>).map(([iface, addr]) => parseRemote(`${iface}=${addr}`, `"remotes" of ${file}`))
}

export const remote: Feature = {
  addOptions (cmd: Command) {
    cmd.option('--remote <iface=multiaddr>', 'send an interface\'s messages to its handler on another peer (repeatable; adds to "remotes" of WASMOS_HOME/config.json)', collect, [])
  },
  async apply (flags: Flags, opts) {
    const given = ((flags.remote as string[] | undefined) ?? []).map((s) => parseRemote(s))
    const home = wasmosHome()
    const specs = [...given, ...(await configRemotes(home)).filter((c) => !given.some((g) => g.iface === c.iface))]
    if (specs.length === 0) return
    const known = knownInterfaces()
    const handled = new Set(opts.handlers.map((h) => resolveInterface(h.iface, known, '--handler')))
    const remotes = specs.map((s) => {
      const key = resolveInterface(s.iface, known, '--remote')
      if (handled.has(key)) throw new WasmosError('ERR_BAD_OPTION', `--remote ${sanitize(s.iface)}: that interface also has a --handler; give one or the other`)
      return { key, name: known.get(key)?.name ?? s.iface, addr: s.addr }
    })
    // One libp2p node for the run, started at the first remote message.
    let node: Promise<Libp2p> | null = null
    const startNode = async (): Promise<Libp2p> => {
      node ??= import('../../remote/node.ts').then(async (m) => await m.startDialNode({ home }))
      return await node
    }
    const { RemotePeer, remoteHandler } = await import('../../remote/client.ts')
    const peers = new Map<string, RemotePeer>()
    opts.natives ??= []
    for (const r of remotes) {
      opts.natives.push((host) => {
        let peer = peers.get(r.addr)
        if (peer === undefined) {
          peer = new RemotePeer({ addr: r.addr, node: startNode, host, maxMessageSize: host.kernel.config.maxMessageSize })
          peers.set(r.addr, peer)
        }
        return remoteHandler({ key: r.key, name: r.name }, peer)
      })
    }
    const onEnd = opts.onEnd
    opts.onEnd = () => {
      onEnd?.()
      if (node !== null) node.then(async (n) => { await n.stop() }).catch(() => {})
    }
  }
}

// ---- the serving side

export interface ServeExportFlags {
  handler?: string[]
  export?: string[]
  allowPeer?: string[]
}

/** Parses `--allow-peer <peer id>[=iface,…]` into peer id → allowed keys (null: every exported one). */
export function parseAllowPeers (specs: string[]): Map<string, Set<string> | null> {
  const known = knownInterfaces()
  const out = new Map<string, Set<string> | null>()
  for (const spec of specs) {
    const eq = spec.indexOf('=')
    const peer = eq < 0 ? spec : spec.slice(0, eq)
    if (!/^[1-9A-HJ-NP-Za-km-z]{40,100}$/.test(peer)) throw new WasmosError('ERR_BAD_OPTION', `--allow-peer: '${sanitize(peer)}' is not a peer id (wasmos id prints one)`)
    if (eq < 0) { out.set(peer, null); continue }
    const keys = spec.slice(eq + 1).split(',').map((s) => s.trim()).filter((s) => s !== '').map((t) => resolveInterface(t, known, '--allow-peer'))
    const prev = out.get(peer)
    if (prev === null) continue
    out.set(peer, new Set([...(prev ?? []), ...keys]))
  }
  return out
}

export interface ExportPlan {
  /** The exported interfaces' names. */
  names: string[]
  /** Starts the handlers and serves the exports on `libp2p`. */
  start (libp2p: Libp2p): Promise<Exported>
}

/**
 * Checks the serve flags and loads the handler programs before anything starts, so a bad flag or
 * file is reported first; null when nothing is exported.
 */
export async function planExports (flags: ServeExportFlags, logger: Logger = createLogger({})): Promise<ExportPlan | null> {
  const handlerSpecs = parseHandlers(flags.handler ?? [])
  const exportsGiven = flags.export ?? []
  if (exportsGiven.length === 0) {
    if (handlerSpecs.length > 0) throw new WasmosError('ERR_BAD_OPTION', '--handler on serve runs a handler for peers: add --export <interface>')
    if ((flags.allowPeer ?? []).length > 0) throw new WasmosError('ERR_BAD_OPTION', '--allow-peer needs --export <interface>')
    return null
  }
  const known = knownInterfaces()
  const exports = new Map<string, string>()
  for (const e of exportsGiven) {
    const key = resolveInterface(e, known, '--export')
    exports.set(key, known.get(key)?.name ?? e)
  }
  const allowed = parseAllowPeers(flags.allowPeer ?? [])
  const home = wasmosHome()
  const decisions = await readPeerDecisions(home)
  const source = new FileSource(handlerSpecs.map((h) => h.program))
  // Load the programs now: a bad file is reported before the node starts.
  for (const h of handlerSpecs) await source.load(h.program)
  return {
    names: [...exports.values()],
    async start (libp2p) {
      const { CallerPolicy, exportInterfaces } = await import('../../remote/server.ts')
      let policy: CallerPolicy | null = null
      const host = await startHandlers({
        handlers: handlerSpecs,
        source,
        logger,
        allow: [],
        deny: [],
        allowAll: false,
        wrapPolicy: (p) => { policy = new CallerPolicy(p); return policy }
      })
      for (const [key, name] of exports) {
        if (!host.natives.has(key) && host.kernel.handlerOf(key) <= 0) {
          await host.close()
          throw new WasmosError('ERR_BAD_OPTION', `--export ${sanitize(name)}: nothing handles it here (add --handler ${sanitize(name)}=<program.wasm>)`)
        }
      }
      const exported = await exportInterfaces({ host, libp2p, exports, grants: peerGrants(allowed, exports, logger, home, decisions) }, policy!)
      return {
        streams: exported.streams,
        async stop () { await exported.stop(); await host.close() }
      }
    }
  }
}

/** A decision about a peer's program and an interface, remembered in WASMOS_HOME/peer-grants.json. */
export interface PeerDecision { peer: string, program: string, name: string, iface: string, decision: 'allow' | 'deny' }

export const PEER_GRANTS = 'peer-grants.json'

/** Reads WASMOS_HOME/peer-grants.json ({ "decisions": [PeerDecision, …] }); a missing file is none. */
export async function readPeerDecisions (home: string): Promise<PeerDecision[]> {
  const file = join(home, PEER_GRANTS)
  const parsed = await readJson(file)
  if (parsed === undefined) return []
  const decisions = (parsed as { decisions?: unknown }).decisions
  const ok = (d: unknown): d is PeerDecision => typeof d === 'object' && d !== null &&
    ['peer', 'program', 'name', 'iface'].every((k) => typeof (d as Record<string, unknown>)[k] === 'string') &&
    ((d as PeerDecision).decision === 'allow' || (d as PeerDecision).decision === 'deny')
  if (!Array.isArray(decisions) || !decisions.every(ok)) throw new WasmosError('ERR_BAD_CONFIG', `${file}: expected { "decisions": [{ peer, program, name, iface, decision }, …] }`)
  return decisions
}

/**
 * Who decides about a remote caller, in order: --allow-peer, an answer given earlier in this serve,
 * an answer remembered in WASMOS_HOME/peer-grants.json (A/N at the prompt), the serving terminal's
 * prompt; without a terminal, refused with a message naming the flag.
 */
function peerGrants (allowed: Map<string, Set<string> | null>, exports: Map<string, string>, logger: Logger, home: string, stored: PeerDecision[]): PeerGrants {
  const key = (peer: string, program: string, iface: string): string => `${peer} ${program} ${iface}`
  const session = new Map<string, boolean>()
  const remembered = new Map<string, boolean>(stored.map((d) => [key(d.peer, d.program, d.iface), d.decision === 'allow']))
  const callerKey = (c: RemoteCaller): string => key(c.peer, c.program.cid, c.key)
  const terminal = process.stdin.isTTY === true && process.stderr.isTTY === true
  let asking: Promise<unknown> = Promise.resolve()
  let saving: Promise<unknown> = Promise.resolve()
  const remember = (c: RemoteCaller, allow: boolean): void => {
    const k = callerKey(c)
    remembered.set(k, allow)
    const i = stored.findIndex((d) => key(d.peer, d.program, d.iface) === k)
    if (i >= 0) stored.splice(i, 1)
    stored.push({ peer: c.peer, program: c.program.cid, name: c.program.name, iface: c.key, decision: allow ? 'allow' : 'deny' })
    const text = JSON.stringify({ decisions: stored }, null, 2) + '\n'
    saving = saving.then(async () => await writeAtomic(join(home, PEER_GRANTS), text)).catch((err: unknown) => {
      logger.warn(`cannot remember the decision in ${join(home, PEER_GRANTS)}: ${(err as Error).message}`)
    })
  }
  const describe = (c: RemoteCaller): string =>
    `program ${sanitize(c.program.name)}${c.program.cid !== '' ? ` (${shortCid(c.program.cid)})` : ''} on peer ${c.peer} wants to use ${sanitize(exports.get(c.key) ?? c.key)}`
  return {
    known (c) {
      const a = allowed.get(c.peer)
      if (a === null || a?.has(c.key) === true) return true
      const s = session.get(callerKey(c))
      if (s !== undefined) return s
      // A remembered refusal is decided in decide(), which tells the caller why.
      return remembered.get(callerKey(c)) === true ? true : null
    },
    decide (c, refuse) {
      const k = this.known(c)
      if (k !== null) return k
      const name = exports.get(c.key) ?? c.key
      if (remembered.get(callerKey(c)) === false) {
        const why = `${describe(c)}: never allowed (remembered in ${PEER_GRANTS} of the serving peer's WASMOS_HOME; --allow-peer ${c.peer}=${name} overrides it)`
        logger.warn(why)
        refuse(why)
        return false
      }
      if (!terminal) {
        const why = `${describe(c)}: refused (no terminal to ask); allow it with --allow-peer ${c.peer}=${name} on the serving side`
        logger.warn(why)
        refuse(why)
        return false
      }
      const ask = asking.then(async () => {
        const earlier = session.get(callerKey(c))
        if (earlier !== undefined) return earlier
        const rl = createInterface({ input: process.stdin, output: process.stderr })
        try {
          const answer = (await rl.question(`wasmos: ${describe(c)}. Allow? [y] once, [n] no, [A] always, [N] never: `)).trim()
          const yes = answer === 'y' || answer === 'Y' || answer === 'yes' || answer === 'A'
          session.set(callerKey(c), yes)
          if (answer === 'A' || answer === 'N') remember(c, yes)
          if (!yes) refuse(`${describe(c)}: refused on the serving terminal`)
          return yes
        } finally {
          rl.close()
        }
      })
      asking = ask.catch(() => {})
      return ask
    }
  }
}
