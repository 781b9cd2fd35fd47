// Runs WebAssembly/wasi-testsuite (the prebuilt wasm32-wasip1 tests in ../shared/wasi-testsuite,
// or the directory given as the first argument) under `wasmos run`, by the suite's own rules
// (specification.md): every *.wasm is a test, its *.json the specification (args, env, root,
// exit_code, stdout, stderr); `root` is copied to a scratch directory first (tests write into it)
// and preopened as the guest's `/`; the environment holds only the given variables.
// Prints one line per failure and ends with `wasi: N passed, N failed`; exits 1 on any failure.
// `--cli <path>` runs another build of wasmos (default: the shipped bin/wasmos.mjs once built, else
// the sources, src/cli/main.ts).
import { spawn } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join, resolve } from 'node:path'

const ROOT = join(import.meta.dirname, '..', '..')
export const DEFAULT_SUITE = join(ROOT, '..', 'shared', 'wasi-testsuite', 'tests')

export interface Spec {
  args: string[]
  env: Record<string, string>
  root: string | null
  exitCode: number
  stdout: string | null
  stderr: string | null
}

export interface Outcome { name: string, ok: boolean, why: string }

/** Every test case under `dir` (recursively), with its specification (defaults where absent). */
export function findTests (dir: string): Array<{ wasm: string, spec: Spec }> {
  const out: Array<{ wasm: string, spec: Spec }> = []
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const p = join(d, e.name)
      if (e.isDirectory()) { walk(p); continue }
      if (!e.name.endsWith('.wasm')) continue
      const json = p.replace(/\.wasm$/, '.json')
      const raw = existsSync(json) ? JSON.parse(readFileSync(json, 'utf8')) as Record<string, unknown> : {}
      out.push({
        wasm: p,
        spec: {
          args: (raw.args as string[] | undefined) ?? [],
          env: (raw.env as Record<string, string> | undefined) ?? {},
          root: (raw.root as string | undefined) ?? null,
          exitCode: (raw.exit_code as number | undefined) ?? 0,
          stdout: (raw.stdout as string | undefined) ?? null,
          stderr: (raw.stderr as string | undefined) ?? null
        }
      })
    }
  }
  walk(dir)
  return out
}

function exec (cmd: string, args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<{ code: number | null, stdout: string, stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (d: Buffer) => { stdout += d.toString() })
    child.stderr.on('data', (d: Buffer) => { stderr += d.toString() })
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000)
    child.on('error', reject)
    child.on('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }) })
  })
}

/** Runs one test under `wasmos run` and checks it against its specification. */
export async function runTest (wasm: string, spec: Spec, cli: string[]): Promise<Outcome> {
  const name = wasm.split('/').slice(-3).join('/')
  const scratch = mkdtempSync(join(tmpdir(), 'wasi-suite-'))
  try {
    const args = ['run', '--no-prompt', '--log-level', 'error']
    if (spec.root !== null) {
      const copy = join(scratch, basename(spec.root))
      cpSync(join(wasm, '..', spec.root), copy, { recursive: true })
      args.push('--allow', 'fs', '--dir', `${copy}:/`)
    }
    for (const [k, v] of Object.entries(spec.env)) args.push('--env', `${k}=${v}`)
    args.push(wasm, ...spec.args)
    const env = { PATH: process.env.PATH ?? '', WASMOS_HOME: join(scratch, 'home') }
    const r = await exec(cli[0], [...cli.slice(1), ...args], env, scratch)
    const why: string[] = []
    if (r.code !== spec.exitCode) why.push(`exit ${String(r.code)}, expected ${spec.exitCode}${r.stderr === '' ? '' : ` (${r.stderr.trim().split('\n').slice(-2).join(' | ')})`}`)
    if (spec.stdout !== null && r.stdout !== spec.stdout) why.push(`stdout ${JSON.stringify(r.stdout)}, expected ${JSON.stringify(spec.stdout)}`)
    if (spec.stderr !== null && r.stderr !== spec.stderr) why.push(`stderr ${JSON.stringify(r.stderr)}, expected ${JSON.stringify(spec.stderr)}`)
    return { name, ok: why.length === 0, why: why.join('; ') }
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
}

/** The command line that runs wasmos: `--cli <path>` or the sources. */
export function cliCommand (path?: string): string[] {
  const node = existsSync(join(ROOT, 'node_modules', '.bin', 'node')) ? join(ROOT, 'node_modules', '.bin', 'node') : process.execPath
  const shipped = join(ROOT, 'bin', 'wasmos.mjs')
  return [node, path !== undefined ? resolve(path) : existsSync(join(ROOT, 'dist', 'wasmos.mjs')) ? shipped : join(ROOT, 'src', 'cli', 'main.ts')]
}

export async function runSuite (dir: string, cli: string[], concurrency = 2): Promise<Outcome[]> {
  const tests = findTests(dir)
  // Tests write only into their copied root, so no *.cleanup artifacts are left in the suite.
  const outcomes: Outcome[] = new Array(tests.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < tests.length) {
      const i = next++
      outcomes[i] = await runTest(tests[i].wasm, tests[i].spec, cli)
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
  return outcomes
}

if (import.meta.main) {
  const argv = process.argv.slice(2)
  const i = argv.indexOf('--cli')
  const cli = cliCommand(i >= 0 ? argv[i + 1] : undefined)
  if (i >= 0) argv.splice(i, 2)
  const dir = argv[0] ?? DEFAULT_SUITE
  const outcomes = await runSuite(dir, cli)
  for (const o of outcomes) if (!o.ok) console.log(`FAIL ${o.name}: ${o.why}`)
  const passed = outcomes.filter((o) => o.ok).length
  console.log(`wasi: ${passed} passed, ${outcomes.length - passed} failed`)
  process.exit(passed === outcomes.length ? 0 : 1)
}
