// The second pass: the code section, each body copied with its fuel checks, plus the clones.
import { Reader, u32At, Writer } from './bytes.ts'
import { bad, unsupported } from './errors.ts'
import * as instructions from './instructions.ts'
import type { Instr } from './instructions.ts'
import type { BodyInfo, ModuleState } from './state.ts'
import { skipBlockType, skipValType } from './types.ts'

// V8 folds module-level constants into optimized code, not imported bindings: the loops below
// read the decoder and the kinds through local names.
const { copyInstr, decode, K_BLOCK, K_CALL, K_END, K_FUNC, K_LOOP, K_PLAIN } = instructions

export function codeSection (m: ModuleState): Uint8Array {
  const n = m.infos.length
  // Room for the bodies as they were plus the checks: one buffer for the whole section in most
  // modules, and one scratch buffer for every body rather than one each.
  let size = 16
  for (let i = 0; i < n; i++) size += m.bodies[i].end - m.bodies[i].pos
  for (const i of m.cloned) size += m.bodies[i].end - m.bodies[i].pos
  const w = new Writer(Math.ceil(size * 1.25) + 8 * (n + m.cloned.length))
  const f = new Writer(4096)
  w.u32(n + m.cloned.length)
  for (let i = 0; i < n; i++) {
    f.len = 0
    const info = m.infos[i]
    if (info.cloneIndex >= 0) {
      // The original index stays a plain entry point: it charges the clone's entry (the clone's
      // callers pay for it, see emitBody) and passes the global's fuel to the clone.
      const params = m.paramCounts[m.funcTypes[i]] ?? 0
      f.u32(1); f.u32(1); f.u8(0x7f) // one i32 local after the parameters: the fuel
      checkFromGlobal(m, f, info.entryCost, params)
      for (let p = 0; p < params; p++) { f.u8(0x20); f.u32(p) }
      f.u8(0x20); f.u32(params)
      f.u8(0x10); f.u32(info.cloneIndex)
      f.u8(0x24); f.u32(m.fuelGlobal)
      f.u8(0x0b)
    } else {
      emitBody(m, new Reader(m.bodies[i].b, m.bodies[i].pos, m.bodies[i].end), info, f, -1)
    }
    w.sized(f)
  }
  for (const i of m.cloned) {
    f.len = 0
    emitBody(m, new Reader(m.bodies[i].b, m.bodies[i].pos, m.bodies[i].end), m.infos[i], f, m.importedFuncs + i)
    w.sized(f)
  }
  return w.result()
}

/**
 * Second pass: copies the body with the checks.
 *
 * The fuel lives in the global F between functions and in the added local L inside one. `dirty`
 * says L may hold consumption that F lacks: F is written back from L before anything reads F
 * (calls, the entry of a loop that calls, function exits). Writing L back is only right if L is
 * current on every path that reaches the write, so in a function with call-free loops L is kept
 * current everywhere: loaded from F at the entry and after every call that may change F (and at
 * exception handlers), not just before the loops. Loading it only before each loop was wrong
 * when a loop sits in a branch: after the merge, the path that skipped the loop wrote its stale
 * L (0 at first) to F, which then asked for a refuel at the next check, once per call.
 * `dirty` over-approximates; an extra write-back of a current L is harmless.
 *
 * With `self` (a function index), this writes the fuel-passing clone of that function: L is an
 * added last parameter, returned as an added last result, passed along on self-calls; F is only
 * written before and read after calls to other functions.
 */
