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
 * Runs the bundled CLI, dist/wasmos.mjs: the linker and the parts of the CLI it needs, each
 * compiled alone from its byte range in the file (the index on the first line gives them; the
 * layout: src/cli/README.md). Not by import: Node's compile cache holds only what V8 compiles
 * when a module is loaded (the top level; every function if compiled eagerly), and a start then
 * either compiles the functions the command calls or reads the code of all of them. Each part runs
 * here as a classic script (vm.Script) with a V8 code cache made at the end of an earlier
 * successful run of the same command (run, exec, or any other; not a help page): the functions
 * that command called, compiled, and nothing else; a part the command never needs (the store
 * commands for `exec`, Helia, the ISO builder, the recorder) is neither read nor compiled. The
 * caches of a command's parts are one file in WASMOS_HOME/cache/code (or NODE_COMPILE_CACHE when
 * set), named by the build's hash, the command and the Node version; V8 refuses a cache of another
 * V8 or other flags, and a refused or missing one is made again at exit. Without a cache directory
 * (NODE_DISABLE_COMPILE_CACHE, no home) the parts are compiled without one; a bundle of another
 * shape is imported.
 */
function runBundle () {
  const { openSync, readSync } = process.getBuiltinModule('node:fs')
  const dir = codeCacheDirectory()
  // node:module (and the source-map module it loads) only for a command that imports a package.
  const nodeModule = () => process.getBuiltinModule('node:module')
  let compileCache = dir === undefined
  const bundle = new URL('../dist/wasmos.mjs', import.meta.url)
  const filename = decodeURIComponent(bundle.pathname)
  let fd
  try {
    fd = openSync(filename, 'r')
  } catch {
    return import(bundle.href)
  }
  /** Bytes of the bundle from offset, as text (the bundle is ASCII: the build step checks). */
  const read = (offset, length) => {
    const buf = Buffer.allocUnsafe(length)
    let n = 0
    while (n < length) {
      const got = readSync(fd, buf, n, length - n, offset + n)
      if (got === 0) break
      n += got
    }
    return buf.latin1Slice(0, n)
  }
  let head = read(0, 8192)
  while (!head.includes('\n') && head.length % 8192 === 0 && head.length > 0) head += read(head.length, 8192)
  const m = /const __wasmosIndex = (\{.*\}); \/\/ wasmos-bundle ([0-9a-f]+)\n/.exec(head)
  if (m === null) return import(bundle.href)
  const index = JSON.parse(m[1])
  const id = m[2]
  const vm = process.getBuiltinModule('node:vm')
  const word = args[0] === 'run' || args[0] === 'exec' ? args[0] : 'cli'
  const cacheFile = dir === undefined ? undefined : `${dir}/wasmos-${id}-${word}-${process.version}.v8`
  const { caches: cached, seen } = cacheFile === undefined ? { caches: new Map(), seen: false } : readCaches(cacheFile)
  /** The scripts compiled in this run, by part (-1 the linker), and whether V8 had code for all. */
  const scripts = new Map()
  let complete = true
  const compile = (key, [offset, length, line]) => {
    const cachedData = cached.get(key)
    const script = new vm.Script(read(offset, length), { filename, lineOffset: line, cachedData })
    if (cachedData === undefined || script.cachedDataRejected === true) complete = false
    scripts.set(key, script)
    return script.runInThisContext()
  }
  const link = compile(-1, index.linker)
  const parts = []
  const part = (i) => parts[i] ?? (parts[i] = compile(i, index.parts[i]))
  // Made from a run that did the command's work: one that succeeded and was not asked for help
  // (a cache taken is kept, so a help page's would stay the command's). Not from the command's
  // first run in this home, which also does first-time work (the program's fuel rewrite, the
  // store's first files) that a cache made then would make every later start read: that run
  // leaves only a note that it ran, and the next one makes the cache.
  const help = args.includes('--help') || args.includes('-h')
  if (cacheFile !== undefined && !help) {
    process.once('exit', (code) => { if (code === 0 && !complete) saveCaches(seen ? scripts : new Map(), cached, cacheFile) })
  }
  // The bundle's import.meta, and its dynamic imports of packages (Helia, libp2p, …: Node's compile
  // cache serves those modules): the package's bin/ and dist/ resolve packages alike.
  const meta = {
    url: bundle.href,
    filename,
    dirname: filename.slice(0, filename.lastIndexOf('/')),
    resolve: (s) => import.meta.resolve(s),
    import: (s) => {
      if (!compileCache) nodeModule().enableCompileCache?.(dir)
      compileCache = true
      return import(s)
    }
  }
  // The bundle requires Node's built-in modules only; anything else as CommonJS beside it.
  const require = (s) => process.getBuiltinModule(s) ?? nodeModule().createRequire(filename)(s)
  link(part, index.chunks, require, meta)(index.entry)
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
    // Made only when missing (once per home): a start otherwise stats it and goes on.
    const st = statSync(dir, { throwIfNoEntry: false }) ?? (mkdirSync(dir, { recursive: true, mode: 0o700 }), statSync(dir))
    return st.isDirectory() && ownedByMe(st) ? dir : undefined
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

/**
 * The code caches of one command's parts, by part (-1 the linker), from one file: a JSON line
 * [[part, bytes], …] and then the caches one after another; `seen` when the file is there (an
 * empty list: the command has run once). Nothing when missing, not this user's own or not of
 * that shape.
 */
function readCaches (file) {
  const none = { caches: new Map(), seen: false }
  const bytes = readOwn(file)
  const eol = bytes?.indexOf(10) ?? -1
  if (eol < 0) return none
  const caches = new Map()
  try {
    let at = eol + 1
    for (const [key, length] of JSON.parse(bytes.latin1Slice(0, eol))) {
      if (!Number.isInteger(key) || !Number.isInteger(length) || length < 0 || at + length > bytes.length) return none
      caches.set(key, bytes.subarray(at, at + length))
      at += length
    }
  } catch {
    return none
  }
  return { caches, seen: true }
}

/**
 * Writes the code V8 compiled for each part during this run, whole or not at all; the caches read
 * at the start for parts this run did not compile are kept (commands other than run and exec
 * share one file, and each needs parts of its own).
 */
function saveCaches (scripts, before, file) {
  const { renameSync, rmSync, writeFileSync } = process.getBuiltinModule('node:fs')
  const tmp = `${file}.${process.pid}.tmp`
  try {
    const caches = [...scripts].map(([key, script]) => [key, script.createCachedData()])
    for (const [key, data] of before) if (!scripts.has(key)) caches.push([key, data])
    const head = Buffer.from(`${JSON.stringify(caches.map(([key, data]) => [key, data.length]))}\n`)
    writeFileSync(tmp, Buffer.concat([head, ...caches.map(([, data]) => data)]), { mode: 0o600 })
    renameSync(tmp, file)
  } catch {
    // A cache is only an aid: a read-only or full directory costs the next start some compiling.
    try { rmSync(tmp, { force: true }) } catch { /* nothing was written */ }
  }
}
