// Differential test on the official WebAssembly spec suite (../shared/wasm-testsuite): every
// valid module of every script is run by V8 twice, as it is and rewritten for fuel (with a tiny
// budget, so refuels happen everywhere), and every action of the script must give the same result
// or the same trap in both. This checks that the rewrite keeps the meaning of control flow,
// calls, tables, memories, globals, linking and traps, not just that the output validates.
import { test } from 'vitest'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { convertWast } from '../spec/wast.ts'
import { REFUEL_MODULE, REFUEL_NAME, rewriteModule } from '../../src/kernel/node/limits/rewrite/index.ts'

const root = join(import.meta.dirname, '..', '..')
const suite = process.env.WASM_TESTSUITE ?? join(root, '..', 'shared', 'wasm-testsuite')
const outDir = join(root, 'build', 'fuel', 'spec')

interface Value { type: string, value?: string }
interface Action { type: 'invoke' | 'get', module?: string, field: string, args?: Value[] }
interface Command { type: string, line: number, filename?: string, name?: string, as?: string, module_type?: string, action?: Action }

const convert = (name: string): string | undefined => convertWast(name, outDir, suite)

function arg (v: Value): unknown {
  const s = v.value ?? ''
  const view = new DataView(new ArrayBuffer(8))
  switch (v.type) {
    case 'i32': return Number(BigInt.asIntN(32, BigInt(s)))
    case 'i64': return BigInt.asIntN(64, BigInt(s))
    case 'f32': view.setUint32(0, Number(BigInt(s))); return view.getFloat32(0)
    case 'f64': view.setBigUint64(0, BigInt(s)); return view.getFloat64(0)
    case 'funcref': case 'externref': if (s === 'null') return null
  }
  throw new Error(`unsupported argument ${v.type}`)
}

/** One of the two worlds: spectest imports, registered modules, named instances. */
class World {
  readonly registered: Record<string, WebAssembly.Exports> = {}
  readonly named = new Map<string, WebAssembly.Instance>()
  current: WebAssembly.Instance | undefined
  refuels = 0

  constructor () {
    const noop = (): void => {}
    this.registered.spectest = {
      print: noop,
      print_i32: noop,
      print_i64: noop,
      print_f32: noop,
      print_f64: noop,
      print_i32_f32: noop,
      print_f64_f64: noop,
      global_i32: new WebAssembly.Global({ value: 'i32' }, 666),
      global_i64: new WebAssembly.Global({ value: 'i64' }, 666n),
      global_f32: new WebAssembly.Global({ value: 'f32' }, 666.6),
      global_f64: new WebAssembly.Global({ value: 'f64' }, 666.6),
      table: new WebAssembly.Table({ initial: 10, maximum: 20, element: 'anyfunc' }),
      memory: new WebAssembly.Memory({ initial: 1, maximum: 2 }),
    } as unknown as WebAssembly.Exports
  }

  instantiate (module: WebAssembly.Module): string {
    const imports: Record<string, Record<string, unknown>> = { [REFUEL_MODULE]: { [REFUEL_NAME]: () => { this.refuels++; return 13 } } }
    for (const imp of WebAssembly.Module.imports(module)) {
      if (imp.module === REFUEL_MODULE) continue
      imports[imp.module] ??= {}
      imports[imp.module][imp.name] = this.registered[imp.module]?.[imp.name]
    }
    try {
      this.current = new WebAssembly.Instance(module, imports as WebAssembly.Imports)
      return 'ok'
    } catch (err) {
      this.current = undefined
      return outcomeOfError(err)
    }
  }

  run (action: Action): string {
    const instance = action.module !== undefined ? this.named.get(action.module) : this.current
    if (instance === undefined) return 'no instance'
    const exported = instance.exports[action.field]
    try {
      if (action.type === 'get') return show((exported as WebAssembly.Global).value)
      return show((exported as (...a: unknown[]) => unknown)(...(action.args ?? []).map(arg)))
    } catch (err) {
      return outcomeOfError(err)
    }
  }
}

function outcomeOfError (err: unknown): string {
  if (err instanceof Error) return `${err.constructor.name}: ${err.message.replace(/\(evaluating .*\)/, '')}`
  return `thrown: ${String(err)}`
}

function show (v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : String(v)
  if (typeof v === 'bigint') return `${v}n`
  if (typeof v === 'function') return 'function'
  return String(v)
}

const scripts = existsSync(suite)
  ? readdirSync(suite).filter((f) => f.endsWith('.wast')).map((f) => f.slice(0, -5)).sort()
  : []

test('spec suite: original and rewritten modules behave the same', async ({ annotate, skip }) => {
  skip(scripts.length === 0, `no spec suite at ${suite}`)
  let compared = 0
  let modules = 0
  let refuels = 0
  const mismatches: string[] = []
  const refused: string[] = []
  for (const name of scripts) {
    const json = convert(name)
    if (json === undefined) continue
    const dir = join(outDir, name)
    const { commands } = JSON.parse(readFileSync(json, 'utf8')) as { commands: Command[] }
    const orig = new World()
    const re = new World()
    for (const c of commands) {
      const where = `${name}.wast:${c.line}`
      if (c.type === 'module' && c.filename !== undefined && c.module_type !== 'text') {
        const bytes = new Uint8Array(readFileSync(join(dir, c.filename)))
        if (!WebAssembly.validate(bytes)) { orig.current = re.current = undefined; continue }
        let rewritten: Uint8Array
        try {
          rewritten = rewriteModule(bytes, { maxMemoryPages: 65536 })
        } catch (err) {
          refused.push(`${where}: ${(err as Error).message}`)
          orig.current = re.current = undefined
          continue
        }
        modules++
        const a = orig.instantiate(new WebAssembly.Module(bytes))
        const b = re.instantiate(new WebAssembly.Module(rewritten))
        if (a !== b) mismatches.push(`${where}: instantiation ${a} vs ${b}`)
        if (c.name !== undefined) {
          if (orig.current !== undefined) orig.named.set(c.name, orig.current)
          if (re.current !== undefined) re.named.set(c.name, re.current)
        }
      } else if (c.type === 'register' && c.as !== undefined) {
        for (const w of [orig, re]) {
          const instance = c.name !== undefined ? w.named.get(c.name) : w.current
          if (instance !== undefined) w.registered[c.as] = instance.exports
        }
      } else if (c.action !== undefined && ['assert_return', 'action', 'assert_trap', 'assert_exhaustion'].includes(c.type)) {
        if (c.action.args?.some((v) => !['i32', 'i64', 'f32', 'f64'].includes(v.type) && v.value !== 'null')) continue
        const a = orig.run(c.action)
        const b = re.run(c.action)
        compared++
        if (a !== b) mismatches.push(`${where}: ${c.action.field}: ${a} vs ${b}`)
      }
    }
    refuels += re.refuels
  }
  await annotate(`${modules} modules, ${compared} actions, ${refuels} refuels, ${mismatches.length} mismatches`)
  assert.deepEqual(refused, [], 'modules the rewrite refused')
  assert.deepEqual(mismatches.slice(0, 20), [], `${mismatches.length} mismatches`)
  assert.ok(modules > 500 && compared > 10_000, `${modules} modules, ${compared} actions compared`)
  assert.ok(refuels > 1000, `${refuels} refuels`)
})
