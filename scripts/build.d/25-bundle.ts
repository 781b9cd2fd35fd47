// Build step: bundles the CLI (src/cli/main.ts and what it imports) into one file, dist/wasmos.mjs,
// which bin/wasmos.mjs loads with V8's compile cache: one file to read and compile instead of
// hundreds makes `wasmos run` start several times faster. esbuild reads the TypeScript sources
// itself (types are only stripped), so the CLI does not wait for tsc (step 20 type-checks and
// writes dist/src for the rest). Helia and libp2p stay outside the bundle: they are imported only
// when a command needs the network or the store. Node's built-in modules are loaded on first use
// (see lazyBuiltins). Also writes what `wasmos interfaces` prints, for bin/wasmos.mjs to answer
// without loading the CLI. Skipped when the outputs are newer than their inputs.
//
// The bundle is split at its dynamic imports (esbuild's code splitting) and the chunks grouped in
// parts (scripts/bundle-parts.ts): the part that run and exec need, then one per other command or
// lazily loaded feature. bin/wasmos.mjs compiles each part it needs alone from its byte range in
// dist/wasmos.mjs, as a classic script with a V8 code cache made after a run; the file is also an
// ES module that runs the CLI when imported. The layout and the figures: src/cli/README.md.
import { build } from 'esbuild'
import type { Plugin } from 'esbuild'
import { existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { createRequire, isBuiltin } from 'node:module'
import { join, relative } from 'node:path'
import { newest } from '../newest.ts'
import { assemble } from '../bundle-parts.ts'

const root = join(import.meta.dirname, '..', '..')
const requireHere = createRequire(import.meta.url)

/**
 * Node's built-in modules, each loaded when one of its exports is first read rather than when the
 * bundle starts. An ESM `import … from 'node:http'` loads the module at link time and builds its
 * ESM facade, which reads every export: for node:http that starts undici (and with it tls, http2,
 * zlib, worker_threads), node:crypto loads all of its parts; most commands use none of it. Each
 * built-in becomes a small CommonJS module whose exports read the real module (`require`) on
 * first use. A module that is itself a function (events, stream) is required as it is, since code
 * extends it; assert, only ever called, gets a calling stand-in (with a getter per export, the
 * names taken from this Node at build time).
 */
const lazyBuiltins: Plugin = {
  name: 'lazy-builtins',
  setup (b) {
    b.onResolve({ filter: /^[a-z_:/]+$/ }, (args) => {
      if (!isBuiltin(args.path)) return undefined
      const path = args.path.startsWith('node:') ? args.path : `node:${args.path}`
      // The require inside a stand-in is the real one.
      if (args.namespace === 'wasmos-builtin') return { path, external: true }
      return { path, namespace: 'wasmos-builtin' }
    })
    b.onLoad({ filter: /.*/, namespace: 'wasmos-builtin' }, (args) => {
      const mod = requireHere(args.path) as Record<string, unknown>
      const name = JSON.stringify(args.path)
      const keys = JSON.stringify(Object.keys(mod))
      const load = `let m\nconst load = () => m ?? (m = require(${name}))\n`
      const getters = (target: string): string => `for (const k of ${keys}) Object.defineProperty(${target}, k, { get: () => load()[k], enumerable: true })\n`
      // The exports are an object whose prototype is a proxy that reads the module: esbuild's
      // interop (__toESM) copies a module's own properties for every module importing it, but
      // keeps its prototype. A proxy, not a getter per export: no list of names to carry in the
      // bundle (and its code cache) and no property to define at every start.
      if (typeof mod !== 'function') {
        return { loader: 'js', contents: `${load}module.exports = Object.create(new Proxy({}, { get: (_, k) => load()[k], has: (_, k) => k in load() }))\n` }
      }
      if (args.path === 'node:assert' || args.path === 'node:assert/strict') {
        return { loader: 'js', contents: load + 'module.exports = function assert (...a) { return load()(...a) }\n' + getters('module.exports') }
      }
      return { loader: 'js', contents: `module.exports = require(${name})\n` }
    })
  }
}

const outfile = join(root, 'dist', 'wasmos.mjs')
// The commands whose start counts: the chunks they import statically are the first part.
const CORE = ['src/cli/commands/run.ts', 'src/cli/commands/exec.ts']
// What `wasmos interfaces` prints (text and --json), which bin/wasmos.mjs answers from these.
const listings = { text: join(root, 'dist', 'interfaces.txt'), json: join(root, 'dist', 'interfaces.json') }
// The AssemblyScript of the interpreter and kernel.wasm is not part of the CLI (and step 65 writes there).
const notCli = [join(root, 'src', 'kernel', 'interp'), join(root, 'src', 'kernel', 'bare-metal')]
const inputs = Math.max(newest(join(root, 'src'), notCli), statSync(join(root, 'bare-metal', 'iso.ts')).mtimeMs,
  statSync(import.meta.filename).mtimeMs, statSync(join(root, 'scripts', 'bundle-parts.ts')).mtimeMs, statSync(join(root, 'package.json')).mtimeMs)
const stale = (f: string): boolean => !existsSync(f) || statSync(f).mtimeMs < inputs
if (stale(listings.text) || stale(listings.json)) {
  mkdirSync(join(root, 'dist'), { recursive: true })
  const { renderInterfaces } = await import('../../src/cli/commands/interfaces.ts')
  writeFileSync(listings.text, renderInterfaces(false))
  writeFileSync(listings.json, renderInterfaces(true))
}
if (stale(outfile)) {
  // The options of run and exec given none (see src/cli/main.ts), from the commands' definitions.
  const { runDefaults } = await import('../../src/cli/defaults.ts')
  const out = await build({
    entryPoints: [join(root, 'src', 'cli', 'main.ts')],
    // Split at dynamic imports: a command's start compiles only the part it runs (bundle-parts.ts).
    outdir: join(root, 'dist', 'split'),
    splitting: true,
    metafile: true,
    entryNames: '[name]',
    chunkNames: '[hash]',
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    write: false,
    define: {
      ...Object.fromEntries(['url', 'dirname', 'filename', 'resolve'].map((k) => [`import.meta.${k}`, `__wasmosImportMeta.${k}`])),
      WASMOS_RUN_DEFAULTS: JSON.stringify(JSON.stringify(runDefaults()))
    },
    logLevel: 'warning',
    minifyWhitespace: true,
    minifySyntax: true,
    external: ['helia', '@helia/*', 'libp2p', '@libp2p/*', '@chainsafe/libp2p-noise', '@chainsafe/libp2p-yamux', 'blockstore-fs', 'datastore-fs',
      '@wasmer/wasi', 'binaryen', 'assemblyscript', 'ipfs-unixfs-importer', 'ipfs-unixfs-exporter', '@ipld/car'],
    plugins: [{
      // pino loads thread-stream (and with it worker threads) for transports, which wasmos does not
      // use: a stand-in that refuses keeps worker_threads out of every start. Its transport module
      // too, which loads node:module, node:url and the rest at load to find transport targets, and
      // the module that finds its callers for those targets.
      name: 'no-pino-transports',
      setup (b) {
        b.onResolve({ filter: /^thread-stream$/ }, () => ({ path: 'thread-stream', namespace: 'wasmos-stub' }))
        b.onResolve({ filter: /^\.\/(lib\/)?transport$/ }, (args) => /[\\/]pino[\\/](lib[\\/])?[^\\/]+\.js$/.test(args.importer)
          ? { path: 'pino-transport', namespace: 'wasmos-stub' }
          : undefined)
        b.onLoad({ filter: /^thread-stream$/, namespace: 'wasmos-stub' }, () => ({
          contents: "module.exports = class ThreadStream { constructor () { throw new Error('pino transports are not available in wasmos') } }",
          loader: 'js'
        }))
        b.onLoad({ filter: /^pino-transport$/, namespace: 'wasmos-stub' }, () => ({
          contents: "module.exports = function transport () { throw new Error('pino transports are not available in wasmos') }",
          loader: 'js'
        }))
        // What pino finds its callers with (util.getCallSites at every pino(), which makes V8 work
        // out the line of every frame, scanning the whole bundle for line ends) serves only to
        // resolve transport targets.
        b.onResolve({ filter: /^\.\/lib\/caller$/ }, (args) => /[\\/]pino[\\/]pino\.js$/.test(args.importer)
          ? { path: 'pino-caller', namespace: 'wasmos-stub' }
          : undefined)
        b.onLoad({ filter: /^pino-caller$/, namespace: 'wasmos-stub' }, () => ({ contents: 'module.exports = function getCallers () { return [] }', loader: 'js' }))
      }
    }, {
      // pino reads the host name at load, for the `hostname` of its default base; wasmos's logger
      // has no base (createLogger gives base: null), so node:os is not loaded for a name never written.
      name: 'pino-no-hostname',
      setup (b) {
        b.onResolve({ filter: /^(node:)?os$/ }, (args) => /[\\/]pino[\\/]pino\.js$/.test(args.importer)
          ? { path: 'pino-os', namespace: 'wasmos-stub-os' }
          : undefined)
        b.onLoad({ filter: /.*/, namespace: 'wasmos-stub-os' }, () => ({ contents: "module.exports = { hostname: () => '' }", loader: 'js' }))
      }
    }, {
      // pino reads worker_threads' isMainThread at load, only to flush asynchronous destinations
      // on exit; wasmos writes its log synchronously and never runs the CLI in a worker thread, so
      // the answer is known without loading the worker machinery at every start.
      name: 'pino-main-thread',
      setup (b) {
        b.onResolve({ filter: /^worker_threads$/ }, (args) => /[\\/]pino[\\/]lib[\\/]tools\.js$/.test(args.importer)
          ? { path: 'pino-worker-threads', namespace: 'wasmos-stub-main-thread' }
          : undefined)
        b.onLoad({ filter: /.*/, namespace: 'wasmos-stub-main-thread' }, () => ({ contents: 'module.exports = { isMainThread: true }', loader: 'js' }))
      }
    }, {
      // msgpackr's Node entry probes for a native addon (spawning `ldd` to tell musl from glibc):
      // milliseconds at every start for no gain on our small messages. Use its plain-JS entry.
      name: 'msgpackr-js',
      setup (b) {
        b.onResolve({ filter: /^msgpackr$/ }, () => ({ path: join('node_modules', 'msgpackr', 'index.js'), namespace: 'wasmos-lazy-packr' }))
        // Its packer (pack.js: the Packr class, and a default Packr with its extensions built at
        // load) is evaluated only when first used; a run that only decodes messages (a program
        // that logs, writes and exits) never packs. The unpacker is the real module.
        b.onLoad({ filter: /.*/, namespace: 'wasmos-lazy-packr' }, (args) => {
          const dir = join(root, 'node_modules', 'msgpackr')
          const index = readFileSync(join(root, args.path), 'utf8')
          const exported = new Set([...index.matchAll(/export \{([^}]*)\} from '\.\/(pack|unpack|iterators)\.js'/g)].flatMap((m) => m[1].split(',').map((n) => `${m[2]}:${n.trim()}`)))
          const constants = ['NEVER', 'ALWAYS', 'DECIMAL_ROUND', 'DECIMAL_FIT', 'REUSE_BUFFER_MODE', 'RESET_BUFFER_MODE', 'RESERVE_START_SPACE']
          const lazyFns = ['addExtension', 'pack', 'encode']
          const expected = ['pack:Packr', 'pack:Encoder', ...[...lazyFns, ...constants].map((n) => `pack:${n}`),
            ...['Unpackr', 'Decoder', 'C1', 'unpack', 'unpackMultiple', 'decode', 'FLOAT32_OPTIONS', 'clearSource', 'roundFloat32', 'isNativeAccelerationEnabled'].map((n) => `unpack:${n}`),
            'iterators:decodeIter', 'iterators:encodeIter']
          if (exported.size !== expected.length || expected.some((e) => !exported.has(e)) || !/export const useRecords = false;\nexport const mapsAsObjects = true;/.test(index)) {
            throw new Error(`bundle: ${join(root, args.path)} changed; update the msgpackr-js plugin`)
          }
          const packText = readFileSync(join(dir, 'pack.js'), 'utf8')
          const modes = [...packText.matchAll(/^export const (REUSE_BUFFER_MODE|RESET_BUFFER_MODE|RESERVE_START_SPACE) = \d+;$/gm)].map((m) => m[0])
          if (modes.length !== 3 || !packText.includes('export const { NEVER, ALWAYS, DECIMAL_ROUND, DECIMAL_FIT } = FLOAT32_OPTIONS;')) {
            throw new Error(`bundle: ${join(dir, 'pack.js')} changed; update the msgpackr-js plugin`)
          }
          const packJs = JSON.stringify(join(dir, 'pack.js'))
          const contents = [
            `export { Unpackr, Decoder, C1, unpack, unpackMultiple, decode, FLOAT32_OPTIONS, clearSource, roundFloat32, isNativeAccelerationEnabled } from ${JSON.stringify(join(dir, 'unpack.js'))}`,
            'export const useRecords = false',
            'export const mapsAsObjects = true',
            // The packer's constants, as pack.js defines them (checked above).
            `import { FLOAT32_OPTIONS as F } from ${JSON.stringify(join(dir, 'unpack.js'))}`,
            'export const { NEVER, ALWAYS, DECIMAL_ROUND, DECIMAL_FIT } = F',
            ...modes,
            `let m\nconst real = () => m ?? (m = require(${packJs}))`,
            // new Packr() gives the real class's instance (nothing here subclasses or tests for it).
            'export function Packr (...a) { return Reflect.construct(real().Packr, a) }',
            'export const Encoder = Packr',
            ...lazyFns.map((n) => `export function ${n} (...a) { return real().${n}(...a) }`),
            `export function decodeIter (...a) { return require(${JSON.stringify(join(dir, 'iterators.js'))}).decodeIter(...a) }`,
            `export function encodeIter (...a) { return require(${JSON.stringify(join(dir, 'iterators.js'))}).encodeIter(...a) }`
          ].join('\n')
          return { loader: 'js', resolveDir: dir, contents }
        })
      }
    }, {
      // pino's destinations (sonic-boom), its redaction (@pinojs/redact) and multistream are
      // loaded with pino at every start; wasmos gives pino a destination of its own (JSON lines
      // use sonic-boom) and never redacts. Each becomes a stand-in that loads the real one when
      // first called; `x instanceof SonicBoom` (pino asks it of its options) is false until then,
      // as nothing can be an instance of a class not yet loaded.
      name: 'lazy-pino-parts',
      setup (b) {
        const parts: Record<string, RegExp> = { 'sonic-boom': /[\\/]pino[\\/]lib[\\/]tools\.js$/, '@pinojs/redact': /[\\/]pino[\\/]lib[\\/]redaction\.js$/, './lib/multistream': /[\\/]pino[\\/]pino\.js$/ }
        b.onResolve({ filter: /^(sonic-boom|@pinojs\/redact|\.\/lib\/multistream)$/ }, (args) => parts[args.path].test(args.importer)
          ? { path: relative(root, requireHere.resolve(args.path, { paths: [args.resolveDir] })), namespace: 'wasmos-lazy-pino-part' }
          : undefined)
        b.onLoad({ filter: /.*/, namespace: 'wasmos-lazy-pino-part' }, (args) => {
          const path = join(root, args.path)
          const real = `let m\nconst real = () => m ?? (m = require(${JSON.stringify(path)}))\n`
          const contents = /[\\/]sonic-boom[\\/]/.test(path)
            ? real + 'function SonicBoom (...a) { return Reflect.construct(real(), a) }\n' +
              'Object.defineProperty(SonicBoom, Symbol.hasInstance, { value: (x) => m !== undefined && x instanceof m })\nmodule.exports = SonicBoom\n'
            : real + 'module.exports = function (...a) { return real()(...a) }\n'
          return { loader: 'js', resolveDir: root, contents }
        })
      }
    }, {
      // pino's standard serializers (errors, HTTP requests and responses) are built when pino is
      // loaded, at every start; a run logs an error seldom. For pino (pino.js and its tools, which
      // takes the HTTP mappers) they become functions that load the real ones when first called.
      name: 'lazy-pino-serializers',
      setup (b) {
        b.onResolve({ filter: /^pino-std-serializers$/ }, (args) => /[\\/]pino[\\/](pino|lib[\\/]tools)\.js$/.test(args.importer)
          // Relative to the root: esbuild names the wrapped module by its path, in the bundle.
          ? { path: relative(root, requireHere.resolve('pino-std-serializers', { paths: [args.resolveDir] })), namespace: 'wasmos-lazy-serializers' }
          : undefined)
        b.onLoad({ filter: /.*/, namespace: 'wasmos-lazy-serializers' }, (args) => {
          const path = join(root, args.path)
          const names = Object.keys(requireHere(path) as Record<string, unknown>)
          const lazy = names.map((n) => `exports.${n} = function ${n} (...a) { return real().${n}.apply(this, a) }\n`).join('')
          return { loader: 'js', resolveDir: root, contents: `let m\nconst real = () => m ?? (m = require(${JSON.stringify(path)}))\n${lazy}` }
        })
      }
    }, {
      // multiformats' CID module imports the base58 and base36 codecs, whose alphabet tables are
      // built when they are imported; a CID in base32 (what wasmos prints and stores) needs
      // neither. For that importer they become stand-ins that build the codec on first use.
      name: 'lazy-cid-bases',
      setup (b) {
        b.onResolve({ filter: /^\.\/bases\/base(58|36)\.js$/ }, (args) => /[\\/]multiformats[\\/]dist[\\/]src[\\/]cid\.js$/.test(args.importer)
          ? { path: join(args.resolveDir, args.path), namespace: 'wasmos-lazy-base' }
          : undefined)
        b.onLoad({ filter: /.*/, namespace: 'wasmos-lazy-base' }, (args) => {
          const codecs = /base58\.js$/.test(args.path) ? { base58btc: 'z', base58flickr: 'Z' } : { base36: 'k', base36upper: 'K' }
          const lazy = Object.entries(codecs).map(([name, prefix]) =>
            `export const ${name} = new Proxy({}, { get: (_, k) => k === 'prefix' ? ${JSON.stringify(prefix)} : Reflect.get(real().${name}, k), ` +
            `has: (_, k) => k in real().${name}, getPrototypeOf: () => Object.getPrototypeOf(real().${name}) })\n`).join('')
          return { loader: 'js', resolveDir: root, contents: `let m\nconst real = () => m ?? (m = require(${JSON.stringify(args.path)}))\n${lazy}` }
        })
      }
    }, {
      // multiformats builds each base codec's decoding table when the codec is made, which is
      // when its module is imported (nine base32 variants for the CID module alone); a start
      // decodes one CID at most. The table is made on the first decode instead.
      name: 'lazy-base-tables',
      setup (b) {
        b.onLoad({ filter: /[\\/]multiformats[\\/]dist[\\/]src[\\/]bases[\\/]base\.js$/ }, (args) => {
          const text = readFileSync(args.path, 'utf8')
          const eager = 'const alphabetIdx = createAlphabetIdx(alphabet, caseInsensitive);'
          const use = 'return decode(input, alphabetIdx, bitsPerChar, name);'
          if (!text.includes(eager) || !text.includes(use)) throw new Error(`bundle: ${args.path} changed; update the lazy-base-tables plugin`)
          return { loader: 'js', contents: text.replace(eager, 'let alphabetIdx;').replace(use, 'return decode(input, alphabetIdx ??= createAlphabetIdx(alphabet, caseInsensitive), bitsPerChar, name);') }
        })
      }
    }, lazyBuiltins]
  })
  // A new file renamed over the old: a running wasmos reads its parts from the file it opened
  // (the old one, if this is a rebuild) while it runs.
  writeFileSync(`${outfile}.tmp`, await assemble(out.outputFiles, out.metafile, CORE), { mode: 0o755 })
  renameSync(`${outfile}.tmp`, outfile)
}
