// Declaring, up front, the interfaces a program needs, with a reason for each: `wasmos run` and
// `wasmos exec` then ask the user once, before the program starts, listing them all (as a phone
// does at install), and `wasmos inspect` shows the list.
//
//   import { needs, needsToHandle } from '../sdk/as/declare'
//   needs('tcp', 'to send your score to the high-score server')
//   needsToHandle('kv', 'to keep your saved games')
//   needs('tcp', 'to send your score', '127.0.0.1:7878')   // only that host:port (a scope)
//
// Call them at the top level of a file, with string literals: an interface name from
// interfaces/ or an interface CID, and the reason shown to the user; for the host interfaces
// (tcp, udp, fs, env, process), optionally a scope in the syntax of `--allow tcp=…` (README). They do nothing at run time:
// the build (transform/declare.ts, used by scripts/build.d/30-programs.ts) reads them from the
// source and writes the module's `wasmos.interfaces` custom section (src/kernel/node/grants/declared.ts).

/** Declares that the program will send to `iface` (a name from interfaces/ or a CID), and why; `scope` narrows it. */
// @ts-ignore: decorator
@inline export function needs (iface: string, reason: string, scope: string = ''): void {}

/** Declares that the program will handle `iface` (a name from interfaces/ or a CID), and why. */
// @ts-ignore: decorator
@inline export function needsToHandle (iface: string, reason: string): void {}
