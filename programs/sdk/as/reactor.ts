// A small reactor for programs with several calls outstanding at once (a server reading from many
// connections): a call is sent with a Task, and when its answer comes the reactor calls the
// task's `done`. AssemblyScript has no closures over locals, so a task is an object: subclass Task
// and keep the state in fields. Messages to interfaces the program handles go to `onMessage`.
//
// The reader passed to `done` (and the notification passed to `onMessage`) are valid only until
// the next call that waits (a blocking `call`, a generated client, `next`): copy what you keep
// (`r.bin()` and `r.str()` copy) before making one.
import { lastStatus, next, KIND_ANSWER, KIND_ENDED, KIND_MESSAGE, Notification, sendRequest } from './abi'
import { Reader, Writer } from './msgpack'

/** Something waiting for an answer. `status` is 0 or the failure; `r` reads the answer's fields. */
export class Task {
  done (status: i32, r: Reader): void {}
}

/** Receives the messages and process-ended notifications the reactor takes. */
export class MessageSink {
  onMessage (n: Notification): void {}
}

class Failed {
  task: Task
  status: i32
  constructor (task: Task, status: i32) { this.task = task; this.status = status }
}

@lazy const noReader = new Reader(new Uint8Array(0))

export class Reactor {
  readonly pending: Map<u64, Task> = new Map<u64, Task>()
  /** Calls that could not be sent: their tasks get the send failure on the next turn. */
  private failed: Array<Failed> = new Array<Failed>()
  sink: MessageSink | null = null
  /** Set to end `run` after the current turn. */
  stopped: bool = false

  /** Sends the message in `w` to `iface`; `task.done` gets its answer. */
  submit (iface: StaticArray<u8>, w: Writer, task: Task): void {
    const id = sendRequest(iface, w)
    if (id == 0) this.failed.push(new Failed(task, lastStatus))
    else this.pending.set(id, task)
  }

  /** How many calls are outstanding. */
  get outstanding (): i32 {
    return this.pending.size + this.failed.length
  }

  /** One turn: delivers one answer (or one failure, or one message). */
  turn (): void {
    if (this.failed.length > 0) {
      const f = this.failed.shift()
      f.task.done(f.status, noReader)
      return
    }
    const n = next()
    if (n.kind == KIND_ANSWER) {
      if (!this.pending.has(n.id)) return
      const task = this.pending.get(n.id)
      this.pending.delete(n.id)
      task.done(n.code, n.reader())
    } else if (n.kind == KIND_MESSAGE || n.kind == KIND_ENDED) {
      const sink = this.sink
      if (sink !== null) sink.onMessage(n)
    }
  }

  /** Runs until nothing is outstanding (and nothing handles messages) or `stopped` is set. */
  run (): void {
    while (!this.stopped && (this.outstanding > 0 || this.sink !== null)) this.turn()
  }
}
