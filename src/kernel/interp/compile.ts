// Emitting a function's internal code: peephole fusions and the register form (see README.md).

import { T_I32, T_I64, T_F32, T_F64 } from './module'
import {
  FUSE64_JLL_F, FUSE64_JLL_T, FUSE64_JLX_F, FUSE64_JLX_T, FUSE64_LL, FUSE64_LLS, FUSE64_LXS, FUSE64_SL,
  FUSE_EXT, FUSE_JLC_F, FUSE_JLC_T, FUSE_JLL_F, FUSE_JLL_T, FUSE_LC, FUSE_LCS, FUSE_LL, FUSE_LLS, FUSE_LOAD,
  FUSE_SC, FUSE_SL, OP_BR, OP_BR_IF, OP_COPY, OP_EQZ, OP_EQZ64, OP_EXT_S, OP_EXT_U, OP_GGET, OP_JMP,
  OP_JMP_IF, OP_JMP_IFZ, OP_JNZ, OP_JZ, OP_LDR, OP_SETC, OP_SETC64, OP_SETSP, OP_SIGMA_R, OP_SIGMA_S, OP_CHX, OP_MAJX, OP_LDIDX, OP_LDIDXR, OP_COPY2, OP_SIGMA3_R, OP_SIGMA3_S, OP_CHX3, OP_COPY3, OP_LDLL, OP_LDLLR, OP_AJ, OP_AJ64, OP_GIDX, OP_SIGMA_ADD, OP_GADDL, OP_ADD_SET, OP_ADD3, OP_LDLC, OP_MAJX_SET, OP_COPY3_ADD, OP_GGET_ADD, OP_GGET_GADDL, OP_ALJ, OP_SIGMA_MAJ, OP_COPY3_ADD2, OP_SIGMA3_ADD, OP_CHX3_ADD3, OP_SIGMAS_ADD2, OP_LDLLJ, OP_STLLC, OP_STAJ64, OP_DIVLC, OP_DIVSC, OP_MULADD3,
  OP_ALJ_CPY, OP_AJ_GETMA, OP_SELCC, OP_SLSET, OP_PUTB, OP_STGL, OP_GETB, OP_GETBR, OP_LDGL, OP_LDGLR,
  binopIndex, binopIndex64, mirrorIndex,
} from './opcodes'
import { Ctrl, V_CONST, V_LOCAL, V_TEMP } from './validate'
import { Emitter } from './emit'

// What the run-time stack pointer is, and the fusions (the code and the peephole window: Emitter).
export class Compiler extends Emitter {
  rsp: i32 = 0 // what the run-time stack pointer is (slot index), -1 if unknown
  keepRsp: bool = false // the instruction just compiled set rsp itself
  // positions of the unconditional jumps (`else`, `br`), to turn those that land on a `return`
  // into one (BodyCompiler.codeEntry)
  jmps: Array<i32> = []
  // for each of those, the start of a `local.get` pushed just before it (-1 if none), and the
  // slot it pushed to: when the jump becomes an OP_RETL of that slot, the push returns instead
  jmpPush: Array<i32> = []
  jmpPushSlot: Array<i32> = []
  // for each of those, the compare-and-jump of the `if` whose then-branch is only that push
  // (-1 if none): when the push returns, the compare returns it (OP_RETL_LTC)
  jmpIf: Array<i32> = []

  // Fuses `local.get; i32.const; op`, `local.get; local.get; op` and `i32.const; op`.
  fuseBinop (op: i32): bool {
    const k = binopIndex(op)
    if (k < 0) return this.fuseBinop64(op)
    const code = this.code
    const l1 = this.last
    if (l1 < this.barrier || l1 < 0 || l1 >= code.length) return false
    const l2 = this.last2
    const ok2 = l2 >= this.barrier && l2 >= 0 && l2 + 2 == l1
    if (code[l1] == 0x41 && code.length == l1 + 2) {
      const c = code[l1 + 1]
      if (ok2 && code[l2] == 0x20) {
        this.refuse(l2, FUSE_LC + k, code[l2 + 1], c, 2)
        this.noteFz(l2)
        return true
      }
      this.refuse(l1, FUSE_SC + k, c, 0, 1)
      this.noteFz(l1)
      return true
    }
    if (code[l1] == 0x20 && code.length == l1 + 2) {
      if (ok2 && code[l2] == 0x20) return this.refuse(l2, FUSE_LL + k, code[l2 + 1], code[l1 + 1], 2)
      return this.refuse(l1, FUSE_SL + k, code[l1 + 1], 0, 1)
    }
    return false
  }

  // i64: `local.get; local.get; op` and `local.get; op`.
  fuseBinop64 (op: i32): bool {
    const k = binopIndex64(op)
    if (k < 0) return false
    const code = this.code
    const l1 = this.last
    if (l1 < this.barrier || l1 < 0 || code.length != l1 + 2 || code[l1] != 0x20) return false
    const l2 = this.last2
    if (l2 >= this.barrier && l2 >= 0 && l2 + 2 == l1 && code[l2] == 0x20) return this.refuse(l2, FUSE64_LL + k, code[l2 + 1], code[l1 + 1], 2)
    return this.refuse(l1, FUSE64_SL + k, code[l1 + 1], 0, 1)
  }

  // A compare-and-jump just emitted at p (all but its target) whose first operand the
  // instruction before it computed as a sum (a loop's step, then its test): both become one
  // OP_AJ / OP_AJ64. The sum is written before the compare reads its second operand, as before.
  fuseAddJump (p: i32): void {
    const code = this.code
    const q = this.last2
    if (q < 0 || q < this.barrier || q + 4 != p || code.length != p + 3 || this.last != p) return
    const op = code[p]
    const a = code[p + 1]
    let r = -1
    let b = code[p + 2]
    if (code[q] == FUSE_LCS + 10 && code[q + 3] == a) {
      if (op == FUSE_JLL_T + 2) r = OP_AJ
      else if (op == FUSE_JLC_T + 2) r = OP_AJ + 1
      else if (op == FUSE_JLL_T + 4) r = OP_AJ + 2
    } else if (code[q] == FUSE_LCS + 10 && code[q + 3] == b && b != a) {
      // the sum compared as the second operand (`n > i` of a rotated loop): mirrored
      if (op == FUSE_JLL_T + 4) r = OP_AJ
      else if (op == FUSE_JLL_T + 2) r = OP_AJ + 2
      b = a
    } else if (code[q] == FUSE64_LXS + 10 && code[q + 3] == a && op == FUSE64_JLX_T + 2) r = OP_AJ64
    if (r < 0) return
    code[q] = r
    code[q + 4] = b
    code.length = q + 5
    this.last = q
    this.last2 = -1
  }

