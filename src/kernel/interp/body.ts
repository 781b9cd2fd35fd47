// One pass over a function body: validates each instruction and compiles it to internal code.

import { Func, T_ANY, T_F32, T_F64, T_FUNCREF, T_I32, T_I64 } from './module'
import {
  FC_BASE, FUSE_JLC_F, FUSE64_LL, FUSE64_LLS, FUSE_EXT, FUSE_LC, FUSE_LCS, FUSE_LDSS, FUSE_LL, FUSE_LLS, FUSE_LOAD, FUSE_SC,
  FUSE_STC, FUSE_STL, OP_BR, OP_BR_IF, OP_BR_TABLE, OP_COPY, OP_GGET, OP_GSET, OP_GSET_ADD, OP_GGET_ADD, OP_JMP, OP_RETL, OP_LDLC, OP_LDLL, OP_STLLC, OP_GIDX, OP_GADDL, OP_RET_ADD, OP_PUTB, OP_GETB, OP_SHL_LDGLR, OP_CALL_FAST, OP_GETBR, OP_GGET_GADDL, OP_CALL_AC, OP_RETL_LTC, OP_SHRST8, OP_MADST8, OP_MULADD, OP_STLMA, OP_GG_LD8,
  OP_CALL_IN, OP_JMP_IF, OP_JMP_IFZ, OP_LDGL, OP_LDGLR, OP_LDIDX, OP_LDR, OP_STGL, OP_SELECT, OP_STR, OP_STRC,
} from './opcodes'
import { Compiler } from './compile'
import { EMPTY, V_CONST, V_LOCAL, V_TEMP, isRef } from './validate'

// The per-instruction pass over a code section entry (codeEntry) and its instructions (body).
export class BodyCompiler extends Compiler {
  hasDataCountSection: bool = false

  memarg (maxAlign: u32): u32 {
    const align = this.u32()
    const offset = this.u32()
    if (this.m.mems.length == 0) this.fail('unknown memory')
    if (align > maxAlign) this.fail('alignment must not be larger than natural')
    return offset
  }

  codeEntry (f: Func): void {
    const size = this.u32()
    if (this.err !== null) return
    if (<u64>this.pos + size > <u64>this.end) { this.fail('unexpected end'); return }
    const bodyEnd = this.pos + <i32>size
    const savedEnd = this.end
    this.end = bodyEnd
    const t = f.type!
    const localTypes = new Array<u8>()
    for (let i = 0; i < t.params.length; i++) localTypes.push(t.params[i])
    const ngroups = this.count()
    let total: u64 = 0
    for (let i = 0; i < ngroups && this.err === null; i++) {
      const n = this.u32()
      total += n
      if (total > 50000) { this.fail('too many locals'); return }
      const vt = this.valType()
      for (let k: u32 = 0; k < n; k++) localTypes.push(vt)
    }
    if (this.err !== null) return
    this.localTypes = localTypes
    this.numLocals = localTypes.length
    f.numLocals = localTypes.length
    this.vals = []
    this.vk = []
    this.vx = []
    this.npending = 0
    this.rsp = this.numLocals
    this.lastDst = -1
    this.forgetOlder()
    this.ctrls = []
    this.code = []
    this.jmps = []
    this.jmpPush = []
    this.jmpPushSlot = []
    this.jmpIf = []
    this.maxVals = 0
    this.openCtrl(0, EMPTY, t.results)
    this.body(f)
    if (this.err !== null) return
    if (this.ctrls.length != 0) { this.fail('END opcode expected'); return }
    if (this.pos != bodyEnd) { this.fail('section size mismatch'); return }
    this.end = savedEnd
    // a jump to a `return` returns at once: a jump leaves the stack pointer as it is, so the
    // return finds the results where it would after the jump (typically `if ... else ... end`
    // closing the function)
    for (let i = 0; i < this.jmps.length; i++) {
      const p = this.jmps[i]
      const t = this.code[p + 1]
      if (this.code[p] == OP_JMP && t >= 0 && t < this.code.length && (this.code[t] == 0x0f || this.code[t] == OP_RETL)) {
        this.code[p] = this.code[t]
        this.code[p + 1] = this.code[t + 1]
        // `local.get a` pushed just before, to the slot returned: return a directly (the
        // instruction keeps its length; the jump, now a return, stays for jumps to it)
        const q = this.jmpPush[i]
        if (this.code[t] == OP_RETL && q >= 0 && this.code[q] == 0x20 && this.jmpPushSlot[i] == this.code[t + 1]) {
          this.code[q] = OP_RETL
          // and an `if (local < c)` whose then-branch it is returns it at once
          const j = this.jmpIf[i]
          if (j >= 0 && j + 4 == q && this.code[j] == FUSE_JLC_F + 2) this.code[j] = OP_RETL_LTC
        }
      }
    }
    f.maxStack = this.numLocals + this.maxVals + 1
    const code = new StaticArray<i32>(this.code.length)
    for (let i = 0; i < this.code.length; i++) unchecked(code[i] = this.code[i])
    f.code = code
  }

  // For a return of one result (`return`, or the function's `end`: atEnd): the slot to return
  // it from with OP_RETL (a constant is stored first), or -1 for the stack form. At the end,
  // branches to it leave the result in its own slot: a pending local only if there are none.
  retSlot (f: Func, atEnd: bool): i32 {
    const r = f.type!.results
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (r.length != 1 || c.unreachable || n <= c.height || this.vals[n - 1] != r[0]) return -1
    if (atEnd && (n != c.height + 1 || (this.vk[n - 1] == V_LOCAL && c.fixups.length > 0))) return -1
    if (this.vk[n - 1] == V_CONST) this.store1(n - 1)
    return this.slotOf(n - 1)
  }

  local (): u8 {
    const x = this.u32()
    if (x >= <u32>this.numLocals) { this.fail('unknown local'); return T_I32 }
    this.emit(<i32>x)
    return this.localTypes[x]
  }

