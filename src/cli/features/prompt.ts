// Run feature: the permission prompt and the grants remembered under WASMOS_HOME.
//
// Who decides, in order: `--deny`, then `--allow`/`--allow-all` and the defaults (FlagPolicy),
// then a decision given earlier in this run (an answer y/n, or the up-front list), then a
// decision remembered in WASMOS_HOME/grants.json (A/N, `wasmos grants allow|deny`), then the
// prompt when standard input and standard error are terminals and `--no-prompt` is not given;
// otherwise deny, with a warning naming the flag that would allow it.
//
// The up-front list: when the main program declares interfaces (custom section
// `wasmos.interfaces`), the ones nothing has decided yet are asked about once, together, after the
// program is loaded and before anything starts. `wasmos run` and `wasmos exec` both get it, since
// it wraps the run's program source.
//
// Scoped requests (a native handler asking before it connects, opens, reads a variable, starts a
// program: grants/scope.ts) go the same way: flags and permission sets (wasmos.json or
// --grants-file: for the program they name, or for all with -P), then this run's answers, then
// grants.json (A, N, a), then the prompt showing the scope, else deny naming the flag.
// Declared scopes (`needs('tcp', 'why', '127.0.0.1:7878')`) are asked in the up-front list.
//
// Ctrl-C at a prompt denies, ends every program and the run ends with status 130.
import type { Command } from 'commander'
import { fstatSync, statSync } from 'node:fs'
import { isatty } from 'node:tty'
import { declaredInterfaces } from '../../kernel/node/grants/declared.ts'
import { GrantStore, interfaceCidOfKey } from '../../kernel/node/grants/store.ts'
import type { GrantKind } from '../../kernel/node/grants/store.ts'
import { allowFlag } from '../../kernel/node/grants/policy.ts'
import type { FlagPolicy, KnownInterface } from '../../kernel/node/grants/policy.ts'
import type { ScopeRequest } from '../../kernel/node/grants/request.ts'
import { describeScope, exact, matches, parsePattern, widened } from '../../kernel/node/grants/scope.ts'
import type { Pattern, Scope } from '../../kernel/node/grants/scope.ts'
import { readSets, toGrantSet } from '../../kernel/node/grants/sets.ts'
import type { SetsFile } from '../../kernel/node/grants/sets.ts'
import type { DeclaredInterface } from '../../kernel/node/grants/declared.ts'
import type { NodeHost } from '../../kernel/node/host.ts'
import type { GrantRequest } from '../../kernel/node/grants/request.ts'
import { createLogger } from '../../kernel/node/logger.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import type { StdinGate, TerminalPrompt } from '../prompt/terminal.ts'
import { sanitize } from '../../kernel/node/text.ts'
import type { Answer, PromptInterface } from '../prompt/terminal.ts'
import { knownInterfaces } from '../run.ts'
import type { RunOptions } from '../run.ts'
import type { ProgramSource } from '../../kernel/node/program.ts'
import type { Program } from '../../kernel/node/program.ts'
import type { Feature, Flags } from './feature.ts'
import { wasmosHome } from '../../kernel/node/home.ts'

/**
 * Whether a standard descriptor is a terminal, as process.stdin/stderr.isTTY would say, without
 * building those streams (process.stdin from /dev/null is a file stream, most runs never read it,
 * and the log writes to the descriptor) and asking node:tty only about a character device other
 * than /dev/null.
 */
function isTerminal (fd: number): boolean {
  try {
    const st = fstatSync(fd)
    // /dev/null, the usual character device that is no terminal, answered without node:tty.
    return st.isCharacterDevice() && st.rdev !== statSync('/dev/null').rdev && isatty(fd)
  } catch {
    return false
  }
}

/** Bytes of log lines kept while a prompt is open; later ones are dropped (and counted). */
const MAX_HELD_LOG = 1 << 20

/** Exit status of a run ended at the prompt by Ctrl-C (128 + SIGINT), as a shell reports it. */
export const INTERRUPTED_STATUS = 130

