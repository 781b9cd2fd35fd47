#!/usr/bin/env node
// The `wasmos` command: answers `--version` before anything else is loaded, otherwise turns on
// V8's compile cache and loads the bundled CLI.
import { readFileSync } from 'node:fs'
import { enableCompileCache } from 'node:module'

const word = process.argv[2]
if (process.argv.length === 3 && (word === '--version' || word === '-V')) {
  process.stdout.write(`${JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version}\n`)
} else {
  enableCompileCache?.()
  await import('../dist/wasmos.mjs')
}