  body (f: Func): void {
    const m = this.m
    while (this.err === null) {
      if (this.pos >= this.end) { this.fail('unexpected end of section or function'); return }
      const op = <i32>this.byte()
      if (this.lazy(op)) continue
      if (op >= 0x45 && op <= 0xc4) {
        if (!this.divConst(op) && !this.binop3(op) && !this.unop3(op)) {
          this.flush()
          this.numeric(op)
          this.rsp = this.numLocals + this.vals.length
        }
        continue
      }
      // control, calls, globals and memory accesses handle the pending operands themselves;
      // everything else works on the run-time stack
      const own = op <= 0x05 || op == 0x0b || op == 0x0c || op == 0x0d || op == 0x0f || op == 0x10 || op == 0x11 || op == 0x23 || op == 0x24 || (op >= 0x28 && op <= 0x3e)
      if (op == 0x1b && this.select3()) continue
      if (!own) this.flush()
      if (op == 0x00 || (!own && op != 0x21)) this.begin()
      this.keepRsp = false
      switch (op) {
        case 0x00: this.emit(op); this.unreachable(); break
        case 0x01: this.keepRsp = true; break
        case 0x02: case 0x03: {
          // operands live across a label are in their slots, and at a label (loop start, block
          // end) the run-time stack pointer is at the top of the operands
          if (op == 0x03) this.flush()
          else this.materialize()
          const bt = this.blockType()
          if (bt === null) return
          for (let i = bt.params.length - 1; i >= 0; i--) this.popT(bt.params[i])
          this.openCtrl(<u8>op, bt.params, bt.results)
          this.keepRsp = true
          break
        }
        case 0x04: {
          const bt = this.blockType()
          if (bt === null) return
          const cj = this.condJump(false)
          if (!cj) this.flush()
          this.popT(T_I32)
          for (let i = bt.params.length - 1; i >= 0; i--) this.popT(bt.params[i])
          const inv = !cj && this.takeEqz()
          const fused = cj || (!inv && this.fuseCmpJump(false))
          const c = this.openCtrl(0x04, bt.params, bt.results)
          if (!fused) {
            this.begin()
            this.emit(inv ? OP_JMP_IF : OP_JMP_IFZ)
          }
          c.ifFix = this.code.length
          c.ifAt = fused ? this.last : -1
          this.emit(-1)
          this.keepRsp = cj
          break
        }
        case 0x05: {
          const c = this.ctrls[this.ctrls.length - 1]
          if (c.op != 0x04) { this.fail('else without if'); return }
          this.flush()
          const l = this.last
          const pushed = l >= 0 && l >= this.barrier && l + 2 == this.code.length && this.code[l] == 0x20
          this.popCtrl()
          const e = this.openCtrl(0x05, c.params, c.results)
          e.fixups = c.fixups
          this.begin()
          this.jmpPush.push(pushed ? l : -1)
          this.jmpPushSlot.push(pushed ? this.rsp - 1 : -1)
          this.jmpIf.push(pushed && c.ifAlso.length == 0 && l == c.ifFix + 1 && c.ifAt >= 0 && c.ifAt + 3 == c.ifFix ? c.ifAt : -1)
          this.jmps.push(this.code.length)
          this.emit(OP_JMP)
          e.fixups.push(this.code.length)
          this.emit(-1)
          this.code[c.ifFix] = this.code.length
          for (let i = 0; i < c.ifAlso.length; i++) this.code[c.ifAlso[i]] = this.code.length
          this.barrier = this.code.length
          break
        }
        case 0x0b: {
          // the function's end with one result in a slot or pending from a local (that no
          // branch to this end has to provide): an OP_RETL of it, without the stack pointer
          const retl = this.ctrls.length == 1 ? this.retSlot(f, true) : -1
          if (retl < 0) this.flush()
          const c = this.popCtrl()
          if (this.err !== null) return
          if (c.op == 0x04) {
            // `if` without `else`: the missing branch passes the parameters through
            if (c.params.length != c.results.length) { this.fail('type mismatch'); return }
            for (let i = 0; i < c.params.length; i++) if (c.params[i] != c.results[i]) { this.fail('type mismatch'); return }
            // a rotated loop's exit jump (Compiler.rotateLoop) just before: it would land on the
            // next instruction, so it goes (the loop's test falls through to the end instead)
            const e = this.code.length
            const k = c.ifAlso.length - 1
            if (k >= 0 && c.ifAlso[k] == e - 1 && e - 2 >= this.barrier && this.code[e - 2] == OP_JMP) {
              this.code.length = e - 2
              c.ifAlso.pop()
            }
            this.code[c.ifFix] = this.code.length
            for (let i = 0; i < c.ifAlso.length; i++) this.code[c.ifAlso[i]] = this.code.length
          }
          for (let i = 0; i < c.fixups.length; i++) this.code[c.fixups[i]] = this.code.length
          this.barrier = this.code.length
          for (let i = 0; i < c.results.length; i++) this.push(c.results[i])
          if (this.ctrls.length == 0) {
            const l = this.last
            if (retl >= 0 && retl == this.numLocals && l >= 0 && this.code.length == l + 1 && this.code[l] == 0x6a && this.rsp == retl + 1) {
              // the sum falling through to the end returns at once (jumps to the end still land
              // on the OP_RETL after it)
              this.code[l] = OP_RET_ADD
            }
            this.begin()
            this.emit(retl >= 0 ? OP_RETL : 0x0f)
            this.emit(retl >= 0 ? retl : f.type!.results.length)
            return
          }
          break
        }
        case 0x0c: {
          const d = this.u32()
          const c = this.labelAt(d)
          if (c === null) return
          const lt = this.labelTypes(c)
          this.flush()
          for (let i = lt.length - 1; i >= 0; i--) this.popT(lt[i])
          for (let i = 0; i < lt.length; i++) this.push(lt[i])
          this.begin()
          if (!this.rotateLoop(d)) this.emitBranch(OP_BR, d)
          this.unreachable()
          break
        }
        case 0x0d: {
          const d = this.u32()
          const c = this.labelAt(d)
          if (c === null) return
          const lt = this.labelTypes(c)
          // a conditional jump that moves no values does not need the stack pointer
          const cj = this.vals.length - 1 - lt.length == c.height && this.condJump(true)
          if (!cj) this.flush()
          this.popT(T_I32)
          const got = new StaticArray<u8>(lt.length)
          for (let i = lt.length - 1; i >= 0; i--) got[i] = this.popT(lt[i])
          for (let i = 0; i < lt.length; i++) this.push(got[i])
          if (cj) this.emitTarget(d)
          else this.emitBranch(OP_BR_IF, d)
          this.keepRsp = cj
          break
        }
        case 0x0e: {
          const n = this.count()
          const depths = new Array<u32>()
          for (let i = 0; i <= n && this.err === null; i++) {
            const d = this.u32()
            if (this.labelAt(d) === null) return
            depths.push(d)
          }
          if (this.err !== null) return
          this.popT(T_I32)
          const dflt = this.ctrls[this.ctrls.length - 1 - <i32>depths[n]]
          const arity = this.labelTypes(dflt).length
          for (let i = 0; i <= n; i++) {
            const c = this.ctrls[this.ctrls.length - 1 - <i32>depths[i]]
            const lt = this.labelTypes(c)
            if (lt.length != arity) { this.fail('type mismatch'); return }
            // check the operands against each label's types without consuming them
            // (everything is in its slot: br_table comes after a flush)
            const saved = this.vals.slice()
            const cc = this.ctrls[this.ctrls.length - 1]
            const savedU = cc.unreachable
            for (let k = lt.length - 1; k >= 0; k--) this.popT(lt[k])
            this.vals = saved
            while (this.vk.length < saved.length) { this.vk.push(V_TEMP); this.vx.push(0) }
            cc.unreachable = savedU
          }
          this.emit(OP_BR_TABLE)
          this.emit(n)
          for (let i = 0; i <= n; i++) {
            const c = this.ctrls[this.ctrls.length - 1 - <i32>depths[i]]
            this.emitTarget(depths[i])
            this.emit(this.labelTypes(c).length)
            this.emit(this.numLocals + c.height)
          }
          this.unreachable()
          break
        }
        case 0x0f: {
          const retl = this.retSlot(f, false)
          if (retl < 0) this.flush()
          const r = f.type!.results
          for (let i = r.length - 1; i >= 0; i--) this.popT(r[i])
          this.begin()
          this.emit(retl >= 0 ? OP_RETL : 0x0f)
          this.emit(retl >= 0 ? retl : r.length)
          this.unreachable()
          break
        }
        case 0x10: {
          const x = this.u32()
          if (x >= <u32>m.funcTypes.length) { this.fail('unknown function'); return }
          this.flush()
          const top = this.numLocals + this.vals.length
          const t = m.types[m.funcTypes[x]]
          for (let i = t.params.length - 1; i >= 0; i--) this.popT(t.params[i])
          for (let i = 0; i < t.results.length; i++) this.push(t.results[i])
          this.begin()
          if (x >= <u32>m.numImportedFuncs) {
            // the last argument pushed just before (a local, or a local plus or minus a
            // constant) is pushed by the call itself
            const code = this.code
            const l = this.last2
            const ok = l >= 0 && l >= this.barrier
            if (ok && l + 3 == code.length && (code[l] == FUSE_LC + 10 || code[l] == FUSE_LC + 11)) {
              const c = code[l] == FUSE_LC + 10 ? code[l + 2] : -code[l + 2]
              code[l] = OP_CALL_AC
              code[l + 2] = c
              this.last = l
              this.last2 = -1
              this.forgetOlder()
            } else if (ok && l + 2 == code.length && code[l] == 0x20 && t.params.length > 0 &&
              (t.params[t.params.length - 1] == T_I32 || t.params[t.params.length - 1] == T_F32)) {
              // (a 32-bit value: the push writes the low half only, which is all that is read)
              code[l] = OP_CALL_AC
              this.emit(0)
              this.last = l
              this.last2 = -1
              this.forgetOlder()
            } else if (ok && l + 2 == code.length && code[l] == 0x41 && t.params.length > 1 && t.params[t.params.length - 1] == T_I32 &&
              this.last3 >= this.barrier && this.last3 + 2 == l && code[this.last3] == 0x41) {
              // two constants pushed last: the call pushes the second as the first's slot (top - 2,
              // just pushed) plus their difference (i32, wrapping)
              const c1 = code[l - 1]; const c2 = code[l + 1]
              code[l] = OP_CALL_AC
              code[l + 1] = top - 2
              this.emit(c2 - c1)
              this.last = l
              this.last2 = -1
              this.forgetOlder()
            } else this.emit(OP_CALL_FAST)
            this.emit(<i32>x)
            this.emit(OP_CALL_IN)
          } else this.emit(0x10)
          this.emit(<i32>x)
          break
        }
        case 0x11: {
          const y = this.u32()
          const x = this.u32()
          if (this.err !== null) return
          if (x >= <u32>m.tables.length) { this.fail('unknown table'); return }
          if (y >= <u32>m.types.length) { this.fail('unknown type'); return }
          if (m.tables[x].elem != T_FUNCREF) { this.fail('type mismatch'); return }
          this.flush()
          this.popT(T_I32)
          const t = m.types[y]
          for (let i = t.params.length - 1; i >= 0; i--) this.popT(t.params[i])
          for (let i = 0; i < t.results.length; i++) this.push(t.results[i])
          this.begin()
          this.emit(0x11)
          this.emit(<i32>y)
          this.emit(<i32>x)
          break
        }
        case 0x1a: this.pop(); this.emit(0x1a); break
        case 0x1b: {
          this.popT(T_I32)
          const a = this.pop()
          const b = this.pop()
          if ((isRef(a) && a != T_ANY) || (isRef(b) && b != T_ANY)) { this.fail('type mismatch'); return }
          if (a != b && a != T_ANY && b != T_ANY) { this.fail('type mismatch'); return }
          this.push(a == T_ANY ? b : a)
          this.emit(OP_SELECT)
          break
        }
        case 0x1c: {
          const n = this.u32()
          if (n != 1) { this.fail('invalid result arity'); return }
          const t = this.valType()
          this.popT(T_I32)
          this.popT(t)
          this.popT(t)
          this.push(t)
          this.emit(OP_SELECT)
          break
        }
        case 0x20: { this.emit(0x20); const t = this.local(); this.push(t); break }
        case 0x21: {
          const x = this.u32()
          if (x >= <u32>this.numLocals) { this.fail('unknown local'); return }
          this.popT(this.localTypes[x])
          const l1 = this.last
          const code = this.code
          if (l1 >= 0 && l1 >= this.barrier && code.length == l1 + 3) {
            const p = code[l1]
            if (p >= FUSE_LC && p < FUSE_LC + 21) { code[l1] = p - FUSE_LC + FUSE_LCS; code.push(<i32>x); break }
            if (p >= FUSE_LL && p < FUSE_LL + 21) { code[l1] = p - FUSE_LL + FUSE_LLS; code.push(<i32>x); break }
            if (p >= FUSE64_LL && p < FUSE64_LL + 21) { code[l1] = p - FUSE64_LL + FUSE64_LLS; code.push(<i32>x); break }
          }
          if (l1 >= 0 && l1 >= this.barrier && code.length == l1 + 2 && code[l1] == 0x20) {
            code[l1] = OP_COPY
            code.push(<i32>x)
            break
          }
          this.begin()
          this.emit(0x21)
          this.emit(<i32>x)
          break
        }
        case 0x22: { this.emit(0x22); const t = this.local(); this.popT(t); this.push(t); break }
        case 0x23: {
          const x = this.u32()
          if (x >= <u32>m.globals.length) { this.fail('unknown global'); return }
          this.begin()
          if (this.rsp == this.numLocals + this.vals.length) {
            this.emit(0x23)
            this.emit(<i32>x)
            this.push(m.globals[x].type)
            this.rsp++
          } else {
            this.emit(OP_GGET)
            this.emit(<i32>x)
            this.emit(this.numLocals + this.vals.length)
            this.push(m.globals[x].type)
            this.lastDst = this.code.length - 1
          }
          this.keepRsp = true
          break
        }
        case 0x24: {
          const x = this.u32()
          if (x >= <u32>m.globals.length) { this.fail('unknown global'); return }
          if (!m.globals[x].mutable) { this.fail('global is immutable'); return }
          const gt = m.globals[x].type
          const c = this.ctrls[this.ctrls.length - 1]
          const n = this.vals.length
          const code = this.code
          const l = this.last
          if (!c.unreachable && n > c.height && gt == T_I32 && this.vals[n - 1] == T_I32 && this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n &&
            this.lastPush && l >= this.barrier && code.length == l + 3 && (code[l] == FUSE_LC + 10 || code[l] == FUSE_LC + 11)) {
            // global = local +/- constant (a stack or heap pointer bump): one instruction
            const a = code[l + 1]
            const k = code[l + 2]
            const sub = code[l] == FUSE_LC + 11
            const l2 = this.last2
            if (l2 >= 0 && l2 >= this.barrier && l2 + 3 == l && code[l2] == OP_GGET && code[l2 + 1] == <i32>x && code[l2 + 2] == a) {
              // the global was just read into that local: read and bump it in one
              code[l2] = OP_GGET_ADD
              code[l2 + 3] = sub ? -k : k
              code.length = l2 + 4
              this.last = l2
              this.last2 = -1
              this.lastPush = false
              this.pop()
              this.rsp--
              this.keepRsp = true
              break
            }
            code[l] = OP_GSET_ADD
            code[l + 1] = <i32>x
            code[l + 2] = a
            code.push(sub ? -k : k)
            this.lastPush = false
            this.pop()
            this.rsp--
            this.keepRsp = true
            break
          }
          if (!c.unreachable && n > c.height && this.vals[n - 1] == gt && !(this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n)) {
            if (this.vk[n - 1] == V_CONST) this.store1(n - 1)
            this.begin()
            this.emit(OP_GSET)
            this.emit(<i32>x)
            this.emit(this.slotOf(n - 1))
            this.pop()
            this.keepRsp = true
            break
          }
          this.flush()
          this.popT(gt)
          this.begin()
          this.emit(0x24)
          this.emit(<i32>x)
          break
        }
        case 0x25: case 0x26: {
          const x = this.u32()
          if (x >= <u32>m.tables.length) { this.fail('unknown table'); return }
          const et = m.tables[x].elem
          if (op == 0x25) { this.popT(T_I32); this.push(et) } else { this.popT(et); this.popT(T_I32) }
          this.emit(op)
          this.emit(<i32>x)
          break
        }
        case 0x28: case 0x2a: case 0x34: case 0x35: this.load(op, 2); break
        case 0x29: case 0x2b: this.load(op, 3); break
        case 0x2c: case 0x2d: case 0x30: case 0x31: this.load(op, 0); break
        case 0x2e: case 0x2f: case 0x32: case 0x33: this.load(op, 1); break
        case 0x36: case 0x38: case 0x3e: this.store(op, 2); break
        case 0x37: case 0x39: this.store(op, 3); break
        case 0x3a: case 0x3c: this.store(op, 0); break
        case 0x3b: case 0x3d: this.store(op, 1); break
        case 0x3f: case 0x40: {
          if (this.byte() != 0) { this.fail('zero byte expected'); return }
          if (m.mems.length == 0) { this.fail('unknown memory'); return }
          if (op == 0x40) this.popT(T_I32)
          this.push(T_I32)
          this.emit(op)
          break
        }
        case 0x41: this.push(T_I32); this.emit(0x41); this.emit(<i32>this.sleb(32)); break
        case 0x42: {
          const v = this.sleb(64)
          this.push(T_I64); this.emit(0x42); this.emit(<i32>v); this.emit(<i32>(v >> 32))
          break
        }
        case 0x43: this.push(T_F32); this.emit(0x41); this.emit(<i32>this.f32bits()); break
        case 0x44: {
          const v = this.f64bits()
          this.push(T_F64); this.emit(0x42); this.emit(<i32>v); this.emit(<i32>(v >> 32))
          break
        }
        case 0xd0: { const t = this.refType(); this.push(t); this.emit(0xd0); break }
        case 0xd1: {
          const t = this.pop()
          if (!isRef(t)) { this.fail('type mismatch'); return }
          this.push(T_I32)
          this.emit(0xd1)
          break
        }
        case 0xd2: {
          const x = this.u32()
          if (x >= <u32>m.funcTypes.length) { this.fail('unknown function ' + x.toString()); return }
          if (!m.declaredRefs.has(x)) { this.fail('undeclared function reference'); return }
          this.push(T_FUNCREF)
          this.emit(0xd2)
          this.emit(<i32>x)
          break
        }
        case 0xfc: this.prefixed(); break
        default: this.fail('illegal opcode ' + op.toString(16)); return
      }
      if (!this.keepRsp) this.rsp = this.numLocals + this.vals.length
    }
  }

