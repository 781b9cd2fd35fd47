// Server processes a bench starts (wasmos serve, wasmos run of a server program, a Node
// baseline): each in a WASMOS_HOME of its own, ready once its output says so, and none
// outliving the bench, however it ends.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BenchError } from './report.ts'

export class Servers {
  readonly #root: string
  readonly #label: string
  readonly #dirs: string[] = []
  readonly #children = new Set<ChildProcess>()

  /** Processes run in `root`; temporary directories are named after `label`. */
  constructor (root: string, label: string) {
    this.#root = root
    this.#label = label
    process.on('exit', () => {
      for (const c of this.#children) c.kill('SIGKILL')
      for (const d of this.#dirs) rmSync(d, { recursive: true, force: true })
    })
  }

  /** A temporary directory, removed when the bench exits. */
  dir (): string {
    const d = mkdtempSync(join(tmpdir(), `wasmos-bench-${this.#label}-`))
    this.#dirs.push(d)
    return d
  }

  /** Starts `node …args` in a fresh home; resolves once `ready` finds what it waits for in its standard output. */
  start<T> (args: string[], ready: (out: string) => T | null): Promise<{ value: T, child: ChildProcess }> {
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, args, { cwd: this.#root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, WASMOS_HOME: this.dir() } })
      this.#children.add(child)
      let out = ''
      let err = ''
      child.stderr!.on('data', (d: Buffer) => { err += d.toString() })
      child.stdout!.on('data', (d: Buffer) => {
        out += d.toString()
        const value = ready(out)
        if (value !== null) resolve({ value, child })
      })
      child.on('exit', (code) => reject(new BenchError('server-exited', `server exited (${code}): ${err}`)))
    })
  }

  /** Ends a server the bench is done with (its exit is then no error). */
  stop (child: ChildProcess): void {
    child.removeAllListeners('exit')
    child.kill('SIGKILL')
    this.#children.delete(child)
  }
}
