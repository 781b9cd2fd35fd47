// For the bundle step (build.d/25-bundle.ts): turns esbuild's code-split output (ES module chunks)
// into the one file dist/wasmos.mjs that bin/wasmos.mjs runs part by part as classic scripts.
// The layout and why: src/cli/README.md ("Start-up").
import { transform } from 'esbuild'
import type { Metafile, OutputFile } from 'esbuild'
import { createHash } from 'node:crypto'
import { basename } from 'node:path'

/** A chunk as the linker runs it: CommonJS-shaped, `import.meta` given as its own argument. */
type ChunkFn = (exports: object, require: (s: string) => unknown, module: { exports: object }, meta: BundleMeta) => void

/** The bundle's `import.meta`, with `import` for dynamic imports. */
interface BundleMeta { import: (s: string) => Promise<unknown> }

/**
 * The linker, written into the bundle as it is here (types stripped): runs chunks on demand, each
 * once, giving each the `require` and `import` that find the other chunks (in whichever part holds
 * them: `part(i)` compiles and runs part i the first time) and Node's for anything else. Chunks
 * import each other's bindings as esbuild's CommonJS output does, through getters: live, as
 * between ES modules.
 */
function link (part: (i: number) => Record<string, ChunkFn>, chunks: Record<string, number>, nodeRequire: (s: string) => unknown, meta: BundleMeta): (name: string) => object {
  const done = new Map<string, { exports: object }>()
  const outside = meta.import
  const own = (s: string): string | undefined => s.startsWith('./') && chunks[s.slice(2)] !== undefined ? s.slice(2) : undefined
  const load = (name: string): object => {
    let mod = done.get(name)
    if (mod === undefined) {
      mod = { exports: {} }
      done.set(name, mod)
      part(chunks[name])[name](mod.exports, require, mod, meta)
    }
    return mod.exports
  }
  const require = (s: string): unknown => {
    const name = own(s)
    return name === undefined ? nodeRequire(s) : load(name)
  }
  // A chunk made from a CommonJS module (a built-in's stand-in) exports only `default`; Node's
  // import() of such a module also gives its properties as names, and the importers rely on that.
  const namespace = (exports: object): object => {
    const keys = Object.keys(exports)
    const value: unknown = (exports as { default?: unknown }).default
    if (keys.length !== 1 || keys[0] !== 'default' || value === null || (typeof value !== 'object' && typeof value !== 'function')) return exports
    return Object.assign(Object.create(value) as object, { default: value })
  }
  meta.import = (s) => {
    const name = own(s)
    return name === undefined ? outside(s) : Promise.resolve().then(() => namespace(load(name)))
  }
  return load
}

/** Where each piece is in the file: byte offset, length, line (0-based) of its first byte. */
type Range = [number, number, number]

export interface BundleIndex {
  /** The chunk to run first. */
  entry: string
  linker: Range
  parts: Range[]
  /** Each chunk's part. */
  chunks: Record<string, number>
}

/**
 * Parts: the chunks that the entry and the `core` entry points (the commands whose start counts:
 * run and exec) import statically, then for each other dynamically imported entry the chunks it
 * imports statically that no earlier part holds. A part is compiled, cached and read as one piece;
 * a chunk's body runs only when something imports it.
 */
function partition (meta: Metafile, core: string[]): { parts: string[][], chunks: Map<string, number> } {
  const outputs = Object.entries(meta.outputs).filter(([f]) => f.endsWith('.js'))
  const name = (f: string): string => basename(f)
  const entryOf = new Map(outputs.filter(([, o]) => o.entryPoint !== undefined).map(([f, o]) => [o.entryPoint!, name(f)]))
  const statics = new Map(outputs.map(([f, o]) => [name(f), o.imports.filter((i) => i.kind === 'import-statement' && !i.external).map((i) => name(i.path))]))
  const chunks = new Map<string, number>()
  const parts: string[][] = []
  const take = (roots: string[]): void => {
    const part: string[] = []
    const visit = (c: string): void => {
      if (chunks.has(c)) return
      chunks.set(c, parts.length)
      part.push(c)
      for (const d of statics.get(c) ?? []) visit(d)
    }
    for (const r of roots) visit(r)
    if (part.length > 0) parts.push(part)
  }
  const coreEntries = core.map((e) => {
    const c = entryOf.get(e)
    if (c === undefined) throw new Error(`bundle: ${e} is not an entry of the split build`)
    return c
  })
  take(['main.js', ...coreEntries])
  for (const [f, o] of outputs) if (o.entryPoint !== undefined) take([name(f)])
  for (const [f] of outputs) take([name(f)])
  return { parts, chunks }
}