export const prompt: Feature = {
  addOptions (cmd: Command) {
    cmd.option('--no-prompt', 'never ask: what no flag or remembered decision allows is denied')
    cmd.option('--grants-file <path>', 'permission sets to read instead of ./wasmos.json ({ "programs": { "<name or CID>": { "allow": [...], "deny": [...] } } })')
    cmd.option('-P, --permissions <set>', 'apply this permission set of wasmos.json (or --grants-file) to every program (repeatable)', (v: string, prev: string[]) => [...prev, v], [])
  },
  async apply (flags: Flags, opts: RunOptions) {
    const terminal = flags.prompt !== false && isTerminal(2) && isTerminal(0)
    const sets = readSets(flags.grantsFile as string | undefined)
    const use = (flags.permissions as string[] | undefined) ?? []
    if (use.length > 0 && sets === null) throw new WasmosError('ERR_GRANTS_FILE', `-P ${use[0]}: no wasmos.json here (give the file with --grants-file)`)
    // The terminal prompt (and node:stream under it) only for a run that can prompt.
    const ui = terminal ? await import('../prompt/terminal.ts') : undefined
    configureGrants(opts, { terminal, ui, home: wasmosHome(), sets, use })
  }
}

export interface GrantSetup {
  /** Whether to ask on the terminal (stdin and stderr are terminals, prompting not turned off). */
  terminal: boolean
  /** The terminal prompt's module, loaded by the caller when `terminal` (it is not otherwise). */
  ui?: typeof import('../prompt/terminal.ts')
  home: string
  /** Permission sets read from wasmos.json or --grants-file, and the ones `-P` applies to all. */
  sets?: SetsFile | null
  use?: string[]
}

