// What the kernel asks its host to do. The host drains them after every call into the kernel.

/** A blocked process has a notification it waits for: resume its `wait`. Fields: pid. */
export const ACTION_WAKE: i32 = 1
/** A message for a natively handled interface. Fields: id, pid (emitter), iface, digest, payload, flags. */
export const ACTION_DELIVER: i32 = 2
/** The answer to a message the kernel itself sent. Fields: id, status, payload. */
export const ACTION_ANSWER: i32 = 3
/** No decision on record: ask the user. Fields: pid, iface, digest, grant (GRANT_SEND or GRANT_HANDLE). */
export const ACTION_ASK_GRANT: i32 = 4
/** A held registration is decided. Fields: pid, iface, id (the token given to `register`), status. */
export const ACTION_REGISTERED: i32 = 5
/** A process ended. Fields: pid, status (its exit status). */
export const ACTION_ENDED: i32 = 6
/** A grant was refused for the first time in this run: log it once. Fields: pid, iface, grant. */
export const ACTION_DENIED: i32 = 7
/**
 * A process has more notifications waiting than it may (it does not read its answers): end it.
 * Fields: pid, status (the bytes queued for it).
 */
export const ACTION_OVERFLOW: i32 = 8

export class Action {
  kind: i32 = 0
  pid: f64 = 0
  id: f64 = 0
  status: i32 = 0
  flags: i32 = 0
  grant: i32 = 0
  iface: string = ''
  digest: Uint8Array | null = null
  payload: Uint8Array | null = null
}