function emitBody (m: ModuleState, r: Reader, info: BodyInfo, w: Writer, self: number): void {
  const b = r.b
  const bodyStart = r.pos
  const groups = r.u32()
  const localsStart = r.pos
  for (let i = 0; i < groups; i++) {
    r.u32()
    skipValType(r)
  }
  const localsEnd = r.pos
  const codeStart = r.pos
  const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
  const { loopCost, loopCalls, loopParams, locals } = info
  if (!info.checked && loopCost.length === 0) {
    // Bounded straight-line code: only function indices change.
    w.copy(b, bodyStart, localsEnd)
    r.pos = codeStart
    while (r.pos < r.end) {
      const start = r.pos
      decode(r, ins)
      copyInstr(b, start, r.pos, ins, w, m.shift)
    }
    return
  }
  if (locals >= 50000) throw unsupported('functions with 50000 locals or more')
  const clone = self >= 0
  const L = clone ? info.params : locals // the added parameter or local
  const F = m.fuelGlobal
  const store = (): void => { if (!clone) { w.u8(0x20); w.u32(L); w.u8(0x24); w.u32(F) } }
  const reload = (): void => { if (!clone) { w.u8(0x23); w.u32(F); w.u8(0x21); w.u32(L) } }

  if (clone) {
    w.copy(b, bodyStart, localsEnd)
  } else {
    w.u32(groups + 1)
    w.copy(b, localsStart, localsEnd)
    w.u32(1)
    w.u8(0x7f)
  }
  // Whether L must be kept current everywhere (see above): only call-free loops read it unchecked.
  const keepL = !clone && loopCalls.some((c) => !c)
  let dirty = false
  // In a clone, calls to itself are paid for by the caller (the clone's entry has no check):
  // `prepaid` is how many of the self-calls still ahead in this stretch of straight-line code
  // were charged, all at once, at the first of them (see prepay).
  let prepaid = 0
  if (clone) {
    // the wrapper, its only other caller, paid for this entry
  } else if (info.checked) {
    checkFromGlobal(m, w, info.entryCost, L)
  } else if (keepL) {
    reload()
  }
  interface Frame { loop: number, synth: number, cfl: boolean, entryDirty: boolean, catchTarget: boolean }
  const frames: Frame[] = [{ loop: -1, synth: 0, cfl: false, entryDirty: false, catchTarget: false }] // frames[0]: the function
  // Frames reached by a try_table catch read F: an exception from a call leaves L stale, so L is
  // reloaded there, and every other path to them writes L back first.
  const readsF = (f: Frame): boolean => f === frames[0] || f.catchTarget || (f.loop >= 0 && loopCalls[f.loop])
  // Maps a label index to the rewritten one (crossing added blocks) and says whether a branch
  // there reaches a place that reads F.
  let targetReadsF = false
  const label = (d: number): number => {
    if (d >= frames.length) throw bad('branch to a label out of range')
    let extra = 0
    for (let i = 0; i < d; i++) extra += frames[frames.length - 1 - i].synth
    if (readsF(frames[frames.length - 1 - d])) targetReadsF = true
    return d + extra
  }
  r.pos = codeStart
  let loop = 0
  while (r.pos < r.end) {
    const start = r.pos
    const op = b[start]
    decode(r, ins)
    switch (ins.kind) {
      case K_LOOP: {
        const id = loop++
        const callFree = !loopCalls[id]
        if (!callFree) {
          if (dirty) store()
          w.copy(b, start, r.pos)
          if (clone) checkInline(m, w, loopCost[id], L, 0x20, L)
          else checkInline(m, w, loopCost[id], L, 0x23, F)
          dirty = false
          frames.push({ loop: id, synth: 0, cfl: false, entryDirty: false, catchTarget: false })
          continue
        }
        // A call-free loop: L is current here (keepL), it counts there.
        dirty = true
        for (const f of frames) f.cfl = true
        if (loopParams[id]) {
          w.copy(b, start, r.pos)
          checkInline(m, w, loopCost[id], L, 0x20, L)
          frames.push({ loop: id, synth: 0, cfl: true, entryDirty: true, catchTarget: false })
        } else {
          // block bt; loop; block; loop bt  <check: br_if 1 to the refuel path>
          w.u8(0x02); w.copy(b, start + 1, r.pos)
          w.u8(0x03); w.u8(0x40)
          w.u8(0x02); w.u8(0x40)
          w.copy(b, start, r.pos)
          w.u8(0x20); w.u32(L)
          w.u8(0x41); w.s32(clampCost(loopCost[id]))
          w.u8(0x6b) // i32.sub
          w.u8(0x22); w.u32(L)
          w.u8(0x41); w.u8(0x00)
          w.u8(0x48) // i32.lt_s
          w.u8(0x0d); w.u8(0x01) // br_if 1
          frames.push({ loop: id, synth: 3, cfl: true, entryDirty: true, catchTarget: false })
        }
        continue
      }
      case K_BLOCK: {
        if (op === 0x1f) { // try_table: catch labels are resolved outside the new frame
          targetReadsF = false
          const t = new Writer()
          const tr = new Reader(b, start + 1, r.pos)
          skipBlockType(tr)
          t.bytes(b.subarray(start, tr.pos))
          const n = tr.u32()
          t.u32(n)
          for (let i = 0; i < n; i++) {
            const k = tr.u8()
            t.u8(k)
            if (k <= 1) t.u32(tr.u32())
            const d = tr.u32()
            t.u32(label(d))
            frames[frames.length - 1 - d].catchTarget = true
          }
          if (targetReadsF && dirty) { store(); dirty = false }
          w.bytes(t.result())
        } else {
          w.copy(b, start, r.pos)
        }
        frames.push({ loop: -1, synth: 0, cfl: false, entryDirty: dirty, catchTarget: false })
        continue
      }
      case K_END: {
        if (frames.length === 1) { // the function's end
          if (dirty) store()
          if (clone) { w.u8(0x20); w.u32(L) } // the added result
          w.u8(0x0b)
          continue
        }
        if (op === 0x18) { // delegate: leaves the try, then names a label outside it
          const f = frames.pop()!
          targetReadsF = false
          const d = label(u32At(b, start + 1))
          if (targetReadsF && dirty) { store(); dirty = false }
          w.u8(0x18); w.u32(d)
          if (f.cfl) frames[frames.length - 1].cfl = true
          continue
        }
        const f = frames.pop()!
        if (f.catchTarget && f.loop < 0) {
          // paths from inside write L back (branches: see readsF); exceptions leave F current
          if (dirty) store()
          w.u8(0x0b)
          if (keepL) reload()
          dirty = false
          if (f.cfl) frames[frames.length - 1].cfl = true
          continue
        }
        w.u8(0x0b)
        if (f.synth === 3) {
          // end of the original loop; then: br 2 (done); end; call refuel; i32.const cost; i32.add;
          // local.set L; br 0; end; unreachable; end. The cost is added back because re-entering
          // the loop charges it again: an iteration always runs after a refuel, whatever the budget.
          w.u8(0x0c); w.u8(0x02)
          w.u8(0x0b)
          w.u8(0x10); w.u32(m.refuelFunc)
          w.u8(0x41); w.s32(clampCost(loopCost[f.loop]))
          w.u8(0x6a) // i32.add
          w.u8(0x21); w.u32(L)
          w.u8(0x0c); w.u8(0x00)
          w.u8(0x0b)
          w.u8(0x00)
          w.u8(0x0b)
        }
        // Any path here may carry the frame's entry state or a call-free loop's consumption.
        if (f.cfl) frames[frames.length - 1].cfl = true
        if (f.cfl || f.entryDirty) dirty = true
        continue
      }
      case K_CALL: case K_FUNC: {
        if (op === 0x10 && !m.touches[ins.idx - m.importedFuncs] && ins.idx !== self) {
          // a call to an import or a bounded leaf: F stays as it is
          copyInstr(b, start, r.pos, ins, w, m.shift)
          continue
        }
        if (clone) {
          if (ins.kind === K_FUNC && ins.idx === self) {
            if (prepaid === 0) {
              prepaid = selfCallsAhead(b, start, r.end, self)
              checkInline(m, w, info.entryCost * prepaid, L, 0x20, L)
            }
            prepaid--
            w.u8(0x20); w.u32(L)
            w.u8(op); w.u32(info.cloneIndex)
            if (op === 0x10) { w.u8(0x21); w.u32(L) }
          } else {
            w.u8(0x20); w.u32(L); w.u8(0x24); w.u32(F)
            copyInstr(b, start, r.pos, ins, w, m.shift)
            w.u8(0x23); w.u32(F); w.u8(0x21); w.u32(L)
          }
          continue
        }
        if (dirty) store()
        dirty = false
        copyInstr(b, start, r.pos, ins, w, m.shift)
        // the callee may have used or refilled F (return_call does not come back)
        if (keepL && op !== 0x12 && op !== 0x13 && op !== 0x15) reload()
        continue
      }
    }
    switch (op) {
      case 0x05: { // else: control comes from the frame's entry
        const top = frames[frames.length - 1]
        dirty ||= top.entryDirty || top.cfl
        break
      }
      case 0x07: case 0x19: { // catch, catch_all: an exception from a call leaves L stale, F current
        copyInstr(b, start, r.pos, ins, w, m.shift)
        if (keepL) reload()
        dirty = false
        continue
      }
      case 0x08: case 0x0a: // throw, throw_ref: a handler reloads L from F
        if (dirty) store()
        dirty = false
        break
      case 0x0f: // return
        if (dirty) store()
        dirty = false
        if (clone) { w.u8(0x20); w.u32(L) }
        break
      case 0x20: case 0x21: case 0x22: { // local.get/set/tee: the clone's added parameter shifts locals
        if (!clone) break
        const idx = u32At(b, start + 1)
        w.u8(op); w.u32(idx >= info.params ? idx + 1 : idx)
        continue
      }
      case 0x0c: case 0x0d: case 0x09: case 0xd5: case 0xd6: { // br br_if rethrow br_on_null br_on_non_null
        targetReadsF = false
        const d = label(u32At(b, start + 1))
        if ((targetReadsF || op === 0x09) && dirty) { store(); dirty = false } // rethrow: as throw
        w.u8(op); w.u32(d)
        continue
      }
      case 0x0e: { // br_table
        targetReadsF = false
        const tr = new Reader(b, start + 1, r.pos)
        const n = tr.u32()
        const t = new Writer()
        t.u32(n)
        for (let i = 0; i <= n; i++) t.u32(label(tr.u32()))
        if (targetReadsF && dirty) { store(); dirty = false }
        w.u8(op)
        w.bytes(t.result())
        continue
      }
    }
    copyInstr(b, start, r.pos, ins, w, m.shift)
  }
}