export function configureGrants (opts: RunOptions, setup: GrantSetup): void {
  const store = new GrantStore(setup.home)
  const known = knownInterfaces()
  // Log lines (programs' included) wait while a prompt is open, like programs' output.
  const ui = setup.terminal ? setup.ui : undefined
  if (setup.terminal && ui === undefined) throw new Error('configureGrants: a terminal setup needs ui (../prompt/terminal.ts)')
  const logGate = ui !== undefined && opts.logger === undefined ? new ui.OutputGate(process.stderr, MAX_HELD_LOG) : undefined
  opts.logger ??= createLogger({ level: opts.logLevel, format: opts.logFormat, destination: logGate })
  const logger = opts.logger
  /** Decisions given earlier in this run, by program CID, kind and interface key. */
  const session = new Map<string, boolean>()
  const cids = new Map<string, string>()
  const cidOf = (key: string): string => {
    let cid = cids.get(key)
    if (cid === undefined) { cid = known.get(key)?.cid ?? interfaceCidOfKey(key); cids.set(key, cid) }
    return cid
  }
  const sessionKey = (program: string, kind: GrantKind, key: string): string => `${program} ${kind} ${key}`
  const remembered = (program: string, kind: GrantKind, key: string): boolean | null => {
    const d = store.get(program, cidOf(key), kind)
    return d === null ? null : d === 'allow'
  }
  /** Scoped answers given in this run, by program CID and interface key. */
  const sessionScopes = new Map<string, Array<{ pattern: Pattern, allow: boolean }>>()
  const ifaceName = (key: string): string => known.get(key)?.name ?? ''
  /** A scoped decision remembered in this run or in grants.json; deny wins; the whole interface counts. */
  const rememberedScope = (program: Program, key: string, scope: Scope): boolean | null => {
    const whole = session.get(sessionKey(program.cid, 'send', key)) ?? remembered(program.cid, 'send', key)
    if (whole !== null && whole !== undefined) return whole
    const hits: boolean[] = []
    for (const e of sessionScopes.get(`${program.cid} ${key}`) ?? []) if (matches(e.pattern, scope)) hits.push(e.allow)
    for (const e of store.scoped(program.cid, cidOf(key))) {
      let pattern: Pattern
      try { pattern = parsePattern(ifaceName(key), e.pattern, store.path) } catch { continue }
      if (matches(pattern, scope)) hits.push(e.decision === 'allow')
    }
    if (hits.length === 0) return null
    return !hits.includes(false)
  }
  const recordScope = (program: Program, key: string, patternText: string, answer: Answer): void => {
    const allow = answer === 'y' || answer === 'A' || answer === 'a'
    const pattern = parsePattern(ifaceName(key), patternText, 'prompt')
    const k = `${program.cid} ${key}`
    const list = sessionScopes.get(k) ?? []
    list.push({ pattern, allow })
    sessionScopes.set(k, list)
    if (answer !== 'y' && answer !== 'n') {
      store.set([{ program: program.cid, name: program.name, iface: cidOf(key), scope: pattern.text, kind: 'send', decision: allow ? 'allow' : 'deny' }])
    }
  }
  const record = (program: Program, items: Array<{ key: string, kind: GrantKind, scope?: string | null }>, answer: Answer): void => {
    const allowed = answer === 'y' || answer === 'A' || answer === 'a'
    for (const i of items) {
      if (i.scope !== undefined && i.scope !== null) { recordScope(program, i.key, i.scope, answer); continue }
      session.set(sessionKey(program.cid, i.kind, i.key), allowed)
      if (answer === 'A' || answer === 'N' || answer === 'a') {
        store.set([{ program: program.cid, name: program.name, iface: cidOf(i.key), kind: i.kind, decision: allowed ? 'allow' as const : 'deny' as const }])
      }
    }
  }
  const describe = (key: string, kind: GrantKind, reason: string | null): PromptInterface => {
    const k: KnownInterface | undefined = known.get(key)
    return { name: k?.name ?? null, cid: cidOf(key), summary: k?.summary ?? '', kind, reason }
  }
  /** Reasons the programs declared, by program CID and interface key (shown as "why" in scoped prompts). */
  const reasons = new Map<string, string>()
  const declaredOf = (program: Program): DeclaredInterface[] => {
    const list = declaredInterfaces(program.module, program.source)
    for (const d of list) if (d.kind === 'send' && !reasons.has(`${program.cid} ${d.key}`)) reasons.set(`${program.cid} ${d.key}`, d.reason)
    return list
  }

  let gate: StdinGate | undefined
  let terminal: TerminalPrompt | null = null
  if (ui !== undefined) {
    gate = new ui.StdinGate(opts.streams?.stdin ?? process.stdin)
    const stdout = new ui.OutputGate(opts.streams?.stdout ?? process.stdout)
    const stderr = new ui.OutputGate(opts.streams?.stderr ?? process.stderr)
    opts.streams = { stdin: gate, stdout, stderr }
    const outputs = logGate === undefined ? [stdout, stderr] : [stdout, stderr, logGate]
    terminal = new ui.TerminalPrompt({ input: process.stdin, output: process.stderr, gate, outputs, color: process.env.NO_COLOR === undefined })
  }

  let host: NodeHost | null = null
  const previousOnHost = opts.onHost
  opts.onHost = (h) => {
    previousOnHost?.(h)
    host = h
    // A Ctrl-C between starting the handlers and the main program must not let the main start.
    const spawn = h.spawn.bind(h)
    // Not an async function: every spawn (a program's `process.spawn` too) comes through here,
    // and one would cost each a promise and a turn of the microtask queue more.
    h.spawn = (...args) => {
      if (ui !== undefined && terminal?.interrupted === true) return Promise.reject(new ui.InterruptedError())
      return spawn(...args)
    }
  }
  const interrupt = (): void => {
    const h = host as NodeHost | null
    if (h === null) return
    for (const p of [...h.procs.values()]) h.exit(p.pid, INTERRUPTED_STATUS)
  }

  let policy: FlagPolicy | null = null
  const previousConfigure = opts.configurePolicy
  opts.configurePolicy = (p) => {
    previousConfigure?.(p)
    policy = p
    if (setup.sets != null) {
      const sets = setup.sets
      for (const name of sets.programs.keys()) p.nameSet(name, toGrantSet(sets, name, known))
      for (const name of setup.use ?? []) p.useSet(toGrantSet(sets, name, known))
    }
    p.stored = (req) => session.get(sessionKey(req.program.cid, req.kind, req.key)) ?? remembered(req.program.cid, req.kind, req.key)
    p.storedScope = rememberedScope
    const denied = p.denied.bind(p)
    p.denied = (req) => {
      denied(req)
      const verb = req.kind === 'send' ? 'use' : 'handle'
      if (!req.parentHolds) {
        logger.warn(`${sanitize(req.program.name)} may not ${verb} ${p.describe(req.key)}: the program that started it does not hold that grant`)
        return
      }
      if (session.has(sessionKey(req.program.cid, req.kind, req.key))) return
      if (remembered(req.program.cid, req.kind, req.key) === false) {
        logger.warn(`${sanitize(req.program.name)} may not ${verb} ${p.describe(req.key)}: never allowed (remembered; 'wasmos grants revoke ${req.program.cid}' forgets it)`)
      }
    }
    if (terminal !== null) {
      const t = terminal
      p.askScope = async (req: ScopeRequest) => {
        const s = req.scope
        const wide = widened(s)
        const reason = reasons.get(`${req.program.cid} ${req.key}`) ?? null
        const question = { ...describe(req.key, 'send', reason), scope: { what: describeScope(s), exact: exact(s), widen: wide } }
        try {
          const answer = await t.ask(
            { program: req.program, interfaces: [question], upFront: false },
            // An answer given meanwhile (a wider `a`, the same request from another call) settles it.
            () => { const k = p.knownScope(req.program, req.key, s); return k === null ? null : k ? 'y' : 'n' }
          )
          recordScope(req.program, req.key, answer === 'a' && wide !== null ? wide.pattern : exact(s), answer)
          return answer === 'y' || answer === 'A' || answer === 'a'
        } catch (err) {
          if (ui !== undefined && err instanceof ui.InterruptedError) { interrupt(); return false }
          throw err
        }
      }
      p.ask = async (req: GrantRequest) => {
        const sk = sessionKey(req.program.cid, req.kind, req.key)
        try {
          const answer = await t.ask(
            { program: req.program, interfaces: [describe(req.key, req.kind, null)], upFront: false },
            () => { const s = session.get(sk); return s === undefined ? null : s ? 'y' : 'n' }
          )
          record(req.program, [req], answer)
          return answer === 'y' || answer === 'A'
        } catch (err) {
          if (ui !== undefined && err instanceof ui.InterruptedError) { interrupt(); return false }
          throw err
        }
      }
    } else {
      const why = isTerminal(2) && isTerminal(0) ? 'prompting is off' : 'no terminal to ask'
      p.noAsk = why
      p.ask = (req: GrantRequest) => {
        const flag = known.get(req.key)?.name ?? cidOf(req.key)
        logger.warn(`${sanitize(req.program.name)} may not ${req.kind === 'send' ? 'use' : 'handle'} ${p.describe(req.key)}: ${why}; allow it with ${allowFlag(req.kind, flag)}`)
        return Promise.resolve(false)
      }
    }
  }

  // The up-front list of the main program, asked once it is loaded and before anything starts.
  let askedUpFront = false
  const withUpFront = (source: ProgramSource): ProgramSource => ({
    load: async (name, loadOpts) => {
      const program = await source.load(name, loadOpts)
      if (program !== null && !askedUpFront && name === opts.main) {
        askedUpFront = true
        await askUpFront(program)
      }
      return program
    }
  })
  opts.source = withUpFront(opts.source)
  // `exec` with a loader program loads the main program through it, once the handlers run.
  const mainSource = opts.mainSource
  if (mainSource !== undefined) {
    opts.mainSource = (h) => {
      const s = mainSource(h)
      return s === null ? null : withUpFront(s)
    }
  }
  const askUpFront = async (program: Program): Promise<void> => {
    const declared = declaredOf(program)
    const p = policy as FlagPolicy | null
    if (declared.length === 0 || terminal === null || p === null) return
    const patternOf = (d: DeclaredInterface): Pattern | null => {
      if (d.scope === null) return null
      try { return parsePattern(ifaceName(d.key), d.scope, `${program.source}: declared scope`) } catch { return null }
    }
    const undecided = declared.filter((d) => {
      const req: GrantRequest = { pid: 0, parent: 0, program, key: d.key, kind: d.kind, parentHolds: true }
      const pattern = patternOf(d)
      if (pattern === null) return p.known(req, true) === null
      if (p.known(req, true) === false || p.knownPattern(program, d.key, pattern) !== null) return false
      if (session.has(sessionKey(program.cid, 'send', d.key)) || remembered(program.cid, 'send', d.key) !== null) return false
      return !store.scoped(program.cid, cidOf(d.key)).some((e) => e.pattern === pattern.text)
    })
    if (undecided.length === 0) return
    const answer = await terminal.ask({
      program,
      interfaces: undecided.map((d) => {
        const pattern = patternOf(d)
        const q = describe(d.key, d.kind, d.reason)
        return pattern === null ? q : { ...q, scope: { what: `use ${pattern.text}`, exact: pattern.text, widen: null } }
      }),
      upFront: true
    })
    record(program, undecided.map((d) => ({ key: d.key, kind: d.kind, scope: patternOf(d)?.text ?? null })), answer)
  }
}
