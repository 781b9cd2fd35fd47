// The code being emitted and the peephole window, with the stack-form fusions that only look back
// at the instructions just made (the rest of the compiler: Compiler, compile.ts).

import { FUSE_LC, FUSE_SC, OP_MULADD, OP_ROTOR, OP_SHLOR } from './opcodes'
import { Validator } from './validate'

// The code, where its last instructions start, and the last branch target (never fuse across it).
export class Emitter extends Validator {
  lastDst: i32 = -1 // code position of the destination slot of the last 3-address instruction
  lastPush: bool = false // the last instruction is a binop of locals/constants pushing its result
  code: Array<i32> = []
  // peephole state: start of the last two instructions, and the last branch target position
  // (never fuse across it)
  last: i32 = -1
  last2: i32 = -1
  last3: i32 = -1 // and the three before (only for OP_SIGMA_*)
  last4: i32 = -1
  last5: i32 = -1
  last6: i32 = -1
  barrier: i32 = 0
  // the starts of the last stack-form binops of a local and a constant, or of the stack's top
  // and a constant (FUSE_LC, FUSE_SC), each right after the one before (fuseRotOr)
  fz: StaticArray<i32> = new StaticArray<i32>(4)
  nfz: i32 = 0

  emit (w: i32): void { this.code.push(w) }

  // Notes a FUSE_LC/FUSE_SC just made at p: it continues the run of them if it starts where the
  // last one ended, else starts a new run.
  noteFz (p: i32): void {
    const fz = this.fz
    if (this.nfz > 0) {
      // (q may be past the end: a fusion since truncated the code)
      const q = unchecked(fz[this.nfz - 1])
      if (q >= p || q >= this.code.length || q + (this.code[q] >= FUSE_LC ? 3 : 2) != p) this.nfz = 0
    }
    if (this.nfz == 4) {
      unchecked(fz[0] = fz[1]); unchecked(fz[1] = fz[2]); unchecked(fz[2] = fz[3])
      this.nfz = 3
    }
    unchecked(fz[this.nfz] = p)
    this.nfz++
  }

  // An add of constant c to the stack's top, just after `local * c1` pushed (begin() just ran):
  // one OP_MULADD.
  fuseMulAdd (c: i32): bool {
    const code = this.code
    if (this.nfz < 1) return false
    const p = unchecked(this.fz[this.nfz - 1])
    if (p < this.barrier || p + 3 != code.length || this.last2 != p || code[p] != FUSE_LC + 12) return false
    code[p] = OP_MULADD
    code.push(c)
    // (the instruction before p stays known: an address pushed before the value, OP_STLMA)
    this.last = p
    this.last2 = this.last3
    this.last3 = this.last4
    this.last4 = this.last5
    this.last5 = this.last6
    this.last6 = -1
    this.nfz = 0
    return true
  }

  // `i32.or` of the stack's top two just after the top was shifted left by a constant (begin()
  // just ran): one OP_SHLOR.
  fuseShlOr (): bool {
    const code = this.code
    const l = this.last2
    if (l < 0 || l < this.barrier || l + 2 != code.length || this.last != code.length || code[l] != FUSE_SC + 16) return false
    code[l] = OP_SHLOR
    this.last = l
    this.last2 = -1
    this.forgetOlder()
    this.nfz = 0
    return true
  }

  // `i32.or` of two masked rotations of locals, the last four instructions: one OP_ROTOR.
  fuseRotOr (): bool {
    const code = this.code
    const fz = this.fz
    if (this.nfz < 4) return false
    const p1 = unchecked(fz[0]); const p2 = unchecked(fz[1]); const p3 = unchecked(fz[2]); const p4 = unchecked(fz[3])
    // (called from binop3 after begin(): the last instruction is then the one before)
    if (p1 < this.barrier || p1 + 3 != p2 || p2 + 2 != p3 || p3 + 3 != p4 || p4 + 2 != code.length || this.last2 != p4) return false
    if (code[p1] != FUSE_LC + 13 || code[p3] != FUSE_LC + 13) return false
    const o2 = code[p2]; const o4 = code[p4]
    if ((o2 != FUSE_SC + 19 && o2 != FUSE_SC + 20) || (o4 != FUSE_SC + 19 && o4 != FUSE_SC + 20)) return false
    const a = code[p1 + 1]; const m1 = code[p1 + 2]; const r1 = o2 == FUSE_SC + 19 ? code[p2 + 1] : -code[p2 + 1]
    const b = code[p3 + 1]; const m2 = code[p3 + 2]; const r2 = o4 == FUSE_SC + 19 ? code[p4 + 1] : -code[p4 + 1]
    code.length = p1
    code.push(OP_ROTOR); code.push(a); code.push(m1); code.push(r1 & 31); code.push(b); code.push(m2); code.push(r2 & 31)
    this.last = p1
    this.last2 = -1
    this.forgetOlder()
    this.nfz = 0
    return true
  }

  // Forgets where the instructions before the last two start: a fusion made them one.
  forgetOlder (): void {
    this.last3 = -1
    this.last4 = -1
    this.last5 = -1
    this.last6 = -1
  }

  // The last instruction was taken out (condJump re-emits it as a compare-and-jump): the one
  // before it is the last again, so that fuseAddJump sees a loop's step before its test.
  dropLast (): void {
    this.last = this.last2
    this.last2 = -1
    this.forgetOlder()
  }

  // Marks the start of an instruction (for the peephole optimizer).
  begin (): void {
    this.last6 = this.last5
    this.last5 = this.last4
    this.last4 = this.last3
    this.last3 = this.last2
    this.last2 = this.last
    this.last = this.code.length
    this.lastDst = -1
    this.lastPush = false
  }

  // Replaces the instructions from `from` on with a fused one; returns true.
  refuse (from: i32, op: i32, a: i32, b: i32, words: i32): bool {
    this.code.length = from
    this.code.push(op)
    if (words > 0) this.code.push(a)
    if (words > 1) this.code.push(b)
    this.last = from
    this.last2 = -1
    return true
  }
}
