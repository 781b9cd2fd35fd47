// Parsing of --max-memory, --cpu-limit and --slice.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { LimitError, parseDuration, parseMemorySize } from '../../src/kernel/node/limits/settings.ts'

test('memory sizes become 64 KiB pages, rounded up', () => {
  assert.equal(parseMemorySize('256MiB'), 4096)
  assert.equal(parseMemorySize('256 mib'), 4096)
  assert.equal(parseMemorySize('1g'), 16384)
  assert.equal(parseMemorySize('4GiB'), 65536)
  assert.equal(parseMemorySize('65536'), 1)
  assert.equal(parseMemorySize('65537'), 2)
  assert.equal(parseMemorySize('1.5m'), 24)
  assert.equal(parseMemorySize('100MB'), Math.ceil(100e6 / 65536))
})

test('bad sizes are one-line errors with a code', () => {
  for (const bad of ['', 'lots', '12 parsecs', '-5MiB', '5GiB', '0']) {
    assert.throws(() => parseMemorySize(bad), (e: unknown) => e instanceof LimitError && e.code === 'bad-limit' && !e.message.includes('\n') && e.message.startsWith('--max-memory: '), bad)
  }
})

test('durations become ms', () => {
  assert.equal(parseDuration('30', '--cpu-limit'), 30_000)
  assert.equal(parseDuration('1.5s', '--cpu-limit'), 1500)
  assert.equal(parseDuration('500ms', '--slice'), 500)
  assert.equal(parseDuration('2m', '--cpu-limit'), 120_000)
  for (const bad of ['', '0', 'soon', '5h', '-1s']) {
    assert.throws(() => parseDuration(bad, '--cpu-limit'), (e: unknown) => e instanceof LimitError && e.message.startsWith('--cpu-limit: '), bad)
  }
})
