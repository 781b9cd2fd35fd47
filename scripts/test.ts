// `npm test` after the build: every test/**/*.test.ts with Node's test runner, then the
// WebAssembly spec suite against the interpreter. Ends with one line totalling both.
import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')

function run (args: string[]): Promise<{ code: number, output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => { output += d.toString(); process.stdout.write(d) })
    child.on('close', (code) => resolve({ code: code ?? 1, output }))
  })
}

const count = (text: string, re: RegExp): number => Number(re.exec(text)?.[1] ?? 0)

const only = process.argv.slice(2)
const patterns = only.length > 0 ? only.map((a) => `test/${a}/**/*.test.ts`) : ['test/**/*.test.ts']
const unit = await run(['--test', '--test-reporter=spec', ...patterns])
let passed = count(unit.output, /ℹ pass (\d+)/)
let failed = count(unit.output, /ℹ fail (\d+)/) + count(unit.output, /ℹ cancelled (\d+)/)
let skipped = count(unit.output, /ℹ skipped (\d+)/)
let ok = unit.code === 0

if (only.length === 0 && existsSync(join(root, 'test', 'spec', 'run.ts'))) {
  const spec = await run([join('test', 'spec', 'run.ts')])
  const m = /spec: (\d+) passed, (\d+) failed, (\d+) skipped/.exec(spec.output)
  if (m != null) {
    passed += Number(m[1])
    failed += Number(m[2])
    skipped += Number(m[3])
  }
  ok &&= spec.code === 0 && m != null
}

console.log(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exit(ok && failed === 0 ? 0 : 1)
