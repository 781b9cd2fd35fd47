// Who decides grants on Node, short of the prompt: the run's flags (`--allow`, `--deny`,
// `--allow-all`) and the defaults of DESIGN.md. Deny wins over allow. What no flag decides goes
// to `ask` (the terminal prompt) or, without one, is denied with a message naming the flag.
import { digestOfCid } from '../names.ts'
import type { GrantPolicy, GrantRequest } from '../host.ts'
import type { Logger } from '../logger.ts'
import { WasmosError } from '../errors.ts'

export interface KnownInterface { key: string, name: string, cid: string, summary: string }

export interface GrantFlags {
  allow: string[]
  deny: string[]
  allowAll: boolean
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
    if (this.#allowAll || this.#allow.has(req.key)) return true
    if (req.kind === 'send' && this.#defaults.has(req.key)) return true
    return this.stored?.(req) ?? null
  }

  /** Decisions remembered across runs (set by the grant store), consulted after the flags. */
  stored: ((req: GrantRequest) => boolean | null) | null = null

  decide (req: GrantRequest): boolean | Promise<boolean> {
    const known = this.known(req)
    if (known !== null) return known
    if (this.ask !== null) return this.ask(req, this.#known.get(req.key))
    const verb = req.kind === 'send' ? 'use' : 'handle'
    this.#logger.warn(`${req.program.name} may not ${verb} ${this.describe(req.key)}: no terminal to ask; allow it with --allow=${this.#flagName(req.key)}`)
    return false
  }

  denied (req: GrantRequest): void {
    const verb = req.kind === 'send' ? 'use' : 'handle'
    this.#logger.debug(`${req.program.name} was refused: ${verb} ${this.describe(req.key)}`)
  }
}
