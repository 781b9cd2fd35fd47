#!/usr/bin/env node
// The `wasmos` command: turns on V8's compile cache, then loads the bundled CLI.
import { enableCompileCache } from 'node:module'

enableCompileCache?.()
await import('../dist/wasmos.mjs')
