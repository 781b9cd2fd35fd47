// Numbers of the program ABI (DESIGN.md): return codes of send/answer/wait, send and wait flags,
// notification kinds and grant kinds. Plain constants so that asc and tsc both keep them.

/** Success. */
export const OK: i32 = 0
/** No grant for this interface. */
export const DENIED: i32 = 1
/** Nobody handles this interface (and the sender did not ask to wait for one). */
export const NO_HANDLER: i32 = 2
/** A pointer or length points outside the program's memory. */
export const BAD_POINTER: i32 = 3
/** The message is larger than the kernel accepts. */
export const TOO_LARGE: i32 = 4
/** The handler's notification queue is full. */
export const QUEUE_FULL: i32 = 5
/** This process did not receive a message with that id, or already answered it. */
export const UNKNOWN_MESSAGE: i32 = 6
/** Another process already handles this interface (status of a registry answer). */
export const ALREADY_HANDLED: i32 = 7
/** A registration waits for the user's decision; the host is told by an action later. */
export const PENDING: i32 = 8

/** send flag: an answer is expected; its id is written at id_out_ptr. */
export const SEND_ANSWER: i32 = 1
/** send flag: if nobody handles the interface yet, queue until somebody does. */
export const SEND_WAIT_HANDLER: i32 = 2

/** wait flag: block until a notification is available. */
export const WAIT_BLOCK: i32 = 1

export const KIND_ANSWER: i32 = 1
export const KIND_MESSAGE: i32 = 2
export const KIND_ENDED: i32 = 3

/** Grant kinds: sending to an interface, or handling it. */
export const GRANT_SEND: i32 = 1
export const GRANT_HANDLE: i32 = 2

/** Header sizes of the notification layouts. */
export const ANSWER_HEADER: i32 = 24
export const MESSAGE_HEADER: i32 = 64
export const ENDED_SIZE: i32 = 16

/** The kernel's own pid: the handler of natively handled interfaces. */
export const KERNEL_PID: f64 = 0

/** Failure status of an answer whose message is not a message of the interface. */
export const BAD_REQUEST: i32 = 9
/** Failure status of an answer whose handler is on another peer that is unreachable, or whose link dropped. */
export const UNREACHABLE: i32 = 10

/** Exit status of a process that trapped. */
export const TRAP_STATUS: i32 = -1
/** Exit status of a process ended by the kernel (a limit, the end of the run). */
export const KILLED_STATUS: i32 = -9