/**
 * How many calls to `self` lie from `pos` to the end of its stretch of straight-line code: up to
 * the next instruction that opens, closes or leaves a block (a branch, return, throw, tail call,
 * unreachable) — the self-calls that run whenever the first of them does, unless something traps
 * or throws. Charging them together at the first halves the checks of a doubly recursive function
 * (fib), and a call that makes no calls of its own then runs no check at all.
 */
function selfCallsAhead (b: Uint8Array, pos: number, end: number, self: number): number {
  const r = new Reader(b, pos, end)
  const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
  let n = 0
  while (r.pos < end) {
    const op = b[r.pos]
    decode(r, ins)
    if (ins.kind === K_FUNC) {
      if (ins.idx === self) n++
      if (op === 0x12) break // return_call
      continue
    }
    if (ins.kind !== K_PLAIN) break // blocks, loops, ends, call_indirect/call_ref (maybe tail)
    // unreachable, else, catch, throw, rethrow, throw_ref, br, br_if, br_table, return, catch_all, br_on_null, br_on_non_null
    if (op === 0x00 || op === 0x05 || op === 0x07 || op === 0x08 || op === 0x09 || op === 0x0a || op === 0x0c ||
      op === 0x0d || op === 0x0e || op === 0x0f || op === 0x19 || op === 0xd5 || op === 0xd6) break
  }
  return n
}

