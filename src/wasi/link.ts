// A WASI process's own messages to interfaces (stdio, fs for its grant, tcp): sent through the
// kernel *as the process*, so grants (flags, stored decisions, the prompt), queue limits and the
// per-process cleanup of handlers apply exactly as to a wasmos program. Answers are taken from the
// process's queue by message id, so several may be outstanding at once (a socket read waited for
// by poll_oneoff while another call goes on); the process is woken through the kernel's own
// blocking (`block` and the host's wake action), like `wait`.
import { KIND_ANSWER, OK, SEND_ANSWER } from '../kernel/core/index.ts'
import type { NodeHost } from '../kernel/node/host.ts'
import type { Proc } from '../kernel/node/proc.ts'

export interface Answer { status: number, payload: Uint8Array }

/** The status of a call the process was denied (the kernel's DENIED). */
export const DENIED = 1

export class ProcLink {
  readonly #host: NodeHost
  readonly #proc: Proc
  readonly #waiting = new Map<number, (a: Answer) => void>()
  #closed = false

  constructor (host: NodeHost, proc: Proc) {
    this.#host = host
    this.#proc = proc
  }

  /** Sends `payload` to the interface `key` as the process and resolves with the answer. */
  call (key: string, digest: Uint8Array, payload: Uint8Array): Promise<Answer> {
    const kernel = this.#host.kernel
    const pid = this.#proc.pid
    if (this.#closed) return Promise.resolve({ status: 2, payload: new Uint8Array(0) })
    const code = kernel.send(pid, key, digest, payload, SEND_ANSWER)
    if (code !== OK) return Promise.resolve({ status: code, payload: new Uint8Array(0) })
    const id = kernel.lastId
    const p = new Promise<Answer>((resolve) => this.#waiting.set(id, resolve))
    this.#host.drain()
    this.#collect()
    return p
  }

  /**
   * Takes answers that arrived and blocks the process on the rest again: called as the process
   * suspends in a WASI call, since a `wait` of its own (a module may import both) may have set
   * another filter meanwhile.
   */
  refresh (): void {
    if (this.#waiting.size > 0) this.#collect()
  }

  /** Takes every answer that arrived; blocks the process on the rest. */
  #collect = (): void => {
    if (this.#closed || this.#proc.ended) return
    const kernel = this.#host.kernel
    const pid = this.#proc.pid
    if (this.#waiting.size > 0) {
      const ids = [...this.#waiting.keys()]
      while (ids.length > 0) {
        if (kernel.poll(pid, ids, 0x7fffffff) === 0) break
        const n = kernel.taken!
        const resolve = this.#waiting.get(n.id)
        if (n.kind !== KIND_ANSWER || resolve === undefined) continue
        this.#waiting.delete(n.id)
        ids.splice(ids.indexOf(n.id), 1)
        resolve({ status: n.code, payload: n.payload ?? new Uint8Array(0) })
      }
    }
    if (this.#waiting.size > 0) {
      this.#proc.wake = this.#collect
      kernel.block(pid, [...this.#waiting.keys()])
    } else if (this.#proc.wake === this.#collect) {
      this.#proc.wake = null
      kernel.unblock(pid)
    }
  }

  /** The process ended: nothing more will be answered. */
  close (): void {
    this.#closed = true
    for (const resolve of this.#waiting.values()) resolve({ status: 2, payload: new Uint8Array(0) })
    this.#waiting.clear()
  }
}
