// Run feature: the audit log. `--audit <file>` (or `"audit": "<file>"` in WASMOS_HOME/config.json,
// relative to WASMOS_HOME) appends one JSON line per grant decision and per refused message, saying
// where each decision came from: a flag, a remembered decision, the prompt, or a default.
import { readFileSync } from 'node:fs'
import { isAbsolute, join } from 'node:path'
import { WasmosError } from '../../kernel/node/errors.ts'
import { interfaceCidOfKey } from '../../kernel/node/grants/store.ts'
import { resolveInterface } from '../../kernel/node/grants/policy.ts'
import type { GrantRequest } from '../../kernel/node/grants/request.ts'
import type { AuditSource } from '../../kernel/node/observe/audit.ts'
import type { GrantKind } from '../../kernel/node/observe/observer.ts'
import { knownInterfaces } from '../run.ts'
import type { RunOptions } from '../run.ts'
import type { Feature, Flags } from './feature.ts'
import { wasmosHome } from '../../kernel/node/home.ts'

interface TtyStream { isTTY?: boolean }

/** The `audit` entry of WASMOS_HOME/config.json (resolved against the home), if any. */
export function configuredAudit (home: string): string | undefined {
  let text: string
  try {
    text = readFileSync(join(home, 'config.json'), 'utf8')
  } catch {
    return undefined
  }
  let config: unknown
  try {
    config = JSON.parse(text)
  } catch {
    throw new WasmosError('ERR_CONFIG', `${join(home, 'config.json')}: not valid JSON`)
  }
  const audit = (config as { audit?: unknown } | null)?.audit
  if (audit === undefined || audit === null) return undefined
  if (typeof audit !== 'string' || audit === '') throw new WasmosError('ERR_CONFIG', `${join(home, 'config.json')}: "audit" must be a file name`)
  return isAbsolute(audit) ? audit : join(home, audit)
}

export const audit: Feature = {
  addOptions (cmd) {
    cmd.option('--audit <file>', 'append one JSON line per grant decision and per refused message to this file (also "audit" in WASMOS_HOME/config.json)')
  },
  async apply (flags: Flags, opts: RunOptions) {
    const path = flags.audit === undefined ? configuredAudit(wasmosHome()) : String(flags.audit)
    if (path === undefined) return
    // The log's module only for a run that audits.
    const { AuditLog } = await import('../../kernel/node/observe/audit.ts')
    const known = knownInterfaces()
    const keys = (tokens: string[] | undefined, flag: string): Set<string> => new Set((tokens ?? []).map((t) => resolveInterface(t, known, flag)))
    const allow = keys(opts.allow, '--allow')
    const allowHandle = keys(opts.allowHandle, '--allow-handle')
    const deny = keys(opts.deny, '--deny')
    const terminal = flags.prompt !== false && (process.stdin as TtyStream).isTTY === true && (process.stderr as TtyStream).isTTY === true

    /** Sources seen while the policy decided, by `pid kind key`: set by the wrappers below. */
    const seen = new Map<string, AuditSource>()
    const slot = (pid: number, kind: GrantKind, key: string): string => `${pid} ${kind} ${key}`
    const sourceOf = (pid: number, key: string, kind: GrantKind, allowed: boolean): AuditSource => {
      const s = seen.get(slot(pid, kind, key))
      if (s !== undefined) return s
      if (deny.has(key) || opts.allowAll) return 'flag'
      if (allowed && (kind === 'send' ? allow.has(key) : allowHandle.has(key))) return 'flag'
      return 'default'
    }
    const log = new AuditLog({
      path,
      describe: (key) => ({ name: known.get(key)?.name ?? null, cid: known.get(key)?.cid ?? interfaceCidOfKey(key) }),
      sourceOf
    })

    const previous = opts.configurePolicy
    opts.configurePolicy = (p) => {
      previous?.(p)
      const known = p.known.bind(p)
      p.known = (req: GrantRequest) => {
        seen.delete(slot(req.pid, req.kind, req.key))
        return known(req)
      }
      const stored = p.stored
      p.stored = (req) => {
        const d = stored?.(req) ?? null
        if (d !== null) seen.set(slot(req.pid, req.kind, req.key), 'remembered')
        return d
      }
      const ask = p.ask
      if (ask !== null) {
        p.ask = async (req, iface) => {
          seen.set(slot(req.pid, req.kind, req.key), terminal ? 'prompt' : 'default')
          return await ask(req, iface)
        }
      }
    }
    const onHost = opts.onHost
    opts.onHost = (host) => {
      onHost?.(host)
      host.observe(log)
    }
    const onEnd = opts.onEnd
    opts.onEnd = () => {
      log.close()
      onEnd?.()
    }
  }
}
