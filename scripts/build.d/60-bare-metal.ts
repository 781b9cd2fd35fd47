// Build step: the bare-metal stub with the AssemblyScript test kernel and its Limine ISO
// (build/bare-metal/wasmos.iso), through bare-metal/Makefile, which rebuilds only what changed.
// Skipped, with one line on stderr, when the C/ISO toolchain is not installed.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const tools = ['make', 'gcc', 'cc', 'ld', 'wasm2c', 'xorriso']
const missing = tools.filter((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status !== 0)
if (missing.length > 0) {
  console.error(`build: 60-bare-metal skipped (needs ${missing.join(', ')})`)
} else {
  const r = spawnSync('make', ['-s', '-C', join(root, 'bare-metal'), 'iso'], { encoding: 'utf8' })
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr)
    throw new Error('build: bare-metal make failed')
  }
}
