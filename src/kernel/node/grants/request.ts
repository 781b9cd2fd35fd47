// What the Node host asks whoever decides grants: a grant (program, interface, send or handle),
// or a scope a native handler needs before acting. The policy (policy.ts) and the host both speak
// these types; neither owns the other.
import type { Program } from '../program.ts'
import type { Scope } from './scope.ts'

/** What the host asks whoever decides grants (flags, stored decisions, the prompt). */
export interface GrantRequest {
  pid: number
  parent: number
  program: Program
  /** The interface's digest in hex. */
  key: string
  kind: 'send' | 'handle'
  /** Whether the parent process holds this grant (always true for programs the user started). */
  parentHolds: boolean
}

export interface GrantPolicy {
  /** The decision when it is known without asking anyone (flags, defaults, stored); else null. */
  known? (req: GrantRequest): boolean | null
  /** Decides, asking the user if need be. */
  decide (req: GrantRequest): boolean | Promise<boolean>
  /** Logged once per program and interface when a refusal first stops something. */
  denied? (req: GrantRequest): void
  /** Decides a scoped request a native handler makes before acting (grants/scope.ts); allowed when absent. */
  allowedScope? (req: ScopeRequest): boolean | Promise<boolean>
}

/** What a native handler asks before acting: may `program` do `scope` on the interface `key`? */
export interface ScopeRequest {
  pid: number
  program: Program
  /** The interface's digest in hex. */
  key: string
  scope: Scope
  /** The programs that started it, nearest first (empty for programs the user started). */
  ancestors: Program[]
  /** False: decide without asking anyone (undecided is no, and nothing is logged). */
  ask?: boolean
}
