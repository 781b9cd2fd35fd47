// The execution loop, Thread.run: one dense `switch` over the internal code (see README.md).

import { Func } from './module'
import {
  OP_JMP, OP_JMP_IF, OP_JMP_IFZ, OP_COPY, OP_GSET_ADD, OP_SETSP, OP_SETC, OP_SETC64,
  OP_JZ, OP_JNZ, OP_GGET, OP_GSET, OP_EQZ, OP_EQZ64, OP_EXT_S, OP_EXT_U, FUSE_EXT, OP_BR, OP_BR_IF, OP_BR_TABLE, OP_SELECT,
} from './opcodes'
import { FuncInst, Instance, Memory, Global, OOB_MEM } from './store'
import { ThreadState, FRAME, ST_DONE, ST_FUEL, ST_HOST, ST_RUN, ST_TRAP } from './thread'
import { f2iOk, satI32, satU32, satI64, satU64 } from './convert'

// An execution context: one call from the embedder at a time, resumable after fuel runs out
// or a host call (state and calls in ThreadState, thread.ts).
export class Thread extends ThreadState {
  // Runs at most `fuel` instructions. Returns ST_DONE (results via result()), ST_FUEL,
  // ST_HOST (see hostFunc / hostArg, then finishHost and run again) or ST_TRAP (trapReason).
  run (fuel: i64): i32 {
    if (this.status != ST_RUN && this.status != ST_FUEL) return this.status
    if (this.func === null) { this.status = ST_DONE; return ST_DONE }
    // f, inst and mem are raw pointers, and calls and returns read fields with raw loads, the
    // thread's own in locals: the incremental runtime writes a managed value to its shadow stack
    // each time one is used (`this.sp` stores `this` first). The store keeps the objects alive.
    let pc = this.pc
    let sp = this.sp
    let fp = this.fp
    let f = changetype<usize>(this.func)
    let inst = changetype<usize>(changetype<FuncInst>(f).inst)
    let mem = changetype<usize>(changetype<Instance>(inst).mem)
    // the instance's globals and functions (fixed after instantiation): Global and FuncInst pointers
    let gb = changetype<Instance>(inst).globals.dataStart
    let fb = changetype<Instance>(inst).funcs.dataStart
    let mb: usize = mem == 0 ? 0 : changetype<Memory>(mem).base
    let ms: u64 = mem == 0 ? 0 : changetype<Memory>(mem).byteLength
    let cb = changetype<usize>(changetype<FuncInst>(f).func!.code)
    // the next free frame record (written back at every exit but a trap), and the two limits
    let frp = this.frp; const fe = this.framesEnd; const se = this.stackEnd
    let left = fuel
    while (true) {
      if (--left < 0) {
        this.pc = pc; this.sp = sp; this.fp = fp; this.func = changetype<FuncInst>(f); this.frp = frp
        this.fuelUsed += fuel - left - 1
        this.status = ST_FUEL
        return ST_FUEL
      }
      const op = load<i32>(pc)
      pc += 4
      switch (op) {
        case 0x00: return this.trap('unreachable')
        case OP_JMP: { pc = cb + (<usize>load<i32>(pc) << 2); break }
        case OP_JMP_IF: {
          sp -= 8
          if (load<i32>(sp) != 0) pc = cb + (<usize>load<i32>(pc) << 2)
          else pc += 4
          break
        }
        case OP_JMP_IFZ: {
          sp -= 8
          if (load<i32>(sp) == 0) pc = cb + (<usize>load<i32>(pc) << 2)
          else pc += 4
          break
        }
        case OP_BR_IF: {
          sp -= 8
          if (load<i32>(sp) == 0) { pc += 12; break }
        } // fallthrough
        case OP_BR: {
          const arity = <usize>load<i32>(pc, 4)
          const dst = fp + (<usize>load<i32>(pc, 8) << 3)
          memory.copy(dst, sp - (arity << 3), arity << 3)
          sp = dst + (arity << 3)
          pc = cb + (<usize>load<i32>(pc) << 2)
          break
        }
        case OP_BR_TABLE: {
          const n = <u32>load<i32>(pc)
          sp -= 8
          let i = load<u32>(sp)
          if (i > n) i = n
          const e = pc + 4 + <usize>i * 12
          const arity = <usize>load<i32>(e, 4)
          const dst = fp + (<usize>load<i32>(e, 8) << 3)
          memory.copy(dst, sp - (arity << 3), arity << 3)
          sp = dst + (arity << 3)
          pc = cb + (<usize>load<i32>(e) << 2)
          break
        }
        // OP_LDLLJ: the read and the jump after it when in bounds (target at pc + 32), else the OP_LDLL runs and traps
        case 0x2a5 /* OP_LDLLJ */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); if (a + 4 > ms) { pc += 12; break }; if (load<i32>(mb + <usize>a) != 0) pc = cb + (<usize>load<i32>(pc, 32) << 2); else pc += 36; break }
        case 0x2a6 /* OP_LDLLJ + 1 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); if (a + 1 > ms) { pc += 12; break }; if (load<u8>(mb + <usize>a) != 0) pc = cb + (<usize>load<i32>(pc, 32) << 2); else pc += 36; break }
        case 0x2a7 /* OP_LDLLJ + 2 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); if (a + 4 > ms) { pc += 12; break }; if (load<i32>(mb + <usize>a) == 0) pc = cb + (<usize>load<i32>(pc, 32) << 2); else pc += 36; break }
        case 0x2a8 /* OP_LDLLJ + 3 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); if (a + 1 > ms) { pc += 12; break }; if (load<u8>(mb + <usize>a) == 0) pc = cb + (<usize>load<i32>(pc, 32) << 2); else pc += 36; break }
        case 0x2a9 /* OP_ROTOR */: { store<i32>(sp, rotl<i32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) & load<i32>(pc, 4), load<i32>(pc, 8)) | rotl<i32>(load<i32>(fp + (<usize>load<i32>(pc, 12) << 3)) & load<i32>(pc, 16), load<i32>(pc, 20))); sp += 8; pc += 24; break }
        case 0x2aa /* OP_MULADD */: { store<i32>(sp, load<i32>(fp + (<usize>load<i32>(pc) << 3)) * load<i32>(pc, 4) + load<i32>(pc, 8)); sp += 8; pc += 12; break }
        // OP_SHRST8, OP_MADST8: the value, and the i32.store8 after it when in bounds, else the value pushed
        case 0x2ab /* OP_SHRST8 */: { const v = load<i32>(fp + (<usize>load<i32>(pc) << 3)) >>> load<i32>(pc, 4); const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 12); if (load<i32>(pc, 8) != 0x3a || a + 1 > ms) { store<i32>(sp, v); sp += 8; pc += 8; break }; store<u8>(mb + <usize>a, <u8>v); sp -= 8; pc += 16; break }
        case 0x2ac /* OP_MADST8 */: { const v = load<i32>(fp + (<usize>load<i32>(pc) << 3)) * load<i32>(pc, 4) + load<i32>(pc, 8); const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 16); if (load<i32>(pc, 12) != 0x3a || a + 1 > ms) { store<i32>(sp, v); sp += 8; pc += 12; break }; store<u8>(mb + <usize>a, <u8>v); sp -= 8; pc += 20; break }
        // OP_STAJ64: the OP_STLLC after it at pc + 16, the OP_AJ64 after that at pc + 36
        case 0x2ad /* OP_STAJ64 */: case 0x2ae /* OP_STAJ64 + 1 */: {
          const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 12)
          if (op == 0x2ad) { if (a + 4 > ms) { pc += 16; break }; store<i32>(mb + <usize>a, load<i32>(pc, 8)) } else { if (a + 1 > ms) { pc += 16; break }; store<u8>(mb + <usize>a, <u8>load<i32>(pc, 8)) }
          if (load<i32>(pc, 36) != 0x28d) { pc += 36; break }
          const x = load<i64>(fp + (<usize>load<i32>(pc, 40) << 3)) + <i64>load<i32>(fp + (<usize>load<i32>(pc, 44) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 48) << 3), x)
          if (x < <i64>load<i32>(fp + (<usize>load<i32>(pc, 52) << 3))) pc = cb + (<usize>load<i32>(pc, 56) << 2); else pc += 60; break
        }
        // division and remainder by a constant that cannot trap (see opcodes.ts)
        case 0x2af /* OP_DIVLC */: store<i32>(sp, load<i32>(fp + (<usize>load<i32>(pc) << 3)) / load<i32>(pc, 4)); sp += 8; pc += 8; break
        case 0x2b0 /* OP_DIVLC + 1 */: store<u32>(sp, load<u32>(fp + (<usize>load<i32>(pc) << 3)) / load<u32>(pc, 4)); sp += 8; pc += 8; break
        case 0x2b1 /* OP_DIVLC + 2 */: store<i32>(sp, load<i32>(fp + (<usize>load<i32>(pc) << 3)) % load<i32>(pc, 4)); sp += 8; pc += 8; break
        case 0x2b2 /* OP_DIVLC + 3 */: store<u32>(sp, load<u32>(fp + (<usize>load<i32>(pc) << 3)) % load<u32>(pc, 4)); sp += 8; pc += 8; break
        case 0x2b3 /* OP_DIVSC */: store<i32>(sp - 8, load<i32>(sp - 8) / load<i32>(pc)); pc += 4; break
        case 0x2b4 /* OP_DIVSC + 1 */: store<u32>(sp - 8, load<u32>(sp - 8) / load<u32>(pc)); pc += 4; break
        case 0x2b5 /* OP_DIVSC + 2 */: store<i32>(sp - 8, load<i32>(sp - 8) % load<i32>(pc)); pc += 4; break
        case 0x2b6 /* OP_DIVSC + 3 */: store<u32>(sp - 8, load<u32>(sp - 8) % load<u32>(pc)); pc += 4; break
        case 0x2b7 /* OP_MULADD3 */: store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), load<i32>(fp + (<usize>load<i32>(pc) << 3)) * load<i32>(pc, 4) + load<i32>(fp + (<usize>load<i32>(pc, 8) << 3))); pc += 16; break
        case 0x2b8 /* OP_SHLOR */: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) | (load<i32>(sp) << load<i32>(pc))); pc += 4; break
        // OP_RETL_LTC: if local a < c, on as the OP_RETL after it (pc at its slot); else jump to the target
        // OP_STLMA: the FUSE_LL + 10 (a b at pc + 4), OP_MADST8 (at pc + 12) and i32.store8 (at pc + 28) after it,
        // then the loop's step and test (OP_AJ: x = a + c, then compare x with b and jump if true) when it follows
        case 0x2b9 /* OP_STLMA */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 8) << 3))) + <u64>load<u32>(pc, 32); if (a + 1 > ms || load<i32>(pc, 12) != 0x2ac || load<i32>(pc, 28) != 0x3a) break; store<u8>(mb + <usize>a, <u8>(load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)) * load<i32>(pc, 20) + load<i32>(pc, 24))); pc += 36; if (load<i32>(pc) != 0x28a) break; pc += 4 } // fallthrough
        case 0x28a /* OP_AJ */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), x); if (x < load<i32>(fp + (<usize>load<i32>(pc, 12) << 3))) pc = cb + (<usize>load<i32>(pc, 16) << 2); else pc += 20; break }
        // a loop's step and test (OP_ALJ, OP_AJ) with its next iteration's body, known (see opcodes.ts): the
        // body's instructions at b, run here when in bounds, else from the one that traps; pc stays here
        case 0x2ba /* OP_ALJ_CPY */: { store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4)); const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)) + load<i32>(pc, 20)) + <u64>load<u32>(pc, 24); if (a + 4 > ms) { pc += 12; break }; store<i32>(fp + (<usize>load<i32>(pc, 28) << 3), load<i32>(mb + <usize>a)); if (load<i32>(fp + (<usize>load<i32>(pc, 36) << 3)) >= load<i32>(fp + (<usize>load<i32>(pc, 40) << 3))) { pc += 48; break }; const b = cb + (<usize>load<i32>(pc, 44) << 2); const s = <u64><u32>(load<i32>(fp + (<usize>load<i32>(b, 4) << 3)) + load<i32>(fp + (<usize>load<i32>(b, 8) << 3))) + <u64>load<u32>(b, 12); if (s + 1 > ms) { pc = b; break }; store<i32>(fp + (<usize>load<i32>(b, 16) << 3), <i32>load<u8>(mb + <usize>s)); const g = load<usize>(gb + (<usize>load<i32>(b, 24) << alignof<usize>())); const v = load<i32>(g, offsetof<Global>('value')); store<u64>(fp + (<usize>load<i32>(b, 28) << 3), <u64><u32>v); store<u64>(g, <u64><u32>(v + load<i32>(b, 32)), offsetof<Global>('value')); const d = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(b, 40) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(b, 44) << 3))) + <u64>load<u32>(b, 52); if (d + 1 > ms) { pc = b + 36; break }; store<u8>(mb + <usize>d, load<u8>(fp + (<usize>load<i32>(b, 48) << 3))); pc -= 4; break }
        case 0x2bb /* OP_AJ_GETMA */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), x); if (x >= load<i32>(fp + (<usize>load<i32>(pc, 12) << 3))) { pc += 20; break }; const b = cb + (<usize>load<i32>(pc, 16) << 2); const g = load<usize>(gb + (<usize>load<i32>(b, 4) << alignof<usize>())); const v = load<i32>(g, offsetof<Global>('value')); store<u64>(fp + (<usize>load<i32>(b, 8) << 3), <u64><u32>v); store<u64>(g, <u64><u32>(v + load<i32>(b, 12)), offsetof<Global>('value')); const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(b, 20) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(b, 24) << 3))) + <u64>load<u32>(b, 28); if (a + 1 > ms) { pc = b + 16; break }; store<i32>(fp + (<usize>load<i32>(b, 32) << 3), <i32>load<u8>(mb + <usize>a)); store<i32>(fp + (<usize>load<i32>(b, 52) << 3), load<i32>(fp + (<usize>load<i32>(b, 40) << 3)) * load<i32>(b, 44) + load<i32>(fp + (<usize>load<i32>(b, 48) << 3))); pc -= 4; break }
        case 0x2bc /* OP_SELCC */: store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), load<i32>(fp + (<usize>load<i32>(pc) << 3)) != 0 ? load<i32>(pc, 4) : load<i32>(pc, 8)); pc += 16; break
        // sha256's round, one dispatch: each of these runs the next when it follows (checked at run time), by falling
        // through to its case: the W[t] read, K[t], h + sigma1(e), t1, t2, the register moves, the step and test.
        // OP_SHL_LDGLR: x = a << s and the OP_LDGLR after it reading global + x, in one; out of bounds, only the
        // first: the read then runs and traps. OP_SIGMA3_ADD: OP_SIGMA3_R, then the add of slots after it if it still
        // is one (FUSE_LLS + 10). OP_CHX3_ADD3: OP_CHX3, then the OP_ADD3 after it if it still is one, then an add of
        // slots (FUSE_LLS + 10) if one follows. OP_SIGMA_MAJ: OP_SIGMA_R, then the OP_MAJX_SET after it (if it still
        // is one) adding the sigma to maj: nothing pushed. OP_COPY3_ADD2: two OP_COPY3_ADDs in a row (the second
        // checked at run time), in order
        case 0x299 /* OP_SHL_LDGLR */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)) << load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), x); const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc, 16) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 20) << 3))) + <u64>load<u32>(pc, 24); if (a + 4 > ms) { pc += 12; break }; store<i32>(fp + (<usize>load<i32>(pc, 28) << 3), load<i32>(mb + <usize>a)); pc += 32; if (load<i32>(pc) != 0x281) break; pc += 4 } // fallthrough
        case 0x281 /* OP_LDLC */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4)) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), load<i32>(mb + <usize>a)); pc += 16; if (load<i32>(pc) != 0x2a0) break; pc += 4 } // fallthrough
        case 0x2a0 /* OP_SIGMA3_ADD */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 16) << 3), rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ rotr<i32>(x, load<i32>(pc, 12))); if (load<i32>(pc, 20) != 0x164) { pc += 20; break }; store<i32>(fp + (<usize>load<i32>(pc, 32) << 3), load<i32>(fp + (<usize>load<i32>(pc, 24) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 28) << 3))); pc += 36; if (load<i32>(pc) != 0x2a1) break; pc += 4 } // fallthrough
        case 0x2a1 /* OP_CHX3_ADD3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); const e = load<i32>(fp + (<usize>load<i32>(pc, 8) << 3)) ^ load<i32>(pc, 12); store<i32>(fp + (<usize>load<i32>(pc, 20) << 3), a ^ (e & load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)))); if (load<i32>(pc, 24) != 0x294) { pc += 24; break }; const x = load<i32>(fp + (<usize>load<i32>(pc, 28) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 32) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 36) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 40) << 3), x); if (load<i32>(pc, 44) != 0x164) { pc += 44; break }; store<i32>(fp + (<usize>load<i32>(pc, 56) << 3), load<i32>(fp + (<usize>load<i32>(pc, 48) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 52) << 3))); pc += 60; if (load<i32>(pc) != 0x29e) break; pc += 4 } // fallthrough
        case 0x29e /* OP_SIGMA_MAJ */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const s = rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ rotr<i32>(x, load<i32>(pc, 12)); if (load<i32>(pc, 16) != 0x295) { store<i32>(sp, s); sp += 8; pc += 16; break }; const a = load<i32>(fp + (<usize>load<i32>(pc, 20) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 24) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 28) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 32) << 3)); store<u64>(fp + (<usize>load<i32>(pc, 44) << 3), <u64><u32>(s + (a ^ b ^ (load<i32>(fp + (<usize>load<i32>(pc, 36) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 40) << 3)))))); pc += 48; if (load<i32>(pc) != 0x29f) break; pc += 4 } // fallthrough
        case 0x29f /* OP_COPY3_ADD2 */: {
          store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), load<u64>(fp + (<usize>load<i32>(pc) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 12) << 3), load<u64>(fp + (<usize>load<i32>(pc, 8) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 20) << 3), load<u64>(fp + (<usize>load<i32>(pc, 16) << 3))); store<i32>(fp + (<usize>load<i32>(pc, 32) << 3), load<i32>(fp + (<usize>load<i32>(pc, 24) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 28) << 3)))
          if (load<i32>(pc, 36) != 0x296) { pc += 36; break }
          store<u64>(fp + (<usize>load<i32>(pc, 44) << 3), load<u64>(fp + (<usize>load<i32>(pc, 40) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 52) << 3), load<u64>(fp + (<usize>load<i32>(pc, 48) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 60) << 3), load<u64>(fp + (<usize>load<i32>(pc, 56) << 3))); store<i32>(fp + (<usize>load<i32>(pc, 72) << 3), load<i32>(fp + (<usize>load<i32>(pc, 64) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 68) << 3))); pc += 76; if (load<i32>(pc) != 0x28b) break; pc += 4
        } // fallthrough
        case 0x28b /* OP_AJ + 1 */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), x); if (x < load<i32>(pc, 12)) pc = cb + (<usize>load<i32>(pc, 16) << 2); else pc += 20; break }
        // global g1 pushed, or with the global.get g2 and FUSE_LDSS + 5 after it (and a local.set after those) the byte
        case 0x2bd /* OP_GG_LD8 */: { const v = load<u64>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')); if (load<i32>(pc, 4) == 0x23 && load<i32>(pc, 12) == 0x244) { const a = <u64><u32>(<i32>v + load<i32>(load<usize>(gb + (<usize>load<i32>(pc, 8) << alignof<usize>())), offsetof<Global>('value'))) + <u64>load<u32>(pc, 16); if (a + 1 <= ms) { const y = <i32>load<u8>(mb + <usize>a); if (load<i32>(pc, 20) == 0x21) { store<u64>(fp + (<usize>load<i32>(pc, 24) << 3), <u64><u32>y); pc += 28; break }; store<i32>(sp, y); sp += 8; pc += 20; break } }; store<u64>(sp, v); sp += 8; pc += 4; break }
        case 0x2be /* OP_SLSET */: sp -= 8; store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>(load<i32>(sp) + load<i32>(fp + (<usize>load<i32>(pc) << 3)))); pc += 8; break
        case 0x2bf /* OP_SLSET + 1 */: sp -= 8; store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>(load<i32>(sp) ^ load<i32>(fp + (<usize>load<i32>(pc) << 3)))); pc += 8; break
        case 0x2a4 /* OP_RETL_LTC */: { if (load<i32>(fp + (<usize>load<i32>(pc) << 3)) >= load<i32>(pc, 4)) { pc = cb + (<usize>load<i32>(pc, 8) << 2); break }; pc += 16 } // fallthrough
        case 0x0f: case 0x280 /* OP_RETL */: case 0x293 /* OP_RET_ADD */: {
          // return (: number of results): results to the frame base, then pop the frame; OP_RETL
          // (: slot) returns the one result in that slot, OP_RET_ADD the sum of the stack's top two
          if (op == 0x293) { store<u64>(fp, <u64><u32>(load<i32>(sp - 16) + load<i32>(sp - 8))); sp = fp + 8 } else if (op == 0x0f) {
            const n = <usize>load<i32>(pc)
            if (n == 1) store<u64>(fp, load<u64>(sp - 8))
            else if (n > 1) memory.copy(fp, sp - (n << 3), n << 3)
            sp = fp + (n << 3)
          } else { store<u64>(fp, load<u64>(fp + (<usize>load<i32>(pc) << 3))); sp = fp + 8 }
          frp -= FRAME
          const fr = frp
          const caller = load<usize>(fr)
          if (caller == 0) {
            this.sp = sp; this.frp = frp
            this.func = null
            this.status = ST_DONE
            this.fuelUsed += fuel - left
            return ST_DONE
          }
          pc = <usize>load<u32>(fr, 4)
          fp = <usize>load<u32>(fr, 8)
          f = caller
          cb = load<usize>(f, offsetof<FuncInst>('code'))
          if (load<usize>(f, offsetof<FuncInst>('inst')) != inst) {
            inst = changetype<usize>(changetype<FuncInst>(f).inst)
            gb = changetype<Instance>(inst).globals.dataStart
            fb = changetype<Instance>(inst).funcs.dataStart
            mem = changetype<usize>(changetype<Instance>(inst).mem)
            mb = mem == 0 ? 0 : changetype<Memory>(mem).base
            ms = mem == 0 ? 0 : changetype<Memory>(mem).byteLength
          }
          break
        }
        // OP_CALL_AC: the argument pushed, then on as OP_CALL_FAST (the immediates after a and c are its)
        case 0x2a3 /* OP_CALL_AC */: { store<u64>(sp, <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4))); sp += 8; pc += 8 } // fallthrough
        case 0x29a /* OP_CALL_FAST */: {
          // OP_CALL_IN's work without its traps: when a limit would be exceeded, the OP_CALL_IN
          // after this instruction runs instead and traps
          const callee = load<usize>(fb + (<usize>load<i32>(pc) << alignof<usize>()))
          const fr = frp
          const nfp = sp - (<usize>load<i32>(callee, offsetof<FuncInst>('numParams')) << 3)
          if (fr >= fe ||
            nfp + (<usize>load<i32>(callee, offsetof<FuncInst>('maxStack')) << 3) > se) { pc += 4; break }
          store<usize>(fr, f)
          store<u32>(fr, <u32>(pc + 12), 4)
          store<u32>(fr, <u32>fp, 8)
          frp = fr + FRAME
          fp = nfp
          const end = nfp + (<usize>load<i32>(callee, offsetof<FuncInst>('numLocals')) << 3)
          while (sp < end) { store<u64>(sp, 0); sp += 8 }
          sp = end
          f = callee
          cb = load<usize>(callee, offsetof<FuncInst>('code'))
          pc = cb
          break
        }
        case 0x10: case 0x11: case 0x12 /* OP_CALL_IN */: {
          let callee: usize
          if (op != 0x11) {
            // (a raw load: Array#__uget of an object is a call with the incremental runtime)
            callee = load<usize>(fb + (<usize>load<i32>(pc) << alignof<usize>()))
            pc += 4
          } else {
            sp -= 8
            callee = this.indirectCallee(inst, load<i32>(pc, 4), load<i32>(pc), load<u32>(sp))
            if (callee == 0) return ST_TRAP
            pc += 8
          }
          // OP_CALL_IN: a function of the same instance, never a host function
          if (op != 0x12 && load<i32>(callee, offsetof<FuncInst>('hostId')) >= 0) {
            // host call: hand control to the embedder with the arguments on the stack
            this.pc = pc; this.sp = sp; this.fp = fp; this.func = changetype<FuncInst>(f); this.frp = frp
            this.hostFunc = changetype<FuncInst>(callee)
            this.status = ST_HOST
            this.fuelUsed += fuel - left
            return ST_HOST
          }
          const fn = load<usize>(callee, offsetof<FuncInst>('func'))
          const fr = frp
          if (fr >= fe) return this.trap('call stack exhausted')
          const np = load<i32>(fn, offsetof<Func>('numParams'))
          const nl = load<i32>(fn, offsetof<Func>('numLocals'))
          const nfp = sp - (<usize>np << 3)
          if (nfp + (<usize>load<i32>(fn, offsetof<Func>('maxStack')) << 3) > se) return this.trap('call stack exhausted')
          store<usize>(fr, f)
          store<u32>(fr, <u32>pc, 4)
          store<u32>(fr, <u32>fp, 8)
          frp = fr + FRAME
          if (nl > np) memory.fill(sp, 0, <usize>(nl - np) << 3)
          fp = nfp
          sp = nfp + (<usize>nl << 3)
          f = callee
          cb = load<usize>(fn, offsetof<Func>('code'))
          pc = cb
          if (op != 0x12 && load<usize>(f, offsetof<FuncInst>('inst')) != inst) {
            inst = changetype<usize>(changetype<FuncInst>(f).inst)
            gb = changetype<Instance>(inst).globals.dataStart
            fb = changetype<Instance>(inst).funcs.dataStart
            mem = changetype<usize>(changetype<Instance>(inst).mem)
            mb = mem == 0 ? 0 : changetype<Memory>(mem).base
            ms = mem == 0 ? 0 : changetype<Memory>(mem).byteLength
          }
          break
        }
        case 0x1a: sp -= 8; break
        case OP_SELECT: {
          sp -= 16
          if (load<i32>(sp, 8) == 0) store<u64>(sp - 8, load<u64>(sp))
          break
        }
        case 0x20: store<u64>(sp, load<u64>(fp + (<usize>load<i32>(pc) << 3))); sp += 8; pc += 4; break
        case 0x21: sp -= 8; store<u64>(fp + (<usize>load<i32>(pc) << 3), load<u64>(sp)); pc += 4; break
        case 0x22: store<u64>(fp + (<usize>load<i32>(pc) << 3), load<u64>(sp - 8)); pc += 4; break
        case 0x23: store<u64>(sp, load<u64>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value'))); sp += 8; pc += 4; break
        case 0x24: sp -= 8; store<u64>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), load<u64>(sp), offsetof<Global>('value')); pc += 4; break
        case 0x25: if (this.tableOp(op, pc, sp, inst)) return ST_TRAP; pc += 4; break
        case 0x26: if (this.tableOp(op, pc, sp, inst)) return ST_TRAP; pc += 4; sp -= 16; break
        // loads: address + offset checked against the memory size in 64 bits
        case 0x28: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, load<i32>(mb + <usize>a)); break }
        case 0x29: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, load<i64>(mb + <usize>a)); break }
        case 0x2a: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, load<i32>(mb + <usize>a)); break }
        case 0x2b: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, load<i64>(mb + <usize>a)); break }
        case 0x2c: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, <i32>load<i8>(mb + <usize>a)); break }
        case 0x2d: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, <i32>load<u8>(mb + <usize>a)); break }
        case 0x2e: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 2 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, <i32>load<i16>(mb + <usize>a)); break }
        case 0x2f: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 2 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, <i32>load<u16>(mb + <usize>a)); break }
        case 0x30: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, <i64>load<i8>(mb + <usize>a)); break }
        case 0x31: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, <i64>load<u8>(mb + <usize>a)); break }
        case 0x32: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 2 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, <i64>load<i16>(mb + <usize>a)); break }
        case 0x33: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 2 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, <i64>load<u16>(mb + <usize>a)); break }
        case 0x34: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, <i64>load<i32>(mb + <usize>a)); break }
        case 0x35: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, <i64>load<u32>(mb + <usize>a)); break }
        // stores
        case 0x36: case 0x38: { sp -= 16; const a = <u64>load<u32>(sp) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, load<i32>(sp, 8)); break }
        case 0x37: case 0x39: { sp -= 16; const a = <u64>load<u32>(sp) + <u64>load<u32>(pc); pc += 4; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(mb + <usize>a, load<i64>(sp, 8)); break }
        case 0x3a: case 0x3c: { sp -= 16; const a = <u64>load<u32>(sp) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, load<u8>(sp, 8)); break }
        case 0x3b: case 0x3d: { sp -= 16; const a = <u64>load<u32>(sp) + <u64>load<u32>(pc); pc += 4; if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, load<u16>(sp, 8)); break }
        case 0x3e: { sp -= 16; const a = <u64>load<u32>(sp) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<u32>(mb + <usize>a, load<u32>(sp, 8)); break }
        case 0x3f: store<i32>(sp, <i32>changetype<Memory>(mem).pages); sp += 8; break
        case 0x40: {
          const r = changetype<Memory>(mem).grow(load<u32>(sp - 8))
          store<i32>(sp - 8, r)
          mb = changetype<Memory>(mem).base
          ms = changetype<Memory>(mem).byteLength
          break
        }
        case 0x41: store<i32>(sp, load<i32>(pc)); sp += 8; pc += 4; break
        case 0x42: store<i64>(sp, load<i64>(pc)); sp += 8; pc += 8; break
        // i32 comparisons
        case 0x45: store<i32>(sp - 8, i32(load<i32>(sp - 8) == 0)); break
        case 0x46: sp -= 8; store<i32>(sp - 8, i32(load<i32>(sp - 8) == load<i32>(sp))); break
        case 0x47: sp -= 8; store<i32>(sp - 8, i32(load<i32>(sp - 8) != load<i32>(sp))); break
        case 0x48: sp -= 8; store<i32>(sp - 8, i32(load<i32>(sp - 8) < load<i32>(sp))); break
        case 0x49: sp -= 8; store<i32>(sp - 8, i32(load<u32>(sp - 8) < load<u32>(sp))); break
        case 0x4a: sp -= 8; store<i32>(sp - 8, i32(load<i32>(sp - 8) > load<i32>(sp))); break
        case 0x4b: sp -= 8; store<i32>(sp - 8, i32(load<u32>(sp - 8) > load<u32>(sp))); break
        case 0x4c: sp -= 8; store<i32>(sp - 8, i32(load<i32>(sp - 8) <= load<i32>(sp))); break
        case 0x4d: sp -= 8; store<i32>(sp - 8, i32(load<u32>(sp - 8) <= load<u32>(sp))); break
        case 0x4e: sp -= 8; store<i32>(sp - 8, i32(load<i32>(sp - 8) >= load<i32>(sp))); break
        case 0x4f: sp -= 8; store<i32>(sp - 8, i32(load<u32>(sp - 8) >= load<u32>(sp))); break
        // i64 comparisons
        case 0x50: store<i32>(sp - 8, i32(load<i64>(sp - 8) == 0)); break
        case 0x51: sp -= 8; store<i32>(sp - 8, i32(load<i64>(sp - 8) == load<i64>(sp))); break
        case 0x52: sp -= 8; store<i32>(sp - 8, i32(load<i64>(sp - 8) != load<i64>(sp))); break
        case 0x53: sp -= 8; store<i32>(sp - 8, i32(load<i64>(sp - 8) < load<i64>(sp))); break
        case 0x54: sp -= 8; store<i32>(sp - 8, i32(load<u64>(sp - 8) < load<u64>(sp))); break
        case 0x55: sp -= 8; store<i32>(sp - 8, i32(load<i64>(sp - 8) > load<i64>(sp))); break
        case 0x56: sp -= 8; store<i32>(sp - 8, i32(load<u64>(sp - 8) > load<u64>(sp))); break
        case 0x57: sp -= 8; store<i32>(sp - 8, i32(load<i64>(sp - 8) <= load<i64>(sp))); break
        case 0x58: sp -= 8; store<i32>(sp - 8, i32(load<u64>(sp - 8) <= load<u64>(sp))); break
        case 0x59: sp -= 8; store<i32>(sp - 8, i32(load<i64>(sp - 8) >= load<i64>(sp))); break
        case 0x5a: sp -= 8; store<i32>(sp - 8, i32(load<u64>(sp - 8) >= load<u64>(sp))); break
        // f32 comparisons
        case 0x5b: sp -= 8; store<i32>(sp - 8, i32(load<f32>(sp - 8) == load<f32>(sp))); break
        case 0x5c: sp -= 8; store<i32>(sp - 8, i32(load<f32>(sp - 8) != load<f32>(sp))); break
        case 0x5d: sp -= 8; store<i32>(sp - 8, i32(load<f32>(sp - 8) < load<f32>(sp))); break
        case 0x5e: sp -= 8; store<i32>(sp - 8, i32(load<f32>(sp - 8) > load<f32>(sp))); break
        case 0x5f: sp -= 8; store<i32>(sp - 8, i32(load<f32>(sp - 8) <= load<f32>(sp))); break
        case 0x60: sp -= 8; store<i32>(sp - 8, i32(load<f32>(sp - 8) >= load<f32>(sp))); break
        // f64 comparisons
        case 0x61: sp -= 8; store<i32>(sp - 8, i32(load<f64>(sp - 8) == load<f64>(sp))); break
        case 0x62: sp -= 8; store<i32>(sp - 8, i32(load<f64>(sp - 8) != load<f64>(sp))); break
        case 0x63: sp -= 8; store<i32>(sp - 8, i32(load<f64>(sp - 8) < load<f64>(sp))); break
        case 0x64: sp -= 8; store<i32>(sp - 8, i32(load<f64>(sp - 8) > load<f64>(sp))); break
        case 0x65: sp -= 8; store<i32>(sp - 8, i32(load<f64>(sp - 8) <= load<f64>(sp))); break
        case 0x66: sp -= 8; store<i32>(sp - 8, i32(load<f64>(sp - 8) >= load<f64>(sp))); break
        // i32 arithmetic
        case 0x67: store<i32>(sp - 8, clz<i32>(load<i32>(sp - 8))); break
        case 0x68: store<i32>(sp - 8, ctz<i32>(load<i32>(sp - 8))); break
        case 0x69: store<i32>(sp - 8, popcnt<i32>(load<i32>(sp - 8))); break
        case 0x6a: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) + load<i32>(sp)); break
        case 0x6b: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) - load<i32>(sp)); break
        case 0x6c: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) * load<i32>(sp)); break
        case 0x6d: {
          sp -= 8
          const b = load<i32>(sp); const a = load<i32>(sp - 8)
          if (b == 0) return this.trap('integer divide by zero')
          if (a == i32.MIN_VALUE && b == -1) return this.trap('integer overflow')
          store<i32>(sp - 8, a / b)
          break
        }
        case 0x6e: {
          sp -= 8
          const b = load<u32>(sp)
          if (b == 0) return this.trap('integer divide by zero')
          store<u32>(sp - 8, load<u32>(sp - 8) / b)
          break
        }
        case 0x6f: {
          sp -= 8
          const b = load<i32>(sp)
          if (b == 0) return this.trap('integer divide by zero')
          store<i32>(sp - 8, b == -1 ? 0 : load<i32>(sp - 8) % b)
          break
        }
        case 0x70: {
          sp -= 8
          const b = load<u32>(sp)
          if (b == 0) return this.trap('integer divide by zero')
          store<u32>(sp - 8, load<u32>(sp - 8) % b)
          break
        }
        case 0x71: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) & load<i32>(sp)); break
        case 0x72: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) | load<i32>(sp)); break
        case 0x73: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) ^ load<i32>(sp)); break
        case 0x74: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) << load<i32>(sp)); break
        case 0x75: sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) >> load<i32>(sp)); break
        case 0x76: sp -= 8; store<u32>(sp - 8, load<u32>(sp - 8) >>> load<u32>(sp)); break
        case 0x77: sp -= 8; store<i32>(sp - 8, rotl<i32>(load<i32>(sp - 8), load<i32>(sp))); break
        case 0x78: sp -= 8; store<i32>(sp - 8, rotr<i32>(load<i32>(sp - 8), load<i32>(sp))); break
        // i64 arithmetic
        case 0x79: store<i64>(sp - 8, clz<i64>(load<i64>(sp - 8))); break
        case 0x7a: store<i64>(sp - 8, ctz<i64>(load<i64>(sp - 8))); break
        case 0x7b: store<i64>(sp - 8, popcnt<i64>(load<i64>(sp - 8))); break
        case 0x7c: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) + load<i64>(sp)); break
        case 0x7d: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) - load<i64>(sp)); break
        case 0x7e: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) * load<i64>(sp)); break
        case 0x7f: {
          sp -= 8
          const b = load<i64>(sp); const a = load<i64>(sp - 8)
          if (b == 0) return this.trap('integer divide by zero')
          if (a == i64.MIN_VALUE && b == -1) return this.trap('integer overflow')
          store<i64>(sp - 8, a / b)
          break
        }
        case 0x80: {
          sp -= 8
          const b = load<u64>(sp)
          if (b == 0) return this.trap('integer divide by zero')
          store<u64>(sp - 8, load<u64>(sp - 8) / b)
          break
        }
        case 0x81: {
          sp -= 8
          const b = load<i64>(sp)
          if (b == 0) return this.trap('integer divide by zero')
          store<i64>(sp - 8, b == -1 ? 0 : load<i64>(sp - 8) % b)
          break
        }
        case 0x82: {
          sp -= 8
          const b = load<u64>(sp)
          if (b == 0) return this.trap('integer divide by zero')
          store<u64>(sp - 8, load<u64>(sp - 8) % b)
          break
        }
        case 0x83: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) & load<i64>(sp)); break
        case 0x84: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) | load<i64>(sp)); break
        case 0x85: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) ^ load<i64>(sp)); break
        case 0x86: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) << load<i64>(sp)); break
        case 0x87: sp -= 8; store<i64>(sp - 8, load<i64>(sp - 8) >> load<i64>(sp)); break
        case 0x88: sp -= 8; store<u64>(sp - 8, load<u64>(sp - 8) >>> load<u64>(sp)); break
        case 0x89: sp -= 8; store<i64>(sp - 8, rotl<i64>(load<i64>(sp - 8), load<i64>(sp))); break
        case 0x8a: sp -= 8; store<i64>(sp - 8, rotr<i64>(load<i64>(sp - 8), load<i64>(sp))); break
        // f32 arithmetic
        case 0x8b: store<f32>(sp - 8, abs<f32>(load<f32>(sp - 8))); break
        case 0x8c: store<f32>(sp - 8, -load<f32>(sp - 8)); break
        case 0x8d: store<f32>(sp - 8, ceil<f32>(load<f32>(sp - 8))); break
        case 0x8e: store<f32>(sp - 8, floor<f32>(load<f32>(sp - 8))); break
        case 0x8f: store<f32>(sp - 8, trunc<f32>(load<f32>(sp - 8))); break
        case 0x90: store<f32>(sp - 8, nearest<f32>(load<f32>(sp - 8))); break
        case 0x91: store<f32>(sp - 8, sqrt<f32>(load<f32>(sp - 8))); break
        case 0x92: sp -= 8; store<f32>(sp - 8, load<f32>(sp - 8) + load<f32>(sp)); break
        case 0x93: sp -= 8; store<f32>(sp - 8, load<f32>(sp - 8) - load<f32>(sp)); break
        case 0x94: sp -= 8; store<f32>(sp - 8, load<f32>(sp - 8) * load<f32>(sp)); break
        case 0x95: sp -= 8; store<f32>(sp - 8, load<f32>(sp - 8) / load<f32>(sp)); break
        case 0x96: sp -= 8; store<f32>(sp - 8, min<f32>(load<f32>(sp - 8), load<f32>(sp))); break
        case 0x97: sp -= 8; store<f32>(sp - 8, max<f32>(load<f32>(sp - 8), load<f32>(sp))); break
        case 0x98: sp -= 8; store<f32>(sp - 8, copysign<f32>(load<f32>(sp - 8), load<f32>(sp))); break
        // f64 arithmetic
        case 0x99: store<f64>(sp - 8, abs<f64>(load<f64>(sp - 8))); break
        case 0x9a: store<f64>(sp - 8, -load<f64>(sp - 8)); break
        case 0x9b: store<f64>(sp - 8, ceil<f64>(load<f64>(sp - 8))); break
        case 0x9c: store<f64>(sp - 8, floor<f64>(load<f64>(sp - 8))); break
        case 0x9d: store<f64>(sp - 8, trunc<f64>(load<f64>(sp - 8))); break
        case 0x9e: store<f64>(sp - 8, nearest<f64>(load<f64>(sp - 8))); break
        case 0x9f: store<f64>(sp - 8, sqrt<f64>(load<f64>(sp - 8))); break
        case 0xa0: sp -= 8; store<f64>(sp - 8, load<f64>(sp - 8) + load<f64>(sp)); break
        case 0xa1: sp -= 8; store<f64>(sp - 8, load<f64>(sp - 8) - load<f64>(sp)); break
        case 0xa2: sp -= 8; store<f64>(sp - 8, load<f64>(sp - 8) * load<f64>(sp)); break
        case 0xa3: sp -= 8; store<f64>(sp - 8, load<f64>(sp - 8) / load<f64>(sp)); break
        case 0xa4: sp -= 8; store<f64>(sp - 8, min<f64>(load<f64>(sp - 8), load<f64>(sp))); break
        case 0xa5: sp -= 8; store<f64>(sp - 8, max<f64>(load<f64>(sp - 8), load<f64>(sp))); break
        case 0xa6: sp -= 8; store<f64>(sp - 8, copysign<f64>(load<f64>(sp - 8), load<f64>(sp))); break
        // conversions
        case 0xa8: { const x = <f64>load<f32>(sp - 8); const c = f2iOk(x, -2147483649.0, 2147483648.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<i32>(sp - 8, <i32>x); break }
        case 0xa9: { const x = <f64>load<f32>(sp - 8); const c = f2iOk(x, -1.0, 4294967296.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<u32>(sp - 8, <u32>x); break }
        case 0xaa: { const x = load<f64>(sp - 8); const c = f2iOk(x, -2147483649.0, 2147483648.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<i32>(sp - 8, <i32>x); break }
        case 0xab: { const x = load<f64>(sp - 8); const c = f2iOk(x, -1.0, 4294967296.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<u32>(sp - 8, <u32>x); break }
        case 0xac: store<i64>(sp - 8, <i64>load<i32>(sp - 8)); break
        case 0xad: store<u64>(sp - 8, <u64>load<u32>(sp - 8)); break
        case 0xae: { const x = <f64>load<f32>(sp - 8); const c = f2iOk(x, -9223373136366403584.0, 9223372036854775808.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<i64>(sp - 8, <i64>x); break }
        case 0xaf: { const x = <f64>load<f32>(sp - 8); const c = f2iOk(x, -1.0, 18446744073709551616.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<u64>(sp - 8, <u64>x); break }
        case 0xb0: { const x = load<f64>(sp - 8); const c = f2iOk(x, -9223372036854777856.0, 9223372036854775808.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<i64>(sp - 8, <i64>x); break }
        case 0xb1: { const x = load<f64>(sp - 8); const c = f2iOk(x, -1.0, 18446744073709551616.0); if (c != 0) return this.trap(c == 1 ? 'invalid conversion to integer' : 'integer overflow'); store<u64>(sp - 8, <u64>x); break }
        case 0xb2: store<f32>(sp - 8, <f32>load<i32>(sp - 8)); break
        case 0xb3: store<f32>(sp - 8, <f32>load<u32>(sp - 8)); break
        case 0xb4: store<f32>(sp - 8, <f32>load<i64>(sp - 8)); break
        case 0xb5: store<f32>(sp - 8, <f32>load<u64>(sp - 8)); break
        case 0xb6: store<f32>(sp - 8, <f32>load<f64>(sp - 8)); break
        case 0xb7: store<f64>(sp - 8, <f64>load<i32>(sp - 8)); break
        case 0xb8: store<f64>(sp - 8, <f64>load<u32>(sp - 8)); break
        case 0xb9: store<f64>(sp - 8, <f64>load<i64>(sp - 8)); break
        case 0xba: store<f64>(sp - 8, <f64>load<u64>(sp - 8)); break
        case 0xbb: store<f64>(sp - 8, <f64>load<f32>(sp - 8)); break
        case 0xc0: store<i32>(sp - 8, <i32>load<i8>(sp - 8)); break
        case 0xc1: store<i32>(sp - 8, <i32>load<i16>(sp - 8)); break
        case 0xc2: store<i64>(sp - 8, <i64>load<i8>(sp - 8)); break
        case 0xc3: store<i64>(sp - 8, <i64>load<i16>(sp - 8)); break
        case 0xc4: store<i64>(sp - 8, <i64>load<i32>(sp - 8)); break
        case 0xd0: store<i64>(sp, 0); sp += 8; break
        case 0xd1: store<i32>(sp - 8, i32(load<i64>(sp - 8) == 0)); break
        case 0xd2: store<i64>(sp, <i64>unchecked(changetype<Instance>(inst).funcs[load<i32>(pc)]).addr + 1); sp += 8; pc += 4; break
        // saturating truncations
        case 0xe0 /* FC_BASE + 0 */: store<i32>(sp - 8, satI32(<f64>load<f32>(sp - 8))); break
        case 0xe1 /* FC_BASE + 1 */: store<u32>(sp - 8, satU32(<f64>load<f32>(sp - 8))); break
        case 0xe2 /* FC_BASE + 2 */: store<i32>(sp - 8, satI32(load<f64>(sp - 8))); break
        case 0xe3 /* FC_BASE + 3 */: store<u32>(sp - 8, satU32(load<f64>(sp - 8))); break
        case 0xe4 /* FC_BASE + 4 */: store<i64>(sp - 8, satI64(<f64>load<f32>(sp - 8))); break
        case 0xe5 /* FC_BASE + 5 */: store<u64>(sp - 8, satU64(<f64>load<f32>(sp - 8))); break
        case 0xe6 /* FC_BASE + 6 */: store<i64>(sp - 8, satI64(load<f64>(sp - 8))); break
        case 0xe7 /* FC_BASE + 7 */: store<u64>(sp - 8, satU64(load<f64>(sp - 8))); break
        case 0xe8 /* FC_BASE + 8 */: if (this.tableOp(op, pc, sp, inst)) return ST_TRAP; pc += 4; sp -= 24; break
        case 0xe9 /* FC_BASE + 9 */: this.tableOp(op, pc, sp, inst); pc += 4; break
        case 0xea /* FC_BASE + 10 */: { // memory.copy
          sp -= 24
          const d = <u64>load<u32>(sp); const s = <u64>load<u32>(sp, 8); const n = <u64>load<u32>(sp, 16)
          if (s + n > ms || d + n > ms) return this.trap(OOB_MEM)
          memory.copy(mb + <usize>d, mb + <usize>s, <usize>n)
          break
        }
        case 0xeb /* FC_BASE + 11 */: { // memory.fill
          sp -= 24
          const d = <u64>load<u32>(sp); const n = <u64>load<u32>(sp, 16)
          if (d + n > ms) return this.trap(OOB_MEM)
          memory.fill(mb + <usize>d, load<u8>(sp, 8), <usize>n)
          break
        }
        case 0xec /* FC_BASE + 12 */: if (this.tableOp(op, pc, sp, inst)) return ST_TRAP; pc += 8; sp -= 24; break
        case 0xed /* FC_BASE + 13 */: this.tableOp(op, pc, sp, inst); pc += 4; break
        case 0xee /* FC_BASE + 14 */: if (this.tableOp(op, pc, sp, inst)) return ST_TRAP; pc += 8; sp -= 24; break
        case 0xef /* FC_BASE + 15 */: this.tableOp(op, pc, sp, inst); pc += 4; sp -= 8; break
        case 0xf0 /* FC_BASE + 16 */: this.tableOp(op, pc, sp, inst); pc += 4; sp += 8; break
        case 0xf1 /* FC_BASE + 17 */: if (this.tableOp(op, pc, sp, inst)) return ST_TRAP; pc += 4; sp -= 24; break
        // ---- fused i32 binops (Compiler.fuseBinop); generated, one line per op and form ----
        case 0x100 /* FUSE_SC + 0 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(a == b)); pc += 4; break }
        case 0x115 /* FUSE_LC + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(a == b)); sp += 8; pc += 8; break }
        case 0x12a /* FUSE_LL + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a == b)); sp += 8; pc += 8; break }
        case 0x101 /* FUSE_SC + 1 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(a != b)); pc += 4; break }
        case 0x116 /* FUSE_LC + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(a != b)); sp += 8; pc += 8; break }
        case 0x12b /* FUSE_LL + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a != b)); sp += 8; pc += 8; break }
        case 0x102 /* FUSE_SC + 2 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(a < b)); pc += 4; break }
        case 0x117 /* FUSE_LC + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(a < b)); sp += 8; pc += 8; break }
        case 0x12c /* FUSE_LL + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a < b)); sp += 8; pc += 8; break }
        case 0x103 /* FUSE_SC + 3 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(<u32>a < <u32>b)); pc += 4; break }
        case 0x118 /* FUSE_LC + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(<u32>a < <u32>b)); sp += 8; pc += 8; break }
        case 0x12d /* FUSE_LL + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(<u32>a < <u32>b)); sp += 8; pc += 8; break }
        case 0x104 /* FUSE_SC + 4 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(a > b)); pc += 4; break }
        case 0x119 /* FUSE_LC + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(a > b)); sp += 8; pc += 8; break }
        case 0x12e /* FUSE_LL + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a > b)); sp += 8; pc += 8; break }
        case 0x105 /* FUSE_SC + 5 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(u32(a) > <u32>b)); pc += 4; break }
        case 0x11a /* FUSE_LC + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(u32(a) > <u32>b)); sp += 8; pc += 8; break }
        case 0x12f /* FUSE_LL + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(u32(a) > <u32>b)); sp += 8; pc += 8; break }
        case 0x106 /* FUSE_SC + 6 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(a <= b)); pc += 4; break }
        case 0x11b /* FUSE_LC + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(a <= b)); sp += 8; pc += 8; break }
        case 0x130 /* FUSE_LL + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a <= b)); sp += 8; pc += 8; break }
        case 0x107 /* FUSE_SC + 7 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(<u32>a <= <u32>b)); pc += 4; break }
        case 0x11c /* FUSE_LC + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(<u32>a <= <u32>b)); sp += 8; pc += 8; break }
        case 0x131 /* FUSE_LL + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(<u32>a <= <u32>b)); sp += 8; pc += 8; break }
        case 0x108 /* FUSE_SC + 8 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(a >= b)); pc += 4; break }
        case 0x11d /* FUSE_LC + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(a >= b)); sp += 8; pc += 8; break }
        case 0x132 /* FUSE_LL + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a >= b)); sp += 8; pc += 8; break }
        case 0x109 /* FUSE_SC + 9 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, i32(<u32>a >= <u32>b)); pc += 4; break }
        case 0x11e /* FUSE_LC + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, i32(<u32>a >= <u32>b)); sp += 8; pc += 8; break }
        case 0x133 /* FUSE_LL + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(<u32>a >= <u32>b)); sp += 8; pc += 8; break }
        case 0x10a /* FUSE_SC + 10 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a + b); pc += 4; break }
        case 0x11f /* FUSE_LC + 10 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a + b); sp += 8; pc += 8; break }
        case 0x134 /* FUSE_LL + 10 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a + b); sp += 8; pc += 8; break }
        case 0x10b /* FUSE_SC + 11 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a - b); pc += 4; break }
        case 0x120 /* FUSE_LC + 11 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a - b); sp += 8; pc += 8; break }
        case 0x135 /* FUSE_LL + 11 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a - b); sp += 8; pc += 8; break }
        case 0x10c /* FUSE_SC + 12 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a * b); pc += 4; break }
        case 0x121 /* FUSE_LC + 12 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a * b); sp += 8; pc += 8; break }
        case 0x136 /* FUSE_LL + 12 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a * b); sp += 8; pc += 8; break }
        case 0x10d /* FUSE_SC + 13 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a & b); pc += 4; break }
        case 0x122 /* FUSE_LC + 13 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a & b); sp += 8; pc += 8; break }
        case 0x137 /* FUSE_LL + 13 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a & b); sp += 8; pc += 8; break }
        case 0x10e /* FUSE_SC + 14 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a | b); pc += 4; break }
        case 0x123 /* FUSE_LC + 14 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a | b); sp += 8; pc += 8; break }
        case 0x138 /* FUSE_LL + 14 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a | b); sp += 8; pc += 8; break }
        case 0x10f /* FUSE_SC + 15 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a ^ b); pc += 4; break }
        case 0x124 /* FUSE_LC + 15 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a ^ b); sp += 8; pc += 8; break }
        case 0x139 /* FUSE_LL + 15 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a ^ b); sp += 8; pc += 8; break }
        case 0x110 /* FUSE_SC + 16 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a << b); pc += 4; break }
        case 0x125 /* FUSE_LC + 16 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a << b); sp += 8; pc += 8; break }
        case 0x13a /* FUSE_LL + 16 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a << b); sp += 8; pc += 8; break }
        case 0x111 /* FUSE_SC + 17 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, a >> b); pc += 4; break }
        case 0x126 /* FUSE_LC + 17 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, a >> b); sp += 8; pc += 8; break }
        case 0x13b /* FUSE_LL + 17 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, a >> b); sp += 8; pc += 8; break }
        case 0x112 /* FUSE_SC + 18 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, <i32>(<u32>a >>> <u32>b)); pc += 4; break }
        case 0x127 /* FUSE_LC + 18 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, <i32>(<u32>a >>> <u32>b)); sp += 8; pc += 8; break }
        case 0x13c /* FUSE_LL + 18 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, <i32>(<u32>a >>> <u32>b)); sp += 8; pc += 8; break }
        case 0x113 /* FUSE_SC + 19 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, rotl<i32>(a, b)); pc += 4; break }
        case 0x128 /* FUSE_LC + 19 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, rotl<i32>(a, b)); sp += 8; pc += 8; break }
        case 0x13d /* FUSE_LL + 19 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, rotl<i32>(a, b)); sp += 8; pc += 8; break }
        case 0x114 /* FUSE_SC + 20 */: { const a = load<i32>(sp - 8); const b = load<i32>(pc); store<i32>(sp - 8, rotr<i32>(a, b)); pc += 4; break }
        case 0x129 /* FUSE_LC + 20 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(sp, rotr<i32>(a, b)); sp += 8; pc += 8; break }
        case 0x13e /* FUSE_LL + 20 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, rotr<i32>(a, b)); sp += 8; pc += 8; break }
        case 0x145 /* FUSE_LCS + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a == b)); pc += 12; break }
        case 0x15a /* FUSE_LLS + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a == b)); pc += 12; break }
        case 0x146 /* FUSE_LCS + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a != b)); pc += 12; break }
        case 0x15b /* FUSE_LLS + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a != b)); pc += 12; break }
        case 0x147 /* FUSE_LCS + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a < b)); pc += 12; break }
        case 0x15c /* FUSE_LLS + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a < b)); pc += 12; break }
        case 0x148 /* FUSE_LCS + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u32>a < <u32>b)); pc += 12; break }
        case 0x15d /* FUSE_LLS + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u32>a < <u32>b)); pc += 12; break }
        case 0x149 /* FUSE_LCS + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a > b)); pc += 12; break }
        case 0x15e /* FUSE_LLS + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a > b)); pc += 12; break }
        case 0x14a /* FUSE_LCS + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(u32(a) > <u32>b)); pc += 12; break }
        case 0x15f /* FUSE_LLS + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(u32(a) > <u32>b)); pc += 12; break }
        case 0x14b /* FUSE_LCS + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a <= b)); pc += 12; break }
        case 0x160 /* FUSE_LLS + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a <= b)); pc += 12; break }
        case 0x14c /* FUSE_LCS + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u32>a <= <u32>b)); pc += 12; break }
        case 0x161 /* FUSE_LLS + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u32>a <= <u32>b)); pc += 12; break }
        case 0x14d /* FUSE_LCS + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a >= b)); pc += 12; break }
        case 0x162 /* FUSE_LLS + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a >= b)); pc += 12; break }
        case 0x14e /* FUSE_LCS + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u32>a >= <u32>b)); pc += 12; break }
        case 0x163 /* FUSE_LLS + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u32>a >= <u32>b)); pc += 12; break }
        case 0x14f /* FUSE_LCS + 10 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a + b); pc += 12; break }
        case 0x164 /* FUSE_LLS + 10 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a + b); pc += 12; break }
        case 0x150 /* FUSE_LCS + 11 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a - b); pc += 12; break }
        case 0x165 /* FUSE_LLS + 11 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a - b); pc += 12; break }
        case 0x151 /* FUSE_LCS + 12 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a * b); pc += 12; break }
        case 0x166 /* FUSE_LLS + 12 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a * b); pc += 12; break }
        case 0x152 /* FUSE_LCS + 13 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a & b); pc += 12; break }
        case 0x167 /* FUSE_LLS + 13 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a & b); pc += 12; break }
        case 0x153 /* FUSE_LCS + 14 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a | b); pc += 12; break }
        case 0x168 /* FUSE_LLS + 14 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a | b); pc += 12; break }
        case 0x154 /* FUSE_LCS + 15 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a ^ b); pc += 12; break }
        case 0x169 /* FUSE_LLS + 15 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a ^ b); pc += 12; break }
        case 0x155 /* FUSE_LCS + 16 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a << b); pc += 12; break }
        case 0x16a /* FUSE_LLS + 16 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a << b); pc += 12; break }
        case 0x156 /* FUSE_LCS + 17 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a >> b); pc += 12; break }
        case 0x16b /* FUSE_LLS + 17 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), a >> b); pc += 12; break }
        case 0x157 /* FUSE_LCS + 18 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), <i32>(<u32>a >>> <u32>b)); pc += 12; break }
        case 0x16c /* FUSE_LLS + 18 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), <i32>(<u32>a >>> <u32>b)); pc += 12; break }
        case 0x158 /* FUSE_LCS + 19 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), rotl<i32>(a, b)); pc += 12; break }
        case 0x16d /* FUSE_LLS + 19 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), rotl<i32>(a, b)); pc += 12; break }
        case 0x159 /* FUSE_LCS + 20 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), rotr<i32>(a, b)); pc += 12; break }
        case 0x16e /* FUSE_LLS + 20 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), rotr<i32>(a, b)); pc += 12; break }
        case 0x16f /* FUSE_JLC_T + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (a == b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x179 /* FUSE_JLC_F + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(a == b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x183 /* FUSE_JLL_T + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a == b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x18d /* FUSE_JLL_F + 0 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a == b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x170 /* FUSE_JLC_T + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (a != b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x17a /* FUSE_JLC_F + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(a != b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x184 /* FUSE_JLL_T + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a != b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x18e /* FUSE_JLL_F + 1 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a != b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x171 /* FUSE_JLC_T + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (a < b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x17b /* FUSE_JLC_F + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(a < b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x185 /* FUSE_JLL_T + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a < b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x18f /* FUSE_JLL_F + 2 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a < b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x172 /* FUSE_JLC_T + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (<u32>a < <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x17c /* FUSE_JLC_F + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(<u32>a < <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x186 /* FUSE_JLL_T + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u32>a < <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x190 /* FUSE_JLL_F + 3 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u32>a < <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x173 /* FUSE_JLC_T + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (a > b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x17d /* FUSE_JLC_F + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(a > b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x187 /* FUSE_JLL_T + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a > b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x191 /* FUSE_JLL_F + 4 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a > b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x174 /* FUSE_JLC_T + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (u32(a) > <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x17e /* FUSE_JLC_F + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(u32(a) > <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x188 /* FUSE_JLL_T + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (u32(a) > <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x192 /* FUSE_JLL_F + 5 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(u32(a) > <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x175 /* FUSE_JLC_T + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (a <= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x17f /* FUSE_JLC_F + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(a <= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x189 /* FUSE_JLL_T + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a <= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x193 /* FUSE_JLL_F + 6 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a <= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x176 /* FUSE_JLC_T + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (<u32>a <= <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x180 /* FUSE_JLC_F + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(<u32>a <= <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x18a /* FUSE_JLL_T + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u32>a <= <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x194 /* FUSE_JLL_F + 7 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u32>a <= <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x177 /* FUSE_JLC_T + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (a >= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x181 /* FUSE_JLC_F + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(a >= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x18b /* FUSE_JLL_T + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a >= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x195 /* FUSE_JLL_F + 8 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a >= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x178 /* FUSE_JLC_T + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (<u32>a >= <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x182 /* FUSE_JLC_F + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(pc, 4); if (!(<u32>a >= <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x18c /* FUSE_JLL_T + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u32>a >= <u32>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x196 /* FUSE_JLL_F + 9 */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u32>a >= <u32>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x197 /* FUSE_SL + 0 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a == b)); pc += 4; break }
        case 0x198 /* FUSE_SL + 1 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a != b)); pc += 4; break }
        case 0x199 /* FUSE_SL + 2 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a < b)); pc += 4; break }
        case 0x19a /* FUSE_SL + 3 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(<u32>a < <u32>b)); pc += 4; break }
        case 0x19b /* FUSE_SL + 4 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a > b)); pc += 4; break }
        case 0x19c /* FUSE_SL + 5 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(u32(a) > <u32>b)); pc += 4; break }
        case 0x19d /* FUSE_SL + 6 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a <= b)); pc += 4; break }
        case 0x19e /* FUSE_SL + 7 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(<u32>a <= <u32>b)); pc += 4; break }
        case 0x19f /* FUSE_SL + 8 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a >= b)); pc += 4; break }
        case 0x1a0 /* FUSE_SL + 9 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(<u32>a >= <u32>b)); pc += 4; break }
        case 0x1a1 /* FUSE_SL + 10 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a + b); pc += 4; break }
        case 0x1a2 /* FUSE_SL + 11 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a - b); pc += 4; break }
        case 0x1a3 /* FUSE_SL + 12 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a * b); pc += 4; break }
        case 0x1a4 /* FUSE_SL + 13 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a & b); pc += 4; break }
        case 0x1a5 /* FUSE_SL + 14 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a | b); pc += 4; break }
        case 0x1a6 /* FUSE_SL + 15 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a ^ b); pc += 4; break }
        case 0x1a7 /* FUSE_SL + 16 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a << b); pc += 4; break }
        case 0x1a8 /* FUSE_SL + 17 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, a >> b); pc += 4; break }
        case 0x1a9 /* FUSE_SL + 18 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, <i32>(<u32>a >>> <u32>b)); pc += 4; break }
        case 0x1aa /* FUSE_SL + 19 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, rotl<i32>(a, b)); pc += 4; break }
        case 0x1ab /* FUSE_SL + 20 */: { const a = load<i32>(sp - 8); const b = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, rotr<i32>(a, b)); pc += 4; break }
        case OP_JZ: if (load<i32>(fp + (<usize>load<i32>(pc) << 3)) == 0) pc = cb + (<usize>load<i32>(pc, 4) << 2); else pc += 8; break
        case OP_JNZ: if (load<i32>(fp + (<usize>load<i32>(pc) << 3)) != 0) pc = cb + (<usize>load<i32>(pc, 4) << 2); else pc += 8; break
        case OP_GGET: store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), load<u64>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value'))); pc += 8; break
        case OP_GSET: store<u64>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), load<u64>(fp + (<usize>load<i32>(pc, 4) << 3)), offsetof<Global>('value')); pc += 8; break
        case OP_EQZ: store<i32>(fp + (<usize>load<i32>(pc, 4) << 3), i32(load<i32>(fp + (<usize>load<i32>(pc) << 3)) == 0)); pc += 8; break
        case OP_EQZ64: store<i32>(fp + (<usize>load<i32>(pc, 4) << 3), i32(load<i64>(fp + (<usize>load<i32>(pc) << 3)) == 0)); pc += 8; break
        case OP_EXT_S: store<i64>(fp + (<usize>load<i32>(pc, 4) << 3), <i64>load<i32>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break
        case OP_EXT_U: store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break
        case OP_SETSP: sp = fp + (<usize>load<i32>(pc) << 3); pc += 4; break
        case OP_SETC: store<i32>(fp + (<usize>load<i32>(pc) << 3), load<i32>(pc, 4)); pc += 8; break
        case OP_SETC64: store<i64>(fp + (<usize>load<i32>(pc) << 3), load<i64>(pc, 4)); pc += 12; break
        case 0x275 /* OP_COPY2 */: {
          store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), load<u64>(fp + (<usize>load<i32>(pc) << 3)))
          store<u64>(fp + (<usize>load<i32>(pc, 12) << 3), load<u64>(fp + (<usize>load<i32>(pc, 8) << 3)))
          pc += 16; break
        }
        case OP_COPY: store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), load<u64>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break
        case 0x1ad /* FUSE64_LL + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a == b)); sp += 8; pc += 8; break }
        case 0x1c2 /* FUSE64_SL + 0 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a == b)); pc += 4; break }
        case 0x1d7 /* FUSE64_LLS + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a == b)); pc += 12; break }
        case 0x1ae /* FUSE64_LL + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a != b)); sp += 8; pc += 8; break }
        case 0x1c3 /* FUSE64_SL + 1 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a != b)); pc += 4; break }
        case 0x1d8 /* FUSE64_LLS + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a != b)); pc += 12; break }
        case 0x1af /* FUSE64_LL + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a < b)); sp += 8; pc += 8; break }
        case 0x1c4 /* FUSE64_SL + 2 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a < b)); pc += 4; break }
        case 0x1d9 /* FUSE64_LLS + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a < b)); pc += 12; break }
        case 0x1b0 /* FUSE64_LL + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(<u64>a < <u64>b)); sp += 8; pc += 8; break }
        case 0x1c5 /* FUSE64_SL + 3 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(<u64>a < <u64>b)); pc += 4; break }
        case 0x1da /* FUSE64_LLS + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u64>a < <u64>b)); pc += 12; break }
        case 0x1b1 /* FUSE64_LL + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a > b)); sp += 8; pc += 8; break }
        case 0x1c6 /* FUSE64_SL + 4 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a > b)); pc += 4; break }
        case 0x1db /* FUSE64_LLS + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a > b)); pc += 12; break }
        case 0x1b2 /* FUSE64_LL + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(u64(a) > <u64>b)); sp += 8; pc += 8; break }
        case 0x1c7 /* FUSE64_SL + 5 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(u64(a) > <u64>b)); pc += 4; break }
        case 0x1dc /* FUSE64_LLS + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(u64(a) > <u64>b)); pc += 12; break }
        case 0x1b3 /* FUSE64_LL + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a <= b)); sp += 8; pc += 8; break }
        case 0x1c8 /* FUSE64_SL + 6 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a <= b)); pc += 4; break }
        case 0x1dd /* FUSE64_LLS + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a <= b)); pc += 12; break }
        case 0x1b4 /* FUSE64_LL + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(<u64>a <= <u64>b)); sp += 8; pc += 8; break }
        case 0x1c9 /* FUSE64_SL + 7 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(<u64>a <= <u64>b)); pc += 4; break }
        case 0x1de /* FUSE64_LLS + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u64>a <= <u64>b)); pc += 12; break }
        case 0x1b5 /* FUSE64_LL + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(a >= b)); sp += 8; pc += 8; break }
        case 0x1ca /* FUSE64_SL + 8 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(a >= b)); pc += 4; break }
        case 0x1df /* FUSE64_LLS + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a >= b)); pc += 12; break }
        case 0x1b6 /* FUSE64_LL + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(sp, i32(<u64>a >= <u64>b)); sp += 8; pc += 8; break }
        case 0x1cb /* FUSE64_SL + 9 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, i32(<u64>a >= <u64>b)); pc += 4; break }
        case 0x1e0 /* FUSE64_LLS + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u64>a >= <u64>b)); pc += 12; break }
        case 0x1b7 /* FUSE64_LL + 10 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a + b); sp += 8; pc += 8; break }
        case 0x1cc /* FUSE64_SL + 10 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a + b); pc += 4; break }
        case 0x1e1 /* FUSE64_LLS + 10 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a + b); pc += 12; break }
        case 0x1b8 /* FUSE64_LL + 11 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a - b); sp += 8; pc += 8; break }
        case 0x1cd /* FUSE64_SL + 11 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a - b); pc += 4; break }
        case 0x1e2 /* FUSE64_LLS + 11 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a - b); pc += 12; break }
        case 0x1b9 /* FUSE64_LL + 12 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a * b); sp += 8; pc += 8; break }
        case 0x1ce /* FUSE64_SL + 12 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a * b); pc += 4; break }
        case 0x1e3 /* FUSE64_LLS + 12 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a * b); pc += 12; break }
        case 0x1ba /* FUSE64_LL + 13 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a & b); sp += 8; pc += 8; break }
        case 0x1cf /* FUSE64_SL + 13 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a & b); pc += 4; break }
        case 0x1e4 /* FUSE64_LLS + 13 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a & b); pc += 12; break }
        case 0x1bb /* FUSE64_LL + 14 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a | b); sp += 8; pc += 8; break }
        case 0x1d0 /* FUSE64_SL + 14 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a | b); pc += 4; break }
        case 0x1e5 /* FUSE64_LLS + 14 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a | b); pc += 12; break }
        case 0x1bc /* FUSE64_LL + 15 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a ^ b); sp += 8; pc += 8; break }
        case 0x1d1 /* FUSE64_SL + 15 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a ^ b); pc += 4; break }
        case 0x1e6 /* FUSE64_LLS + 15 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a ^ b); pc += 12; break }
        case 0x1bd /* FUSE64_LL + 16 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a << b); sp += 8; pc += 8; break }
        case 0x1d2 /* FUSE64_SL + 16 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a << b); pc += 4; break }
        case 0x1e7 /* FUSE64_LLS + 16 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a << b); pc += 12; break }
        case 0x1be /* FUSE64_LL + 17 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, a >> b); sp += 8; pc += 8; break }
        case 0x1d3 /* FUSE64_SL + 17 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, a >> b); pc += 4; break }
        case 0x1e8 /* FUSE64_LLS + 17 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a >> b); pc += 12; break }
        case 0x1bf /* FUSE64_LL + 18 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, <i64>(<u64>a >>> <u64>b)); sp += 8; pc += 8; break }
        case 0x1d4 /* FUSE64_SL + 18 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, <i64>(<u64>a >>> <u64>b)); pc += 4; break }
        case 0x1e9 /* FUSE64_LLS + 18 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>(<u64>a >>> <u64>b)); pc += 12; break }
        case 0x1c0 /* FUSE64_LL + 19 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, rotl<i64>(a, b)); sp += 8; pc += 8; break }
        case 0x1d5 /* FUSE64_SL + 19 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, rotl<i64>(a, b)); pc += 4; break }
        case 0x1ea /* FUSE64_LLS + 19 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), rotl<i64>(a, b)); pc += 12; break }
        case 0x1c1 /* FUSE64_LL + 20 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(sp, rotr<i64>(a, b)); sp += 8; pc += 8; break }
        case 0x1d6 /* FUSE64_SL + 20 */: { const a = load<i64>(sp - 8); const b = load<i64>(fp + (<usize>load<i32>(pc) << 3)); store<i64>(sp - 8, rotr<i64>(a, b)); pc += 4; break }
        case 0x1eb /* FUSE64_LLS + 20 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), rotr<i64>(a, b)); pc += 12; break }
        case 0x1ec /* FUSE64_JLL_T + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a == b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f6 /* FUSE64_JLL_F + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a == b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1ed /* FUSE64_JLL_T + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a != b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f7 /* FUSE64_JLL_F + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a != b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1ee /* FUSE64_JLL_T + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a < b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f8 /* FUSE64_JLL_F + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a < b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1ef /* FUSE64_JLL_T + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u64>a < <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f9 /* FUSE64_JLL_F + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u64>a < <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f0 /* FUSE64_JLL_T + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a > b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1fa /* FUSE64_JLL_F + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a > b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f1 /* FUSE64_JLL_T + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (u64(a) > <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1fb /* FUSE64_JLL_F + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(u64(a) > <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f2 /* FUSE64_JLL_T + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a <= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1fc /* FUSE64_JLL_F + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a <= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f3 /* FUSE64_JLL_T + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u64>a <= <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1fd /* FUSE64_JLL_F + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u64>a <= <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f4 /* FUSE64_JLL_T + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a >= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1fe /* FUSE64_JLL_F + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a >= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1f5 /* FUSE64_JLL_T + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u64>a >= <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x1ff /* FUSE64_JLL_F + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = load<i64>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u64>a >= <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case FUSE_EXT: store<i64>(sp, <i64>load<i32>(fp + (<usize>load<i32>(pc) << 3))); sp += 8; pc += 4; break
        case 0x201 /* FUSE_EXT + 1 */: store<u64>(sp, <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3))); sp += 8; pc += 4; break
        // ---- end of generated cases ----
        // ---- register form (BodyCompiler.load/store, Compiler.lazy): slots and constants as immediates; generated ----
        case 0x202 /* OP_LDR + 0x00 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), load<i32>(mb + <usize>a)); pc += 12; break }
        case 0x203 /* OP_LDR + 0x01 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), load<i64>(mb + <usize>a)); pc += 12; break }
        case 0x204 /* OP_LDR + 0x02 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), load<i32>(mb + <usize>a)); pc += 12; break }
        case 0x205 /* OP_LDR + 0x03 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), load<i64>(mb + <usize>a)); pc += 12; break }
        case 0x206 /* OP_LDR + 0x04 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), <i32>load<i8>(mb + <usize>a)); pc += 12; break }
        case 0x207 /* OP_LDR + 0x05 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), <i32>load<u8>(mb + <usize>a)); pc += 12; break }
        case 0x208 /* OP_LDR + 0x06 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 2 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), <i32>load<i16>(mb + <usize>a)); pc += 12; break }
        case 0x209 /* OP_LDR + 0x07 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 2 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), <i32>load<u16>(mb + <usize>a)); pc += 12; break }
        case 0x20a /* OP_LDR + 0x08 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 1 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>load<i8>(mb + <usize>a)); pc += 12; break }
        case 0x20b /* OP_LDR + 0x09 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 1 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>load<u8>(mb + <usize>a)); pc += 12; break }
        case 0x20c /* OP_LDR + 0x0a */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 2 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>load<i16>(mb + <usize>a)); pc += 12; break }
        case 0x20d /* OP_LDR + 0x0b */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 2 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>load<u16>(mb + <usize>a)); pc += 12; break }
        case 0x20e /* OP_LDR + 0x0c */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 4 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>load<i32>(mb + <usize>a)); pc += 12; break }
        case 0x20f /* OP_LDR + 0x0d */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); if (a + 4 > ms) return this.trap(OOB_MEM); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>load<u32>(mb + <usize>a)); pc += 12; break }
        case 0x210 /* OP_STR + 0x00 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x211 /* OP_STR + 0x01 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(mb + <usize>a, load<i64>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x212 /* OP_STR + 0x02 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x213 /* OP_STR + 0x03 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(mb + <usize>a, load<i64>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x214 /* OP_STR + 0x04 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, load<u8>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x215 /* OP_STR + 0x05 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, load<u16>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x216 /* OP_STR + 0x06 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, load<u8>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x217 /* OP_STR + 0x07 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, load<u16>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x218 /* OP_STR + 0x08 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<u32>(mb + <usize>a, load<u32>(fp + (<usize>load<i32>(pc, 4) << 3))); pc += 12; break }
        case 0x219 /* OP_STRC + 0x00 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, <i32>load<i32>(pc, 4)); pc += 12; break }
        case 0x21b /* OP_STRC + 0x02 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, <i32>load<i32>(pc, 4)); pc += 12; break }
        case 0x21d /* OP_STRC + 0x04 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, <u8>load<i32>(pc, 4)); pc += 12; break }
        case 0x21e /* OP_STRC + 0x05 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 8); if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, <u16>load<i32>(pc, 4)); pc += 12; break }
        case 0x22d /* FUSE_STC + 0x00 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, <i32>load<i32>(pc)); pc += 8; break }
        case 0x236 /* FUSE_STL + 0x00 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, load<i32>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x237 /* FUSE_STL + 0x01 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(mb + <usize>a, load<i64>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x22f /* FUSE_STC + 0x02 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, <i32>load<i32>(pc)); pc += 8; break }
        case 0x238 /* FUSE_STL + 0x02 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, load<i32>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x239 /* FUSE_STL + 0x03 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(mb + <usize>a, load<i64>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x231 /* FUSE_STC + 0x04 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, <u8>load<i32>(pc)); pc += 8; break }
        case 0x23a /* FUSE_STL + 0x04 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, load<u8>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x232 /* FUSE_STC + 0x05 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, <u16>load<i32>(pc)); pc += 8; break }
        case 0x23b /* FUSE_STL + 0x05 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, load<u16>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x23c /* FUSE_STL + 0x06 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, load<u8>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x23d /* FUSE_STL + 0x07 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 2 > ms) return this.trap(OOB_MEM); store<u16>(mb + <usize>a, load<u16>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x23e /* FUSE_STL + 0x08 */: { const a = <u64>load<u32>(sp - 8) + <u64>load<u32>(pc, 4); sp -= 8; if (a + 4 > ms) return this.trap(OOB_MEM); store<u32>(mb + <usize>a, load<u32>(fp + (<usize>load<i32>(pc) << 3))); pc += 8; break }
        case 0x23f /* FUSE_LDSS + 0x00 */: { sp -= 8; const a = <u64><u32>(load<i32>(sp - 8) + load<i32>(sp)) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, load<i32>(mb + <usize>a)); break }
        case 0x240 /* FUSE_LDSS + 0x01 */: { sp -= 8; const a = <u64><u32>(load<i32>(sp - 8) + load<i32>(sp)) + <u64>load<u32>(pc); pc += 4; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, load<i64>(mb + <usize>a)); break }
        case 0x241 /* FUSE_LDSS + 0x02 */: { sp -= 8; const a = <u64><u32>(load<i32>(sp - 8) + load<i32>(sp)) + <u64>load<u32>(pc); pc += 4; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, load<i32>(mb + <usize>a)); break }
        case 0x242 /* FUSE_LDSS + 0x03 */: { sp -= 8; const a = <u64><u32>(load<i32>(sp - 8) + load<i32>(sp)) + <u64>load<u32>(pc); pc += 4; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(sp - 8, load<i64>(mb + <usize>a)); break }
        case 0x243 /* FUSE_LDSS + 0x04 */: { sp -= 8; const a = <u64><u32>(load<i32>(sp - 8) + load<i32>(sp)) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, <i32>load<i8>(mb + <usize>a)); break }
        case 0x244 /* FUSE_LDSS + 0x05 */: { sp -= 8; const a = <u64><u32>(load<i32>(sp - 8) + load<i32>(sp)) + <u64>load<u32>(pc); pc += 4; if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(sp - 8, <i32>load<u8>(mb + <usize>a)); break }
        case OP_GSET_ADD: store<u64>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)) + load<i32>(pc, 8)), offsetof<Global>('value')); pc += 12; break
        // ---- end of generated register-form cases ----
        case 0x27e /* OP_GGET_ADD */: {
          const g = load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>()))
          const v = load<i32>(g, offsetof<Global>('value'))
          store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>v)
          store<u64>(g, <u64><u32>(v + load<i32>(pc, 8)), offsetof<Global>('value'))
          pc += 12; break
        }
        case 0x13f /* FUSE_LOAD + 0x00 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); pc += 8; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(sp, load<i32>(mb + <usize>a)); sp += 8; break }
        case 0x140 /* FUSE_LOAD + 0x01 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); pc += 8; if (a + 8 > ms) return this.trap(OOB_MEM); store<i64>(sp, load<i64>(mb + <usize>a)); sp += 8; break }
        case 0x144 /* FUSE_LOAD + 0x05 */: { const a = <u64>load<u32>(fp + (<usize>load<i32>(pc) << 3)) + <u64>load<u32>(pc, 4); pc += 8; if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(sp, <i32>load<u8>(mb + <usize>a)); sp += 8; break }
        // sha256's sigma functions: x rotr c1 ^ x rotr c2 ^ x rotr|shr_u c3, pushed (x: a slot)
        case 0x26f /* OP_SIGMA_R */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp, rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ rotr<i32>(x, load<i32>(pc, 12))); sp += 8; pc += 16; break }
        case 0x270 /* OP_SIGMA_S */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp, rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ (x >>> load<i32>(pc, 12))); sp += 8; pc += 16; break }
        // i32.load from global + ((local + c) << s) + offset, pushed
        case 0x273 /* OP_LDIDX */: {
          const base = load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value'))
          const i = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)) + load<i32>(pc, 8)
          const a = <u64><u32>(base + (i << load<i32>(pc, 12))) + <u64>load<u32>(pc, 16)
          pc += 20
          if (a + 4 > ms) return this.trap(OOB_MEM)
          store<i32>(sp, load<i32>(mb + <usize>a)); sp += 8; break
        }
        case 0x274 /* OP_LDIDXR */: {
          const base = load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value'))
          const i = load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)) + load<i32>(pc, 8)
          const a = <u64><u32>(base + (i << load<i32>(pc, 12))) + <u64>load<u32>(pc, 16)
          if (a + 4 > ms) return this.trap(OOB_MEM)
          store<i32>(fp + (<usize>load<i32>(pc, 20) << 3), load<i32>(mb + <usize>a)); pc += 24; break
        }
        // i32.load / i32.load8_u from global + local + offset, pushed
        case 0x276 /* OP_LDGL */: {
          const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8)
          pc += 12
          if (a + 4 > ms) return this.trap(OOB_MEM)
          store<i32>(sp, load<i32>(mb + <usize>a)); sp += 8; break
        }
        case 0x277 /* OP_LDGL + 1 */: {
          const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8)
          pc += 12
          if (a + 1 > ms) return this.trap(OOB_MEM)
          store<i32>(sp, <i32>load<u8>(mb + <usize>a)); sp += 8; break
        }
        // i32.store / i32.store8 of a local to global + local + offset
        case 0x278 /* OP_STGL */: {
          const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 12)
          if (a + 4 > ms) return this.trap(OOB_MEM)
          store<i32>(mb + <usize>a, load<i32>(fp + (<usize>load<i32>(pc, 8) << 3))); pc += 16; break
        }
        case 0x279 /* OP_STGL + 1 */: {
          const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 12)
          if (a + 1 > ms) return this.trap(OOB_MEM)
          store<u8>(mb + <usize>a, load<u8>(fp + (<usize>load<i32>(pc, 8) << 3))); pc += 16; break
        }
        case 0x27a /* OP_SIGMA3_R */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 16) << 3), rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ rotr<i32>(x, load<i32>(pc, 12))); pc += 20; break }
        case 0x27b /* OP_SIGMA3_S */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 16) << 3), rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ (x >>> load<i32>(pc, 12))); pc += 20; break }
        case 0x27c /* OP_LDGLR */: {
          const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8)
          if (a + 4 > ms) return this.trap(OOB_MEM)
          store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), load<i32>(mb + <usize>a)); pc += 16; break
        }
        case 0x27d /* OP_LDGLR + 1 */: {
          const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8)
          if (a + 1 > ms) return this.trap(OOB_MEM)
          store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), <i32>load<u8>(mb + <usize>a)); pc += 16; break
        }
        // sha256's ch and maj (operands: slots)
        case 0x271 /* OP_CHX */: {
          const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))
          const e = load<i32>(fp + (<usize>load<i32>(pc, 8) << 3)) ^ load<i32>(pc, 12)
          store<i32>(sp, a ^ (e & load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)))); sp += 8; pc += 20; break
        }
        case 0x282 /* OP_LDLC + 1 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4)) + <u64>load<u32>(pc, 8); if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), <i32>load<u8>(mb + <usize>a)); pc += 16; break }
        case 0x283 /* OP_LDLL */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); pc += 12; if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(sp, load<i32>(mb + <usize>a)); sp += 8; break }
        case 0x284 /* OP_LDLL + 1 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); pc += 12; if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(sp, <i32>load<u8>(mb + <usize>a)); sp += 8; break }
        case 0x285 /* OP_LDLLR */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), load<i32>(mb + <usize>a)); pc += 16; break }
        case 0x286 /* OP_LDLLR + 1 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 8); if (a + 1 > ms) return this.trap(OOB_MEM); store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), <i32>load<u8>(mb + <usize>a)); pc += 16; break }
        case 0x287 /* OP_STLLC */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 12); if (a + 4 > ms) return this.trap(OOB_MEM); store<i32>(mb + <usize>a, load<i32>(pc, 8)); pc += 16; break }
        case 0x288 /* OP_STLLC + 1 */: { const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))) + <u64>load<u32>(pc, 12); if (a + 1 > ms) return this.trap(OOB_MEM); store<u8>(mb + <usize>a, <u8>load<i32>(pc, 8)); pc += 16; break }
        case 0x289 /* OP_COPY3 */: { store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), load<u64>(fp + (<usize>load<i32>(pc) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 12) << 3), load<u64>(fp + (<usize>load<i32>(pc, 8) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 20) << 3), load<u64>(fp + (<usize>load<i32>(pc, 16) << 3))); pc += 24; break }
        case 0x28c /* OP_AJ + 2 */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), x); if (x > load<i32>(fp + (<usize>load<i32>(pc, 12) << 3))) pc = cb + (<usize>load<i32>(pc, 16) << 2); else pc += 20; break }
        case 0x28d /* OP_AJ64 */: { const x = load<i64>(fp + (<usize>load<i32>(pc) << 3)) + <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), x); if (x < <i64>load<i32>(fp + (<usize>load<i32>(pc, 12) << 3))) pc = cb + (<usize>load<i32>(pc, 16) << 2); else pc += 20; break }
        case 0x28e /* OP_GIDX */: { const g = load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')); store<i32>(sp, g + (load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)) << load<i32>(pc, 8))); sp += 8; pc += 12; break }
        case 0x28f /* OP_SIGMA_ADD */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, load<i32>(sp - 8) + (rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ rotr<i32>(x, load<i32>(pc, 12)))); pc += 16; break }
        case 0x290 /* OP_SIGMA_ADD + 1 */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); store<i32>(sp - 8, load<i32>(sp - 8) + (rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ (x >>> load<i32>(pc, 12)))); pc += 16; break }
        case 0x291 /* OP_GADDL */: { store<i32>(sp, load<i32>(load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))); sp += 8; pc += 8; break }
        case 0x292 /* OP_ADD_SET */: sp -= 16; store<u64>(fp + (<usize>load<i32>(pc) << 3), <u64><u32>(load<i32>(sp) + load<i32>(sp, 8))); pc += 4; break
        case 0x294 /* OP_ADD3 */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 8) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 12) << 3), x); pc += 16; break }
        case 0x295 /* OP_MAJX_SET */: { const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); const b = load<i32>(fp + (<usize>load<i32>(pc, 8) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 12) << 3)); sp -= 8; store<u64>(fp + (<usize>load<i32>(pc, 24) << 3), <u64><u32>(load<i32>(sp) + (a ^ b ^ (load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 20) << 3)))))); pc += 28; break }
        case 0x296 /* OP_COPY3_ADD */: { store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), load<u64>(fp + (<usize>load<i32>(pc) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 12) << 3), load<u64>(fp + (<usize>load<i32>(pc, 8) << 3))); store<u64>(fp + (<usize>load<i32>(pc, 20) << 3), load<u64>(fp + (<usize>load<i32>(pc, 16) << 3))); store<i32>(fp + (<usize>load<i32>(pc, 32) << 3), load<i32>(fp + (<usize>load<i32>(pc, 24) << 3)) + load<i32>(fp + (<usize>load<i32>(pc, 28) << 3))); pc += 36; break }
        // OP_GGET_ADD and the byte's write or read after it (OP_STGL + 1 / OP_LDGL + 1) in one, the read
        // also with the OP_SHLOR after it (or'ed into the value below), and then the next OP_GETB likewise when
        // one follows (getInt's word: one unit of fuel); out of bounds, only the first: the second then runs and traps
        case 0x297 /* OP_PUTB */: { const g = load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())); const v = load<i32>(g, offsetof<Global>('value')); store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>v); store<u64>(g, <u64><u32>(v + load<i32>(pc, 8)), offsetof<Global>('value')); const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc, 16) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 20) << 3))) + <u64>load<u32>(pc, 28); if (a + 1 > ms) { pc += 12; break }; store<u8>(mb + <usize>a, load<u8>(fp + (<usize>load<i32>(pc, 24) << 3))); pc += 32; break }
        case 0x298 /* OP_GETB */: { while (true) { const g = load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())); const v = load<i32>(g, offsetof<Global>('value')); store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>v); store<u64>(g, <u64><u32>(v + load<i32>(pc, 8)), offsetof<Global>('value')); const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc, 16) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 20) << 3))) + <u64>load<u32>(pc, 24); if (a + 1 > ms) { pc += 12; break }; const y = <i32>load<u8>(mb + <usize>a); if (load<i32>(pc, 28) != 0x2b8) { store<i32>(sp, y); sp += 8; pc += 28; break }; store<i32>(sp - 8, load<i32>(sp - 8) | (y << load<i32>(pc, 32))); pc += 36; if (load<i32>(pc) != 0x298) break; pc += 4 }; break }
        // OP_GGET_ADD and the byte read into a slot after it (OP_LDGLR + 1); out of bounds, only the first
        case 0x29b /* OP_GETBR */: { const g = load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())); const v = load<i32>(g, offsetof<Global>('value')); store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>v); store<u64>(g, <u64><u32>(v + load<i32>(pc, 8)), offsetof<Global>('value')); const a = <u64><u32>(load<i32>(load<usize>(gb + (<usize>load<i32>(pc, 16) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 20) << 3))) + <u64>load<u32>(pc, 24); if (a + 1 > ms) { pc += 12; break }; store<i32>(fp + (<usize>load<i32>(pc, 28) << 3), <i32>load<u8>(mb + <usize>a)); pc += 32; break }
        // OP_GGET_ADD, then the OP_GADDL after it if it still is one (no trap either way), then the byte store
        // after that when in bounds: of local >>> c (OP_SHRST8 and its i32.store8) or of a constant (FUSE_STC + 4),
        // and then the next OP_GGET_GADDL likewise when one follows (putInt's bytes: one unit of fuel)
        case 0x29c /* OP_GGET_GADDL */: { while (true) { const g = load<usize>(gb + (<usize>load<i32>(pc) << alignof<usize>())); const v = load<i32>(g, offsetof<Global>('value')); store<u64>(fp + (<usize>load<i32>(pc, 4) << 3), <u64><u32>v); store<u64>(g, <u64><u32>(v + load<i32>(pc, 8)), offsetof<Global>('value')); if (load<i32>(pc, 12) != 0x291) { pc += 12; break }; const t = load<i32>(load<usize>(gb + (<usize>load<i32>(pc, 16) << alignof<usize>())), offsetof<Global>('value')) + load<i32>(fp + (<usize>load<i32>(pc, 20) << 3)); const n = load<i32>(pc, 24); if (n == 0x2ab && load<i32>(pc, 36) == 0x3a) { const a = <u64><u32>t + <u64>load<u32>(pc, 40); if (a + 1 <= ms) { store<u8>(mb + <usize>a, <u8>(load<i32>(fp + (<usize>load<i32>(pc, 28) << 3)) >>> load<i32>(pc, 32))); pc += 44; if (load<i32>(pc) != 0x29c) break; pc += 4; continue } } else if (n == 0x231) { const a = <u64><u32>t + <u64>load<u32>(pc, 32); if (a + 1 <= ms) { store<u8>(mb + <usize>a, <u8>load<i32>(pc, 28)); pc += 36; if (load<i32>(pc) != 0x29c) break; pc += 4; continue } }; store<i32>(sp, t); sp += 8; pc += 24; break }; break }
        // x = a + c, the OP_LDLC after it and the compare-and-jump (lt_s) after that; out of bounds, only the add
        case 0x29d /* OP_ALJ */: { store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), load<i32>(fp + (<usize>load<i32>(pc) << 3)) + load<i32>(pc, 4)); const a = <u64><u32>(load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)) + load<i32>(pc, 20)) + <u64>load<u32>(pc, 24); if (a + 4 > ms) { pc += 12; break }; store<i32>(fp + (<usize>load<i32>(pc, 28) << 3), load<i32>(mb + <usize>a)); if (load<i32>(fp + (<usize>load<i32>(pc, 36) << 3)) < load<i32>(fp + (<usize>load<i32>(pc, 40) << 3))) pc = cb + (<usize>load<i32>(pc, 44) << 2); else pc += 48; break }
        // OP_SIGMA_ADD + 1, then the stack i32.add after it if it still is one
        case 0x2a2 /* OP_SIGMAS_ADD2 */: { const x = load<i32>(fp + (<usize>load<i32>(pc) << 3)); const t = load<i32>(sp - 8) + (rotr<i32>(x, load<i32>(pc, 4)) ^ rotr<i32>(x, load<i32>(pc, 8)) ^ (x >>> load<i32>(pc, 12))); if (load<i32>(pc, 16) != 0x6a) { store<i32>(sp - 8, t); pc += 16; break }; sp -= 8; store<i32>(sp - 8, load<i32>(sp - 8) + t); pc += 20; break }
        case 0x27f /* OP_CHX3 */: {
          const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))
          const e = load<i32>(fp + (<usize>load<i32>(pc, 8) << 3)) ^ load<i32>(pc, 12)
          store<i32>(fp + (<usize>load<i32>(pc, 20) << 3), a ^ (e & load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)))); pc += 24; break
        }
        case 0x272 /* OP_MAJX */: {
          const a = load<i32>(fp + (<usize>load<i32>(pc) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 4) << 3))
          const b = load<i32>(fp + (<usize>load<i32>(pc, 8) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 12) << 3))
          store<i32>(sp, a ^ b ^ (load<i32>(fp + (<usize>load<i32>(pc, 16) << 3)) & load<i32>(fp + (<usize>load<i32>(pc, 20) << 3)))); sp += 8; pc += 24; break
        }
        // i64 binops whose second operand is an i32 slot, sign-extended (i64.extend_i32_s)
        case 0x246 /* FUSE64_LXS + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a == b)); pc += 12; break }
        case 0x247 /* FUSE64_LXS + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a != b)); pc += 12; break }
        case 0x248 /* FUSE64_LXS + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a < b)); pc += 12; break }
        case 0x249 /* FUSE64_LXS + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u64>a < <u64>b)); pc += 12; break }
        case 0x24a /* FUSE64_LXS + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a > b)); pc += 12; break }
        case 0x24b /* FUSE64_LXS + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(u64(a) > <u64>b)); pc += 12; break }
        case 0x24c /* FUSE64_LXS + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a <= b)); pc += 12; break }
        case 0x24d /* FUSE64_LXS + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u64>a <= <u64>b)); pc += 12; break }
        case 0x24e /* FUSE64_LXS + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(a >= b)); pc += 12; break }
        case 0x24f /* FUSE64_LXS + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i32>(fp + (<usize>load<i32>(pc, 8) << 3), i32(<u64>a >= <u64>b)); pc += 12; break }
        case 0x250 /* FUSE64_LXS + 10 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a + b); pc += 12; break }
        case 0x251 /* FUSE64_LXS + 11 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a - b); pc += 12; break }
        case 0x252 /* FUSE64_LXS + 12 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a * b); pc += 12; break }
        case 0x253 /* FUSE64_LXS + 13 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a & b); pc += 12; break }
        case 0x254 /* FUSE64_LXS + 14 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a | b); pc += 12; break }
        case 0x255 /* FUSE64_LXS + 15 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a ^ b); pc += 12; break }
        case 0x256 /* FUSE64_LXS + 16 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a << b); pc += 12; break }
        case 0x257 /* FUSE64_LXS + 17 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), a >> b); pc += 12; break }
        case 0x258 /* FUSE64_LXS + 18 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), <i64>(<u64>a >>> <u64>b)); pc += 12; break }
        case 0x259 /* FUSE64_LXS + 19 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), rotl<i64>(a, b)); pc += 12; break }
        case 0x25a /* FUSE64_LXS + 20 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); store<i64>(fp + (<usize>load<i32>(pc, 8) << 3), rotr<i64>(a, b)); pc += 12; break }
        case 0x25b /* FUSE64_JLX_T + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a == b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x25c /* FUSE64_JLX_T + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a != b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x25d /* FUSE64_JLX_T + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a < b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x25e /* FUSE64_JLX_T + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u64>a < <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x25f /* FUSE64_JLX_T + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a > b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x260 /* FUSE64_JLX_T + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (u64(a) > <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x261 /* FUSE64_JLX_T + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a <= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x262 /* FUSE64_JLX_T + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u64>a <= <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x263 /* FUSE64_JLX_T + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (a >= b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x264 /* FUSE64_JLX_T + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (<u64>a >= <u64>b) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x265 /* FUSE64_JLX_F + 0 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a == b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x266 /* FUSE64_JLX_F + 1 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a != b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x267 /* FUSE64_JLX_F + 2 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a < b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x268 /* FUSE64_JLX_F + 3 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u64>a < <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x269 /* FUSE64_JLX_F + 4 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a > b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x26a /* FUSE64_JLX_F + 5 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(u64(a) > <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x26b /* FUSE64_JLX_F + 6 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a <= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x26c /* FUSE64_JLX_F + 7 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u64>a <= <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x26d /* FUSE64_JLX_F + 8 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(a >= b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        case 0x26e /* FUSE64_JLX_F + 9 */: { const a = load<i64>(fp + (<usize>load<i32>(pc) << 3)); const b = <i64>load<i32>(fp + (<usize>load<i32>(pc, 4) << 3)); if (!(<u64>a >= <u64>b)) pc = cb + (<usize>load<i32>(pc, 8) << 2); else pc += 12; break }
        // unused numbers, listed so that the switch stays one dense br_table
        case 0x01: case 0x02: case 0x03: case 0x05: case 0x06: case 0x07: case 0x08: case 0x09: case 0x0a: case 0x0b: case 0x13: case 0x14: case 0x15: case 0x16: case 0x17: case 0x18: case 0x19: case 0x1c: case 0x1d: case 0x1e: case 0x1f: case 0x27: case 0x43:
        case 0x44: case 0xc5: case 0xc6: case 0xc7: case 0xc8: case 0xc9: case 0xca: case 0xcb: case 0xcc: case 0xcd: case 0xce: case 0xcf: case 0xd3: case 0xd4: case 0xd5: case 0xd6: case 0xd7: case 0xd8: case 0xd9: case 0xda: case 0xdb: case 0xdc: case 0xdd: case 0xde:
        case 0xdf: case 0xf2: case 0xf3: case 0xf4: case 0xf5: case 0xf6: case 0xf7: case 0xfa: case 0xfb: case 0xfc: case 0xfd: case 0xfe: case 0xff: case 0x141: case 0x142: case 0x143: case 0x21a: case 0x21c: case 0x21f: case 0x220: case 0x221: case 0x22e: case 0x230: case 0x233: case 0x234: case 0x235:
        default: return this.trap('invalid internal opcode')
      }
    }
    return ST_TRAP
  }
}
