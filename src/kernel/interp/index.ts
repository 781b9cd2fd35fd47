// The WebAssembly interpreter of the bare-metal kernel: public API for the embedder (the
// bare-metal host adapter, compiled in the same asc compilation). Typical use:
//
//   const d = new Decoder(bytes); const m = d.decode()         // null: d.err says why
//   const store = new Store(maxPages)                          // kernel limit on guest memory
//   imports[i] = new Extern(K_FUNC, store.hostFunc(m.types[m.imports[i].typeIdx], myId))
//   const inst = store.instantiate(m, imports)                 // null: store.err
//   const trap = store.initialize(inst)                        // '' or a trap reason
//   const th = new Thread(store, stackSlots, maxDepth)
//   th.reset(); th.pushArg(x); th.call(store.exportOf(inst, 'run')!.addr)
//   switch (th.run(fuel)) {
//     case ST_DONE: th.result(0) …                           // finished
//     case ST_FUEL: …                                        // preempted: run(fuel) again later
//     case ST_HOST: th.hostFunc!.hostId, th.hostArg(i) …     // host call: do it (now or later),
//                   th.resume(results); th.run(fuel)         //   then continue the guest
//     case ST_TRAP: th.trapReason                            // the guest is dead, the kernel is not
//   }
//
// Every host function yields to the embedder, so a blocking import (wait) simply leaves the
// thread suspended: nothing of it lives on the native stack. Values are raw 64-bit slots:
// i32/f32 in the low half (ignore the high half), references 0 = null, funcref = address + 1.
export { Decoder } from './decode'
export {
  Module, FuncType, Import, Export, Limits, TableType, GlobalType,
  T_I32, T_I64, T_F32, T_F64, T_FUNCREF, T_EXTERNREF, K_FUNC, K_TABLE, K_MEMORY, K_GLOBAL, NO_MAX,
} from './module'
export { Store, Instance, Extern, FuncInst, Memory, Table, Global, PAGE } from './store'
export { ST_DONE, ST_FUEL, ST_HOST, ST_TRAP } from './thread'
export { Thread } from './exec'
