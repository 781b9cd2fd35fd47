// Who decides grants on Node, short of the prompt: the run's flags (`--allow` to send,
// `--allow-handle` to handle, `--deny` both, `--allow-all` both) and the defaults of DESIGN.md.
// Sending to an interface and handling it are separate grants: `--allow kv` never lets a program
// handle kv. Deny wins over allow. What no flag decides goes to `ask` (the terminal prompt) or,
// without one, is denied with a message naming the flag.
import { digestOfCid } from '../names.ts'
import type { GrantPolicy, GrantRequest } from '../host.ts'
import type { Logger } from '../logger.ts'
import { WasmosError } from '../errors.ts'
import { sanitize } from '../text.ts'

export interface KnownInterface { key: string, name: string, cid: string, summary: string }

export interface GrantFlags {
  /** Interfaces every program may send to. */
  allow: string[]
  /** Interfaces every program may handle (register as their handler). */
  allowHandle?: string[]
  deny: string[]
  allowAll: boolean
}

/** The flag that would allow a grant of this kind on this interface. */
export function allowFlag (kind: 'send' | 'handle', name: string): string {
  return `${kind === 'send' ? '--allow' : '--allow-handle'}=${name}`
}

/**
 * Interfaces every program may send to without asking: writing to the log and its own stdio
 * (DESIGN.md); `registry`, because asking to handle an interface is itself checked by the grant
 * to handle it; `process`, because its arguments and exit are its own and a child it starts holds
 * at most its own grants.
 */
export const DEFAULT_SEND = ['log', 'stdio', 'registry', 'process']

/** An interface key from a name, a CID or a hex digest; throws a one-line error naming `flag` otherwise. */
export function resolveInterface (token: string, known: Map<string, KnownInterface>, flag: string): string {
  const t = token.trim()
  for (const k of known.values()) if (k.name === t || k.cid === t || k.key === t) return k.key
  if (/^[0-9a-f]{64}$/.test(t)) return t
  const digest = digestOfCid(t)
  if (digest !== null) return Buffer.from(digest).toString('hex')
  throw new WasmosError('ERR_UNKNOWN_INTERFACE', `${flag}: unknown interface '${t}' (give a name from 'wasmos interfaces', or a CID)`)
}

export class FlagPolicy implements GrantPolicy {
  readonly #allow: Set<string>
  readonly #allowHandle: Set<string>
  readonly #deny: Set<string>
  readonly #allowAll: boolean
  readonly #defaults: Set<string>
  readonly #known: Map<string, KnownInterface>
  readonly #logger: Logger
  /** Asks the user about what no flag decides; absent without a terminal. */
  ask: ((req: GrantRequest, iface: KnownInterface | undefined) => Promise<boolean>) | null = null

  constructor (flags: GrantFlags, known: Map<string, KnownInterface>, logger: Logger) {
    this.#known = known
    this.#logger = logger
    this.#allow = new Set(flags.allow.map((t) => this.#resolve(t, '--allow')))
    this.#allowHandle = new Set((flags.allowHandle ?? []).map((t) => this.#resolve(t, '--allow-handle')))
    this.#deny = new Set(flags.deny.map((t) => this.#resolve(t, '--deny')))
    this.#allowAll = flags.allowAll
    const byName = new Map([...known.values()].map((k) => [k.name, k.key]))
    this.#defaults = new Set(DEFAULT_SEND.map((n) => byName.get(n)).filter((k): k is string => k !== undefined))
  }

  #resolve (token: string, flag: string): string {
    return resolveInterface(token, this.#known, flag)
  }

  describe (key: string): string {
    const k = this.#known.get(key)
    return k === undefined ? key : `${k.name} (${k.cid})`
  }

  #flagName (key: string): string {
    return this.#known.get(key)?.name ?? this.#known.get(key)?.cid ?? key
  }

  known (req: GrantRequest): boolean | null {
    if (this.#deny.has(req.key)) return false
    if (this.#allowAll) return true
    if (req.kind === 'send' ? this.#allow.has(req.key) || this.#defaults.has(req.key) : this.#allowHandle.has(req.key)) return true
    return this.stored?.(req) ?? null
  }

  /** Decisions remembered across runs (set by the grant store), consulted after the flags. */
  stored: ((req: GrantRequest) => boolean | null) | null = null

  decide (req: GrantRequest): boolean | Promise<boolean> {
    const known = this.known(req)
    if (known !== null) return known
    if (this.ask !== null) return this.ask(req, this.#known.get(req.key))
    const verb = req.kind === 'send' ? 'use' : 'handle'
    this.#logger.warn(`${sanitize(req.program.name)} may not ${verb} ${this.describe(req.key)}: no terminal to ask; allow it with ${allowFlag(req.kind, this.#flagName(req.key))}`)
    return false
  }

  denied (req: GrantRequest): void {
    const verb = req.kind === 'send' ? 'use' : 'handle'
    this.#logger.debug(`${sanitize(req.program.name)} was refused: ${verb} ${this.describe(req.key)}`)
  }
}
