// The observer contract: what the host tells whoever watches a run (the trace, the audit log, the
// control socket of `wasmos ps`/`top`). With no observer attached the host pays one null check.
import type { Notification } from '../../core/index.ts'
import { ProcessKilled } from '../errors.ts'
import type { WasmosError } from '../errors.ts'
import type { Proc } from '../proc.ts'

export type GrantKind = 'send' | 'handle'

/**
 * Who settled a grant, as far as the host knows: the policy (flags, defaults, remembered
 * decisions, the prompt: the policy's owner knows which), the user's `--handler` choice, the
 * parent not holding it, or the console (`wasmos top` revoking it).
 */
export type DecidedBy = 'policy' | 'handler' | 'parent' | 'console'

/**
 * Every call is synchronous, made on the host's thread, and must not throw. Message ids are the
 * kernel's (unique in a run); pid 0 is the kernel and its native handlers.
 */
export interface HostObserver {
  spawned (proc: Proc): void
  ended (proc: Proc, status: number, error: WasmosError | null): void
  /** The process suspended in `wait`. */
  blocked (proc: Proc): void
  /** A `wait` that suspended returns. */
  resumed (proc: Proc): void
  /** `pid` sent `payload` to the interface `key`; `code` is what send returned, `id` the message id (0 if refused). */
  sent (pid: number, key: string, id: number, payload: Uint8Array, flags: number, code: number): void
  /** A message reached a native handler. */
  delivered (id: number, emitter: number, key: string, payload: Uint8Array, expectsAnswer: boolean): void
  /** A process took a notification (message, answer, or a process's end) from its queue. */
  took (pid: number, n: Notification): void
  /**
   * What a `wait` of `pid` returned: the size of the notification (taken, and told to `took`
   * just before, when it fit), or 0 when there was none and it did not block.
   */
  waited (pid: number, result: number): void
  /** `pid` answered message `id` (pid 0: a native handler); `code` is what answer returned. */
  answered (pid: number, id: number, status: number, code: number): void
  /** The host asks the policy about a grant it could not settle without asking. */
  asked (pid: number, key: string, kind: GrantKind): void
  /** A grant was settled (or changed, when revoked). */
  granted (pid: number, key: string, kind: GrantKind, allowed: boolean, by: DecidedBy): void
}

/** How a process ended by the console (`wasmos top`) ends: the audit log records who did it. */
export class ConsoleKilled extends ProcessKilled {}

/** One observer that tells each of `list`, in order. */
export function fanOut (list: HostObserver[]): HostObserver {
  if (list.length === 1) return list[0]
  return {
    spawned: (p) => { for (const o of list) o.spawned(p) },
    ended: (p, s, e) => { for (const o of list) o.ended(p, s, e) },
    blocked: (p) => { for (const o of list) o.blocked(p) },
    resumed: (p) => { for (const o of list) o.resumed(p) },
    sent: (pid, key, id, payload, flags, code) => { for (const o of list) o.sent(pid, key, id, payload, flags, code) },
    delivered: (id, emitter, key, payload, expects) => { for (const o of list) o.delivered(id, emitter, key, payload, expects) },
    took: (pid, n) => { for (const o of list) o.took(pid, n) },
    waited: (pid, result) => { for (const o of list) o.waited(pid, result) },
    answered: (pid, id, status, code) => { for (const o of list) o.answered(pid, id, status, code) },
    asked: (pid, key, kind) => { for (const o of list) o.asked(pid, key, kind) },
    granted: (pid, key, kind, allowed, by) => { for (const o of list) o.granted(pid, key, kind, allowed, by) }
  }
}

/** An observer that does nothing: extend it and override what you need. */
export class NullObserver implements HostObserver {
  spawned (_proc: Proc): void {}
  ended (_proc: Proc, _status: number, _error: WasmosError | null): void {}
  blocked (_proc: Proc): void {}
  resumed (_proc: Proc): void {}
  sent (_pid: number, _key: string, _id: number, _payload: Uint8Array, _flags: number, _code: number): void {}
  delivered (_id: number, _emitter: number, _key: string, _payload: Uint8Array, _expects: boolean): void {}
  took (_pid: number, _n: Notification): void {}
  waited (_pid: number, _result: number): void {}
  answered (_pid: number, _id: number, _status: number, _code: number): void {}
  asked (_pid: number, _key: string, _kind: GrantKind): void {}
  granted (_pid: number, _key: string, _kind: GrantKind, _allowed: boolean, _by: DecidedBy): void {}
}

/**
 * The index of a message from its msgpack payload (an array whose first element is the index),
 * or -1. Only the first bytes are read: the payload is never decoded further here.
 */
export function messageIndex (p: Uint8Array): number {
  if (p.length < 2) return -1
  const b = p[0]
  let at: number
  if (b >= 0x90 && b <= 0x9f) at = 1
  else if (b === 0xdc) at = 3
  else if (b === 0xdd) at = 5
  else return -1
  if (at >= p.length) return -1
  const v = p[at]
  if (v <= 0x7f) return v
  if (v === 0xcc && at + 1 < p.length) return p[at + 1]
  if (v === 0xcd && at + 2 < p.length) return (p[at + 1] << 8) | p[at + 2]
  return -1
}
