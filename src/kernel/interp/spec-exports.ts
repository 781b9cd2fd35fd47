// Export layer over the interpreter for test/spec/run.ts and test/interp, built alone as spec.wasm.

import { Decoder } from './decode'
import { Module, FuncType } from './module'
import { Store, Instance, Extern } from './store'
import { Thread } from './exec'

// Strings and byte strings travel through one scratch buffer, i64 values as BigInt; objects are
// referred to by index.
let scratchBuf = new ArrayBuffer(1 << 16)
let store = new Store(1024)
let thread = new Thread(store, 1 << 18, 2000)
let threads = new Array<Thread>()
let threadSlots = 1 << 18
let threadDepth = 2000
const modules = new Array<Module>()
const instances = new Array<Instance>()
let imports = new Array<Extern>()
let hostResults = new Array<u64>()
let lastError = ''

export function scratch (len: i32): usize {
  if (scratchBuf.byteLength < len) scratchBuf = new ArrayBuffer(len)
  return changetype<usize>(scratchBuf)
}

function put (s: string): i32 {
  const n = String.UTF8.byteLength(s)
  const p = scratch(n)
  String.UTF8.encodeUnsafe(changetype<usize>(s), s.length, p)
  return n
}

function get (len: i32): string {
  return String.UTF8.decodeUnsafe(changetype<usize>(scratchBuf), len)
}

// Resets everything (a fresh store) with a kernel memory limit in pages.
export function reset_store (maxPages: u32, stackSlots: i32, maxDepth: i32): void {
  store = new Store(maxPages)
  thread = new Thread(store, stackSlots, maxDepth)
  threads = [thread]
  threadSlots = stackSlots
  threadDepth = maxDepth
  modules.length = 0
  instances.length = 0
}

export function error (): i32 { return put(lastError) }

// Decodes and validates the len bytes in scratch; returns a module id or -1 (see error()).
export function load_module (len: i32): i32 {
  const bytes = new Uint8Array(len)
  memory.copy(bytes.dataStart, changetype<usize>(scratchBuf), len)
  const d = new Decoder(bytes)
  const m = d.decode()
  if (m === null) {
    lastError = d.err!
    return -1
  }
  modules.push(m)
  return modules.length - 1
}

export function import_count (mid: i32): i32 { return modules[mid].imports.length }
export function import_kind (mid: i32, i: i32): i32 { return modules[mid].imports[i].kind }
export function import_module (mid: i32, i: i32): i32 { return put(modules[mid].imports[i].module) }
export function import_name (mid: i32, i: i32): i32 { return put(modules[mid].imports[i].name) }

export function clear_imports (): void { imports = new Array<Extern>() }
export function add_import (kind: u8, addr: i32): void { imports.push(new Extern(kind, addr)) }

// Allocates an instance with the imports given; -1 when they do not link (see error()).
export function instantiate (mid: i32): i32 {
  const inst = store.instantiate(modules[mid], imports)
  if (inst === null) {
    lastError = store.err
    return -1
  }
  instances.push(inst)
  return instances.length - 1
}

// Runs the active segments: 0, or 1 on a trap (see error()).
export function initialize (iid: i32): i32 {
  const r = store.initialize(instances[iid])
  if (r.length == 0) return 0
  lastError = r
  return 1
}

// Store address of the start function, or -1.
export function start_func (iid: i32): i32 {
  const inst = instances[iid]
  const s = inst.module.start
  return s < 0 ? -1 : inst.funcs[s].addr
}

// Kind of the export named by the len bytes in scratch, or -1; its address via export_addr.
let lastExport: Extern | null = null
export function export_kind (iid: i32, len: i32): i32 {
  lastExport = store.exportOf(instances[iid], get(len))
  return lastExport === null ? -1 : lastExport!.kind
}
export function export_addr (): i32 { return lastExport!.addr }

