// Builds native handlers from one function per message: requests arrive decoded and type-checked
// by the interface's codec, answers are encoded from the returned fields. A program cannot tell a
// native handler from a program handling the interface.
import { BAD_REQUEST } from '../../kernel/core/index.ts'
import type { HostServices, NativeHandler, NativeMessage } from '../../kernel/node/native.ts'
import { Iface, PayloadError } from '../codec.ts'

/** A failure answer with an interface-defined status code. */
export class InterfaceError extends Error {
  readonly code = 'ERR_INTERFACE'
  readonly status: number

  constructor (status: number, message = `failed with status ${status}`) {
    super(message)
    this.status = status
  }
}

type AnyAnswers = Record<string, object>

/** What a message handler of `native()` gets besides the request. */
export interface Call {
  readonly pid: number
  readonly id: number
  readonly host: HostServices
}

export type Implementation<Req extends { name: string }, Ans extends AnyAnswers> = {
  [K in Req['name']]: (req: Extract<Req, { name: K }>, call: Call) =>
  K extends keyof Ans ? (Ans[K] | Promise<Ans[K]>) : (void | Promise<void>)
}

/**
 * Builds a native handler from one function per message. A function returns the answer's fields
 * (or a promise of them); throwing InterfaceError answers with its status. Requests that do not
 * decode get BAD_REQUEST; answers to one-way messages are not sent.
 */
export function native<Req extends { name: string }, Ans extends AnyAnswers> (
  host: HostServices,
  iface: Iface<Req, Ans>,
  impl: Implementation<Req, Ans>,
  hooks: { processEnded?: (pid: number) => void, close?: () => void | Promise<void> } = {}
): NativeHandler {
  const table = impl as unknown as Record<string, (req: Req, call: Call) => unknown>
  const reply = (msg: NativeMessage, name: string, value: unknown): void => {
    if (!msg.expectsAnswer) return
    host.answer(msg.id, 0, iface.encodeAnswer(name as keyof Ans & string, value as Ans[keyof Ans & string]))
  }
  const failed = (msg: NativeMessage, err: unknown): void => {
    if (err instanceof InterfaceError) {
      if (msg.expectsAnswer) host.answer(msg.id, err.status, new Uint8Array(0))
      return
    }
    if (err instanceof PayloadError) {
      if (msg.expectsAnswer) host.answer(msg.id, BAD_REQUEST, new Uint8Array(0))
      return
    }
    host.internalError(iface.name, err)
    if (msg.expectsAnswer) host.answer(msg.id, BAD_REQUEST, new Uint8Array(0))
  }
  return {
    key: iface.key,
    name: iface.name,
    handle (msg: NativeMessage): void {
      let req: Req
      try {
        req = iface.decode(msg.payload)
      } catch (err) {
        failed(msg, err)
        return
      }
      const call: Call = { pid: msg.emitter, id: msg.id, host }
      try {
        const result = table[req.name](req, call)
        if (result instanceof Promise) {
          result.then((value) => reply(msg, req.name, value), (err) => failed(msg, err))
        } else {
          reply(msg, req.name, result)
        }
      } catch (err) {
        failed(msg, err)
      }
    },
    processEnded: hooks.processEnded,
    close: hooks.close
  }
}
