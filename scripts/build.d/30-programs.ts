// Build step: compiles every AssemblyScript program (programs/<name>/main.ts) with the SDK into
// programs/build/<name>.wasm. A program is rebuilt when it or the SDK changed.
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { newest } from '../newest.ts'

/** Collects asc's output, shown only when a compilation fails. */
class TextStream extends Writable {
  text = ''
  override _write (chunk: Buffer, _enc: string, done: () => void): void { this.text += chunk.toString(); done() }
  override toString (): string { return this.text }
}
class NullStream extends Writable {
  override _write (_chunk: Buffer, _enc: string, done: () => void): void { done() }
}

const root = join(import.meta.dirname, '..', '..')
const programs = join(root, 'programs')
const out = join(programs, 'build')
mkdirSync(out, { recursive: true })

/** Appends a name section naming the module, so that logs, prompts and `wasmos ls` can name it. */
function nameModule (path: string, name: string): void {
  const bytes = readFileSync(path)
  if (WebAssembly.Module.customSections(new WebAssembly.Module(bytes), 'name').length > 0) return
  const leb = (n: number): number[] => { const out: number[] = []; do { let b = n & 0x7f; n >>>= 7; if (n !== 0) b |= 0x80; out.push(b) } while (n !== 0); return out }
  const utf8 = [...Buffer.from(name)]
  const sub = [0, ...leb(utf8.length + leb(utf8.length).length), ...leb(utf8.length), ...utf8]
  const payload = [...leb(4), ...Buffer.from('name'), ...sub]
  writeFileSync(path, Buffer.concat([bytes, Buffer.from([0, ...leb(payload.length), ...payload])]))
}

const sdk = newest(join(programs, 'sdk', 'as'))
const todo = readdirSync(programs, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(programs, e.name, 'main.ts')))
  .map((e) => e.name)
  .filter((name) => {
    const target = join(out, `${name}.wasm`)
    return !existsSync(target) || statSync(target).mtimeMs < Math.max(sdk, newest(join(programs, name)))
  })

if (todo.length > 0) {
  const { default: asc } = await import('assemblyscript/asc')
  // Writes the `wasmos.interfaces` section from the program's needs(…) calls (programs/sdk/as/declare.ts).
  const { DeclareInterfaces } = await import('../../programs/sdk/as/transform/declare.ts')
  for (const name of todo) {
    const stderr = new TextStream()
    const { error } = await asc.main([
      join('programs', name, 'main.ts'),
      '--outFile', join('programs', 'build', `${name}.wasm`),
      '--optimizeLevel', '3', '--shrinkLevel', '0', '--converge',
      '--runtime', 'incremental',
      '--exportStart', '_start',
      '--use', 'abort=programs/sdk/as/wasmos/abort',
      '--noAssert'
    ], { stdout: new NullStream(), stderr, transforms: [DeclareInterfaces] })
    if (error != null) {
      console.error(stderr.toString())
      throw new Error(`build: program ${name} failed to compile: ${error.message}`)
    }
    nameModule(join(out, `${name}.wasm`), name)
  }
}