/**
 * The file: line 1 is an ES module head (so `node dist/wasmos.mjs` runs the CLI as a module too)
 * ending in `const __wasmosIndex = <index>; // wasmos-bundle <id>`; then the linker and the parts, each a plain expression
 * that bin/wasmos.mjs compiles alone from its byte range; last, the module's own start.
 */
export async function assemble (files: OutputFile[], meta: Metafile, core: string[]): Promise<string> {
  const text = new Map(files.filter((f) => f.path.endsWith('.js')).map((f) => [basename(f.path), f.text]))
  const { parts, chunks } = partition(meta, core)
  const fn = async (name: string, source: string): Promise<string> => {
    const cjs = (await transform(source.replace(/^#!.*\n/, ''), { format: 'cjs', platform: 'node', target: 'node24', minifyWhitespace: true, minifySyntax: true, charset: 'ascii' })).code
    // Dynamic imports go through the linker (chunks) or the bundle's own import (packages).
    // Other chunks read the exports through the getters of the exports object itself, not through
    // a copy of it made of more getters (esbuild's __toCommonJS): one call per use of an imported
    // binding instead of two.
    const direct = cjs.replace(/module\.exports=__toCommonJS\((\w+)\);/, 'module.exports=__defProp($1,"__esModule",{value:!0});')
    const body = direct.replace(/(?<![\w$.])import\(/g, '__wasmosImportMeta.import(').trim()
    if (/\bimport\.meta\b/.test(body)) throw new Error(`bundle: import.meta left in ${name}`)
    return `${JSON.stringify(name)}:function(exports,require,module,__wasmosImportMeta){'use strict';${body}\n}`
  }
  const partSources: string[] = []
  for (const part of parts) {
    const members: string[] = []
    for (const c of part) members.push(await fn(c, text.get(c)!))
    partSources.push(`({${members.join(',\n')}})`)
  }
  const linker = (await transform(`(${link.toString()})`, { loader: 'ts', minifyWhitespace: true, target: 'node24' })).code.trim().replace(/;$/, '')
  const id = createHash('sha256').update(linker).update(partSources.join('\n')).digest('hex').slice(0, 32)
  // Offsets need the head's length, which holds them: lay out the rest first, after a head of a
  // fixed width, and pad the head to it.
  const body: string[] = []
  let offset = 0
  const ranges: { linker?: Range, parts: Range[] } = { parts: [] }
  let lines = 0
  const add = (s: string, range?: (r: Range) => void): void => {
    range?.([offset, s.length, lines])
    body.push(s)
    offset += s.length
    lines += s.split('\n').length - 1
  }
  add('const __wasmosLink=')
  add(linker, (r) => { ranges.linker = r })
  add(';\nconst __wasmosParts=[\n')
  partSources.forEach((p, i) => {
    add(p, (r) => { ranges.parts.push(r) })
    add(i < partSources.length - 1 ? ',\n' : '\n')
  })
  add('];\n__wasmosLink((i)=>__wasmosParts[i],__wasmosIndex.chunks,__wasmosRequire(import.meta.url),__wasmosImportMeta)(__wasmosIndex.entry);\n')
  const all = body.join('')
  if (Buffer.byteLength(all) !== all.length) throw new Error('bundle: not ASCII (byte offsets are character offsets only in ASCII)')
  const headOf = (index: BundleIndex): string =>
    "import { createRequire as __wasmosRequire } from 'node:module'; " +
    'const __wasmosImportMeta = { url: import.meta.url, dirname: import.meta.dirname, filename: import.meta.filename, ' +
    'resolve: (s) => import.meta.resolve(s), import: (s) => import(s) }; ' +
    `const __wasmosIndex = ${JSON.stringify(index)}; // wasmos-bundle ${id}\n`
  const shift = (r: Range, by: number, byLines: number): Range => [r[0] + by, r[1], r[2] + byLines]
  const index0: BundleIndex = { entry: 'main.js', linker: ranges.linker!, parts: ranges.parts, chunks: Object.fromEntries(chunks) }
  // The head's length depends on the offsets written in it: grow until it is stable.
  let head = headOf(index0)
  for (;;) {
    const index = { ...index0, linker: shift(index0.linker, head.length, 1), parts: index0.parts.map((r) => shift(r, head.length, 1)) }
    const next = headOf(index)
    if (next.length === head.length) { head = next; break }
    head = next
  }
  return head + all
}
