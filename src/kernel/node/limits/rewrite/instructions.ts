// Instruction decoding: finds where each instruction ends and which ones the rewrite must touch.
import type { Reader, Writer } from './bytes.ts'
import { bad, unsupported } from './errors.ts'
import { skipBlockType, skipValType } from './types.ts'

// Kinds the rewrite cares about; everything else is copied verbatim.
export const K_PLAIN = 0
export const K_BLOCK = 1 // block, if, try, try_table: opens a frame
export const K_LOOP = 2
export const K_END = 3 // end; also delegate, which closes a try
export const K_CALL = 4 // a call without a function index: call_indirect, call_ref, ...
export const K_FUNC = 5 // call / return_call: a call naming a function
export const K_REFFUNC = 6 // ref.func: names a function, no call

export interface Instr {
  kind: number
  /** For K_FUNC / K_REFFUNC: offset of the function index immediate and its value. */
  idxPos: number
  idx: number
}

function skipMemarg (r: Reader): void {
  const align = r.u32()
  if ((align & 0x40) !== 0) r.u32() // multi-memory: memory index follows
  r.skipLeb() // offset (u32, or u64 for memory64)
}

/** Decodes one instruction at r.pos, advancing past it. */
export function decode (r: Reader, out: Instr): void {
  out.idxPos = -1
  // The commonest instructions with one-byte immediates, read in place: the rewrite runs once
  // per process, mostly before V8 has optimised it, where every call counts.
  const b = r.b
  const end = r.end
  let pos = r.pos
  if (pos >= end) throw bad('unexpected end')
  const op = b[pos++]
  if (op >= 0x45 && op <= 0xc4) { r.pos = pos; out.kind = K_PLAIN; return } // numeric
  if (pos < end) {
    const imm = b[pos]
    if ((op >= 0x20 && op <= 0x24) || op === 0x41 || op === 0x42) { // locals, globals, i32/i64.const
      if (imm < 0x80) { r.pos = pos + 1; out.kind = K_PLAIN; return }
    } else if (op >= 0x28 && op <= 0x3e) { // loads, stores: align below 0x40 (no memory index), then offset
      if (imm < 0x40 && pos + 1 < end && b[pos + 1] < 0x80) { r.pos = pos + 2; out.kind = K_PLAIN; return }
    }
  }
  r.pos = pos
  if (op <= 0x01) { out.kind = K_PLAIN; return } // unreachable, nop
  switch (op) {
    case 0x02: case 0x04: case 0x06: // block, if, try
      skipBlockType(r); out.kind = K_BLOCK; return
    case 0x03: skipBlockType(r); out.kind = K_LOOP; return
    case 0x1f: { // try_table
      skipBlockType(r)
      const n = r.u32()
      for (let i = 0; i < n; i++) {
        const k = r.u8()
        if (k === 0x00 || k === 0x01) r.u32() // tag
        else if (k !== 0x02 && k !== 0x03) throw bad(`catch kind ${k}`)
        r.u32() // label
      }
      out.kind = K_BLOCK
      return
    }
    case 0x05: case 0x19: case 0x0a: case 0x0f: case 0x1a: case 0x1b: // else catch_all throw_ref return drop select
      out.kind = K_PLAIN; return
    case 0x0b: out.kind = K_END; return
    case 0x18: r.u32(); out.kind = K_END; return // delegate closes the try
    case 0x07: case 0x08: case 0x09: case 0x0c: case 0x0d: // catch throw rethrow br br_if
      r.u32(); out.kind = K_PLAIN; return
    case 0x0e: { // br_table
      const n = r.u32()
      for (let i = 0; i <= n; i++) r.u32()
      out.kind = K_PLAIN
      return
    }
    case 0x10: case 0x12: // call, return_call
      out.idxPos = r.pos; out.idx = r.u32(); out.kind = K_FUNC; return
    case 0x11: case 0x13: // call_indirect, return_call_indirect
      r.u32(); r.u32(); out.kind = K_CALL; return
    case 0x14: case 0x15: // call_ref, return_call_ref
      r.u32(); out.kind = K_CALL; return
    case 0x1c: { // select t*
      const n = r.u32()
      for (let i = 0; i < n; i++) skipValType(r)
      out.kind = K_PLAIN
      return
    }
    case 0x3f: case 0x40: // memory.size, memory.grow: memory index
      r.u32(); out.kind = K_PLAIN; return
    case 0x41: case 0x42: r.skipLeb(); out.kind = K_PLAIN; return
    case 0x43: r.skip(4); out.kind = K_PLAIN; return
    case 0x44: r.skip(8); out.kind = K_PLAIN; return
    case 0xd0: skipBlockType(r); out.kind = K_PLAIN; return // ref.null heap type
    case 0xd1: case 0xd3: case 0xd4: out.kind = K_PLAIN; return
    case 0xd2: out.idxPos = r.pos; out.idx = r.u32(); out.kind = K_REFFUNC; return
    case 0xd5: case 0xd6: r.u32(); out.kind = K_PLAIN; return // br_on_null, br_on_non_null
    case 0xfb: throw unsupported('GC instructions (0xFB prefix)')
    case 0xfc: decodeFC(r); out.kind = K_PLAIN; return
    case 0xfd: decodeFD(r); out.kind = K_PLAIN; return
    case 0xfe: decodeFE(r); out.kind = K_PLAIN; return
  }
  if (op >= 0x20 && op <= 0x26) { r.u32(); out.kind = K_PLAIN; return } // locals, globals, table.get/set
  if (op >= 0x28 && op <= 0x3e) { skipMemarg(r); out.kind = K_PLAIN; return } // loads, stores
  if (op >= 0x45 && op <= 0xc4) { out.kind = K_PLAIN; return } // numeric
  throw bad(`opcode 0x${op.toString(16)}`)
}