  // `global.get g; local.get a; (i32.const c; i32.add|sub;) i32.const s; i32.shl; i32.add;
  // i32.load`, all pushed, the add at l0 just emitted: one OP_LDIDX (a[i - 7] with a global base).
  loadIndexed (l0: i32, off: i32): bool {
    const code = this.code
    let g = -1; let a = 0; let c = 0; let s = 0
    const l2 = this.last2; const l3 = this.last3; const l4 = this.last4
    if (code.length != l0 + 1) return false
    if (l4 >= 0 && l4 >= this.barrier && l3 == l4 + 2 && l2 == l3 + 3 && l0 == l2 + 2 && code[l4] == 0x23 &&
      (code[l3] == FUSE_LC + 10 || code[l3] == FUSE_LC + 11) && code[l2] == FUSE_SC + 16) {
      g = l4; a = code[l3 + 1]; c = code[l3] == FUSE_LC + 10 ? code[l3 + 2] : -code[l3 + 2]; s = code[l2 + 1]
    } else if (l3 >= 0 && l3 >= this.barrier && l2 == l3 + 2 && l0 == l2 + 3 && code[l3] == 0x23 && code[l2] == FUSE_LC + 16) {
      g = l3; a = code[l2 + 1]; s = code[l2 + 2]
    }
    if (g < 0) return false
    const x = code[g + 1]
    code.length = g
    code.push(OP_LDIDX); code.push(x); code.push(a); code.push(c); code.push(s); code.push(off)
    this.last = g
    this.last2 = -1
    this.forgetOlder()
    this.lastPush = false
    return true
  }