// A host function with the signature in scratch: param type bytes, 0x3a (':'), result bytes.
export function host_func (len: i32, hostId: i32): i32 {
  const p = changetype<usize>(scratchBuf)
  let colon = 0
  while (load<u8>(p + colon) != 0x3a) colon++
  const params = new StaticArray<u8>(colon)
  for (let i = 0; i < colon; i++) params[i] = load<u8>(p + i)
  const results = new StaticArray<u8>(len - colon - 1)
  for (let i = 0; i < results.length; i++) results[i] = load<u8>(p + colon + 1 + i)
  return store.hostFunc(new FuncType(params, results), hostId)
}
export function host_table (type: u8, min: u32, max: i64): i32 { return store.hostTable(type, min, max) }
export function host_memory (min: u32, max: i64): i32 { return store.hostMemory(min, max) }
export function host_global (type: u8, mutable: bool, value: u64): i32 { return store.hostGlobal(type, mutable, value) }

export function global_value (addr: i32): u64 { return store.globals[addr].value }
export function global_type (addr: i32): i32 { return store.globals[addr].type.type }
export function func_param_count (addr: i32): i32 { return store.funcs[addr].type.params.length }
export function func_result_count (addr: i32): i32 { return store.funcs[addr].type.results.length }
export function func_result_type (addr: i32, i: i32): i32 { return store.funcs[addr].type.results[i] }
export function func_param_type (addr: i32, i: i32): i32 { return store.funcs[addr].type.params[i] }
// The compiled internal code of a function (a StaticArray<i32>, its byte length at -4), 0 for a
// host function: for tools that list or count the executed internal instructions.
export function func_code (addr: i32): usize {
  const f = store.funcs[addr].func
  return f === null ? 0 : changetype<usize>(f.code)
}

// Threads: several calls can be suspended at once (each in its own thread); 0 exists.
export function new_thread (): i32 {
  threads.push(new Thread(store, threadSlots, threadDepth))
  return threads.length - 1
}
export function use_thread (id: i32): void { thread = threads[id] }

// Calls: reset_call, push_arg for each argument, call, then run until not ST_FUEL.
export function reset_call (): void { thread.reset() }
export function push_arg (v: u64): void { thread.pushArg(v) }
export function call (addr: i32): i32 { return thread.call(addr) }
export function run (fuel: i64): i32 { return thread.run(fuel) }
export function result (i: i32): u64 { return thread.result(i) }
export function trap_reason (): i32 { return put(thread.trapReason) }
export function fuel_used (): i64 { return thread.fuelUsed }
// where the thread stopped (the next internal instruction), for the same tools
export function thread_pc (): usize { return thread.pc }
export function call_depth (): i32 { return thread.depth }

// The pending host call.
export function host_id (): i32 { return thread.hostFunc!.hostId }
export function host_arg_count (): i32 { return thread.hostArgCount() }
export function host_arg (i: i32): u64 { return thread.hostArg(i) }
export function push_host_result (v: u64): void { hostResults.push(v) }
export function finish_host (): i32 {
  const r = new StaticArray<u64>(hostResults.length)
  for (let i = 0; i < hostResults.length; i++) r[i] = hostResults[i]
  hostResults = new Array<u64>()
  return thread.finishHost(r)
}

// Guest memory access for the embedder: pages, and copies between scratch and guest memory.
export function memory_pages (iid: i32): i32 {
  const m = instances[iid].mem
  return m === null ? -1 : <i32>m.pages
}
export function memory_read (iid: i32, addr: u32, len: u32): i32 {
  const m = instances[iid].mem
  if (m === null || <u64>addr + len > m.byteLength) return -1
  memory.copy(scratch(<i32>len), m.base + addr, len)
  return 0
}
export function memory_write (iid: i32, addr: u32, len: u32): i32 {
  const m = instances[iid].mem
  if (m === null || <u64>addr + len > m.byteLength) return -1
  memory.copy(m.base + addr, changetype<usize>(scratchBuf), len)
  return 0
}
