// Runs the official WebAssembly spec suite (../shared/wasm-testsuite, non-SIMD scripts) against
// the interpreter built to wasm (build/interp/spec.wasm). Each .wast is converted with wabt's
// wast2json into build/spec/, then every command is run; prints a line per file, the skipped
// commands with their reasons, and last `spec: N passed, N failed, N skipped`.
// Usage: node test/spec/run.ts [name-filter ...] [--verbose]
import { readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { convertWast } from './wast.ts'
import {
  Interp, InterpAbort, ST_FUEL, ST_HOST, ST_RUN, ST_TRAP, K_FUNC, K_TABLE, K_MEMORY, K_GLOBAL,
  T_I32, T_I64, T_F32, T_F64, T_FUNCREF, T_EXTERNREF,
} from './interp.ts'

const root = join(import.meta.dirname, '..', '..')
const suite = process.env.WASM_TESTSUITE ?? join(root, '..', 'shared', 'wasm-testsuite')
const outDir = join(root, 'build', 'spec')
await import('../../scripts/build.d/40-interp.ts')

const args = process.argv.slice(2)
const verbose = args.includes('--verbose')
const filters = args.filter((a) => !a.startsWith('--'))

interface Value { type: string, value?: string | string[] }
interface Action { type: 'invoke' | 'get', module?: string, field: string, args?: Value[] }
interface Command {
  type: string,
  line: number,
  filename?: string,
  name?: string,
  as?: string,
  text?: string,
  module_type?: string,
  action?: Action,
  expected?: Value[],
}

class Failure extends Error {
  code = 'SPEC_FAILURE'
}
class Skip extends Error {
  code = 'SPEC_SKIP'
}

const TYPE_CODES: Record<string, number> = { i32: T_I32, i64: T_I64, f32: T_F32, f64: T_F64, funcref: T_FUNCREF, externref: T_EXTERNREF }

const convert = (name: string): string | undefined => convertWast(name, outDir, suite)

// A value as a 64-bit slot.
function toSlot (v: Value): bigint {
  if (v.type === 'externref') return v.value === 'null' ? 0n : BigInt(v.value as string) + 1n
  if (v.type === 'funcref') {
    if (v.value === 'null') return 0n
    throw new Skip('funcref argument from the host')
  }
  if (v.type === 'v128') throw new Skip('SIMD value')
  return BigInt.asIntN(64, BigInt(v.value as string))
}

function matches (v: Value, slot: bigint, type: number): boolean {
  const want = TYPE_CODES[v.type]
  if (want === undefined) throw new Skip(`${v.type} result`)
  if (want !== type) return false
  const s = v.value
  if (v.type === 'i32' || v.type === 'f32') {
    const bits = BigInt.asUintN(32, slot)
    if (s === 'nan:canonical') return (bits & 0x7fffffffn) === 0x7fc00000n
    if (s === 'nan:arithmetic') return (bits & 0x7fc00000n) === 0x7fc00000n
    return bits === BigInt(s as string)
  }
  if (v.type === 'i64' || v.type === 'f64') {
    const bits = BigInt.asUintN(64, slot)
    if (s === 'nan:canonical') return (bits & 0x7fffffffffffffffn) === 0x7ff8000000000000n
    if (s === 'nan:arithmetic') return (bits & 0x7ff8000000000000n) === 0x7ff8000000000000n
    return bits === BigInt(s as string)
  }
  if (v.type === 'externref') return s === 'null' ? slot === 0n : slot === BigInt(s as string) + 1n
  // funcref: null, or any function
  return s === 'null' ? slot === 0n : slot !== 0n
}

function show (slot: bigint, type: number): string {
  return `${Object.keys(TYPE_CODES).find((k) => TYPE_CODES[k] === type)}:${type === T_I32 || type === T_F32 ? BigInt.asUintN(32, slot) : BigInt.asUintN(64, slot)}`
}

function trapTextOk (got: string, want: string | undefined): boolean {
  if (want === undefined) return true
  return got.startsWith(want) || want.startsWith(got)
}

type Outcome = { kind: 'done', results: bigint[], types: number[] } | { kind: 'trap', reason: string }

class FileRun {
  interp = new Interp({ maxPages: 1024, stackSlots: 1 << 18, maxDepth: 2000 })
  registry = new Map<string, number>() // registered module name -> instance id
  named = new Map<string, number>()
  current = -1
  spectest = new Map<string, { kind: number, addr: number }>()
  dir: string

  constructor (dir: string) {
    this.dir = dir
    const i = this.interp
    const s = this.spectest
    s.set('print', { kind: K_FUNC, addr: i.hostFunc([], [], 0) })
    s.set('print_i32', { kind: K_FUNC, addr: i.hostFunc([T_I32], [], 0) })
    s.set('print_i64', { kind: K_FUNC, addr: i.hostFunc([T_I64], [], 0) })
    s.set('print_f32', { kind: K_FUNC, addr: i.hostFunc([T_F32], [], 0) })
    s.set('print_f64', { kind: K_FUNC, addr: i.hostFunc([T_F64], [], 0) })
    s.set('print_i32_f32', { kind: K_FUNC, addr: i.hostFunc([T_I32, T_F32], [], 0) })
    s.set('print_f64_f64', { kind: K_FUNC, addr: i.hostFunc([T_F64, T_F64], [], 0) })
    s.set('global_i32', { kind: K_GLOBAL, addr: i.x.host_global(T_I32, 0, 666n) })
    s.set('global_i64', { kind: K_GLOBAL, addr: i.x.host_global(T_I64, 0, 666n) })
    const f32 = new DataView(new ArrayBuffer(8))
    f32.setFloat32(0, 666.6, true)
    s.set('global_f32', { kind: K_GLOBAL, addr: i.x.host_global(T_F32, 0, BigInt(f32.getUint32(0, true))) })
    f32.setFloat64(0, 666.6, true)
    s.set('global_f64', { kind: K_GLOBAL, addr: i.x.host_global(T_F64, 0, f32.getBigInt64(0, true)) })
    s.set('table', { kind: K_TABLE, addr: i.x.host_table(T_FUNCREF, 10, 20n) })
    s.set('memory', { kind: K_MEMORY, addr: i.x.host_memory(1, 2n) })
  }

  resolve (module: string, name: string): { kind: number, addr: number } | undefined {
    if (module === 'spectest') return this.spectest.get(name)
    const iid = this.registry.get(module)
    return iid === undefined ? undefined : this.interp.exportOf(iid, name)
  }

  // Drives a call to completion; host functions (spectest.print*) return nothing.
  drive (status: number): Outcome {
    const x = this.interp.x
    let st = status
    let slices = 0
    for (;;) {
      if (st === ST_RUN || st === ST_FUEL) {
        if (++slices > 200) throw new Failure('did not finish within 2e10 instructions')
        st = x.run(100_000_000n)
      } else if (st === ST_HOST) {
        st = x.finish_host()
      } else if (st === ST_TRAP) {
        return { kind: 'trap', reason: this.interp.trapReason() }
      } else return { kind: 'done', results: [], types: [] }
    }
  }

  callFunc (addr: number, args: bigint[]): Outcome {
    const x = this.interp.x
    x.reset_call()
    for (const a of args) x.push_arg(a)
    const out = this.drive(x.call(addr))
    if (out.kind === 'done') {
      const n = x.func_result_count(addr)
      for (let k = 0; k < n; k++) {
        out.results.push(x.result(k))
        out.types.push(x.func_result_type(addr, k))
      }
    }
    return out
  }

  // Loads and instantiates a module file: the instance id, or what went wrong.
  instantiate (file: string): { iid: number } | { stage: 'decode' | 'link' | 'trap', reason: string } {
    const i = this.interp
    const mid = i.load(readFileSync(join(this.dir, file)))
    if (typeof mid === 'string') return { stage: 'decode', reason: mid }
    const externs = []
    for (const imp of i.imports(mid)) {
      const e = this.resolve(imp.module, imp.name)
      if (e === undefined) return { stage: 'link', reason: `unknown import ${imp.module}.${imp.name}` }
      externs.push(e)
    }
    const iid = i.instantiate(mid, externs)
    if (typeof iid === 'string') return { stage: 'link', reason: iid }
    if (i.x.initialize(iid) !== 0) return { stage: 'trap', reason: i.lastError() }
    const start = i.x.start_func(iid)
    if (start >= 0) {
      const out = this.callFunc(start, [])
      if (out.kind === 'trap') return { stage: 'trap', reason: out.reason }
    }
    return { iid }
  }

  action (a: Action): Outcome {
    const iid = a.module !== undefined ? this.named.get(a.module) : this.current
    if (iid === undefined || iid < 0) throw new Failure(`no module ${a.module ?? ''}`)
    const e = this.interp.exportOf(iid, a.field)
    if (e === undefined) throw new Failure(`no export ${a.field}`)
    if (a.type === 'get') {
      if (e.kind !== K_GLOBAL) throw new Failure(`${a.field} is not a global`)
      return { kind: 'done', results: [this.interp.x.global_value(e.addr)], types: [this.interp.x.global_type(e.addr)] }
    }
    if (e.kind !== K_FUNC) throw new Failure(`${a.field} is not a function`)
    return this.callFunc(e.addr, (a.args ?? []).map(toSlot))
  }

  command (c: Command): void {
    switch (c.type) {
      case 'module': {
        if (c.filename!.endsWith('.wat')) throw new Skip('text-format module')
        const r = this.instantiate(c.filename!)
        if (!('iid' in r)) {
          this.current = -1
          throw new Failure(`module failed (${r.stage}): ${r.reason}`)
        }
        this.current = r.iid
        if (c.name !== undefined) this.named.set(c.name, r.iid)
        return
      }
      case 'register': {
        const iid = c.name !== undefined ? this.named.get(c.name) : this.current
        if (iid === undefined || iid < 0) throw new Failure('nothing to register')
        this.registry.set(c.as!, iid)
        return
      }
      case 'action': {
        const out = this.action(c.action!)
        if (out.kind === 'trap') throw new Failure(`trapped: ${out.reason}`)
        return
      }
      case 'assert_return': {
        const out = this.action(c.action!)
        if (out.kind === 'trap') throw new Failure(`trapped: ${out.reason}`)
        const exp = c.expected!
        if (out.results.length !== exp.length) throw new Failure(`got ${out.results.length} results, want ${exp.length}`)
        for (let k = 0; k < exp.length; k++) {
          if (!matches(exp[k], out.results[k], out.types[k])) {
            throw new Failure(`result ${k}: got ${show(out.results[k], out.types[k])}, want ${exp[k].type}:${exp[k].value}`)
          }
        }
        return
      }
      case 'assert_trap':
      case 'assert_exhaustion': {
        if (c.action === undefined) {
          const r = this.instantiate(c.filename!)
          if ('iid' in r) throw new Failure('module instantiated, want trap')
          if (r.stage !== 'trap') throw new Failure(`module failed at ${r.stage} (${r.reason}), want trap`)
          if (!trapTextOk(r.reason, c.text)) throw new Failure(`trap "${r.reason}", want "${c.text}"`)
          return
        }
        const out = this.action(c.action)
        if (out.kind !== 'trap') throw new Failure(`returned, want trap "${c.text}"`)
        if (!trapTextOk(out.reason, c.text)) throw new Failure(`trap "${out.reason}", want "${c.text}"`)
        return
      }
      case 'assert_invalid':
      case 'assert_malformed': {
        if (c.module_type === 'text') throw new Skip(`${c.type} on the text format (a .wat parser concern)`)
        const r = this.interp.load(readFileSync(join(this.dir, c.filename!)))
        if (typeof r !== 'string') throw new Failure(`module accepted, want "${c.text}"`)
        return
      }
      case 'assert_unlinkable': {
        const r = this.instantiate(c.filename!)
        if ('iid' in r) throw new Failure('module linked, want link error')
        if (r.stage !== 'link') throw new Failure(`module failed at ${r.stage} (${r.reason}), want link error`)
        return
      }
      case 'assert_uninstantiable': {
        const r = this.instantiate(c.filename!)
        if ('iid' in r || r.stage !== 'trap') throw new Failure('module did not trap')
        return
      }
      default:
        throw new Skip(`command ${c.type}`)
    }
  }
}

const names = readdirSync(suite)
  .filter((f) => f.endsWith('.wast') && !f.startsWith('simd_'))
  .map((f) => f.slice(0, -5))
  .filter((n) => filters.length === 0 || filters.some((f) => n.includes(f)))
  .sort()

let passed = 0
let failed = 0
let skipped = 0
const skipReasons = new Map<string, Map<string, number>>()
function noteSkip (reason: string, file: string, n = 1): void {
  const m = skipReasons.get(reason) ?? new Map<string, number>()
  m.set(file, (m.get(file) ?? 0) + n)
  skipReasons.set(reason, m)
  skipped += n
}

for (const name of names) {
  const json = convert(name)
  if (json === undefined) {
    console.log(`${name}.wast: skipped (wast2json 1.0.32 cannot convert it)`)
    noteSkip('wast2json 1.0.32 cannot convert the script', name)
    continue
  }
  const script = JSON.parse(readFileSync(json, 'utf8')) as { commands: Command[] }
  let run = new FileRun(join(outDir, name))
  let p = 0
  let f = 0
  let s = 0
  const problems: string[] = []
  for (const c of script.commands) {
    try {
      run.command(c)
      p++
    } catch (err) {
      if (err instanceof Skip) {
        s++
        noteSkip(err.message, name)
      } else {
        f++
        const msg = err instanceof Failure || err instanceof InterpAbort ? err.message : String(err)
        problems.push(`  line ${c.line} ${c.type}: ${msg}`)
        if (err instanceof InterpAbort || !(err instanceof Failure)) {
          // the interpreter instance is unusable after an abort: start over for this file
          run = new FileRun(join(outDir, name))
        }
      }
    }
  }
  passed += p
  failed += f
  console.log(`${name}.wast: ${p} passed, ${f} failed, ${s} skipped`)
  for (const line of verbose ? problems : problems.slice(0, 5)) console.log(line)
  if (!verbose && problems.length > 5) console.log(`  … ${problems.length - 5} more (--verbose)`)
}

if (skipReasons.size > 0) {
  console.log('skipped:')
  for (const [reason, files] of skipReasons) {
    const total = [...files.values()].reduce((a, b) => a + b, 0)
    console.log(`  ${total} × ${reason}: ${[...files].map(([f, n]) => `${f} (${n})`).join(', ')}`)
  }
}
console.log(`spec: ${passed} passed, ${failed} failed, ${skipped} skipped`)
process.exitCode = failed > 0 ? 1 : 0