  load (op: i32, align: u32): void {
    const off = this.memarg(align)
    let t = T_I32
    if (op == 0x29 || (op >= 0x30 && op <= 0x35)) t = T_I64
    else if (op == 0x2a) t = T_F32
    else if (op == 0x2b) t = T_F64
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (!c.unreachable && n > c.height && this.vals[n - 1] == T_I32 && !(this.vk[n - 1] == V_TEMP && this.rsp == this.numLocals + n)) {
      // register form: address slot, result in the address's slot (the stack form below when
      // the address is on top of the run-time stack)
      const a = n - 1
      if (this.vk[a] == V_LOCAL && this.rsp == this.numLocals + a && (op == 0x28 || op == 0x29 || op == 0x2d)) {
        this.begin()
        this.emit(FUSE_LOAD + op - 0x28); this.emit(<i32>this.vx[a]); this.emit(<i32>off)
        this.pop()
        this.push(t)
        this.rsp++
        this.keepRsp = true
        return
      }
      if (this.vk[a] == V_CONST) this.store1(a)
      this.begin()
      const code = this.code
      const p = this.last3
      const q = this.last2
      const d = this.numLocals + a
      if ((op == 0x28 || op == 0x2d) && this.vk[a] == V_TEMP && p >= 0 && p >= this.barrier && q == p + 3 && code.length == q + 4 &&
        code[p] == OP_GGET && code[q] == FUSE_LLS + 10 && code[q + 3] == d && code[p + 2] >= d) {
        // `global.get g` into a slot, added to another slot (3-address), loaded: one OP_LDGLR
        // (the global's slot is the address slot or above it, dead after the load)
        const sg = code[p + 2]
        const other = code[q + 1] == sg ? code[q + 2] : code[q + 2] == sg ? code[q + 1] : -1
        if (other >= 0 && other != sg) {
          const g = code[p + 1]
          code.length = p
          code.push(op == 0x28 ? OP_LDGLR : OP_LDGLR + 1); code.push(g); code.push(other); code.push(<i32>off); code.push(d)
          const r = this.last4
          // the index just computed as a local << s: both run by the first (OP_SHL_LDGLR)
          if (op == 0x28 && r >= 0 && r >= this.barrier && r + 4 == p && code[r] == FUSE_LCS + 16 && code[r + 3] == other) code[r] = OP_SHL_LDGLR
          // the byte at `a = pos; pos += c` read: both run by the first (OP_GETBR)
          if (op == 0x2d && r >= 0 && r >= this.barrier && r + 4 == p && code[r] == OP_GGET_ADD && code[r + 2] == other) code[r] = OP_GETBR
          this.last = p
          this.last2 = -1
          this.forgetOlder()
          this.lastDst = code.length - 1
          this.pop()
          this.push(t)
          this.keepRsp = true
          return
        }
      }
      const l = this.last2
      if ((op == 0x28 || op == 0x2d) && this.vk[a] == V_TEMP && l >= 0 && l >= this.barrier && code.length == l + 4 &&
        (code[l] == FUSE_LCS + 10 || code[l] == FUSE_LCS + 11) && code[l + 3] == d) {
        // the address was just computed as a slot +/- a constant into its slot: one OP_LDLC
        const src = code[l + 1]
        const k = code[l] == FUSE_LCS + 10 ? code[l + 2] : -code[l + 2]
        code.length = l
        code.push(op == 0x28 ? OP_LDLC : OP_LDLC + 1); code.push(src); code.push(k); code.push(<i32>off); code.push(d)
        this.last = l
        this.last2 = -1
        this.forgetOlder()
      } else {
        this.emit(OP_LDR + op - 0x28); this.emit(this.slotOf(a)); this.emit(<i32>off); this.emit(d)
      }
      this.lastDst = this.code.length - 1
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    const l0 = this.last
    if (!c.unreachable && n > c.height && (op == 0x28 || op == 0x2d) && this.vals[n - 1] == T_I32 && this.npending == 0 &&
      this.rsp == this.numLocals + n && l0 >= 0 && l0 >= this.barrier && this.code.length == l0 + 3 && this.code[l0] == OP_GADDL) {
      // `global.get g; local.get a; i32.add; i32.load`, the sum pushed (OP_GADDL): one OP_LDGL
      const code = this.code
      const x = code[l0 + 1]
      const a = code[l0 + 2]
      code.length = l0
      code.push(op == 0x28 ? OP_LDGL : OP_LDGL + 1); code.push(x); code.push(a); code.push(<i32>off)
      const q = this.last2
      // just after `a = pos; pos += c`: both run by the first (OP_GETB)
      if (op == 0x2d && q >= 0 && q >= this.barrier && q + 4 == l0 && (code[q] == OP_GGET_ADD || code[q] == OP_GGET_GADDL) && code[q + 2] == a) code[q] = OP_GETB
      this.last = l0
      // an OP_GETB stays known (retargetPush makes it an OP_GETBR when a local takes the byte)
      this.last2 = q >= 0 && q + 4 == l0 && code[q] == OP_GETB ? q : -1
      this.forgetOlder()
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    if (!c.unreachable && n > c.height && op == 0x28 && this.vals[n - 1] == T_I32 && this.npending == 0 &&
      this.rsp == this.numLocals + n && l0 >= 0 && l0 >= this.barrier && this.code.length == l0 + 4 && this.code[l0] == OP_GIDX) {
      // an indexed address just pushed, loaded: OP_LDIDX (no index offset)
      const code = this.code
      const x = code[l0 + 1]; const a = code[l0 + 2]; const sh = code[l0 + 3]
      code.length = l0
      code.push(OP_LDIDX); code.push(x); code.push(a); code.push(0); code.push(sh); code.push(<i32>off)
      this.last2 = -1
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    if (!c.unreachable && n > c.height && (op == 0x28 || op == 0x2d) && this.vals[n - 1] == T_I32 && this.npending == 0 &&
      this.rsp == this.numLocals + n && l0 >= 0 && l0 >= this.barrier && this.code.length == l0 + 3 && this.code[l0] == FUSE_LL + 10) {
      // `local.get a; local.get b; i32.add` pushed, loaded: one OP_LDLL (in place of the sum)
      this.code[l0] = op == 0x28 ? OP_LDLL : OP_LDLL + 1
      this.emit(<i32>off)
      this.last2 = -1
      this.lastPush = false
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    if (!c.unreachable && n > c.height && (op == 0x28 || op == 0x2d) && this.vals[n - 1] == T_I32 && this.npending == 0 &&
      this.rsp == this.numLocals + n && l0 >= 0 && l0 >= this.barrier && this.code.length == l0 + 3 &&
      (this.code[l0] == FUSE_LC + 10 || this.code[l0] == FUSE_LC + 11)) {
      // `local.get a; i32.const c; i32.add|sub` pushed, loaded: one OP_LDLC into the sum's slot,
      // which leaves the stack pointer below it
      const code = this.code
      if (code[l0] == FUSE_LC + 11) code[l0 + 2] = -code[l0 + 2]
      code[l0] = op == 0x28 ? OP_LDLC : OP_LDLC + 1
      code.push(<i32>off)
      code.push(this.numLocals + n - 1)
      this.lastDst = code.length - 1
      this.last2 = -1
      this.lastPush = false
      this.rsp--
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    if (!c.unreachable && n > c.height && op <= 0x2d && this.vals[n - 1] == T_I32 && this.npending == 0 && this.rsp == this.numLocals + n &&
      l0 >= 0 && l0 >= this.barrier && this.code.length == l0 + 1 && this.code[l0] == 0x6a) {
      // the address was just added on the stack (base + index): add and load in one
      if (op == 0x28 && this.loadIndexed(l0, <i32>off)) {
        this.pop()
        this.push(t)
        this.keepRsp = true
        return
      }
      this.code[l0] = FUSE_LDSS + op - 0x28
      this.emit(<i32>off)
      // a byte read at the sum of two globals just pushed: run by the first (OP_GG_LD8)
      const g1 = this.last3; const g2 = this.last2
      if (op == 0x2d && g1 >= 0 && g1 >= this.barrier && g1 + 2 == g2 && g2 + 2 == l0 && this.code[g1] == 0x23 && this.code[g2] == 0x23) this.code[g1] = OP_GG_LD8
      this.pop()
      this.push(t)
      this.keepRsp = true
      return
    }
    this.flush()
    this.popT(T_I32)
    this.push(t)
    const l1 = this.last
    if ((op == 0x28 || op == 0x29 || op == 0x2d) && l1 >= 0 && l1 >= this.barrier && this.code.length == l1 + 2 && this.code[l1] == 0x20) {
      this.refuse(l1, FUSE_LOAD + op - 0x28, this.code[l1 + 1], <i32>off, 2)
      return
    }
    this.begin()
    this.emit(op)
    this.emit(<i32>off)
  }

  store (op: i32, align: u32): void {
    const off = this.memarg(align)
    let t = T_I32
    if (op == 0x37 || op == 0x3c || op == 0x3d || op == 0x3e) t = T_I64
    else if (op == 0x38) t = T_F32
    else if (op == 0x39) t = T_F64
    const c = this.ctrls[this.ctrls.length - 1]
    const n = this.vals.length
    if (!c.unreachable && n - c.height >= 2 && this.vals[n - 2] == T_I32 && this.vals[n - 1] == t) {
      // register form: address and value slots, or an i32 constant value
      const a = n - 2
      const v = n - 1
      const base = this.numLocals
      if (this.vk[a] == V_TEMP && this.vk[v] == V_TEMP && this.rsp == base + n) {
        // both on top of the run-time stack: the stack form
        this.begin()
        // a byte computed just before from a local: the computation runs the store too
        const q = this.last2
        if (op == 0x3a && q >= 0 && q >= this.barrier) {
          if (q + 3 == this.last && this.code[q] == FUSE_LC + 18) this.code[q] = OP_SHRST8
          else if (q + 4 == this.last && this.code[q] == OP_MULADD) {
            this.code[q] = OP_MADST8
            // the address pushed just before, at two locals: an OP_STLMA before the three
            const r = this.last3
            if (r >= 0 && r >= this.barrier && r + 3 == q && this.code[r] == FUSE_LL + 10) {
              const code = this.code
              code.push(0)
              for (let k = q + 3; k >= r; k--) code[k + 1] = code[k]
              code[r] = OP_STLMA
              this.last = q + 5
              this.last2 = -1
              this.forgetOlder()
            }
          }
        }
        this.emit(op)
        this.emit(<i32>off)
        this.pop()
        this.pop()
        this.rsp -= 2
        this.keepRsp = true
        return
      }
      if (this.vk[a] == V_CONST) this.store1(a)
      const constVal = this.vk[v] == V_CONST && (op == 0x36 || op == 0x38 || op == 0x3a || op == 0x3b)
      if (this.vk[v] == V_CONST && !constVal) this.store1(v)
      if (this.vk[a] == V_TEMP && this.vk[v] != V_TEMP && this.rsp == base + n - 1) {
        // the address on top of the run-time stack, the value a local or a constant
        const code = this.code
        const l0 = this.last
        if (this.vk[v] == V_LOCAL && (op == 0x36 || op == 0x3a) && l0 >= 0 && l0 >= this.barrier &&
          code.length == l0 + 3 && code[l0] == OP_GADDL) {
          // `global.get g; local.get a; i32.add` (OP_GADDL); `local.get v; store`: one OP_STGL
          const x = code[l0 + 1]
          const la = code[l0 + 2]
          code.length = l0
          code.push(op == 0x36 ? OP_STGL : OP_STGL + 1); code.push(x); code.push(la); code.push(<i32>this.vx[v]); code.push(<i32>off)
          const q = this.last2
          // just after `a = pos; pos += c`: both run by the first (OP_PUTB)
          if (op == 0x3a && q >= 0 && q >= this.barrier && q + 4 == l0 && (code[q] == OP_GGET_ADD || code[q] == OP_GGET_GADDL) && code[q + 2] == la) code[q] = OP_PUTB
          this.last = l0
          this.last2 = -1
          this.forgetOlder()
          this.pop()
          this.pop()
          this.rsp--
          this.keepRsp = true
          return
        }
        if (constVal && (op == 0x36 || op == 0x3a) && l0 >= 0 && l0 >= this.barrier && code.length == l0 + 3 && code[l0] == FUSE_LL + 10) {
          // `local.get a; local.get b; i32.add` pushed, a constant stored there: one OP_STLLC
          code[l0] = op == 0x36 ? OP_STLLC : OP_STLLC + 1
          code.push(<i32>this.vx[v]); code.push(<i32>off)
          this.last2 = -1
          this.lastPush = false
          this.pop()
          this.pop()
          this.rsp--
          this.keepRsp = true
          return
        }
        this.begin()
        this.emit((constVal ? FUSE_STC : FUSE_STL) + op - 0x36)
        this.emit(<i32>this.vx[v])
        this.emit(<i32>off)
        this.pop()
        this.pop()
        this.rsp--
        this.keepRsp = true
        return
      }
      this.begin()
      this.emit((constVal ? OP_STRC : OP_STR) + op - 0x36)
      this.emit(this.slotOf(a))
      this.emit(constVal ? <i32>this.vx[v] : this.slotOf(v))
      this.emit(<i32>off)
      this.pop()
      this.pop()
      this.keepRsp = true
      return
    }
    this.flush()
    this.popT(t)
    this.popT(T_I32)
    this.begin()
    this.emit(op)
    this.emit(<i32>off)
  }

  un (a: u8, r: u8): void { this.popT(a); this.push(r) }
  bin (a: u8, r: u8): void { this.popT(a); this.popT(a); this.push(r) }

  numeric (op: i32): void {
    const l1 = this.last
    if (op == 0xa7 || (op >= 0xbc && op <= 0xbf)) {
      // i32.wrap_i64 and the reinterpretations leave the slot's bits as they are: no code
    } else if ((op == 0xac || op == 0xad) && l1 >= 0 && l1 >= this.barrier && this.code.length == l1 + 2 && this.code[l1] == 0x20) {
      this.code[l1] = FUSE_EXT + op - 0xac
      this.last2 = -1
    } else if (!this.fuseBinop(op)) {
      this.begin()
      this.emit(op)
    }
    if (op == 0x45) this.un(T_I32, T_I32)
    else if (op <= 0x4f) this.bin(T_I32, T_I32)
    else if (op == 0x50) this.un(T_I64, T_I32)
    else if (op <= 0x5a) this.bin(T_I64, T_I32)
    else if (op <= 0x60) this.bin(T_F32, T_I32)
    else if (op <= 0x66) this.bin(T_F64, T_I32)
    else if (op <= 0x69) this.un(T_I32, T_I32)
    else if (op <= 0x78) this.bin(T_I32, T_I32)
    else if (op <= 0x7b) this.un(T_I64, T_I64)
    else if (op <= 0x8a) this.bin(T_I64, T_I64)
    else if (op <= 0x91) this.un(T_F32, T_F32)
    else if (op <= 0x98) this.bin(T_F32, T_F32)
    else if (op <= 0x9f) this.un(T_F64, T_F64)
    else if (op <= 0xa6) this.bin(T_F64, T_F64)
    else {
      switch (op) {
        case 0xa7: this.un(T_I64, T_I32); break
        case 0xa8: case 0xa9: this.un(T_F32, T_I32); break
        case 0xaa: case 0xab: this.un(T_F64, T_I32); break
        case 0xac: case 0xad: this.un(T_I32, T_I64); break
        case 0xae: case 0xaf: this.un(T_F32, T_I64); break
        case 0xb0: case 0xb1: this.un(T_F64, T_I64); break
        case 0xb2: case 0xb3: this.un(T_I32, T_F32); break
        case 0xb4: case 0xb5: this.un(T_I64, T_F32); break
        case 0xb6: this.un(T_F64, T_F32); break
        case 0xb7: case 0xb8: this.un(T_I32, T_F64); break
        case 0xb9: case 0xba: this.un(T_I64, T_F64); break
        case 0xbb: this.un(T_F32, T_F64); break
        case 0xbc: this.un(T_F32, T_I32); break
        case 0xbd: this.un(T_F64, T_I64); break
        case 0xbe: this.un(T_I32, T_F32); break
        case 0xbf: this.un(T_I64, T_F64); break
        case 0xc0: case 0xc1: this.un(T_I32, T_I32); break
        default: this.un(T_I64, T_I64); break
      }
    }
  }

  prefixed (): void {
    const m = this.m
    const sub = this.u32()
    if (this.err !== null) return
    if (sub > 17) { this.fail('illegal opcode fc ' + sub.toString()); return }
    const op = FC_BASE + <i32>sub
    switch (sub) {
      case 0: case 1: this.un(T_F32, T_I32); this.emit(op); return
      case 2: case 3: this.un(T_F64, T_I32); this.emit(op); return
      case 4: case 5: this.un(T_F32, T_I64); this.emit(op); return
      case 6: case 7: this.un(T_F64, T_I64); this.emit(op); return
      case 8: {
        const x = this.u32()
        if (this.byte() != 0) { this.fail('zero byte expected'); return }
        if (!this.hasDataCountSection) { this.fail('data count section required'); return }
        if (m.mems.length == 0) { this.fail('unknown memory 0'); return }
        if (x >= <u32>m.dataCount) { this.fail('unknown data segment ' + x.toString()); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op); this.emit(<i32>x)
        return
      }
      case 9: {
        const x = this.u32()
        if (!this.hasDataCountSection) { this.fail('data count section required'); return }
        if (x >= <u32>m.dataCount) { this.fail('unknown data segment ' + x.toString()); return }
        this.emit(op); this.emit(<i32>x)
        return
      }
      case 10: case 11: {
        if (this.byte() != 0) { this.fail('zero byte expected'); return }
        if (sub == 10 && this.byte() != 0) { this.fail('zero byte expected'); return }
        if (m.mems.length == 0) { this.fail('unknown memory 0'); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op)
        return
      }
      case 12: {
        const y = this.u32()
        const x = this.u32()
        if (this.err !== null) return
        if (x >= <u32>m.tables.length) { this.fail('unknown table ' + x.toString()); return }
        if (y >= <u32>m.elems.length) { this.fail('unknown elem segment ' + y.toString()); return }
        if (m.tables[x].elem != m.elems[y].type) { this.fail('type mismatch'); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op); this.emit(<i32>x); this.emit(<i32>y)
        return
      }
      case 13: {
        const x = this.u32()
        if (x >= <u32>m.elems.length) { this.fail('unknown elem segment ' + x.toString()); return }
        this.emit(op); this.emit(<i32>x)
        return
      }
      case 14: {
        const x = this.u32()
        const y = this.u32()
        if (this.err !== null) return
        if (x >= <u32>m.tables.length || y >= <u32>m.tables.length) { this.fail('unknown table'); return }
        if (m.tables[x].elem != m.tables[y].elem) { this.fail('type mismatch'); return }
        this.popT(T_I32); this.popT(T_I32); this.popT(T_I32)
        this.emit(op); this.emit(<i32>x); this.emit(<i32>y)
        return
      }
      default: {
        // 15 table.grow, 16 table.size, 17 table.fill
        const x = this.u32()
        if (x >= <u32>m.tables.length) { this.fail('unknown table ' + x.toString()); return }
        const et = m.tables[x].elem
        if (sub == 15) { this.popT(T_I32); this.popT(et); this.push(T_I32) } else if (sub == 16) this.push(T_I32)
        else { this.popT(T_I32); this.popT(et); this.popT(T_I32) }
        this.emit(op); this.emit(<i32>x)
      }
    }
  }
}
