// The validator's operand and control stacks (the spec's appendix algorithm), with operand places.

import { FuncType, Module, T_ANY, T_EXTERNREF, T_FUNCREF } from './module'
import { Reader, isValType } from './reader'

// Where an operand of the validator's stack is at run time (register form, see Compiler.flush).
export const V_TEMP: u8 = 0 // in its own slot: numLocals + depth
export const V_LOCAL: u8 = 1 // not yet copied: still the value of local vx
export const V_CONST: u8 = 2 // not yet stored: the constant vx

export class Ctrl {
  op: u8 = 0 // 0x02 block, 0x03 loop, 0x04 if, 0x05 else, 0 function
  params: StaticArray<u8> = new StaticArray<u8>(0)
  results: StaticArray<u8> = new StaticArray<u8>(0)
  height: i32 = 0
  unreachable: bool = false
  fixups: Array<i32> = [] // code positions waiting for this label's end address
  loopPc: i32 = 0
  ifFix: i32 = -1 // position of the `if`'s false target
  ifAt: i32 = -1 // start of the `if`'s compare-and-jump when it is one (BodyCompiler: OP_RETL_LTC)
  ifAlso: Array<i32> = [] // other positions waiting for the same target (Compiler.rotateLoop)
}

export const EMPTY: StaticArray<u8> = new StaticArray<u8>(0)

export function isRef (t: u8): bool {
  return t == T_FUNCREF || t == T_EXTERNREF || t == T_ANY
}

// Type checking of a function body; the decoded module so far is `m`.
export class Validator extends Reader {
  m: Module = new Module()
  vals: Array<u8> = []
  // register form: for each operand of `vals`, where it is (V_*) and the local or constant
  vk: Array<u8> = []
  vx: Array<i64> = []
  npending: i32 = 0 // operands not in their slot (V_LOCAL / V_CONST)
  ctrls: Array<Ctrl> = []
  maxVals: i32 = 0
  numLocals: i32 = 0
  localTypes: Array<u8> = []

  push (t: u8): void {
    this.vals.push(t)
    this.vk.push(V_TEMP)
    this.vx.push(0)
    if (this.vals.length > this.maxVals) this.maxVals = this.vals.length
  }

  // Pushes an operand that is not in its slot yet: a local's value or a constant.
  pushLazy (t: u8, kind: u8, x: i64): void {
    this.push(t)
    const d = this.vals.length - 1
    this.vk[d] = kind
    this.vx[d] = x
    this.npending++
  }

  pop (): u8 {
    const c = this.ctrls[this.ctrls.length - 1]
    if (this.vals.length == c.height) {
      if (c.unreachable) return T_ANY
      this.fail('type mismatch')
      return T_ANY
    }
    if (this.vk.pop() != V_TEMP) this.npending--
    this.vx.pop()
    return this.vals.pop()
  }

  popT (t: u8): u8 {
    const a = this.pop()
    if (a != t && a != T_ANY && t != T_ANY) this.fail('type mismatch')
    return a == T_ANY ? t : a
  }

  pushCtrl (op: u8, params: StaticArray<u8>, results: StaticArray<u8>): Ctrl {
    const c = new Ctrl()
    c.op = op
    c.params = params
    c.results = results
    c.height = this.vals.length
    this.ctrls.push(c)
    for (let i = 0; i < params.length; i++) this.push(params[i])
    return c
  }

  popCtrl (): Ctrl {
    const c = this.ctrls[this.ctrls.length - 1]
    for (let i = c.results.length - 1; i >= 0; i--) this.popT(c.results[i])
    if (this.vals.length != c.height) this.fail('type mismatch')
    this.ctrls.pop()
    return c
  }

  labelTypes (c: Ctrl): StaticArray<u8> {
    return c.op == 0x03 ? c.params : c.results
  }

  unreachable (): void {
    const c = this.ctrls[this.ctrls.length - 1]
    for (let d = c.height; d < this.vals.length; d++) if (this.vk[d] != V_TEMP) this.npending--
    this.vals.length = c.height
    this.vk.length = c.height
    this.vx.length = c.height
    c.unreachable = true
  }

  blockType (): FuncType | null {
    if (this.pos >= this.end) { this.fail('unexpected end'); return null }
    const b = this.b[this.pos]
    if (b == 0x40) { this.pos++; return new FuncType(EMPTY, EMPTY) }
    if (isValType(b)) {
      this.pos++
      const r = new StaticArray<u8>(1)
      r[0] = b
      return new FuncType(EMPTY, r)
    }
    const x = this.sleb(33)
    if (x < 0 || x >= <i64>this.m.types.length) { this.fail('unknown type'); return null }
    return this.m.types[<i32>x]
  }

  labelAt (d: u32): Ctrl | null {
    if (d >= <u32>this.ctrls.length) { this.fail('unknown label'); return null }
    return this.ctrls[this.ctrls.length - 1 - <i32>d]
  }
}
