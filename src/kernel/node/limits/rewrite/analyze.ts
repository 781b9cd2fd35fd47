// The first pass over a function body: its loops, their costs and calls, its direct calls.
import { Reader, u32At } from './bytes.ts'
import { bad } from './errors.ts'
import * as instructions from './instructions.ts'
import type { Instr } from './instructions.ts'
import type { BodyInfo, ModuleState } from './state.ts'
import { skipBlockType, skipValType } from './types.ts'

// V8 folds module-level constants into optimized code, not imported bindings: the loops below
// read the decoder and the kinds through local names.
const { decode, K_BLOCK, K_CALL, K_END, K_FUNC, K_LOOP } = instructions

/**
 * First pass over a body: each loop's cost (instructions directly in it), whether it calls
 * anything and its enclosing loop; the cost outside loops; the direct calls and where they are.
 */
export function analyze (m: ModuleState, r: Reader, params: number): BodyInfo {
  const b = r.b
  const groups = r.u32()
  let locals = params
  for (let i = 0; i < groups; i++) {
    locals += r.u32()
    skipValType(r)
  }
  const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
  const info: BodyInfo = {
    locals,
    params,
    entryCost: 0,
    calls: false,
    indirect: false,
    checked: false,
    loopCost: [],
    loopCalls: [],
    loopParent: [],
    loopParams: [],
    sites: [],
    tailTargets: [],
    branchesToFunc: false,
    cloneIndex: -1,
  }
  const { loopCost, loopCalls, loopParent, loopParams } = info
  const stack: number[] = [] // per open frame: its loop number, or -1 for other blocks
  let current = -1 // innermost loop
  let depth = 1
  while (depth > 0) {
    const start = r.pos
    decode(r, ins)
    if (current >= 0) loopCost[current]++
    else info.entryCost++
    const op = b[start]
    if (op === 0x0c || op === 0x0d || op === 0xd5 || op === 0xd6) {
      if (u32At(b, start + 1) === depth - 1) info.branchesToFunc = true
    } else if (op === 0x0e || op === 0x1f) {
      const tr = new Reader(b, start + 1, r.pos)
      if (op === 0x0e) {
        const n = tr.u32()
        for (let i = 0; i <= n; i++) if (tr.u32() === depth - 1) info.branchesToFunc = true
      } else {
        skipBlockType(tr)
        const n = tr.u32()
        for (let i = 0; i < n; i++) {
          if (tr.u8() <= 1) tr.u32()
          if (tr.u32() === depth - 1) info.branchesToFunc = true
        }
      }
    }
    switch (ins.kind) {
      case K_BLOCK: stack.push(-1); depth++; break
      case K_LOOP: {
        const id = loopCost.length
        loopCost.push(0)
        loopCalls.push(false)
        loopParent.push(current)
        loopParams.push(blockHasParams(m, new Reader(b, start + 1, r.pos)))
        stack.push(id)
        current = id
        depth++
        break
      }
      case K_END: {
        depth--
        if (depth > 0) {
          const top = stack.pop()!
          if (top >= 0) {
            current = loopParent[top]
            if (loopCalls[top] && current >= 0) loopCalls[current] = true
          }
        }
        break
      }
      case K_CALL: case K_FUNC:
        if (b[start] === 0x12) info.tailTargets.push(ins.idx)
        else if (b[start] === 0x13 || b[start] === 0x15) info.tailTargets.push(-1)
        // A call followed by `unreachable` (asc's and clang's abort paths) never comes back.
        if (r.pos < r.end && b[r.pos] === 0x00) break
        info.calls = true
        // Direct calls mark their loops once it is known whether the callee touches the fuel.
        if (ins.kind === K_FUNC) {
          info.sites.push({ target: ins.idx, loop: current })
        } else {
          info.indirect = true
          if (current >= 0) loopCalls[current] = true
        }
        break
    }
  }
  if (r.pos !== r.end) throw bad('function body does not end at its size')
  return info
}

/** Whether a loop's block type (bytes after the opcode) takes parameters. */
function blockHasParams (m: ModuleState, r: Reader): boolean {
  const t = r.b[r.pos]
  if (t === 0x40 || t === 0x63 || t === 0x64 || (t & 0x40) !== 0) return false // empty or one result
  const idx = r.u32()
  return (m.paramCounts[idx] ?? 0) > 0
}
