// The contract between the Node host and native handlers: what a handler receives, and the small
// set of host services it may use. Handlers depend on this, never on NodeHost itself, so a test
// can drive one with a stand-in host of a few lines.
import type { Logger } from './logger.ts'
import type { Program } from './program.ts'
import type { Scope } from './grants/scope.ts'

export interface NativeMessage {
  id: number
  /** The pid that sent it. */
  emitter: number
  expectsAnswer: boolean
  payload: Uint8Array
}

export interface NativeHandler {
  /** The interface's digest in hex. */
  readonly key: string
  readonly name: string
  /** Handles one message; when it expects an answer, answers through `HostServices.answer`. */
  handle (msg: NativeMessage): void
  /** A process ended: free whatever was held for it. */
  processEnded? (pid: number): void
  /** The run ends: close everything. */
  close? (): void | Promise<void>
}

/** What a handler may know of a process. */
export interface ProcessInfo {
  readonly pid: number
  readonly parent: number
  readonly program: Program
  readonly args: readonly string[]
  /** Resolves with its exit status. */
  readonly exited: Promise<number>
  /** Whether it ended, and then its exit status (set before handlers hear `processEnded`). */
  readonly ended: boolean
  readonly status: number
}

/** The host as native handlers see it. */
export interface HostServices {
  readonly logger: Logger
  /** Answers a message delivered to a native handler. */
  answer (id: number, status: number, payload: Uint8Array): void
  /** Reports a handler's own failure (a bug, not a bad request). */
  internalError (iface: string, err: unknown): void
  /** A running process, or undefined once it ended. */
  process (pid: number): ProcessInfo | undefined
  /** Ends a process. */
  exit (pid: number, status: number): void
  /** Starts a program as a child of `parent`. */
  spawn (program: Program, args: string[], parent: number): Promise<ProcessInfo>
  /** Asks to make `pid` the handler of an interface; resolves with a status code. */
  register (pid: number, key: string, digest: Uint8Array, token: number): Promise<number> | number
  unregister (pid: number, key: string): number
  /**
   * Whether `pid` may do what `scope` describes on the interface `key` (connect to a host:port,
   * open a path for writing, …): asked before acting, decided by the same grants as the rest.
   * `ask: false`: what is decided without asking anyone, else no (and nothing is logged).
   */
  allowed (pid: number, key: string, scope: Scope, opts?: { ask?: boolean }): boolean | Promise<boolean>
}
