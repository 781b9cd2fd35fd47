// The interpreter's public API for the embedder (the bare-metal host adapter); usage in README.md.

export { Decoder } from './decode'
export {
  Module, FuncType, Import, Export, Limits, TableType, GlobalType,
  T_I32, T_I64, T_F32, T_F64, T_FUNCREF, T_EXTERNREF, K_FUNC, K_TABLE, K_MEMORY, K_GLOBAL, NO_MAX,
} from './module'
export { Store, Instance, Extern, FuncInst, Memory, Table, Global, PAGE } from './store'
export { ST_DONE, ST_FUEL, ST_HOST, ST_TRAP } from './thread'
export { Thread } from './exec'
