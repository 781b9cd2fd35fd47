// The kernel core's public surface, shared by the Node host and the bare-metal host.
// (asc resolves `import … from './x.ts'` but not `export … from './x.ts'`: hence import, then export.)
import {
  ALREADY_HANDLED, ANSWER_HEADER, BAD_POINTER, DENIED, ENDED_SIZE, GRANT_HANDLE, GRANT_SEND,
  KERNEL_PID, KIND_ANSWER, KIND_ENDED, KIND_MESSAGE, MESSAGE_HEADER, NO_HANDLER, OK, PENDING,
  QUEUE_FULL, SEND_ANSWER, SEND_WAIT_HANDLER, TOO_LARGE, UNKNOWN_MESSAGE, WAIT_BLOCK,
  BAD_REQUEST, TRAP_STATUS, KILLED_STATUS
} from './codes.ts'
import {
  Action, ACTION_ANSWER, ACTION_ASK_GRANT, ACTION_DELIVER, ACTION_DENIED, ACTION_ENDED,
  ACTION_REGISTERED, ACTION_WAKE
} from './action.ts'
import { Kernel, KernelConfig } from './kernel.ts'
import { Message } from './message.ts'
import { Notification, encodeNotification, readId, writeId } from './notification.ts'
import {
  Process, GRANT_ALLOWED, GRANT_ASKED, GRANT_DENIED, GRANT_DENIED_REPORTED, GRANT_UNKNOWN
} from './process.ts'

export {
  ALREADY_HANDLED, ANSWER_HEADER, BAD_POINTER, DENIED, ENDED_SIZE, GRANT_HANDLE, GRANT_SEND,
  KERNEL_PID, KIND_ANSWER, KIND_ENDED, KIND_MESSAGE, MESSAGE_HEADER, NO_HANDLER, OK, PENDING,
  QUEUE_FULL, SEND_ANSWER, SEND_WAIT_HANDLER, TOO_LARGE, UNKNOWN_MESSAGE, WAIT_BLOCK,
  BAD_REQUEST, TRAP_STATUS, KILLED_STATUS,
  Action, ACTION_ANSWER, ACTION_ASK_GRANT, ACTION_DELIVER, ACTION_DENIED, ACTION_ENDED,
  ACTION_REGISTERED, ACTION_WAKE,
  Kernel, KernelConfig, Message, Notification, encodeNotification, readId, writeId,
  Process, GRANT_ALLOWED, GRANT_ASKED, GRANT_DENIED, GRANT_DENIED_REPORTED, GRANT_UNKNOWN
}