  // A rotated loop whose body, starting at s, is a constant stored at two locals then the step
  // and test just made an OP_AJ64 at q (the sieve's composite[j] = 1; j += i; j < n), all but
  // the jump's target: an OP_STAJ64 inserted before the store runs both; the loop's jump, to s,
  // reaches it.
  storeAddJump (s: i32, q: i32): void {
    const code = this.code
    if (s < this.barrier || s + 5 != q || code.length != q + 5 || code[q] != OP_AJ64 || (code[s] != OP_STLLC && code[s] != OP_STLLC + 1)) return
    for (let k = 0; k < 5; k++) code.push(0)
    for (let k = q + 4; k >= s; k--) code[k + 5] = code[k]
    code[s] = OP_STAJ64 + code[s] - OP_STLLC
    this.last = q + 5
    this.last2 = -1
    this.forgetOlder()
  }

  // Turns a preceding fused compare (local op const|local) into a compare-and-jump; the caller
  // then emits the target. Returns false when there is nothing to fuse.
  fuseCmpJump (ifTrue: bool): bool {
    const l1 = this.last
    const code = this.code
    if (l1 < 0 || l1 < this.barrier || code.length != l1 + 3) return false
    const op = code[l1]
    if (op >= FUSE_LC && op < FUSE_LC + 10) code[l1] = (ifTrue ? FUSE_JLC_T : FUSE_JLC_F) + op - FUSE_LC
    else if (op >= FUSE_LL && op < FUSE_LL + 10) code[l1] = (ifTrue ? FUSE_JLL_T : FUSE_JLL_F) + op - FUSE_LL
    else if (op >= FUSE64_LL && op < FUSE64_LL + 10) code[l1] = (ifTrue ? FUSE64_JLL_T : FUSE64_JLL_F) + op - FUSE64_LL
    else return false
    this.fuseAddJump(l1)
    this.last2 = -1
    return true
  }

  // True (and drops it) when the previous instruction is an i32.eqz that can be folded into
  // the conditional jump being emitted.
  takeEqz (): bool {
    const l1 = this.last
    if (l1 < 0 || l1 < this.barrier || this.code.length != l1 + 1 || this.code[l1] != 0x45) return false
    this.code.length = l1
    this.last = this.last2
    this.last2 = -1
    return true
  }

  // ---- register form ----
  // Each operand of the validator's stack has a fixed slot, numLocals + depth. local.get and
  // constants emit nothing: they are recorded as pending operands, and the instructions that
  // consume them take the local's slot or the constant as an immediate (3-address code that
  // does not touch the run-time stack pointer). Any other instruction first calls flush(),
  // which stores the pending operands in their slots and sets the stack pointer, so that
  // stack-based instructions find the state they expect.

  slotOf (d: i32): i32 {
    return this.vk[d] == V_LOCAL ? <i32>this.vx[d] : this.numLocals + d
  }

  is64 (t: u8): bool { return t == T_I64 || t == T_F64 }

  // Slot a to slot b (begin() has run); right after another copy, both become one OP_COPY2.
  copy (a: i32, b: i32): void {
    const code = this.code
    const l = this.last2
    // an OP_COPY3_ADD just before stays known (for OP_COPY3_ADD2)
    const r = this.last3
    const keep = r >= 0 && r >= this.barrier && r + 10 == l && code[r] == OP_COPY3_ADD ? r : -1
    if (l >= 0 && l >= this.barrier) {
      const fused = code.length == l + 5 && code[l] == OP_COPY2
        ? OP_COPY3
        : code.length == l + 3 && code[l] == OP_COPY ? OP_COPY2 : -1
      if (fused >= 0) {
        code[l] = fused
        code.push(a); code.push(b)
        this.last = l
        this.last2 = keep
        this.forgetOlder()
        return
      }
    }
    this.emit(OP_COPY); this.emit(a); this.emit(b)
  }

  // Stores pending operand d in its slot, without using the stack pointer.
  store1 (d: i32): void {
    const k = this.vk[d]
    if (k == V_TEMP) return
    const slot = this.numLocals + d
    this.begin()
    if (k == V_LOCAL) this.copy(<i32>this.vx[d], slot)
    else if (this.is64(this.vals[d])) { this.emit(OP_SETC64); this.emit(slot); this.emit(<i32>this.vx[d]); this.emit(<i32>(this.vx[d] >> 32)) } else { this.emit(OP_SETC); this.emit(slot); this.emit(<i32>this.vx[d]) }
    this.vk[d] = V_TEMP
    this.npending--
  }

  flush (): void {
    const n = this.vals.length
    const base = this.numLocals
    if (this.npending > 0) {
      for (let d = 0; d < n; d++) {
        const k = this.vk[d]
        if (k == V_TEMP) continue
        if (this.rsp == base + d) {
          // on top of the run-time stack: push it (the stack-based peepholes know these)
          this.begin()
          if (k == V_LOCAL) { this.emit(0x20); this.emit(<i32>this.vx[d]) } else if (this.is64(this.vals[d])) { this.emit(0x42); this.emit(<i32>this.vx[d]); this.emit(<i32>(this.vx[d] >> 32)) } else { this.emit(0x41); this.emit(<i32>this.vx[d]) }
          this.vk[d] = V_TEMP
          this.npending--
          this.rsp++
        } else this.store1(d)
      }
    }
    this.syncSp(base + n)
  }

  // Sets the run-time stack pointer to slot `top` unless it is known to be there already.
  syncSp (top: i32): void {
    if (this.rsp == top) return
    this.begin()
    this.emit(OP_SETSP)
    this.emit(top)
    this.rsp = top
  }

  // Stores every pending operand in its slot (the stack pointer stays as it is).
  materialize (): void {
    if (this.npending == 0) return
    for (let d = 0; d < this.vals.length; d++) this.store1(d)
  }

