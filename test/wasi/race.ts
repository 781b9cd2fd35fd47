// Shared by the escape tests: a granted directory whose `sub` (holding `passwd`, "inside") trades
// places, again and again, with `alt`, a symbolic link to a directory outside holding another
// `passwd` ("SECRET"), swapped by fixtures/swap.py with renameat2(RENAME_EXCHANGE).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, relative } from 'node:path'

export interface Race {
  root: string
  outside: string
  /** Starts swapping; resolves once the swapper runs. */
  start (): Promise<void>
  /** Stops swapping; resolves with the number of swaps made. */
  stop (): Promise<number>
  dispose (): void
}

/** The fixture; `relativeLink`: the link says `../…` instead of an absolute path. */
export function raceFixture (relativeLink = false): Race {
  const base = mkdtempSync(join(tmpdir(), 'wasi-race-'))
  const root = join(base, 'root')
  const outside = join(base, 'outside')
  mkdirSync(join(root, 'sub'), { recursive: true })
  mkdirSync(outside)
  writeFileSync(join(root, 'sub', 'passwd'), 'inside\n')
  writeFileSync(join(outside, 'passwd'), 'SECRET\n')
  symlinkSync(relativeLink ? relative(root, outside) : outside, join(root, 'alt'))
  let child: ChildProcess | null = null
  let out = ''
  return {
    root,
    outside,
    start: () => new Promise((resolve, reject) => {
      child = spawn('python3', [join(import.meta.dirname, 'fixtures', 'swap.py'), join(root, 'sub'), join(root, 'alt'), '120'], { stdio: ['ignore', 'pipe', 'inherit'] })
      child.on('error', reject)
      child.stdout!.on('data', (d: Buffer) => { out += d.toString(); if (out.includes('swapping')) resolve() })
    }),
    stop: () => new Promise((resolve) => {
      if (child === null || child.exitCode !== null) { resolve(0); return }
      child.once('close', () => resolve(Number(/\n(\d+)/.exec(out)?.[1] ?? 0) || 1))
      child.kill('SIGTERM')
    }),
    dispose: () => {
      if (child !== null && child.exitCode === null) child.kill('SIGKILL')
      rmSync(base, { recursive: true, force: true })
    }
  }
}
