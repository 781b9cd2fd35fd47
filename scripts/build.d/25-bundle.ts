// Build step: bundles the compiled CLI (dist/src) into one file, dist/wasmos.mjs, which bin/wasmos.mjs
// loads with V8's compile cache: one file to read and compile instead of hundreds makes
// `wasmos run` start several times faster. Helia and libp2p stay outside the bundle: they are
// imported only when a command needs the network or the store.
import { build } from 'esbuild'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
await build({
  entryPoints: [join(root, 'dist', 'src', 'cli', 'main.js')],
  outfile: join(root, 'dist', 'wasmos.mjs'),
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  logLevel: 'warning',
  external: ['helia', '@helia/*', 'libp2p', '@libp2p/*', '@chainsafe/*', 'blockstore-fs', 'datastore-fs',
    '@wasmer/wasi', 'binaryen', 'assemblyscript', 'ipfs-unixfs-importer', 'ipfs-unixfs-exporter', '@ipld/car'],
  plugins: [{
    // msgpackr's Node entry probes for a native addon (spawning `ldd` to tell musl from glibc):
    // milliseconds at every start for no gain on our small messages. Use its plain-JS entry.
    name: 'msgpackr-js',
    setup (b) {
      b.onResolve({ filter: /^msgpackr$/ }, () => ({ path: join(root, 'node_modules', 'msgpackr', 'index.js') }))
    }
  }],
  banner: { js: "import { createRequire as __wasmosRequire } from 'node:module'; const require = __wasmosRequire(import.meta.url);" }
})