function checkFromGlobal (m: ModuleState, w: Writer, cost: number, L: number): void {
  checkInline(m, w, cost, L, 0x23, m.fuelGlobal)
}

/**
 * `(global|local).get; i32.const cost; i32.sub; local.tee L; [global.set F]; i32.const 0; i32.lt_s;
 * if; call refuel; local.tee L; global.set F; end` — for function entries and loops that call.
 */
function checkInline (m: ModuleState, w: Writer, cost: number, L: number, getOp: number, from: number): void {
  const F = m.fuelGlobal
  w.u8(getOp); w.u32(from)
  w.u8(0x41); w.s32(clampCost(cost))
  w.u8(0x6b) // i32.sub
  w.u8(0x22); w.u32(L) // local.tee L
  if (getOp === 0x23) {
    w.u8(0x24); w.u32(F) // global.set F
    w.u8(0x20); w.u32(L) // local.get L
  }
  w.u8(0x41); w.u8(0x00) // i32.const 0
  w.u8(0x48) // i32.lt_s
  w.u8(0x04); w.u8(0x40) // if
  w.u8(0x10); w.u32(m.refuelFunc) // call refuel
  w.u8(0x22); w.u32(L) // local.tee L
  w.u8(0x24); w.u32(F) // global.set F
  w.u8(0x0b) // end
}

function clampCost (cost: number): number {
  return Math.max(1, Math.min(cost, 0x3fffffff))
}
