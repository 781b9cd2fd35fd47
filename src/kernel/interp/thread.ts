// A thread's state and all of it outside the dispatch loop: calls, frames, host calls, traps, rare ops.

import { Instance, FuncInst, Store, OOB_TABLE, memoryInit, tableInit } from './store'

export const ST_DONE: i32 = 0
export const ST_FUEL: i32 = 1
export const ST_HOST: i32 = 2
export const ST_TRAP: i32 = 3
export const ST_RUN: i32 = -1

export const FRAME: usize = 12 // caller FuncInst (0: the embedder), return pc, caller fp

// An execution context: one call from the embedder at a time, resumable after fuel runs out
// or a host call. Values: 8-byte slots in `stack`; frames: 12 bytes each in `frames`.
// (run() is in the subclass Thread, exec.ts.)
export class ThreadState {
  store: Store
  stack: ArrayBuffer
  frames: ArrayBuffer
  stackBase: usize
  stackEnd: usize
  framesBase: usize
  // the next free frame record (framesBase + depth * FRAME) and the end of the records: a call
  // compares and bumps one pointer, a return steps it back
  frp: usize
  framesEnd: usize
  maxDepth: i32
  pc: usize = 0
  sp: usize = 0
  fp: usize = 0
  func: FuncInst | null = null
  status: i32 = ST_DONE
  trapReason: string = ''
  hostFunc: FuncInst | null = null // the pending host call
  resultCount: i32 = 0
  fuelUsed: i64 = 0

  constructor (store: Store, stackSlots: i32, maxDepth: i32) {
    this.store = store
    this.stack = new ArrayBuffer(stackSlots * 8)
    this.frames = new ArrayBuffer(<i32>((<usize>maxDepth + 1) * FRAME))
    this.stackBase = changetype<usize>(this.stack)
    this.stackEnd = this.stackBase + <usize>stackSlots * 8
    this.framesBase = changetype<usize>(this.frames)
    this.frp = this.framesBase
    this.framesEnd = this.framesBase + <usize>maxDepth * FRAME
    this.maxDepth = maxDepth
    this.sp = this.stackBase
  }

  // Wasm calls in progress (frames on the frame stack).
  get depth (): i32 { return <i32>((this.frp - this.framesBase) / FRAME) }

  // Starts a call: push the arguments with pushArg first.
  reset (): void {
    this.sp = this.stackBase
    this.frp = this.framesBase
    this.status = ST_DONE
    this.trapReason = ''
    this.hostFunc = null
    this.func = null
  }

  pushArg (v: u64): void {
    store<u64>(this.sp, v)
    this.sp += 8
  }

  // Sets up a call of the function at store address `addr` with the pushed arguments; then
  // drive it with run().
  call (addr: i32): i32 {
    if (addr < 0 || addr >= this.store.funcs.length) return this.trap('unknown function')
    const f = this.store.funcs[addr]
    const n = f.type.params.length
    if (this.sp - this.stackBase != <usize>n * 8) return this.trap('wrong number of arguments')
    this.frp = this.framesBase
    this.fp = this.stackBase
    this.func = null
    this.pc = 0
    this.resultCount = f.type.results.length
    return this.enter(f)
  }

  // call_indirect's lookup, out of the dispatch loop (see run): the callee, or 0 after a trap
  @inline(never)
  indirectCallee (inst: usize, tableIdx: i32, typeIdx: i32, i: u32): usize {
    const tbl = unchecked(changetype<Instance>(inst).tables[tableIdx])
    if (i >= <u32>tbl.elems.length) { this.trap('undefined element'); return 0 }
    const ref = unchecked(tbl.elems[<i32>i])
    if (ref == 0) { this.trap('uninitialized element'); return 0 }
    const callee = load<usize>(this.store.funcs.dataStart + (<usize>(ref - 1) << alignof<usize>()))
    if (changetype<FuncInst>(callee).typeId != unchecked(changetype<Instance>(inst).typeIds[typeIdx])) { this.trap('indirect call type mismatch'); return 0 }
    return callee
  }

