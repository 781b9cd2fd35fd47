#!/usr/bin/env node
// The `wasmos` command: answers `--version` and `wasmos interfaces` (written by the bundle step)
// before anything else is loaded, otherwise turns on V8's compile cache and loads the bundled CLI.
// Built-ins through getBuiltinModule, not import: an ESM import builds a facade of the whole module.
const { readFileSync, writeSync } = process.getBuiltinModule('node:fs')

/** A file beside this one's package, or null when it is not there (the CLI then answers). */
function packaged (path) {
  try {
    return readFileSync(`${import.meta.dirname}/../${path}`, 'utf8')
  } catch {
    return null
  }
}

/** Writes to standard output without building process.stdout (a pipe's would load net). */
function print (text) {
  const bytes = Buffer.from(text)
  let done = 0
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done)
  } catch (err) {
    // A reader that went away wants no more (as the CLI behaves); a non-blocking pipe gets a stream.
    if (err.code !== 'EPIPE') process.stdout.write(bytes.subarray(done))
  }
}

const args = process.argv.slice(2)
const answer = args.length === 1 && (args[0] === '--version' || args[0] === '-V')
  ? `${JSON.parse(packaged('package.json') ?? '{}').version}\n`
  : args[0] === 'interfaces' && (args.length === 1 || (args.length === 2 && args[1] === '--json'))
    ? packaged(args.length === 1 ? 'dist/interfaces.txt' : 'dist/interfaces.json')
    : null
if (answer !== null) {
  print(answer)
} else {
  process.getBuiltinModule('node:module').enableCompileCache?.()
  // The compile cache holds the functions compiled with the bundle; V8 compiles most of them only
  // when first called, every run. Compiled eagerly, they are all in the cache: a start no longer
  // compiles any, for a larger cache to read. Only the bundle is compiled so (loading it is synchronous).
  const v8 = process.getBuiltinModule('node:v8')
  v8.setFlagsFromString('--no-lazy')
  const cli = import('../dist/wasmos.mjs')
  v8.setFlagsFromString('--lazy')
  await cli
}
