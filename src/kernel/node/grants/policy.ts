// Who decides grants on Node, short of the prompt: the run's flags (`--allow` to send,
// `--allow-handle` to handle, `--deny` both, `--allow-all` both) and the defaults of DESIGN.md.
// Sending to an interface and handling it are separate grants: `--allow kv` never lets a program
// handle kv. Deny wins over allow. The host interfaces (tcp, udp, fs, env, process) are scoped:
// `--allow tcp=127.0.0.1:7878` lets programs connect there and nowhere else; their native handler
// asks `allowedScope` before acting (scope.ts), through the same flags, sets and remembered
// decisions. Permission sets (wasmos.json) add grants for every program (`-P`) or for the
// programs they name. What no flag decides goes to `ask` (the terminal prompt) or,
// without one, is denied with a message naming the flag.
import { digestOfCid } from '../names.ts'
import type { GrantPolicy, GrantRequest, ScopeRequest } from './request.ts'
import type { Program } from '../program.ts'
import { ScopeError, describeScope, exact, isScoped, matches, parsePattern, splitGrant } from './scope.ts'
import type { Pattern, Scope } from './scope.ts'
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

/** Grants parsed from flags or a permission set: bare interfaces and scoped patterns, by key. */
export interface GrantSet {
  allow: Set<string>
  allowHandle: Set<string>
  deny: Set<string>
  allowScoped: Map<string, Pattern[]>
  denyScoped: Map<string, Pattern[]>
  /** Where it came from, for `wasmos grants` and warnings ("--allow", "wasmos.json: http-server"). */
  source: string
}

export function emptySet (source: string): GrantSet {
  return { allow: new Set(), allowHandle: new Set(), deny: new Set(), allowScoped: new Map(), denyScoped: new Map(), source }
}

/**
 * Adds `iface` or `iface=scope` tokens to a set; `flag` names the flag or file in errors. Scopes
 * exist for SCOPED_INTERFACES only; to handle an interface takes no scope.
 */
export function addTokens (set: GrantSet, tokens: string[], which: 'allow' | 'allowHandle' | 'deny', known: Map<string, KnownInterface>, flag: string): void {
  for (const token of tokens) {
    const { iface, scope } = splitGrant(token)
    const key = resolveInterface(iface, known, flag)
    if (scope === null) { set[which].add(key); continue }
    const name = known.get(key)?.name ?? iface
    if (which === 'allowHandle') throw new ScopeError(`${flag}: ${token}: handling an interface takes no scope`)
    const pattern = parsePattern(name, scope, `${flag} ${token}`)
    const map = which === 'allow' ? set.allowScoped : set.denyScoped
    const list = map.get(key) ?? []
    list.push(pattern)
    map.set(key, list)
  }
}

/** The flag that would allow this scoped request. */
export function scopeFlag (name: string, s: Scope): string {
  return `--allow ${name}=${exact(s)}`
}

/** Whether any of the patterns matches the scope (none given: no). */
function anyMatch (patterns: readonly Pattern[] | undefined, scope: Scope): boolean {
  if (patterns === undefined) return false
  for (let i = 0; i < patterns.length; i++) if (matches(patterns[i], scope)) return true
  return false
}

export class FlagPolicy implements GrantPolicy {
  readonly #flags: GrantSet
  /** Sets applied to every program (`-P`), and sets applied to the programs they name (wasmos.json). */
  readonly #global: GrantSet[] = []
  readonly #named = new Map<string, GrantSet>()
  /** What `setsFor` returns: without a set of the program's own, and with each such set. */
  #common: GrantSet[] | null = null
  readonly #withOwn = new Map<GrantSet, GrantSet[]>()
  readonly #allowAll: boolean
  readonly #defaults: Set<string>
  readonly #known: Map<string, KnownInterface>
  readonly #logger: Logger
  readonly #warned = new Set<string>()
  /** Asks the user about what no flag decides; absent without a terminal. */
  ask: ((req: GrantRequest, iface: KnownInterface | undefined) => Promise<boolean>) | null = null
  /** Asks the user about a scope no flag, set or remembered decision settles; absent without a terminal. */
  askScope: ((req: ScopeRequest) => Promise<boolean>) | null = null
  /** Scoped decisions remembered (this run's answers, grants.json), consulted after flags and sets. */
  storedScope: ((program: Program, key: string, scope: Scope) => boolean | null) | null = null