  // Table instructions, memory.init and data.drop, out of the dispatch loop (rare, and heavy
  // for the C compiler's register allocation of run()): reads the immediates at pc and the
  // operands below sp; run() then moves pc and sp. True after a trap.
  @inline(never)
  tableOp (op: i32, pc: usize, sp: usize, inst: usize): bool {
    switch (op) {
      case 0x25: {
        const t = unchecked(changetype<Instance>(inst).tables[load<i32>(pc)])
        const i = load<u32>(sp - 8)
        if (i >= <u32>t.elems.length) { this.trap(OOB_TABLE); return true }
        store<i64>(sp - 8, unchecked(t.elems[<i32>i]))
        return false
      }
      case 0x26: {
        const t = unchecked(changetype<Instance>(inst).tables[load<i32>(pc)])
        sp -= 16
        const i = load<u32>(sp)
        if (i >= <u32>t.elems.length) { this.trap(OOB_TABLE); return true }
        unchecked(t.elems[<i32>i] = load<i64>(sp, 8))
        return false
      }
      case 0xe8: { // memory.init
        sp -= 24
        const r = memoryInit(changetype<Instance>(inst), load<u32>(pc), load<u32>(sp), load<u32>(sp, 8), load<u32>(sp, 16))
        if (r.length > 0) { this.trap(r); return true }
        return false
      }
      case 0xe9: changetype<Instance>(inst).datas[load<i32>(pc)] = new Uint8Array(0); return false
      case 0xec: { // table.init table elem
        sp -= 24
        const r = tableInit(changetype<Instance>(inst), load<u32>(pc), load<u32>(pc, 4), load<u32>(sp), load<u32>(sp, 8), load<u32>(sp, 16))
        if (r.length > 0) { this.trap(r); return true }
        return false
      }
      case 0xed: changetype<Instance>(inst).elems[load<i32>(pc)] = new StaticArray<i64>(0); return false
      case 0xee: { // table.copy dst src
        const td = changetype<Instance>(inst).tables[load<i32>(pc)]; const ts = changetype<Instance>(inst).tables[load<i32>(pc, 4)]
        sp -= 24
        const d = load<u32>(sp); const s = load<u32>(sp, 8); const n = load<u32>(sp, 16)
        if (<u64>s + n > <u64>ts.elems.length || <u64>d + n > <u64>td.elems.length) { this.trap(OOB_TABLE); return true }
        if (d <= s) { for (let i: u32 = 0; i < n; i++) unchecked(td.elems[<i32>(d + i)] = ts.elems[<i32>(s + i)]) } else { for (let i = n; i > 0; i--) unchecked(td.elems[<i32>(d + i - 1)] = ts.elems[<i32>(s + i - 1)]) }
        return false
      }
      case 0xef: { // table.grow
        const t = changetype<Instance>(inst).tables[load<i32>(pc)]
        sp -= 8
        store<i32>(sp - 8, t.grow(load<u32>(sp), load<i64>(sp - 8)))
        return false
      }
      case 0xf0: store<i32>(sp, changetype<Instance>(inst).tables[load<i32>(pc)].elems.length); return false
      case 0xf1: { // table.fill
        const t = changetype<Instance>(inst).tables[load<i32>(pc)]
        sp -= 24
        const d = load<u32>(sp); const v = load<i64>(sp, 8); const n = load<u32>(sp, 16)
        if (<u64>d + n > <u64>t.elems.length) { this.trap(OOB_TABLE); return true }
        for (let i: u32 = 0; i < n; i++) unchecked(t.elems[<i32>(d + i)] = v)
        return false
      }
      default: return false
    }
  }

  trap (reason: string): i32 {
    this.trapReason = reason
    this.status = ST_TRAP
    return ST_TRAP
  }

  // Pending host call: its arguments.
  hostArgCount (): i32 { return this.hostFunc!.type.params.length }
  hostArg (i: i32): u64 {
    const n = this.hostFunc!.type.params.length
    return load<u64>(this.sp - <usize>(n - i) * 8)
  }

  // Completes the pending host call with its results; run() then continues the guest.
  finishHost (results: StaticArray<u64>): i32 {
    const f = this.hostFunc!
    if (results.length != f.type.results.length) return this.trap('wrong number of host results')
    const base = this.sp - <usize>f.type.params.length * 8
    for (let i = 0; i < results.length; i++) store<u64>(base + <usize>i * 8, results[i])
    this.sp = base + <usize>results.length * 8
    this.hostFunc = null
    this.status = this.func === null ? ST_DONE : ST_RUN
    return this.status
  }

  // Same as finishHost: the name the scheduler uses after a blocking host call.
  resume (results: StaticArray<u64>): i32 { return this.finishHost(results) }

  result (i: i32): u64 { return load<u64>(this.stackBase + <usize>i * 8) }

  // Calls f: either a host call (returns ST_HOST) or a new frame (returns ST_RUN).
  enter (f: FuncInst): i32 {
    if (f.hostId >= 0) {
      this.hostFunc = f
      this.status = ST_HOST
      return ST_HOST
    }
    const fn = f.func!
    const fr = this.frp
    if (fr >= this.framesEnd) return this.trap('call stack exhausted')
    const fp = this.sp - <usize>fn.numParams * 8
    if (fp + <usize>fn.maxStack * 8 > this.stackEnd) return this.trap('call stack exhausted')
    const caller = this.func
    store<usize>(fr, caller === null ? 0 : changetype<usize>(caller))
    store<u32>(fr, <u32>this.pc, 4)
    store<u32>(fr, <u32>this.fp, 8)
    this.frp = fr + FRAME
    const nz = fn.numLocals - fn.numParams
    if (nz > 0) memory.fill(this.sp, 0, <usize>nz * 8)
    this.fp = fp
    this.sp = fp + <usize>fn.numLocals * 8
    this.func = f
    this.pc = changetype<usize>(fn.code)
    this.status = ST_RUN
    return ST_RUN
  }
}
