// bare-metal/rewrite.mjs's threaded dispatch on a loop of wasm2c's shape: with the lazy fuel check,
// a handler that only moves the pc forward dispatches without the check, while a branch, a handler
// another block jumps into, and every handler without the option keep it.
import { it } from 'vitest'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { root } from './vm.ts'

interface Threaded { text: string, cases: number, jumps: number, lazy: number }
type Thread = (c: string, opts?: { lazyFuel?: boolean }) => Threaded | string
const mod: unknown = await import(pathToFileURL(join(root, 'bare-metal', 'rewrite.mjs')).href)
const thread = (mod as { thread: Thread }).thread

const cases = Array.from({ length: 256 }, (_, k) => `      case ${k}: goto ${k === 0 ? 'w2c_B3' : k === 1 ? 'w2c_B4' : 'w2c_B2'};\n`).join('')
// Case 0 branches (the pc read from the code), case 1 is also the target of a goto, the others
// step over an immediate (pc += 8).
const C = `/* wasm2c */
static u32 w2c_f1(Z_kernel_instance_t* instance, u32 w2c_p0) {
  u32 w2c_l2 = 0, w2c_l3 = 0;
  u64 w2c_l1 = 0;
  FUNC_PROLOGUE;
  u32 w2c_i0, w2c_i1;
  u64 w2c_j0, w2c_j1;
  w2c_j0 = 100ull;
  w2c_l1 = w2c_j0;
  w2c_L1: 
    w2c_j0 = w2c_l1;
    w2c_j1 = 1ull;
    w2c_j0 -= w2c_j1;
    w2c_l1 = w2c_j0;
    w2c_j1 = 0ull;
    w2c_i0 = (u64)((s64)w2c_j0 < (s64)w2c_j1);
    if (w2c_i0) {
      w2c_i0 = 1u;
      goto w2c_Bfunc;
    }
    w2c_i0 = w2c_l2;
    w2c_i0 = i32_load(&instance->w2c_memory, (u64)(w2c_i0));
    w2c_l3 = w2c_i0;
    w2c_i0 = w2c_l2;
    w2c_i1 = 4u;
    w2c_i0 += w2c_i1;
    w2c_l2 = w2c_i0;
    w2c_i0 = w2c_l3;
    switch (w2c_i0) {
${cases}      default: goto w2c_B0;
    }
    w2c_B4:;
    w2c_i0 = w2c_l2;
    w2c_i1 = 8u;
    w2c_i0 += w2c_i1;
    w2c_l2 = w2c_i0;
    goto w2c_L1;
    w2c_B3:;
    w2c_i0 = w2c_l2;
    w2c_i0 = i32_load(&instance->w2c_memory, (u64)(w2c_i0));
    w2c_l2 = w2c_i0;
    if (w2c_i0) {goto w2c_B4;}
    goto w2c_L1;
    w2c_B2:;
    w2c_i0 = w2c_l2;
    w2c_i1 = 8u;
    w2c_i0 += w2c_i1;
    w2c_l2 = w2c_i0;
    goto w2c_L1;
    w2c_B0:;
    w2c_i0 = 2u;
  w2c_Bfunc:;
  FUNC_EPILOGUE;
  return w2c_i0;
}
`

/** The dispatch that ends the handler at `label`: its text up to the indirect jump. */
function handler (text: string, label: string): string {
  const at = text.indexOf(`\n    ${label}:;\n`)
  assert.ok(at >= 0, `${label} kept`)
  return text.slice(at, text.indexOf('goto *w2c_dispatch', at))
}

it('leaves the fuel check to branches with --lazy-fuel, and keeps it everywhere without', () => {
  const lazy = thread(C, { lazyFuel: true })
  assert.ok(typeof lazy !== 'string', String(lazy))
  assert.equal(lazy.cases, 256)
  assert.equal(lazy.jumps, 3)
  assert.equal(lazy.lazy, 1)
  const check = 'goto w2c_L1_exit0;'
  // The loop's first dispatch keeps its check (the exit's body, where the handlers' checks go).
  assert.ok(lazy.text.slice(0, lazy.text.indexOf('goto *w2c_dispatch')).includes('w2c_L1_exit0:;'))
  assert.ok(!handler(lazy.text, 'w2c_B2').includes(check), 'pc += 8: no check')
  assert.ok(handler(lazy.text, 'w2c_B3').includes(check), 'a branch keeps its check')
  assert.ok(handler(lazy.text, 'w2c_B4').includes(check), 'a handler a goto reaches keeps its check')
  // The counter is decremented by every handler: the count stays exact.
  assert.ok(handler(lazy.text, 'w2c_B2').includes('w2c_l1 = w2c_j0;'))
  const eager = thread(C)
  assert.ok(typeof eager !== 'string', String(eager))
  assert.equal(eager.lazy, 0)
  for (const label of ['w2c_B2', 'w2c_B3', 'w2c_B4']) assert.ok(handler(eager.text, label).includes(check), label)
})

it('checks in every handler when the fuel check has another shape', () => {
  const other = C.replace('w2c_j1 = 1ull;', 'w2c_j1 = 2ull;')
  const r = thread(other, { lazyFuel: true })
  assert.ok(typeof r !== 'string', String(r))
  assert.equal(r.lazy, 0)
})
