// Build step: compiles the TypeScript sources to dist/ (the CLI ships as JavaScript), and
// type-checks them; incremental, so an unchanged tree costs little.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc')
const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json', '--incremental', '--tsBuildInfoFile', 'dist/.tsbuildinfo'], {
  cwd: root, stdio: 'inherit'
})
if (r.status !== 0) throw new Error('build: tsc failed')