  // 3-address i32.eqz, i64.eqz, i64.extend_i32_s/u on the top operand; false if not applicable.
  unop3 (op: i32): bool {
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n <= c.height) return false
    const d = n - 1
    const t = this.vals[d]
    let r: i32 = 0
    let res: u8 = T_I32
    if (op == 0x45 && t == T_I32) r = OP_EQZ
    else if (op == 0x50 && t == T_I64) r = OP_EQZ64
    else if (op == 0xac && t == T_I32) { r = OP_EXT_S; res = T_I64 } else if (op == 0xad && t == T_I32) { r = OP_EXT_U; res = T_I64 } else return false
    if (this.vk[d] == V_CONST) this.store1(d)
    this.begin()
    if (this.vk[d] == V_TEMP && this.rsp == this.numLocals + n) {
      this.emit(op) // in place on top of the run-time stack
    } else if (r >= OP_EXT_S && this.vk[d] == V_LOCAL && this.rsp == this.numLocals + d) {
      this.emit(FUSE_EXT + r - OP_EXT_S); this.emit(<i32>this.vx[d])
      this.rsp++
    } else {
      this.emit(r); this.emit(this.slotOf(d)); this.emit(this.numLocals + d)
      this.lastDst = this.code.length - 1
    }
    this.pop()
    this.push(res)
    return true
  }

  // Conditional jump on the top operand (i32), jumping when it is non-zero (jumpIfTrue) or zero,
  // without the run-time stack: emits all but the target, before the caller validates. A
  // compare or eqz that just computed the condition becomes the jump. False if not applicable.
  condJump (jumpIfTrue: bool): bool {
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n <= c.height || this.vals[n - 1] != T_I32) return false
    const d = n - 1
    const code = this.code
    let moved: Array<i32> | null = null
    if (this.vk[d] == V_TEMP && this.lastDst >= 0 && this.lastDst == code.length - 1 && code[this.lastDst] == this.numLocals + d && this.last >= this.barrier) {
      const p = code[this.last]
      if ((p >= FUSE_LCS && p < FUSE_LCS + 10) || (p >= FUSE_LLS && p < FUSE_LLS + 10) || (p >= FUSE64_LLS && p < FUSE64_LLS + 10) || (p >= FUSE64_LXS && p < FUSE64_LXS + 10) || p == OP_EQZ) {
        // take it out: the operands below must reach their slots first (this does not touch
        // the compare's operands, which are locals or slots at depth >= d)
        moved = code.slice(this.last)
        code.length = this.last
        this.dropLast()
      }
    } else if (this.vk[d] == V_TEMP && this.lastPush && code.length == this.last + 3 && this.rsp == this.numLocals + n && this.last >= this.barrier) {
      // a compare of locals/constants that pushed the condition: the same, without the push
      const p = code[this.last]
      if ((p >= FUSE_LC && p < FUSE_LC + 10) || (p >= FUSE_LL && p < FUSE_LL + 10) || (p >= FUSE64_LL && p < FUSE64_LL + 10)) {
        moved = code.slice(this.last)
        moved[0] = p >= FUSE64_LL ? p - FUSE64_LL + FUSE64_LLS : p >= FUSE_LL ? p - FUSE_LL + FUSE_LLS : p - FUSE_LC + FUSE_LCS
        code.length = this.last
        this.dropLast()
        this.rsp--
      }
    }
    if (moved === null && this.vk[d] == V_TEMP && this.rsp == this.numLocals + n) {
      // the condition is on top of the run-time stack: the stack form pops it
      const inv = this.takeEqz()
      for (let e = 0; e < d; e++) this.store1(e)
      this.begin()
      const l = this.last2
      if (l >= 0 && l >= this.barrier && l + 4 == code.length && (code[l] == OP_LDLL || code[l] == OP_LDLL + 1)) {
        // a byte or word read at two locals, tested: one OP_LDLLJ before the read and the jump
        code.push(code[l]); code.push(code[l + 1]); code.push(code[l + 2]); code.push(code[l + 3])
        code[l] = OP_LDLLJ + (code[l] - OP_LDLL) + (jumpIfTrue != inv ? 0 : 2)
        this.last = code.length
      }
      this.emit(jumpIfTrue != inv ? OP_JMP_IF : OP_JMP_IFZ)
      this.rsp--
      this.last2 = -1
      this.keepRsp = true
      return true
    }
    for (let e = 0; e < d; e++) this.store1(e)
    if (this.vk[d] == V_CONST) this.store1(d)
    this.syncSp(this.numLocals + n - 1)
    this.begin()
    if (moved !== null) {
      const p = moved[0]
      if (p == OP_EQZ) { this.emit(jumpIfTrue ? OP_JZ : OP_JNZ); this.emit(moved[1]) } else {
        if (p >= FUSE64_LXS) this.emit((jumpIfTrue ? FUSE64_JLX_T : FUSE64_JLX_F) + p - FUSE64_LXS)
        else if (p >= FUSE64_LLS) this.emit((jumpIfTrue ? FUSE64_JLL_T : FUSE64_JLL_F) + p - FUSE64_LLS)
        else if (p >= FUSE_LLS) this.emit((jumpIfTrue ? FUSE_JLL_T : FUSE_JLL_F) + p - FUSE_LLS)
        else this.emit((jumpIfTrue ? FUSE_JLC_T : FUSE_JLC_F) + p - FUSE_LCS)
        this.emit(moved[1])
        this.emit(moved[2])
        this.fuseAddJump(this.last)
      }
    } else {
      this.emit(jumpIfTrue ? OP_JNZ : OP_JZ)
      this.emit(this.slotOf(d))
    }
    this.last2 = -1
    this.keepRsp = true
    return true
  }

  // i32 division or remainder by a constant that cannot trap, of a local or of the stack's top:
  // one OP_DIVLC (pushed) or OP_DIVSC (in place); false when it does not apply.
  divConst (op: i32): bool {
    if (op < 0x6d || op > 0x70) return false
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n - c.height < 2 || this.vals[n - 2] != T_I32 || this.vals[n - 1] != T_I32 || this.vk[n - 1] != V_CONST) return false
    const k = <i32>this.vx[n - 1]
    if (k == 0 || (k == -1 && op == 0x6d)) return false
    const dst = this.numLocals + n - 2
    if (this.vk[n - 2] == V_LOCAL && this.rsp == dst) {
      this.begin()
      this.emit(OP_DIVLC + op - 0x6d); this.emit(<i32>this.vx[n - 2]); this.emit(k)
      this.rsp++
    } else if (this.vk[n - 2] == V_TEMP && this.rsp == dst + 1) {
      this.begin()
      this.emit(OP_DIVSC + op - 0x6d); this.emit(k)
    } else return false
    this.pop()
    this.pop()
    this.push(T_I32)
    return true
  }

  // 3-address i32/i64 binop on the two top operands; false when it does not apply.
  binop3 (op: i32): bool {
    let k = binopIndex(op)
    let is64 = false
    if (k < 0) { k = binopIndex64(op); is64 = true }
    if (k < 0) return false
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n - c.height < 2) return false
    const want = is64 ? T_I64 : T_I32
    if (this.vals[n - 2] != want || this.vals[n - 1] != want) return false
    let a = n - 2
    let b = n - 1
    if (!is64 && this.vk[a] == V_CONST && this.vk[b] != V_CONST && mirrorIndex(k) >= 0) {
      k = mirrorIndex(k)
      a = n - 1
      b = n - 2
    }
    if (this.vk[a] == V_CONST) this.store1(a)
    if (is64 && this.vk[b] == V_CONST) this.store1(b)
    const dst = this.numLocals + n - 2
    const ka = this.vk[a]
    const kb = this.vk[b]
    // b was just sign-extended from an i32 slot into its own slot (OP_EXT_S src b): when the
    // result goes to a slot (the last form below), read the i32 slot instead and drop the extend
    let xs = -1
    const code = this.code
    const l = this.last
    if (is64 && kb == V_TEMP && ka != V_TEMP && l >= 0 && l >= this.barrier && code.length == l + 3 && code[l] == OP_EXT_S &&
        code[l + 2] == this.numLocals + b && this.lastDst == l + 2 && code[l + 1] != this.numLocals + b) {
      xs = code[l + 1]
      code.length = l
      this.last = -1
    }
    this.begin()
    // Where the result lands on top of the run-time stack, the stack forms are cheaper: their
    // operands on the stack need no immediates. Otherwise 3-address, with a destination slot.
    if (ka == V_TEMP && kb == V_TEMP && this.rsp == dst + 2 && op == 0x73 && (this.sigma() || this.andXor())) {
      this.rsp--
    } else if (ka == V_TEMP && kb == V_TEMP && this.rsp == dst + 2) {
      if (!(op == 0x6a && this.addIndexed()) && !(op == 0x72 && (this.fuseRotOr() || this.fuseShlOr()))) {
        this.emit(op)
        // a stack add right after a sigma added in place: both run by the first (OP_SIGMAS_ADD2)
        const q = this.last2
        if (op == 0x6a && q >= 0 && q >= this.barrier && q + 5 == this.last && code[q] == OP_SIGMA_ADD + 1) code[q] = OP_SIGMAS_ADD2
      }
      this.rsp--
    } else if (ka == V_TEMP && kb != V_TEMP && this.rsp == dst + 1 && (kb == V_LOCAL || !is64)) {
      const g = this.last2
      if (!is64 && k == 10 && kb == V_LOCAL && g >= 0 && g >= this.barrier && code.length == g + 2 && code[g] == 0x23) {
        // `global.get g; local.get b; i32.add`: one OP_GADDL (the instruction before it stays
        // known, for OP_PUTB / OP_GETB)
        code[g] = OP_GADDL
        code.push(<i32>this.vx[b])
        // just after `a = pos; pos += c`: both run by the first (OP_GGET_GADDL)
        const q = this.last3
        if (q >= 0 && q >= this.barrier && q + 4 == g && code[q] == OP_GGET_ADD) code[q] = OP_GGET_GADDL
        this.last = g
        this.last2 = this.last3
        this.last3 = -1
      } else if (kb == V_LOCAL) { this.emit((is64 ? FUSE64_SL : FUSE_SL) + k); this.emit(<i32>this.vx[b]) } else if (!(k == 10 && this.fuseMulAdd(<i32>this.vx[b]))) { this.emit(FUSE_SC + k); this.emit(<i32>this.vx[b]); this.noteFz(this.last) }
    } else if (ka == V_LOCAL && kb != V_TEMP && this.rsp == dst && (kb == V_LOCAL || !is64)) {
      if (kb == V_LOCAL) this.emit((is64 ? FUSE64_LL : FUSE_LL) + k)
      else this.emit(FUSE_LC + k)
      this.emit(<i32>this.vx[a]); this.emit(<i32>this.vx[b])
      if (kb != V_LOCAL) this.noteFz(this.last)
      this.lastPush = true
      this.rsp++
    } else {
      if (kb == V_CONST) {
        this.emit(FUSE_LCS + k); this.emit(this.slotOf(a)); this.emit(<i32>this.vx[b])
      } else if (is64 && kb == V_TEMP && xs >= 0) {
        this.emit(FUSE64_LXS + k); this.emit(this.slotOf(a)); this.emit(xs)
      } else if (!is64 && k == 15 && (this.sigma3(this.slotOf(a), this.slotOf(b), dst) || this.chx3(this.slotOf(a), this.slotOf(b), dst))) {
        // (emitted all but dst)
      } else if (!is64 && k == 10 && (this.add3(this.slotOf(a), this.slotOf(b), dst) || this.mulAdd3(this.slotOf(a), this.slotOf(b), dst))) {
        // (emitted all but dst)

      } else {
        this.emit((is64 ? FUSE64_LLS : FUSE_LLS) + k); this.emit(this.slotOf(a)); this.emit(this.slotOf(b))
        // an add right after a 3-address sigma: both run by the first (OP_SIGMA3_ADD)
        const q = this.last2
        if (!is64 && k == 10 && q >= 0 && q >= this.barrier && q + 6 == this.last && code[q] == OP_SIGMA3_R) code[q] = OP_SIGMA3_ADD
      }
      this.emit(dst)
      this.lastDst = this.code.length - 1
    }
    this.pop()
    this.pop()
    this.push(k < 10 ? T_I32 : want)
    return true
  }

  // The 3-address i32.add of slots sa and sb into dst (begin() just ran) that follows the
  // 3-address instruction `op` writing slot s, the last one emitted: returns the add's other
  // operand, or -1 when the two cannot be one instruction. s must be dst or the operand slot just
  // above it (dead after this add), one of sa, sb must be s and the other not s, which the first
  // instruction wrote before the add read it.
  priorSum (op: i32, sa: i32, sb: i32, dst: i32): i32 {
    const code = this.code
    const l = this.last2
    if (l < 0 || l < this.barrier || code.length != l + 4 || code[l] != op) return -1
    const s = code[l + 3]
    if (s != dst && !(s == dst + 1 && s >= this.numLocals)) return -1
    if (sa == s && sb != s) return sb
    if (sb == s && sa != s) return sa
    return -1
  }

  // The add after `s = a + b` (priorSum): both become one OP_ADD3, y = a + b + c (the caller
  // emits dst).
  add3 (sa: i32, sb: i32, dst: i32): bool {
    const c = this.priorSum(FUSE_LLS + 10, sa, sb, dst)
    if (c < 0) return false
    const code = this.code
    const l = this.last2
    code[l] = OP_ADD3
    code[l + 3] = c
    // right after a 3-address ch: both run by the first (OP_CHX3_ADD3)
    const r = this.last3
    if (r >= 0 && r >= this.barrier && r + 7 == l && code[r] == OP_CHX3) code[r] = OP_CHX3_ADD3
    this.last = l
    this.last2 = -1
    return true
  }

  // The add after `s = a * c` (priorSum): one OP_MULADD3 (the caller emits dst).
  mulAdd3 (sa: i32, sb: i32, dst: i32): bool {
    const c = this.priorSum(FUSE_LCS + 12, sa, sb, dst)
    if (c < 0) return false
    const l = this.last2
    this.code[l] = OP_MULADD3
    this.code[l + 3] = c
    this.last = l
    this.last2 = -1
    return true
  }

  // `select` of two i32 constants by an i32 slot, into the first constant's slot (3-address,
  // OP_SELCC); false when it does not apply (nothing emitted).
  select3 (): bool {
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n - c.height < 3) return false
    if (this.vals[n - 1] != T_I32 || this.vals[n - 2] != T_I32 || this.vals[n - 3] != T_I32) return false
    if (this.vk[n - 3] != V_CONST || this.vk[n - 2] != V_CONST || this.vk[n - 1] == V_CONST) return false
    const s = this.slotOf(n - 1)
    const c1 = <i32>this.vx[n - 3]; const c2 = <i32>this.vx[n - 2]
    const dst = this.numLocals + n - 3
    this.begin()
    this.emit(OP_SELCC); this.emit(s); this.emit(c1); this.emit(c2); this.emit(dst)
    this.lastDst = this.code.length - 1
    this.pop(); this.pop(); this.pop()
    this.push(T_I32)
    return true
  }

  // At an i32.add of the two top values of the run-time stack (begin() just ran): `global.get g;
  // local.get a; i32.const s; i32.shl` pushed before it become one OP_GIDX, a pushed sigma
  // becomes one OP_SIGMA_ADD. False (nothing changed) otherwise.
  addIndexed (): bool {
    const code = this.code
    const l = this.last2
    if (l < 0 || l < this.barrier || l >= code.length) return false
    if ((code[l] == OP_SIGMA_R || code[l] == OP_SIGMA_S) && code.length == l + 5) {
      code[l] = OP_SIGMA_ADD + code[l] - OP_SIGMA_R
      this.last = l
    } else {
      const g = this.last3
      if (g < 0 || g < this.barrier || g + 2 != l || code.length != l + 3 || code[g] != 0x23 || code[l] != FUSE_LC + 16) return false
      const a = code[l + 1]; const sh = code[l + 2]
      code[g] = OP_GIDX
      code[g + 2] = a
      code[g + 3] = sh
      code.length = g + 4
      this.last = g
    }
    this.last2 = -1
    this.forgetOlder()
    this.lastPush = false
    return true
  }

  // At the last xor of `(x rotr c1 ^ x rotr c2) ^ x rotr|shr_u c3`, all pushed on the run-time
  // stack (begin() just ran for the xor): replaces the five instructions with one OP_SIGMA_*.
  sigma (): bool {
    const code = this.code
    // starts of: rotate c3, first xor, rotate c2, rotate c1
    const r3 = this.last2; const x1 = this.last3; const r2 = this.last4; const r1 = this.last5
    if (r1 < 0 || r1 < this.barrier || r2 != r1 + 3 || x1 != r2 + 3 || r3 != x1 + 1 || code.length != r3 + 3) return false
    const ROTR = FUSE_LC + 20
    const c = code[r3]
    if ((c != ROTR && c != FUSE_LC + 18) || code[x1] != 0x73 || code[r1] != ROTR || code[r2] != ROTR) return false
    const x = code[r1 + 1]
    if (code[r2 + 1] != x || code[r3 + 1] != x) return false
    const c1 = code[r1 + 2]; const c2 = code[r2 + 2]; const c3 = code[r3 + 2]
    code.length = r1
    code.push(c == ROTR ? OP_SIGMA_R : OP_SIGMA_S)
    code.push(x); code.push(c1); code.push(c2); code.push(c3)
    this.last = r1
    this.last2 = -1
    this.forgetOlder()
    this.lastPush = false
    return true
  }

  // The 3-address form of sigma(): at the last xor, `d = d ^ d1` after `d = x rotr c1;
  // d1 = x rotr c2; d = d ^ d1; d1 = x rotr|shr_u c3` (begin() just ran): replaces the four
  // with one OP_SIGMA3_*, whose dst the caller emits. x must be neither d nor d1 (it is read
  // after they are written), and d, d1 the operand slots at the top (d1 is dead afterwards).
  sigma3 (sa: i32, sb: i32, dst: i32): bool {
    const code = this.code
    const r1 = this.last5; const r2 = this.last4; const x1 = this.last3; const r3 = this.last2
    if (r1 < 0 || r1 < this.barrier || r2 != r1 + 4 || x1 != r2 + 4 || r3 != x1 + 4 || code.length != r3 + 4) return false
    const ROTR = FUSE_LCS + 20
    const c = code[r3]
    if (code[r1] != ROTR || code[r2] != ROTR || code[x1] != FUSE_LLS + 15 || (c != ROTR && c != FUSE_LCS + 18)) return false
    const x = code[r1 + 1]; const d = code[r1 + 3]; const d1 = code[r2 + 3]
    // d and d1 operand slots (d1 dead after the xor), not locals the sequence also wrote
    if (code[r2 + 1] != x || code[r3 + 1] != x || x == d || x == d1 || d < this.numLocals || d1 != d + 1) return false
    if (code[x1 + 1] != d || code[x1 + 2] != d1 || code[x1 + 3] != d || code[r3 + 3] != d1) return false
    if (sa != d || sb != d1 || dst != d) return false
    const c1 = code[r1 + 2]; const c2 = code[r2 + 2]; const c3 = code[r3 + 2]
    code.length = r1
    code.push(c == ROTR ? OP_SIGMA3_R : OP_SIGMA3_S)
    code.push(x); code.push(c1); code.push(c2); code.push(c3)
    this.last = r1
    this.last2 = -1
    this.forgetOlder()
    return true
  }

  // The 3-address form of ch (andXor): at its xor, `d = d ^ d1` after `d = a & b; d1 = e ^ c;
  // d1 = d1 & g` (begin() just ran): replaces the four with one OP_CHX3, whose dst the caller
  // emits. OP_CHX3 reads every operand before writing d, the original wrote d first: e and g
  // must not be d (d1, dead afterwards, may be e).
  chx3 (sa: i32, sb: i32, dst: i32): bool {
    const code = this.code
    const r1 = this.last4; const r2 = this.last3; const r3 = this.last2
    if (r1 < 0 || r1 < this.barrier || r2 != r1 + 4 || r3 != r2 + 4 || code.length != r3 + 4) return false
    if (code[r1] != FUSE_LLS + 13 || code[r2] != FUSE_LCS + 15 || code[r3] != FUSE_LLS + 13) return false
    const d = code[r1 + 3]; const d1 = code[r2 + 3]
    const e = code[r2 + 1]; const g = code[r3 + 2]
    if (d < this.numLocals || d1 != d + 1 || code[r3 + 1] != d1 || code[r3 + 3] != d1 || e == d || g == d) return false
    if (sa != d || sb != d1 || dst != d) return false
    const a = code[r1 + 1]; const b = code[r1 + 2]; const c = code[r2 + 2]
    code.length = r1
    code.push(OP_CHX3)
    code.push(a); code.push(b); code.push(e); code.push(c); code.push(g)
    this.last = r1
    this.last2 = -1
    this.forgetOlder()
    return true
  }

  // At the last xor of sha256's ch, `(a & b) ^ ((e ^ c) & g)` (e ^ -1: not e), or maj,
  // `(p & q) ^ ((r & s) ^ (t & u))`, of locals, all pushed on the run-time stack (begin() just
  // ran for the xor): replaces the four or five instructions with one OP_CHX / OP_MAJX. The
  // instructions are adjacent, so no local is written between their reads.
  andXor (): bool {
    const code = this.code
    const AND = FUSE_LL + 13
    const p = this.last2
    if (p < 0 || p < this.barrier || p >= code.length) return false
    if (code[p] == FUSE_SL + 13) {
      // ch: and (a b), xor (e c), and (g) on the stack
      const r1 = this.last4; const r2 = this.last3
      if (r1 < 0 || r1 < this.barrier || r2 != r1 + 3 || p != r2 + 3 || code.length != p + 2) return false
      if (code[r1] != AND || code[r2] != FUSE_LC + 15) return false
      const a = code[r1 + 1]; const b = code[r1 + 2]; const e = code[r2 + 1]; const c = code[r2 + 2]; const g = code[p + 1]
      code.length = r1
      code.push(OP_CHX)
      code.push(a); code.push(b); code.push(e); code.push(c); code.push(g)
      this.last = r1
    } else if (code[p] == 0x73) {
      // maj: three ands of locals, a xor of the last two
      const r1 = this.last5; const r2 = this.last4; const r3 = this.last3
      if (r1 < 0 || r1 < this.barrier || r2 != r1 + 3 || r3 != r2 + 3 || p != r3 + 3 || code.length != p + 1) return false
      if (code[r1] != AND || code[r2] != AND || code[r3] != AND) return false
      const q = code.slice(r1, r3 + 3)
      code.length = r1
      code.push(OP_MAJX)
      code.push(q[1]); code.push(q[2]); code.push(q[4]); code.push(q[5]); code.push(q[7]); code.push(q[8])
      this.last = r1
      // a sigma pushed just before stays known (for OP_SIGMA_MAJ)
      const s = this.last6
      this.last2 = s >= 0 && s >= this.barrier && s + 5 == r1 && code[s] == OP_SIGMA_R ? s : -1
    } else return false
    if (code[this.last] != OP_MAJX) this.last2 = -1
    this.forgetOlder()
    this.lastPush = false
    return true
  }

  // Opens a block at the current code position: where a loop jumps back to, and a barrier that
  // no fusion crosses (the start of a block is a branch target).
  openCtrl (op: u8, params: StaticArray<u8>, results: StaticArray<u8>): Ctrl {
    const c = this.pushCtrl(op, params, results)
    c.loopPc = this.code.length
    this.barrier = this.code.length
    return c
  }

  // Branch to label depth `d`: emits the target (or records a fixup), arity and height.
  emitTarget (d: u32): void {
    const c = this.ctrls[this.ctrls.length - 1 - <i32>d]
    if (c.op == 0x03) this.emit(c.loopPc)
    else {
      c.fixups.push(this.code.length)
      this.emit(-1)
    }
  }

  // `br` back to a loop that starts with `if <compare>`: rather than jumping to the compare,
  // repeat it inverted, jumping into the if's body when it holds and else on to the if's false
  // target, so that an iteration costs one conditional jump instead of a jump and a conditional
  // jump. Only when no value moves (a plain jump) and the compare reads locals, constants or
  // slots below the loop, which the loop body does not change, or the slot that a load at the
  // loop start computed for it (OP_LDLC, e.g. a length): that load is repeated too. False if not
  // applicable.
  rotateLoop (d: u32): bool {
    const i = this.ctrls.length - 1 - <i32>d
    const l = this.ctrls[i]
    if (l.op != 0x03 || l.params.length != 0 || this.vals.length != l.height || i + 1 >= this.ctrls.length) return false
    const f = this.ctrls[i + 1]
    if (f.op != 0x04) return false
    const code = this.code
    const l0 = l.loopPc
    if (l0 < 0 || l0 >= code.length) return false
    // a load computing the compare's operand first (a length read: OP_LDLC) is repeated with it
    const h = (code[l0] == OP_LDLC || code[l0] == OP_LDLC + 1) && l0 + 5 < code.length ? 5 : 0
    const p = l0 + h
    const op = code[p]
    let len = 4
    let inv = 0
    if (op >= FUSE_JLC_T && op < FUSE_JLC_T + 10) inv = op - FUSE_JLC_T + FUSE_JLC_F
    else if (op >= FUSE_JLC_F && op < FUSE_JLC_F + 10) inv = op - FUSE_JLC_F + FUSE_JLC_T
    else if (op >= FUSE_JLL_T && op < FUSE_JLL_T + 10) inv = op - FUSE_JLL_T + FUSE_JLL_F
    else if (op >= FUSE_JLL_F && op < FUSE_JLL_F + 10) inv = op - FUSE_JLL_F + FUSE_JLL_T
    else if (op >= FUSE64_JLL_T && op < FUSE64_JLL_T + 10) inv = op - FUSE64_JLL_T + FUSE64_JLL_F
    else if (op >= FUSE64_JLL_F && op < FUSE64_JLL_F + 10) inv = op - FUSE64_JLL_F + FUSE64_JLL_T
    else if (op >= FUSE64_JLX_T && op < FUSE64_JLX_T + 10) inv = op - FUSE64_JLX_T + FUSE64_JLX_F
    else if (op >= FUSE64_JLX_F && op < FUSE64_JLX_F + 10) inv = op - FUSE64_JLX_F + FUSE64_JLX_T
    else if (op == OP_JZ || op == OP_JNZ) { inv = op == OP_JZ ? OP_JNZ : OP_JZ; len = 3 } else return false
    // it must be the if's own jump: the instruction at the loop start ends with the if's target
    if (f.ifFix != p + len - 1) return false
    const q = this.last2 // (the br began an instruction: this.last is code.length)
    // the step just before (x = x + c) with the read and the compare: run by the first (OP_ALJ)
    if (h == 5 && code[l0] == OP_LDLC && inv == FUSE_JLL_T + 2 && q >= 0 && q >= this.barrier && q + 4 == code.length && this.last == code.length &&
      code[q] == FUSE_LCS + 10 && code[q + 3] == code[p + 1]) {
      code[q] = OP_ALJ
      // a body of a byte read into a local and put at buf[pos++]: run with the step (OP_ALJ_CPY)
      const b = p + len
      if (q == b + 14 && code[b] == OP_LDLLR + 1 && code[b + 5] == OP_PUTB && code[b + 9] == OP_STGL + 1) code[q] = OP_ALJ_CPY
    }
    for (let k = 0; k < h; k++) code.push(code[l0 + k])
    code.push(inv)
    for (let k = 1; k < len - 1; k++) code.push(code[p + k])
    if (len == 4 && h == 0) {
      this.fuseAddJump(this.last)
      this.storeAddJump(p + len, this.last)
      // a body of a byte got at buf[pos++] and a multiply-add: run with the step (OP_AJ_GETMA)
      const q2 = this.last
      const b = p + len
      if (q2 == b + 14 && code.length == q2 + 5 && code[q2] == OP_AJ && code[b] == OP_GETBR && code[b + 4] == OP_LDGLR + 1 && code[b + 9] == OP_MULADD3) code[q2] = OP_AJ_GETMA
    }
    code.push(p + len)
    code.push(OP_JMP)
    f.ifAlso.push(code.length)
    code.push(-1)
    return true
  }

  emitBranch (op: i32, d: u32): void {
    const c = this.ctrls[this.ctrls.length - 1 - <i32>d]
    const arity = this.labelTypes(c).length
    const height = this.numLocals + c.height
    const cur = this.numLocals + this.vals.length
    if (op == OP_BR_IF) {
      if (cur - arity == height && this.fuseCmpJump(true)) {
        this.emitTarget(d)
        return
      }
      const inv = cur - arity == height && this.takeEqz()
      this.begin()
      if (inv) {
        this.emit(OP_JMP_IFZ)
        this.emitTarget(d)
        return
      }
    }
    if (cur - arity == height) {
      if (op == OP_BR) { this.jmps.push(this.code.length); this.jmpPush.push(-1); this.jmpPushSlot.push(-1); this.jmpIf.push(-1) }
      this.emit(op == OP_BR ? OP_JMP : OP_JMP_IF)
      this.emitTarget(d)
    } else {
      this.emit(op)
      this.emitTarget(d)
      this.emit(arity)
      this.emit(height)
    }
  }

  // local.get, constants, local.set/tee, drop and the no-op conversions in register form;
  // false for every other instruction.
  lazy (op: i32): bool {
    if (op == 0x20) {
      const x = this.u32()
      if (x >= <u32>this.numLocals) { this.fail('unknown local'); return true }
      this.pushLazy(this.localTypes[x], V_LOCAL, <i64>x)
      return true
    }
    if (op == 0x41) { const v = this.sleb(32); this.pushLazy(T_I32, V_CONST, v); return true }
    if (op == 0x42) { const v = this.sleb(64); this.pushLazy(T_I64, V_CONST, v); return true }
    if (op == 0x43) { const v = this.f32bits(); this.pushLazy(T_F32, V_CONST, <i64>v); return true }
    if (op == 0x44) { const v = this.f64bits(); this.pushLazy(T_F64, V_CONST, <i64>v); return true }
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (c.unreachable || n <= c.height) return false
    const top = this.vals[n - 1]
    if (op == 0x21 || op == 0x22) return this.setLocal(op == 0x22)
    if (op == 0x1a) {
      if (this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n) {
        this.begin()
        this.emit(0x1a)
        this.rsp--
      }
      this.pop()
      return true
    }
    // i32.wrap_i64 and the reinterpretations keep the bits of the slot: only the type changes
    let to: u8 = 0
    if (op == 0xa7 && top == T_I64) to = T_I32
    else if (op == 0xbc && top == T_F32) to = T_I32
    else if (op == 0xbd && top == T_F64) to = T_I64
    else if (op == 0xbe && top == T_I32) to = T_F32
    else if (op == 0xbf && top == T_I64) to = T_F64
    if (to == 0) return false
    this.vals[n - 1] = to
    return true
  }

  // A global.get, load (also an indexed one) or extend of a local that pushed the value being stored in local x:
  // rewritten to write x directly. False if the last instruction is none of those.
  retargetPush (code: Array<i32>, x: i32): bool {
    const l = this.last
    const p = code[l]
    if (p == 0x23 && code.length == l + 2) code[l] = OP_GGET
    else if ((p == FUSE_LOAD || p == FUSE_LOAD + 1 || p == FUSE_LOAD + 5) && code.length == l + 3) code[l] = OP_LDR + p - FUSE_LOAD
    else if ((p == FUSE_EXT || p == FUSE_EXT + 1) && code.length == l + 2) code[l] = OP_EXT_S + p - FUSE_EXT
    else if (p == OP_LDIDX && code.length == l + 6) code[l] = OP_LDIDXR
    else if ((p == OP_LDLL || p == OP_LDLL + 1) && code.length == l + 4) code[l] = OP_LDLLR + p - OP_LDLL
    else if ((p == OP_LDGL || p == OP_LDGL + 1) && code.length == l + 4) {
      code[l] = OP_LDGLR + p - OP_LDGL
      // the byte read at `a = pos; pos += c` (OP_GETB): both run by the first, into the slot (OP_GETBR)
      const q = this.last2
      if (p == OP_LDGL + 1 && q >= 0 && q >= this.barrier && q + 4 == l && code[q] == OP_GETB) code[q] = OP_GETBR
    } else return false
    code.push(x)
    return true
  }

  // The binop `op` (stack form, no immediates) that just computed slot from slot and slot + 1,
  // rewritten to write x: i32.add as OP_ADD_SET (which pops both), the others as their
  // 3-address form (the run-time stack pointer stays above both operands); false if op is not a
  // fusable binop.
  stackBinop3 (op: i32, slot: i32, x: i32): bool {
    if (op >= 0x100) return false
    const code = this.code
    if (op == 0x6a) {
      const m = this.last2
      if (m >= 0 && m >= this.barrier && m + 7 == this.last && code[m] == OP_MAJX) {
        // a pushed maj added to the value below it: one OP_MAJX_SET
        code[m] = OP_MAJX_SET
        code[m + 7] = x
        // just after a pushed sigma (the value below): both run by the first (OP_SIGMA_MAJ)
        const r = this.last3
        if (r >= 0 && r >= this.barrier && r + 5 == m && code[r] == OP_SIGMA_R) code[r] = OP_SIGMA_MAJ
        this.last = m
        this.last2 = -1
        this.lastPush = false
        this.rsp--
        return true
      }
      code[this.last] = OP_ADD_SET
      code.push(x)
      this.lastPush = false
      this.rsp--
      return true
    }
    let k = binopIndex(op)
    if (k >= 0) code[this.last] = FUSE_LLS + k
    else {
      k = binopIndex64(op)
      if (k < 0) return false
      code[this.last] = FUSE64_LLS + k
    }
    code.push(slot); code.push(slot + 1); code.push(x)
    this.lastPush = false
    this.rsp++
    return true
  }

  // local.set / local.tee x of the top operand (which is in the current block, see lazy()).
  setLocal (tee: bool): bool {
    const x = this.u32()
    if (this.err !== null) return true
    if (x >= <u32>this.numLocals) { this.fail('unknown local'); return true }
    const t = this.localTypes[x]
    const n = this.vals.length
    const d = n - 1
    if (this.vals[d] != t) { this.fail('type mismatch'); return true }
    const k = this.vk[d]
    const code = this.code
    const slot = this.numLocals + d
    // operands still reading local x must be saved before it changes
    let refs = false
    for (let e = 0; e < d; e++) if (this.vk[e] == V_LOCAL && this.vx[e] == <i64>x) { refs = true; break }
    if (k == V_TEMP && !refs && this.lastDst >= 0 && this.lastDst == code.length - 1 && code[this.lastDst] == slot && this.last >= this.barrier) {
      // the instruction that computed the value writes the local directly
      code[this.lastDst] = <i32>x
      this.lastDst = -1
    } else if (k == V_TEMP && !refs && this.lastPush && code.length == this.last + 3 && this.rsp == slot + 1 && this.last >= this.barrier) {
      // the same for a binop that pushed it: its 3-address form
      const p = code[this.last]
      const q = this.last2
      if (p == FUSE_LL + 10 && q >= 0 && q >= this.barrier && q + 7 == this.last && code[q] == OP_COPY3) {
        // right after three copies: one OP_COPY3_ADD (the copies first, as before)
        code[q] = OP_COPY3_ADD
        code[q + 7] = code[this.last + 1]
        code[q + 8] = code[this.last + 2]
        code[q + 9] = x
        // just after another: both run by the first (OP_COPY3_ADD2)
        const r = this.last3
        if (r >= 0 && r >= this.barrier && r + 10 == q && code[r] == OP_COPY3_ADD) code[r] = OP_COPY3_ADD2
        this.last = q
        this.last2 = -1
      } else {
        code[this.last] = p >= FUSE64_LL ? p - FUSE64_LL + FUSE64_LLS : p >= FUSE_LL ? p - FUSE_LL + FUSE_LLS : p - FUSE_LC + FUSE_LCS
        code.push(<i32>x)
      }
      this.lastPush = false
      this.rsp--
    } else if (k == V_TEMP && !refs && this.rsp == slot + 1 && this.last >= this.barrier && this.last >= 0 && code.length == this.last + 2 &&
      (code[this.last] == FUSE_SL + 10 || code[this.last] == FUSE_SL + 15)) {
      // the stack's top plus or xor a local, to a local: popped, one OP_SLSET
      code[this.last] = OP_SLSET + (code[this.last] == FUSE_SL + 15 ? 1 : 0)
      code.push(<i32>x)
      this.rsp--
    } else if (k == V_TEMP && !refs && this.rsp == slot + 1 && this.last >= this.barrier && this.last >= 0 && this.retargetPush(code, <i32>x)) {
      this.rsp--
    } else if (k == V_TEMP && !refs && this.rsp == slot + 1 && this.last >= this.barrier && this.last >= 0 && code.length == this.last + 1 && this.stackBinop3(code[this.last], slot, <i32>x)) {
      // a binop of the two top slots writes the local (stackBinop3 set rsp)
    } else {
      if (refs) for (let e = 0; e < d; e++) if (this.vk[e] == V_LOCAL && this.vx[e] == <i64>x) this.store1(e)
      this.begin()
      if (k == V_TEMP) {
        if (this.rsp == slot + 1) {
          // on top of the run-time stack: the stack form keeps the stack pointer known
          this.emit(tee ? 0x22 : 0x21)
          this.emit(<i32>x)
          if (!tee) {
            this.rsp--
            this.pop()
          }
          return true
        }
        this.copy(slot, <i32>x)
      } else if (k == V_LOCAL) {
        if (this.vx[d] != <i64>x) this.copy(<i32>this.vx[d], <i32>x)
      } else if (this.is64(t)) {
        this.emit(OP_SETC64); this.emit(<i32>x); this.emit(<i32>this.vx[d]); this.emit(<i32>(this.vx[d] >> 32))
      } else {
        this.emit(OP_SETC); this.emit(<i32>x); this.emit(<i32>this.vx[d])
      }
    }
    this.pop()
    if (tee) this.pushLazy(t, V_LOCAL, <i64>x)
    return true
  }
}
