// The internal opcodes: wasm's, the 0xFC ones at FC_BASE, and the fused and register forms.

// Internal opcodes beyond the single-byte wasm ones: 0xFC-prefixed ops map to FC_BASE + subop.
export const FC_BASE: i32 = 0xe0
export const OP_JMP: i32 = 0xf8 // target
export const OP_JMP_IF: i32 = 0xf9 // target: br_if with nothing to move
export const OP_JMP_IFZ: i32 = 0x04 // target: `if`
export const OP_BR: i32 = 0x0c // target arity height
export const OP_BR_IF: i32 = 0x0d // target arity height
export const OP_BR_TABLE: i32 = 0x0e // n, (target arity height) * (n + 1)
export const OP_SELECT: i32 = 0x1b
// `call` of a function of the same module (not an import): no host check, no instance switch
export const OP_CALL_IN: i32 = 0x12 // funcidx
// Fused instructions (superinstructions), op = base + binopIndex(wasm op) for i32 binops. The
// numbering is dense so that the dispatch switch compiles to a single br_table.
export const FUSE_SC: i32 = 0x100 // <stack> op const c          : c
export const FUSE_LC: i32 = 0x115 // local a op const c          : a c
export const FUSE_LL: i32 = 0x12a // local a op local b          : a b
export const FUSE_LOAD: i32 = 0x13f // load from local a + offset : a offset (base + wasm op - 0x28)
export const FUSE_LCS: i32 = 0x145 // local y = local a op const c : a c y
export const FUSE_LLS: i32 = 0x15a // local y = local a op local b : a b y
// compare (binop index 0..9) and jump: if true (T) / if false (F)  : a c|b target
export const FUSE_JLC_T: i32 = 0x16f
export const FUSE_JLC_F: i32 = 0x179
export const FUSE_JLL_T: i32 = 0x183
export const FUSE_JLL_F: i32 = 0x18d
export const FUSE_SL: i32 = 0x197 // <stack> op local b         : b
export const OP_COPY: i32 = 0x1ac // local.get a; local.set b    : a b
// the same for i64 binops (binopIndex64), local operands only
export const FUSE64_LL: i32 = 0x1ad
export const FUSE64_SL: i32 = 0x1c2
export const FUSE64_LLS: i32 = 0x1d7
export const FUSE64_JLL_T: i32 = 0x1ec
export const FUSE64_JLL_F: i32 = 0x1f6
export const FUSE_EXT: i32 = 0x200 // local.get a; i64.extend_i32_s (+1: _u)   : a
// register form (Compiler.flush): operands and results are frame slots given as immediates
export const OP_LDR: i32 = 0x202 // + wasm op - 0x28: load        : addr offset dst
export const OP_STR: i32 = 0x210 // + wasm op - 0x36: store       : addr value offset
export const OP_STRC: i32 = 0x219 // + wasm op - 0x36: store of an i32 constant : addr c offset
// register form: set the value stack pointer to a slot; store a constant into a slot
export const OP_SETSP: i32 = 0x222 // slot
export const OP_SETC: i32 = 0x223 // slot c
export const OP_SETC64: i32 = 0x224 // slot lo hi
export const OP_JZ: i32 = 0x225 // slot target
export const OP_JNZ: i32 = 0x226 // slot target
export const OP_GGET: i32 = 0x227 // global dst
export const OP_GSET: i32 = 0x228 // global src
export const OP_EQZ: i32 = 0x229 // src dst (i32.eqz; +1: i64.eqz)
export const OP_EQZ64: i32 = 0x22a
export const OP_EXT_S: i32 = 0x22b // src dst (i64.extend_i32_s; +1: _u)
export const OP_EXT_U: i32 = 0x22c
// stores (+ wasm op - 0x36) of an i32 constant / of a local, the address on the stack
export const FUSE_STC: i32 = 0x22d // c offset
export const FUSE_STL: i32 = 0x236 // v offset
export const FUSE_LDSS: i32 = 0x23f // i32.add of the two top; load (+ wasm op - 0x28, to 0x2d) : offset
export const OP_GSET_ADD: i32 = 0x245 // global g = local a + c (i32)  : g a c
// i64 binop (binopIndex64) of a local/slot and a sign-extended i32 slot (`i64.extend_i32_s` of
// the second operand folded in), 3-address : a b y; compare-and-jump forms : a b target
export const FUSE64_LXS: i32 = 0x246
export const FUSE64_JLX_T: i32 = 0x25b
export const FUSE64_JLX_F: i32 = 0x265
// i32 x rotr c1 ^ x rotr c2 ^ x rotr|shr_u c3 (sha256's sigma functions), pushed : x c1 c2 c3
export const OP_SIGMA_R: i32 = 0x26f
export const OP_SIGMA_S: i32 = 0x270
// sha256's ch and maj, pushed: (a & b) ^ ((e ^ c) & g)                  : a b e c g
export const OP_CHX: i32 = 0x271
// (p & q) ^ (r & s) ^ (t & u)                                            : p q r s t u
export const OP_MAJX: i32 = 0x272
// i32.load from global g + ((local a + c) << s) + offset, pushed (an indexed array read)
//                                                                       : g a c s offset
export const OP_LDIDX: i32 = 0x273
// the same, written to a slot (a local.set/tee of it)                   : g a c s offset dst
export const OP_LDIDXR: i32 = 0x274
// two OP_COPYs in a row, in order (sha256's register rotation)          : a b c d
export const OP_COPY2: i32 = 0x275
// i32.load (+1: i32.load8_u) from global g + local a + offset, pushed (a byte buffer's base
// and position)                                                          : g a offset
export const OP_LDGL: i32 = 0x276
// i32.store (+1: i32.store8) of local v to global g + local a + offset  : g a v offset
export const OP_STGL: i32 = 0x278
// OP_SIGMA_R/S written to a slot (the operands below the sigma are not on the run-time stack)
//                                                                       : x c1 c2 c3 dst
export const OP_SIGMA3_R: i32 = 0x27a
export const OP_SIGMA3_S: i32 = 0x27b
// OP_LDGL written to a slot                                              : g a offset dst
export const OP_LDGLR: i32 = 0x27c
// global.get g into a slot, then global g = that slot + c (a position bump, `buf[pos++]`), in
// one: slot dst = g, g = g + c (i32)                                     : g dst c
export const OP_GGET_ADD: i32 = 0x27e
// OP_CHX written to a slot (the operands below it are not on the run-time stack)
//                                                                       : a b e c g dst
export const OP_CHX3: i32 = 0x27f
// return one result, read from a slot (a local, or the result's own slot): no stack pointer
//                                                                       : slot
export const OP_RETL: i32 = 0x280
// i32.load (+1: i32.load8_u) from u32(slot a + c) + offset into slot dst (`local.get a;
// i32.const c; i32.add|sub; i32.load`: a length before the data, a table at a constant)
//                                                                       : a c offset dst
export const OP_LDLC: i32 = 0x281
// i32.load (+1: load8_u) from local a + local b + offset, pushed        : a b offset
export const OP_LDLL: i32 = 0x283
// the same, written to a slot (a local.set of it)                       : a b offset dst
export const OP_LDLLR: i32 = 0x285
// i32.store (+1: store8) of constant c to local a + local b + offset    : a b c offset
export const OP_STLLC: i32 = 0x287
// three OP_COPYs in a row, in order (sha256's register rotation)        : a b c d e f
export const OP_COPY3: i32 = 0x289
// a loop's step and test: x = a + c (i32, FUSE_LCS), then a compare-and-jump (if true) of x
// with local b: lt_s (OP_AJ), gt_s (OP_AJ + 2); with a constant b, lt_s (OP_AJ + 1)
//                                                                       : a c x b target
export const OP_AJ: i32 = 0x28a
// the same for i64 (FUSE64_LXS, FUSE64_JLX_T lt_s): x = a + i64(i32 b); if x < i64(i32 n) jump
//                                                                       : a b x n target
export const OP_AJ64: i32 = 0x28d
// global g + (local a << s), pushed (an indexed array's address)         : g a s
export const OP_GIDX: i32 = 0x28e
// OP_SIGMA_R (+1: _S) added to the top of the stack in place (the sigma is not pushed)
//                                                                       : x c1 c2 c3
export const OP_SIGMA_ADD: i32 = 0x28f
// global g + local a, pushed (a byte buffer's base and position)       : g a
export const OP_GADDL: i32 = 0x291
// i32.add of the two top values of the stack, popped, to local x        : x
export const OP_ADD_SET: i32 = 0x292
// i32.add of the stack's top two, returned (the function's last instruction) : -
export const OP_RET_ADD: i32 = 0x293
// two i32.adds in a row, the second adding to the first's sum: y = a + b + c : a b c y
export const OP_ADD3: i32 = 0x294
// OP_MAJX added to the top of the stack, popped, to local x (sha256's t2 = sigma0 + maj)
//                                                                       : p q r s t u x
export const OP_MAJX_SET: i32 = 0x295
// OP_COPY3, then y = a + b (i32; sha256's round: three register moves, then e = d + t1)
//                                                                       : c1 .. c6 a b y
export const OP_COPY3_ADD: i32 = 0x296
// msgpack's buf[pos++]: an OP_GGET_ADD (pos into local p, bumped by c) whose next instruction,
// OP_STGL + 1 / OP_LDGL + 1, accesses buf + p, both run by the first (OP_PUTB / OP_GETB) when
// the access is in bounds; else the second runs on its own and traps  : pos p c, then the access
export const OP_PUTB: i32 = 0x297
export const OP_GETB: i32 = 0x298
// sha256's W[t]: FUSE_LCS + 16 (local x = a << s) whose next instruction, OP_LDGLR, reads at
// global + x; both run by the first in bounds, else the read runs on its own and traps
//                                                                       : a s x, then the read
export const OP_SHL_LDGLR: i32 = 0x299
// a call of a function of the same module, followed by the same call as OP_CALL_IN: the fast
// path without a trap or a call; when the depth or the value stack would be exhausted it runs
// the OP_CALL_IN after it, which traps                                  : funcidx, then the call
export const OP_CALL_FAST: i32 = 0x29a
// msgpack's name loop, `sum = sum * 31 + buf[pos++]`: an OP_GGET_ADD whose next instruction,
// OP_LDGLR + 1, reads buf + p into a slot, both run by the first in bounds, else the read runs
// on its own and traps                                                   : pos p c, then the read
export const OP_GETBR: i32 = 0x29b
// an OP_GGET_ADD that also runs the instruction after it when that is an OP_GADDL (checked at
// run time: the compiler may still rewrite the OP_GADDL, which is then left to run alone)
//                                                                       : pos p c
export const OP_GGET_GADDL: i32 = 0x29c
// a loop rotated with its length read (putStr's `i < s.length`): FUSE_LCS + 10 (x = a + c),
// then OP_LDLC, then FUSE_JLL_T + 2, all three run by the first when the read is in bounds; else
// only the add, and the read runs on its own and traps            : a c x, then the read and the jump
export const OP_ALJ: i32 = 0x29d
// an OP_SIGMA_R that also runs the OP_MAJX_SET after it, when it still is one (checked at run
// time): sha256's t2 = sigma0(a) + maj(a, b, c), nothing pushed          : x c1 c2 c3
export const OP_SIGMA_MAJ: i32 = 0x29e
// an OP_COPY3_ADD that also runs the OP_COPY3_ADD after it, when it still is one (checked at
// run time): sha256's six register moves and two adds                  : c1 .. c6 a b y
export const OP_COPY3_ADD2: i32 = 0x29f
// an OP_SIGMA3_R that also runs the i32.add of slots after it (FUSE_LLS + 10), when it still is
// one (checked at run time): sha256's h + sigma1(e)                     : x c1 c2 c3 dst
export const OP_SIGMA3_ADD: i32 = 0x2a0
// an OP_CHX3 that also runs the OP_ADD3 after it, when it still is one (checked at run time),
// and then an add of slots (FUSE_LLS + 10) if one follows: sha256's t1  : a b e c g dst
export const OP_CHX3_ADD3: i32 = 0x2a1
// an OP_SIGMA_ADD + 1 that also runs the stack i32.add after it, when it still is one (checked
// at run time): sha256's schedule, w[t-16] + sigma0(w[t-15]) + ...     : x c1 c2 c3
export const OP_SIGMAS_ADD2: i32 = 0x2a2
// an argument pushed, then OP_CALL_FAST: slot[sp] = local a + c (i32; `local.get a`, or `local.get
// a; i32.const; i32.add|sub` as the last argument), then the call as OP_CALL_FAST, followed by
// the same OP_CALL_IN, which runs (and traps) after the push when a limit would be exceeded
//                                                                       : a c funcidx, then the call
export const OP_CALL_AC: i32 = 0x2a3
// `if (local a < c) return local s`: a compare-and-jump (FUSE_JLC_F + 2) whose fall-through is
// the OP_RETL of a one-local then-branch, both in one; the OP_RETL stays after it (its slot is
// read from there)                                                     : a c target, then OP_RETL s
export const OP_RETL_LTC: i32 = 0x2a4
// an OP_LDLL (+1: i32.load8_u) whose value OP_JMP_IF (+2, +3: OP_JMP_IFZ) tests, both run by the
// first when the read is in bounds (the jump's target read from the OP_JMP_IF after it); else the
// OP_LDLL after it runs on its own and traps                : a b offset, then the OP_LDLL and the jump
export const OP_LDLLJ: i32 = 0x2a5
// two masked rotations of locals or'ed, pushed: rotl(a & m1, r1) | rotl(b & m2, r2) (`local.get;
// i32.const; i32.and; i32.const; i32.rotl|rotr` twice, then i32.or: AssemblyScript's bswap<u32>,
// sha256's big-endian words)                                             : a m1 r1 b m2 r2
export const OP_ROTOR: i32 = 0x2a9
// local a * c1 + c2 (i32), pushed (`local.get; i32.const; i32.mul; i32.const; i32.add`)
//                                                                       : a c1 c2
export const OP_MULADD: i32 = 0x2aa
// a value pushed and stored as a byte at the address below it, both run by the first when the
// store is in bounds (and the next instruction still is the i32.store8): FUSE_LC + 18 (local a >>>
// c; msgpack's put(v >>> 24)) then i32.store8 (OP_SHRST8), OP_MULADD then i32.store8 (OP_MADST8);
// else the first pushes its value and the store runs on its own and traps
//                                                    : a c (c1 c2), then the i32.store8 offset
export const OP_SHRST8: i32 = 0x2ab
export const OP_MADST8: i32 = 0x2ac
// a loop's constant store at two locals then its i64 step and test (the sieve's inner loop): an
// OP_STLLC (+1: byte) then an OP_AJ64, both run by this instruction placed before them when the
// store is in bounds (and the OP_AJ64 still follows, checked at run time); else the OP_STLLC
// runs on its own and traps                       : a b c offset, then the OP_STLLC and the OP_AJ64
export const OP_STAJ64: i32 = 0x2ad
// i32.div_s, div_u, rem_s, rem_u (+0..3) by a constant that cannot trap (not 0, and not -1 for
// div_s): of a local, pushed (OP_DIVLC: a c), or of the stack's top in place (OP_DIVSC: c)
export const OP_DIVLC: i32 = 0x2af
export const OP_DIVSC: i32 = 0x2b3
// y = slot a * c + slot b (i32; a multiply by a constant whose product the add after it
// consumes: msgpack's sum = sum * 31 + byte)                               : a c b y
export const OP_MULADD3: i32 = 0x2b7
// the stack's top shifted left by c and or'ed into the value below it, popped (FUSE_SC + 16
// then i32.or: msgpack's (get() << 24) | (get() << 16) | ...)             : c
export const OP_SHLOR: i32 = 0x2b8
// a byte stored at local a + local b + offset whose value is local c * c1 + c2 (the sha256
// kernel's input): placed before the FUSE_LL + 10 (the address pushed), the OP_MADST8 and its
// i32.store8, it runs all three when the store is in bounds (and they still follow, checked at
// run time); else they run on their own                 : -, then the three instructions
export const OP_STLMA: i32 = 0x2b9
// Seventh pass. A rotated loop's step and test whose body is known, run with the next iteration's
// body in one instruction (the body stays, run on its own for the first iteration and whenever a
// part of it would trap): the jump goes back to this instruction, not to the body.
// OP_ALJ whose loop body (its target) is OP_LDLLR + 1 then OP_PUTB (with its OP_STGL + 1):
// putStr's byte copy, `put(s[i])`                                          : as OP_ALJ
export const OP_ALJ_CPY: i32 = 0x2ba
// OP_AJ whose loop body is OP_GETBR (with its OP_LDGLR + 1) then OP_MULADD3: msgpack's name
// loop, `sum = sum * 31 + get()`                                          : as OP_AJ
export const OP_AJ_GETMA: i32 = 0x2bb
// slot dst = slot s != 0 ? c1 : c2 (i32 `select` of two constants)      : s c1 c2 dst
export const OP_SELCC: i32 = 0x2bc
// `global.get g1` pushed, that also runs the `global.get g2` and FUSE_LDSS + 5 after it (a byte
// read at g1 + g2: msgpack's buf[pos]) when they still follow and the read is in bounds, and the
// `local.set x` after those if one follows (checked at run time); else it pushes g1 alone
//                                                      : g1, then 0x23 g2, FUSE_LDSS + 5 offset
export const OP_GG_LD8: i32 = 0x2bd
// the stack's top popped, plus (+1: xor) local b, to local x (FUSE_SL + 10 / + 15 and the
// local.set after it)                                                   : b x
export const OP_SLSET: i32 = 0x2be
export const OP_MAX: i32 = 0x2c0

// For `c op x` written as `x op' c`: the mirrored binop index, or -1 (not commutative).
export function mirrorIndex (k: i32): i32 {
  if (k == 0 || k == 1 || k == 10 || (k >= 12 && k <= 15)) return k
  if (k >= 2 && k <= 9) return k <= 5 ? (k <= 3 ? k + 2 : k - 2) : (k <= 7 ? k + 2 : k - 2)
  return -1
}

// Index of a fusable i64 binop in 0..20 (compares first, like binopIndex).
export function binopIndex64 (op: i32): i32 {
  if (op >= 0x51 && op <= 0x5a) return op - 0x51
  if (op >= 0x7c && op <= 0x7e) return op - 0x7c + 10
  if (op >= 0x83 && op <= 0x8a) return op - 0x83 + 13
  return -1
}

// Index of a fusable i32 binop (compare, add/sub/mul, bitwise, shifts, rotates) in 0..20.
export function binopIndex (op: i32): i32 {
  if (op >= 0x46 && op <= 0x4f) return op - 0x46
  if (op >= 0x6a && op <= 0x6c) return op - 0x6a + 10
  if (op >= 0x71 && op <= 0x78) return op - 0x71 + 13
  return -1
}