function decodeFC (r: Reader): void {
  const sub = r.u32()
  if (sub <= 7) return // saturating truncations
  switch (sub) {
    case 8: r.u32(); r.u32(); return // memory.init data mem
    case 9: r.u32(); return // data.drop
    case 10: r.u32(); r.u32(); return // memory.copy
    case 11: r.u32(); return // memory.fill
    case 12: r.u32(); r.u32(); return // table.init
    case 13: r.u32(); return // elem.drop
    case 14: r.u32(); r.u32(); return // table.copy
    case 15: case 16: case 17: r.u32(); return // table.grow/size/fill
  }
  throw bad(`opcode 0xfc ${sub}`)
}

function decodeFD (r: Reader): void {
  const sub = r.u32()
  if (sub <= 11 || sub === 92 || sub === 93) { skipMemarg(r); return } // loads, store, load_zero
  if (sub === 12 || sub === 13) { r.skip(16); return } // v128.const, i8x16.shuffle
  if (sub >= 21 && sub <= 34) { r.skip(1); return } // extract/replace lane
  if (sub >= 84 && sub <= 91) { skipMemarg(r); r.skip(1); return } // load/store lane
  if (sub <= 0x113) return // everything else, relaxed SIMD included, has no immediate
  throw bad(`opcode 0xfd ${sub}`)
}

function decodeFE (r: Reader): void {
  const sub = r.u32()
  if (sub === 3) { r.u8(); return } // atomic.fence
  if (sub <= 2 || (sub >= 0x10 && sub <= 0x4e)) { skipMemarg(r); return }
  throw bad(`opcode 0xfe ${sub}`)
}

/** Copies a constant expression up to and including its final `end`, renumbering functions. */
export function copyExpr (r: Reader, w: Writer, shift: (i: number) => number): void {
  const ins: Instr = { kind: 0, idxPos: -1, idx: 0 }
  let depth = 1
  while (depth > 0) {
    const start = r.pos
    decode(r, ins)
    if (ins.kind === K_BLOCK || ins.kind === K_LOOP) depth++
    else if (ins.kind === K_END) depth--
    copyInstr(r.b, start, r.pos, ins, w, shift)
  }
}

export function copyInstr (b: Uint8Array, start: number, end: number, ins: Instr, w: Writer, shift: (i: number) => number): void {
  if (ins.idxPos < 0) {
    w.copy(b, start, end)
    return
  }
  w.copy(b, start, ins.idxPos)
  w.u32(shift(ins.idx))
}
