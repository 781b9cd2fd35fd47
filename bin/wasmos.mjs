#!/usr/bin/env node
// The `wasmos` command: answers `--version` and `wasmos interfaces` (written by the bundle step)
// before anything else is loaded, otherwise runs the bundled CLI with a code cache (runBundle).
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
  runBundle()
}

/**
 * Runs the bundled CLI, dist/wasmos.mjs. Not by import: Node's compile cache holds only what V8
 * compiles when a module is loaded (the top level; every function if compiled eagerly), and a
 * start then either compiles the functions the command calls or reads the code of all of them.
 * The bundle is also a classic script after its first line (the build step sees to it), so it runs
 * here through vm.Script with a V8 code cache made at the end of an earlier successful run of the
 * same command (run, exec, or any other; not a help page): the functions that command calls,
 * compiled, and nothing else. The cache sits in WASMOS_HOME/cache/code (or NODE_COMPILE_CACHE when
 * set), named by the build's hash (first line of the bundle), the command and the Node version; V8
 * refuses a cache of another V8 or other flags, and a refused or missing cache is made again at
 * exit. Without a cache directory (NODE_DISABLE_COMPILE_CACHE, no home) or a bundle of another
 * shape, the bundle is imported.
 */
function runBundle () {
  const mod = process.getBuiltinModule('node:module')
  const dir = codeCacheDirectory()
  if (dir !== undefined) mod.enableCompileCache?.(dir)
  const bundle = new URL('../dist/wasmos.mjs', import.meta.url)
  const source = dir === undefined ? undefined : packaged('dist/wasmos.mjs')
  const eol = source?.indexOf('\n') ?? -1
  const id = eol < 0 ? undefined : /\/\/ wasmos-bundle ([0-9a-f]+)$/.exec(source.slice(0, eol))?.[1]
  if (id === undefined) return import(bundle.href)
  const vm = process.getBuiltinModule('node:vm')
  const filename = decodeURIComponent(bundle.pathname)
  const word = args[0] === 'run' || args[0] === 'exec' ? args[0] : 'cli'
  const cacheFile = `${dir}/wasmos-${id}-${word}-${process.version}.v8`
  const cachedData = readOwn(cacheFile)
  // The first line (module syntax) becomes the wrapper, so line numbers stay those of the file.
  let script
  try {
    script = new vm.Script(`(function (require, __wasmosImportMeta) { 'use strict';${source.slice(eol)}\n})`, { filename, cachedData })
  } catch {
    // Not a script after all (say, a top-level await crept in): as a module it still runs.
    return import(bundle.href)
  }
  // Made from a run that did the command's work: one that succeeded and was not asked for help
  // (a cache taken is kept, so a help page's would stay the command's).
  const help = args.includes('--help') || args.includes('-h')
  if ((cachedData === undefined || script.cachedDataRejected === true) && !help) {
    process.once('exit', (code) => { if (code === 0) saveCache(script, cacheFile) })
  }
  // The bundle's import.meta, and its dynamic imports: the package's bin/ and dist/ resolve
  // packages alike (and the bundle imports only packages and absolute URLs).
  const meta = {
    url: bundle.href,
    filename,
    dirname: filename.slice(0, filename.lastIndexOf('/')),
    resolve: (s) => import.meta.resolve(s),
    import: (s) => import(s)
  }
  script.runInThisContext()(mod.createRequire(filename), meta)
}

/**
 * Where code caches go: NODE_COMPILE_CACHE when set, else WASMOS_HOME/cache/code (made owner-only;
 * the home chosen as src/kernel/node/home.ts does, which this file cannot import before the bundle).
 * V8 checks little of a cache it is given (its version, flags and the source's length), so code
 * is taken only from a directory that this user owns and nobody else can write to.
 */
function codeCacheDirectory () {
  const env = process.env
  if (env.NODE_DISABLE_COMPILE_CACHE !== undefined) return undefined
  const home = env.WASMOS_HOME !== undefined && env.WASMOS_HOME !== ''
    ? env.WASMOS_HOME
    : env.HOME !== undefined && env.HOME !== '' ? `${env.HOME}/.wasmos` : undefined
  const dir = env.NODE_COMPILE_CACHE !== undefined && env.NODE_COMPILE_CACHE !== ''
    ? env.NODE_COMPILE_CACHE
    : home === undefined ? undefined : `${home}/cache/code`
  if (dir === undefined) return undefined
  const { mkdirSync, statSync } = process.getBuiltinModule('node:fs')
  try {
    mkdirSync(dir, { recursive: true, mode: 0o700 })
    return ownedByMe(statSync(dir)) ? dir : undefined
  } catch {
    return undefined
  }
}

/** Whether a file or directory belongs to this user and nobody else may write to it. */
function ownedByMe (st) {
  const uid = process.getuid?.()
  return uid === undefined || (st.uid === uid && (st.mode & 0o022) === 0)
}

/** A cache file's bytes when it is this user's own, else undefined. */
function readOwn (file) {
  const { closeSync, fstatSync, openSync } = process.getBuiltinModule('node:fs')
  let fd
  try {
    fd = openSync(file, 'r')
    return ownedByMe(fstatSync(fd)) ? readFileSync(fd) : undefined
  } catch {
    return undefined
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Writes the code V8 compiled for the bundle during this run, whole or not at all. */
function saveCache (script, file) {
  const { renameSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs')
  const tmp = `${file}.${process.pid}.tmp`
  try {
    writeFileSync(tmp, script.createCachedData(), { mode: 0o600 })
    renameSync(tmp, file)
  } catch {
    // A cache is only an aid: a read-only or full directory costs the next start some compiling.
    try { rmSync(tmp, { force: true }) } catch { /* nothing was written */ }
  }
}
