// Mutated modules (a seeded PRNG flips, inserts and deletes bytes of real modules; FUEL_FUZZ_SEED
// and FUEL_FUZZ_N change the seed and the count): the rewrite either refuses with a
// FuelRewriteError or gives a module, never another exception or a hang; and whenever V8 accepts
// the mutated input, it accepts the rewritten output too.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { FuelRewriteError, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'
import { fixture, kernel } from './helpers.ts'

function prng (seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32
  }
}

test('mutated modules: refused cleanly or rewritten into valid modules', () => {
  const rand = prng(Number(process.env.FUEL_FUZZ_SEED ?? 7))
  const seeds = [fixture('spin'), fixture('features'), fixture('grow'), kernel('sieve'), kernel('sha256'), kernel('fib')]
  let refused = 0
  let validInputs = 0
  for (let i = 0; i < Number(process.env.FUEL_FUZZ_N ?? 3000); i++) {
    const base = seeds[i % seeds.length]
    const bytes = Array.from(base)
    const edits = 1 + Math.floor(rand() * 3)
    for (let e = 0; e < edits; e++) {
      const at = 8 + Math.floor(rand() * (bytes.length - 8))
      const kind = rand()
      if (kind < 0.6) bytes[at] = Math.floor(rand() * 256)
      else if (kind < 0.8) bytes.splice(at, 0, Math.floor(rand() * 256))
      else bytes.splice(at, 1)
    }
    const input = new Uint8Array(bytes)
    const valid = WebAssembly.validate(input)
    let out: Uint8Array | undefined
    try {
      out = rewriteModule(input, { maxMemoryPages: 4096 })
    } catch (err) {
      assert.ok(err instanceof FuelRewriteError, `mutation ${i}: ${(err as Error).stack}`)
      if (valid) assert.ok(err.code !== 'invalid-module', `mutation ${i}: valid input refused as invalid: ${err.message}`)
      refused++
      continue
    }
    if (valid) {
      validInputs++
      assert.ok(WebAssembly.validate(out), `mutation ${i}: valid input, invalid output`)
    }
  }
  assert.ok(refused > 100 && validInputs > 100, `${refused} refused, ${validInputs} valid inputs rewritten`)
})
