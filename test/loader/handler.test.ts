// The `loader` interface handled natively by the store: answers verified bytes, `bad_cid` for a
// malformed CID, `not_found` when nothing can supply the bytes.
import assert from 'node:assert/strict'
import { describe, it } from 'vitest'
import type { NodeHost } from '../../src/kernel/node/host.ts'
import { loader } from '../../src/interfaces/gen/loader.ts'
import { Cid, openStore } from '../../src/loader/index.ts'
import { loaderHandler } from '../../src/loader/handler.ts'
import { makeWasm, scratchHome } from '../helpers.ts'

/** Sends one `load` to the handler; resolves with the answer the host was given. */
function ask (handler: ReturnType<ReturnType<typeof loaderHandler>>, answers: Map<number, (a: { status: number; payload: Uint8Array }) => void>, id: number, cid: string) {
  const answered = new Promise<{ status: number; payload: Uint8Array }>((resolve) => answers.set(id, resolve))
  handler.handle({ id, emitter: 1, expectsAnswer: true, payload: loader.encode({ name: 'load', cid }) })
  return answered
}

describe('loader handler', () => {
  it('answers verified bytes, bad_cid and not_found', async () => {
    const home = scratchHome('handler')
    try {
      const store = await openStore({ home: home.path, peers: [] })
      const wasm = makeWasm(500 * 1024)
      const cid = await store.publish(wasm)
      const answers = new Map<number, (a: { status: number; payload: Uint8Array }) => void>()
      // The handler only answers through the host; a stand-in records what it is given.
      const host = {
        answer: (id: number, status: number, payload: Uint8Array) => answers.get(id)?.({ status, payload }),
        internalError: (_name: string, err: unknown) => assert.fail(`internal error: ${String(err)}`),
      } as unknown as NodeHost
      const handler = loaderHandler(store)(host)
      assert.equal(handler.name, 'loader')

      const ok = await ask(handler, answers, 1, cid.toString())
      assert.equal(ok.status, 0)
      const { bytes } = loader.decodeAnswer('load', ok.payload) as { bytes: Uint8Array }
      assert.ok(Buffer.from(bytes).equals(wasm))

      assert.equal((await ask(handler, answers, 2, 'not-a-cid')).status, loader.error('bad_cid'))
      assert.equal((await ask(handler, answers, 3, Cid.ofBytes(makeWasm(1)).toString())).status, loader.error('not_found'))
      await handler.close?.()
    } finally {
      await home.dispose()
    }
  })
})
