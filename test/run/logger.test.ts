// The run's log on a terminal: program-supplied text (its name, its lines) is sanitised, so a
// program cannot clear the screen, recolour it or forge lines such as a permission prompt.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { Writable } from 'node:stream'
import { createLogger } from '../../src/kernel/node/logger.ts'

test('log lines of programs cannot carry escapes or new lines onto the terminal', () => {
  let out = ''
  const dest = new Writable({ write (chunk: Buffer, _enc, done) { out += chunk.toString(); done() } })
  const logger = createLogger({ format: 'pretty', destination: dest })
  logger.child({ program: 'evil\x1b[31m\nname' }).info('\x1b[2Jcleared\n┏ ⚠  forged prompt line\u202eevil')
  assert.ok(!out.includes('\x1b'), out)
  assert.equal(out.trim().split('\n').length, 1, out)
  assert.match(out, /evil\\nname: cleared\\n┏ ⚠ {2}forged prompt line\\u202eevil/)
})
