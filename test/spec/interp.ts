// Node-side wrapper of build/interp/spec.wasm (src/kernel/interp/spec-exports.ts): loads the
// interpreter as a wasm module and offers typed calls into it. Used by the spec runner and by
// the tests in test/interp.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'

export const ST_DONE = 0
export const ST_FUEL = 1
export const ST_HOST = 2
export const ST_TRAP = 3
export const ST_RUN = -1

export const K_FUNC = 0
export const K_TABLE = 1
export const K_MEMORY = 2
export const K_GLOBAL = 3

export const T_I32 = 0x7f
export const T_I64 = 0x7e
export const T_F32 = 0x7d
export const T_F64 = 0x7c
export const T_FUNCREF = 0x70
export const T_EXTERNREF = 0x6f

export const SPEC_WASM = join(import.meta.dirname, '..', '..', 'build', 'interp', 'spec.wasm')

export class InterpAbort extends Error {
  code = 'INTERP_ABORT'
}

interface Exports {
  memory: WebAssembly.Memory
  scratch(len: number): number
  reset_store(maxPages: number, stackSlots: number, maxDepth: number): void
  error(): number
  load_module(len: number): number
  import_count(mid: number): number
  import_kind(mid: number, i: number): number
  import_module(mid: number, i: number): number
  import_name(mid: number, i: number): number
  clear_imports(): void
  add_import(kind: number, addr: number): void
  instantiate(mid: number): number
  initialize(iid: number): number
  start_func(iid: number): number
  export_kind(iid: number, len: number): number
  export_addr(): number
  host_func(len: number, hostId: number): number
  host_table(type: number, min: number, max: bigint): number
  host_memory(min: number, max: bigint): number
  host_global(type: number, mutable: number, value: bigint): number
  global_value(addr: number): bigint
  global_type(addr: number): number
  func_param_count(addr: number): number
  func_result_count(addr: number): number
  func_result_type(addr: number, i: number): number
  func_param_type(addr: number, i: number): number
  reset_call(): void
  push_arg(v: bigint): void
  call(addr: number): number
  run(fuel: bigint): number
  result(i: number): bigint
  trap_reason(): number
  fuel_used(): bigint
  call_depth(): number
  new_thread(): number
  use_thread(id: number): void
  host_id(): number
  host_arg_count(): number
  host_arg(i: number): bigint
  push_host_result(v: bigint): void
  finish_host(): number
  memory_pages(iid: number): number
  memory_read(iid: number, addr: number, len: number): number
  memory_write(iid: number, addr: number, len: number): number
}

let compiled: WebAssembly.Module | undefined

export interface Limits {
  maxPages?: number
  stackSlots?: number
  maxDepth?: number
}

export class Interp {
  x: Exports
  constructor (limits: Limits = {}) {
    compiled ??= new WebAssembly.Module(readFileSync(SPEC_WASM))
    // The interpreter may abort while being instantiated, before `this.x` is set.
    const ready: { interp?: Interp } = {}
    const inst = new WebAssembly.Instance(compiled, {
      env: {
        abort: (msg: number, file: number, line: number, col: number) => {
          throw new InterpAbort(`interpreter aborted: ${ready.interp?.readString(msg) ?? msg} at ${ready.interp?.readString(file) ?? file}:${line}:${col}`)
        },
      },
    })
    this.x = inst.exports as unknown as Exports
    ready.interp = this
    this.x.reset_store(limits.maxPages ?? 1024, limits.stackSlots ?? 1 << 18, limits.maxDepth ?? 2000)
  }

  // An AssemblyScript string object (UTF-16, length before the pointer).
  readString (ptr: number): string {
    if (ptr === 0) return ''
    const len = new Uint32Array(this.x.memory.buffer, ptr - 4, 1)[0] >>> 1
    return String.fromCharCode(...new Uint16Array(this.x.memory.buffer, ptr, len))
  }

  writeScratch (bytes: Uint8Array): number {
    const p = this.x.scratch(bytes.length)
    new Uint8Array(this.x.memory.buffer, p, bytes.length).set(bytes)
    return bytes.length
  }

  readScratch (len: number): Uint8Array {
    const p = this.x.scratch(0)
    return new Uint8Array(this.x.memory.buffer, p, len).slice()
  }

  str (len: number): string {
    return new TextDecoder().decode(this.readScratch(len))
  }

  lastError (): string {
    return this.str(this.x.error())
  }

  // Returns a module id, or a string with the reason it is malformed or invalid.
  load (bytes: Uint8Array): number | string {
    const mid = this.x.load_module(this.writeScratch(bytes))
    return mid < 0 ? this.lastError() : mid
  }

  imports (mid: number): { module: string, name: string, kind: number }[] {
    const out = []
    for (let i = 0; i < this.x.import_count(mid); i++) {
      out.push({
        module: this.str(this.x.import_module(mid, i)),
        name: this.str(this.x.import_name(mid, i)),
        kind: this.x.import_kind(mid, i),
      })
    }
    return out
  }

  // Instance id, or the link error.
  instantiate (mid: number, externs: { kind: number, addr: number }[]): number | string {
    this.x.clear_imports()
    for (const e of externs) this.x.add_import(e.kind, e.addr)
    const iid = this.x.instantiate(mid)
    return iid < 0 ? this.lastError() : iid
  }

  exportOf (iid: number, name: string): { kind: number, addr: number } | undefined {
    const kind = this.x.export_kind(iid, this.writeScratch(new TextEncoder().encode(name)))
    return kind < 0 ? undefined : { kind, addr: this.x.export_addr() }
  }

  hostFunc (params: number[], results: number[], hostId: number): number {
    const sig = new Uint8Array([...params, 0x3a, ...results])
    return this.x.host_func(this.writeScratch(sig), hostId)
  }

  trapReason (): string {
    return this.str(this.x.trap_reason())
  }

  readMemory (iid: number, addr: number, len: number): Uint8Array | undefined {
    return this.x.memory_read(iid, addr, len) < 0 ? undefined : this.readScratch(len)
  }

  writeMemory (iid: number, addr: number, bytes: Uint8Array): boolean {
    return this.x.memory_write(iid, addr, this.writeScratch(bytes)) === 0
  }
}
