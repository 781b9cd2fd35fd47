// The kernel core's scenarios, run against the TypeScript build.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { runScenario, scenarioCount, scenarioName } from './scenarios.ts'

for (let i = 0; i < scenarioCount(); i++) {
  test(`core (TypeScript): ${scenarioName(i)}`, () => {
    assert.equal(runScenario(i), '')
  })
}
