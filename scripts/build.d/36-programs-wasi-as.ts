// Build step: compiles AssemblyScript WASI programs (programs/<name>/wasi-main.ts) with
// @assemblyscript/wasi-shim into programs/build/<name>.wasm. They use WASI only, not the wasmos
// SDK, hence their own entry name, which step 30 does not pick up. `--programs a,b` limits it to those.
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { Writable } from 'node:stream'
import { wantedPrograms } from '../newest.ts'

class TextStream extends Writable {
  text = ''
  override _write (chunk: Buffer, _enc: string, done: () => void): void { this.text += chunk.toString(); done() }
}

const root = join(import.meta.dirname, '..', '..')
const programs = join(root, 'programs')
const out = join(programs, 'build')
mkdirSync(out, { recursive: true })

const wanted = wantedPrograms()
const todo = readdirSync(programs, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(join(programs, e.name, 'wasi-main.ts')))
  .map((e) => e.name)
  .filter((name) => wanted === null || wanted.has(name))
  .filter((name) => {
    const target = join(out, `${name}.wasm`)
    return !existsSync(target) || statSync(target).mtimeMs < statSync(join(programs, name, 'wasi-main.ts')).mtimeMs
  })

if (todo.length > 0) {
  const { default: asc } = await import('assemblyscript/asc')
  const config = relative(process.cwd(), join(root, 'node_modules', '@assemblyscript', 'wasi-shim', 'asconfig.json'))
  for (const name of todo) {
    const stderr = new TextStream()
    const { error } = await asc.main([
      relative(process.cwd(), join(programs, name, 'wasi-main.ts')),
      '--config', config,
      '--outFile', relative(process.cwd(), join(out, `${name}.wasm`)),
      '-O3', '--noAssert'
    ], { stdout: new TextStream(), stderr })
    if (error != null) {
      console.error(stderr.text)
      throw new Error(`build: WASI program ${name} failed to compile: ${error.message}`)
    }
  }
}
