// Build step: compiles every AssemblyScript program (programs/<name>/main.ts) with the SDK into
// programs/build/<name>.wasm, or only those named with `--programs a,b`. A program is rebuilt when
// it or the SDK changed. One compiler per thread, loaded once for many programs: with three or
// more to build and a core free, a worker thread (this same module) takes every other one.
// Programs named with --programs are compiled in that order. For `npm start`, which runs its first
// steps while the rest compile: --announce prints `ready <name>` on stdout as each named program
// is up to date, and --one-thread keeps the compiler to this thread (the other core builds the kernel).
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads'
import { newest, wantedPrograms } from '../newest.ts'
import type { Transform } from 'assemblyscript/transform'

/** Collects asc's output, shown only when a compilation fails. */
class TextStream extends Writable {
  text = ''
  override _write (chunk: Buffer, _enc: string, done: () => void): void { this.text += chunk.toString(); done() }
  override toString (): string { return this.text }
}
class NullStream extends Writable {
  override _write (_chunk: Buffer, _enc: string, done: () => void): void { done() }
}

class BuildError extends Error {
  readonly code = 'ERR_BUILD'
}

interface Failure { name: string, message: string, output: string }
interface Shared { todo: string[], next: SharedArrayBuffer }

const root = join(import.meta.dirname, '..', '..')
const programs = join(root, 'programs')
const out = join(programs, 'build')

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

/**
 * Compiles programs from the shared list until none is left: each thread takes the next index
 * from one shared counter. Output is written under a temporary name and renamed, so a test
 * reading programs/build meanwhile sees the old module or the new one, never half of one.
 */
async function compileShare ({ todo, next }: Shared): Promise<Failure[]> {
  const { default: asc } = await import('assemblyscript/asc')
  // Writes the `wasmos.interfaces` section from the program's needs(…) calls (programs/sdk/as/declare.ts).
  const { DeclareInterfaces } = await import('../../programs/sdk/as/transform/declare.ts')
  const counter = new Int32Array(next)
  const failures: Failure[] = []
  for (let i = Atomics.add(counter, 0, 1); i < todo.length; i = Atomics.add(counter, 0, 1)) {
    const name = todo[i]
    const tmp = join('programs', 'build', `${name}.wasm.${process.pid}.${i}.tmp`)
    const stderr = new TextStream()
    // asc takes transform classes as well as instances (its types list only instances).
    const { error } = await asc.main([
      join('programs', name, 'main.ts'),
      '--outFile', tmp,
      // No --converge: it re-runs the optimizer for about a third more compile time and modules
      // smaller by under 0.1 %.
      '--optimizeLevel', '3', '--shrinkLevel', '0',
      '--runtime', 'incremental',
      '--exportStart', '_start',
      '--use', 'abort=programs/sdk/as/wasmos/abort',
      '--noAssert'
    ], { stdout: new NullStream(), stderr, transforms: [DeclareInterfaces as unknown as Transform] })
    if (error != null) {
      failures.push({ name, message: error.message, output: stderr.toString() })
      continue
    }
    nameModule(join(root, tmp), name)
    renameSync(join(root, tmp), join(out, `${name}.wasm`))
    if (announce) process.stdout.write(`ready ${name}\n`)
  }
  return failures
}

const announce = process.argv.includes('--announce')

if (!isMainThread && (workerData as { wasmosPrograms?: Shared } | null)?.wasmosPrograms !== undefined) {
  parentPort?.postMessage(await compileShare((workerData as { wasmosPrograms: Shared }).wasmosPrograms))
} else {
  mkdirSync(out, { recursive: true })
  const wanted = wantedPrograms()
  const sdk = newest(join(programs, 'sdk', 'as'))
  const names = readdirSync(programs, { withFileTypes: true })
    .filter((e) => e.isDirectory() && existsSync(join(programs, e.name, 'main.ts')))
    .map((e) => e.name)
    .filter((name) => wanted === null || wanted.has(name))
  if (wanted !== null) {
    const order = [...wanted]
    names.sort((a, b) => order.indexOf(a) - order.indexOf(b))
  }
  const todo = names.filter((name) => {
    const target = join(out, `${name}.wasm`)
    const stale = !existsSync(target) || statSync(target).mtimeMs < Math.max(sdk, newest(join(programs, name)))
    if (!stale && announce) process.stdout.write(`ready ${name}\n`)
    return stale
  })

  if (todo.length > 0) {
    // asc resolves its arguments against the working directory.
    const cwd = process.cwd()
    process.chdir(root)
    try {
      const shared: Shared = { todo, next: new SharedArrayBuffer(4) }
      // A second thread loads its own compiler and warms it up again: worth it only when a core
      // is free; on a machine already busy it would take more CPU for the same wall time.
      const helper = todo.length >= 3 && !process.argv.includes('--one-thread') && availableParallelism() >= 2 && loadavg()[0] < availableParallelism() - 0.5
        ? new Promise<Failure[]>((resolve, reject) => {
          const w = new Worker(new URL(import.meta.url), { workerData: { wasmosPrograms: shared } })
          w.once('message', (f: Failure[]) => resolve(f))
          w.once('error', reject)
          w.once('exit', (code) => { if (code !== 0) reject(new BuildError(`build: the compiler thread exited with ${code}`)) })
        })
        : Promise.resolve([])
      const failures = [...await compileShare(shared), ...await helper]
      if (failures.length > 0) {
        for (const f of failures) console.error(f.output)
        throw new BuildError(`build: ${failures.map((f) => `program ${f.name} failed to compile: ${f.message}`).join('; ')}`)
      }
    } finally {
      process.chdir(cwd)
    }
  }
}