  constructor (flags: GrantFlags, known: Map<string, KnownInterface>, logger: Logger) {
    this.#known = known
    this.#logger = logger
    this.#flags = emptySet('--allow/--deny')
    addTokens(this.#flags, flags.allow, 'allow', known, '--allow')
    addTokens(this.#flags, flags.allowHandle ?? [], 'allowHandle', known, '--allow-handle')
    addTokens(this.#flags, flags.deny, 'deny', known, '--deny')
    this.#allowAll = flags.allowAll
    const byName = new Map([...known.values()].map((k) => [k.name, k.key]))
    this.#defaults = new Set(DEFAULT_SEND.map((n) => byName.get(n)).filter((k): k is string => k !== undefined))
  }

  /** Applies a permission set to every program (`-P`). */
  useSet (set: GrantSet): void {
    this.#global.push(set)
    this.#common = null
    this.#withOwn.clear()
  }

  /** Applies a permission set to the programs of this name or CID (wasmos.json). */
  nameSet (program: string, set: GrantSet): void {
    this.#named.set(program, set)
  }

  /**
   * The sets that apply to a program: the flags, `-P` sets, the set naming it by CID or else by
   * name. The arrays are kept (every spawn checks its parent's grant and its own): callers only read them.
   */
  setsFor (program: Program): readonly GrantSet[] {
    const own = this.#named.get(program.cid) ?? this.#named.get(program.name)
    const common = this.#common ??= [this.#flags, ...this.#global]
    if (own === undefined) return common
    let sets = this.#withOwn.get(own)
    if (sets === undefined) this.#withOwn.set(own, sets = [...common, own])
    return sets
  }

  describe (key: string): string {
    const k = this.#known.get(key)
    return k === undefined ? key : `${k.name} (${k.cid})`
  }

  #flagName (key: string): string {
    return this.#known.get(key)?.name ?? this.#known.get(key)?.cid ?? key
  }

  #scoped (key: string): boolean {
    const name = this.#known.get(key)?.name
    return name !== undefined && isScoped(name)
  }

  /**
   * The decision on the interface as a whole, known without asking, or null. `explicit`: only what
   * the user decided (or a scope they allowed), not the pass every scoped interface gets.
   */
  known (req: GrantRequest, explicit = false): boolean | null {
    const sets = this.setsFor(req.program)
    if (sets.some((s) => s.deny.has(req.key))) return false
    if (this.#allowAll) return true
    if (req.kind === 'send' ? sets.some((s) => s.allow.has(req.key)) || this.#defaults.has(req.key) : sets.some((s) => s.allowHandle.has(req.key))) return true
    const stored = this.stored?.(req) ?? null
    if (stored !== null) return stored
    if (req.kind === 'send' && sets.some((s) => s.allowScoped.has(req.key))) return true
    // The native handler of a scoped interface asks for each scope before acting: sending to it
    // is allowed, and what the message would do is decided there.
    if (req.kind === 'send' && this.#scoped(req.key) && !explicit) return true
    return null
  }

  /** Whether a declared pattern is already decided by flags or sets (same pattern, or the whole interface). */
  knownPattern (program: Program, key: string, pattern: Pattern): boolean | null {
    const sets = this.setsFor(program)
    if (sets.some((s) => s.deny.has(key) || (s.denyScoped.get(key) ?? []).some((p) => p.text === pattern.text))) return false
    if (this.#allowAll) return true
    if (sets.some((s) => s.allow.has(key) || (s.allowScoped.get(key) ?? []).some((p) => p.text === pattern.text))) return true
    return null
  }

  /** The scoped decision known without asking (flags, sets, remembered), or null. */
  knownScope (program: Program, key: string, scope: Scope): boolean | null {
    // Loops rather than `some` with closures: every spawn comes here twice (its parent's grant
    // and its own), and the closures would be made each time.
    const sets = this.setsFor(program)
    for (let i = 0; i < sets.length; i++) if (sets[i].deny.has(key) || anyMatch(sets[i].denyScoped.get(key), scope)) return false
    if (this.#allowAll) return true
    for (let i = 0; i < sets.length; i++) if (sets[i].allow.has(key) || anyMatch(sets[i].allowScoped.get(key), scope)) return true
    const stored = this.storedScope?.(program, key, scope) ?? null
    if (stored !== null) return stored
    // Starting programs is allowed unless some pattern restricts it (a child holds at most its
    // parent's grants anyway).
    if (scope.iface === 'process') {
      for (let i = 0; i < sets.length; i++) if (sets[i].allowScoped.has(key)) return null
      return true
    }
    return null
  }

  allowedScope (req: ScopeRequest): boolean | Promise<boolean> {
    // A child never holds more than the programs that started it: each must hold the scope
    // without asking (an answer given to it at the prompt counts).
    const quiet = req.ask === false
    for (const a of req.ancestors) {
      if (this.knownScope(a, req.key, req.scope) !== true) {
        if (quiet) return false
        this.#warnOnce(`${req.pid} p ${req.key} ${exact(req.scope)}`, `${sanitize(req.program.name)} may not ${this.#what(req)}: the program that started it (${sanitize(a.name)}) does not hold that grant`)
        return false
      }
    }
    const known = this.knownScope(req.program, req.key, req.scope)
    if (known !== null) {
      if (!known && !quiet) this.#logger.debug(`${sanitize(req.program.name)} was refused: ${this.#what(req)}`)
      return known
    }
    if (quiet) return false
    if (this.askScope !== null) return this.askScope(req)
    const name = this.#flagName(req.key)
    this.#warnOnce(`${req.pid} ${req.key} ${exact(req.scope)}`, `${sanitize(req.program.name)} may not ${this.#what(req)}: ${this.noAsk}; allow it with ${allowFlag('send', name)}, or only this with ${scopeFlag(name, req.scope)}`)
    return false
  }

  /** What the request would do, for a warning: made only when one is written. */
  #what (req: ScopeRequest): string {
    return `use ${this.#flagName(req.key)} to ${describeScope(req.scope)}`
  }

  /** Why nobody is asked (set by the prompt feature). */
  noAsk = 'no terminal to ask'

  #warnOnce (id: string, line: string): void {
    if (this.#warned.has(id)) return
    this.#warned.add(id)
    this.#logger.warn(line)
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
