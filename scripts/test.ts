// `npm test` after the build: every test/**/*.test.ts under vitest (both projects), then the
// WebAssembly spec suite against the interpreter; ends with one line totalling both, computed
// from vitest's JSON report and the spec runner's last line.
// Usage: node scripts/test.ts [area ...] [vitest option ...]; an area is a folder of test/
// (`loader`, `fuel`, `spec`); with areas given, the spec suite runs only if `spec` is one of them.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const report = join(root, 'build', 'vitest.json')

interface VitestFile {
  name: string
  status: string
  message?: string
  assertionResults: unknown[]
}

interface VitestReport {
  numPassedTests: number
  numFailedTests: number
  numPendingTests: number
  numTodoTests: number
  testResults: VitestFile[]
}

interface Totals { passed: number, failed: number, skipped: number }

class TestRunError extends Error {
  readonly code: string
  constructor (code: string, message: string) {
    super(message)
    this.code = code
  }
}

/** Runs node with args in the project root; resolves with the exit code and, if asked, stdout. */
function run (args: string[], capture: boolean): Promise<{ code: number, output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] })
    let output = ''
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); process.stdout.write(d) })
    child.on('error', reject)
    child.on('close', (code, signal) => resolve({ code: code ?? (signal !== null ? 128 : 1), output }))
  })
}

/** Totals from vitest's JSON report; a file that failed outside any test counts as one failure. */
function vitestTotals (): Totals {
  let json: VitestReport
  try {
    json = JSON.parse(readFileSync(report, 'utf8')) as VitestReport
  } catch (err) {
    throw new TestRunError('NO_REPORT', `vitest wrote no readable report at ${report}: ${(err as Error).message}`)
  }
  const brokenFiles = json.testResults.filter((f) => f.status === 'failed' && f.assertionResults.length === 0)
  for (const f of brokenFiles) console.error(`test: ${f.name} failed before any test ran: ${f.message ?? ''}`)
  return {
    passed: json.numPassedTests,
    failed: json.numFailedTests + brokenFiles.length,
    skipped: json.numPendingTests + json.numTodoTests
  }
}

const argv = process.argv.slice(2)
const options = argv.filter((a) => a.startsWith('-'))
const areas = argv.filter((a) => !a.startsWith('-'))
const vitestAreas = areas.filter((a) => a !== 'spec')
const withSpec = areas.length === 0 || areas.includes('spec')
const totals: Totals = { passed: 0, failed: 0, skipped: 0 }
let ok = true

try {
  if (areas.length === 0 || vitestAreas.length > 0) {
    mkdirSync(join(root, 'build'), { recursive: true })
    rmSync(report, { force: true })
    const vitest = await run([
      join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run',
      '--reporter=default', '--reporter=json', `--outputFile.json=${report}`,
      ...options, ...vitestAreas.map((a) => `test/${a}/`)
    ], false)
    const counted = vitestTotals()
    totals.passed += counted.passed
    totals.failed += counted.failed
    totals.skipped += counted.skipped
    ok &&= vitest.code === 0
  }

  if (withSpec) {
    const spec = await run([join(root, 'test', 'spec', 'run.ts')], true)
    const m = /^spec: (\d+) passed, (\d+) failed, (\d+) skipped$/m.exec(spec.output)
    if (m === null) {
      console.error('test: the spec suite printed no `spec:` line')
      totals.failed += 1
      ok = false
    } else {
      totals.passed += Number(m[1])
      totals.failed += Number(m[2])
      totals.skipped += Number(m[3])
      ok &&= spec.code === 0
    }
  }
} catch (err) {
  console.error(`test: ${(err as Error).message}`)
  totals.failed += 1
  ok = false
}

console.log(`tests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`)
process.exit(ok && totals.failed === 0 ? 0 : 1)
