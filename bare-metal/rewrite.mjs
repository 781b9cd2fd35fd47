// Rewrites wasm2c's C for QEMU TCG (bare-metal/README.md, "Speed under QEMU TCG"): the
// interpreter's dispatch loop into threaded dispatch (an indirect jump at the end of every handler
// instead of a jump back to one shared `switch`: each jump to another page costs a lookup), and
// the loads and stores of the linear memory to a fixed base address (no load of the base from the
// instance after every store). Usage: node rewrite.mjs kernel.c [--no-thread] [--lazy-fuel] [--base=ADDRESS]
// (in place; a loop without the expected shape is left as it is, with one line on stderr)
import { readFileSync, writeFileSync } from 'node:fs'

/** The fewest cases a `switch` needs to be taken for the interpreter's dispatch. */
const MIN_CASES = 256

/** Index just past the `}` that closes the `{` at `open`. */
function closing (text, open) {
  let depth = 0
  for (let i = open; i < text.length; i++) {
    if (text[i] === '{') depth++
    else if (text[i] === '}' && --depth === 0) return i + 1
  }
  return -1
}

/**
 * The loop head's fuel check, as wasm2c writes `if (--left < 0) …` (after the threading turned its
 * body into a goto): its counter, the check's line, and the variable the opcode is read through
 * (the interpreter's pc). Null for another shape.
 */
function fuelCheck (copy) {
  const m = /^ *w2c_j0 = (w2c_l\d+);\n *w2c_j1 = 1ull;\n *w2c_j0 -= w2c_j1;\n *\1 = w2c_j0;\n *w2c_j1 = 0ull;\n *w2c_i0 = \(u64\)\(\(s64\)w2c_j0 < \(s64\)w2c_j1\);\n( *if \(w2c_i0\) goto w2c_\w+;\n)/.exec(copy)
  if (m === null) return null
  const rest = copy.slice(m[0].length)
  const pc = /^ *w2c_i0 = (w2c_l\d+);\n *w2c_i0 = i32_load\(/.exec(rest)
  if (pc === null || /\bif\b/.test(rest)) return null
  return { counter: m[1], line: m[2], pc: pc[1] }
}

/**
 * Whether the dispatch at `at` in `fn` may skip the fuel check: the handler before it starts at
 * a label that only the dispatch table reaches (no goto names it, nothing falls into it), and
 * every assignment to the pc in it adds a constant: the pc only moved forward since the last
 * check, so no loop in the guest avoids one (branches, calls and returns keep theirs).
 */
function straight (fn, at, pc, entries, jumped) {
  const labels = [...fn.slice(0, at).matchAll(/\n *(w2c_[A-Za-z0-9_]+):;? ?\n/g)]
  const last = labels.pop()
  if (last === undefined || !entries.has(last[1]) || jumped.has(last[1])) return false
  const before = fn.slice(0, last.index).trimEnd().split('\n').pop()
  if (!/^ *(goto [^;*]+;|return\b.*;)$/.test(before)) return false
  const region = fn.slice(last.index + last[0].length, at).split('\n')
  for (let i = 0; i < region.length; i++) {
    if (!new RegExp(`\\b${pc}\\b`).test(region[i])) continue
    if (new RegExp(`^ *w2c_i\\d = ${pc};$`).test(region[i]) && i + 3 < region.length) {
      // the read of pc + constant, written back: `i = pc; j = N; i += j; pc = i;`
      const [a, b, c2, d] = region.slice(i, i + 4).map((l) => l.trim())
      const v = a.slice(0, a.indexOf(' '))
      const k = /^(w2c_i\d) = \d+u;$/.exec(b)
      if (k !== null && c2 === `${v} += ${k[1]};` && d === `${pc} = ${v};`) { i += 3; continue }
    }
    // any other use of the pc: only reads of it into a temporary
    if (new RegExp(`^ *w2c_[ij]\\d = ${pc};$`).test(region[i])) continue
    return false
  }
  return true
}

/**
 * The rewritten C, or a string saying why the loop was not rewritten. With `lazyFuel`, handlers
 * that only move the pc forward count their instruction but leave the check to the next handler
 * that branches, calls or returns (README.md): the count stays exact, a slice may run a few
 * instructions past its fuel.
 */
export function thread (c, { lazyFuel = false } = {}) {
  // The dispatch: the switch with the most `case N: goto L;` lines.
  const switches = [...c.matchAll(/\n( *)switch \((w2c_[a-z0-9_]+)\) \{\n((?:\1 {2}case \d+: goto w2c_[A-Za-z0-9_]+;\n)+)\1 {2}default: goto (w2c_[A-Za-z0-9_]+);\n\1\}\n/g)]
  const sw = switches.sort((a, b) => b[3].length - a[3].length)[0]
  if (sw === undefined) return 'no dispatch switch'
  const cases = [...sw[3].matchAll(/case (\d+): goto (w2c_[A-Za-z0-9_]+);/g)].map((m) => [Number(m[1]), m[2]])
  if (cases.length < MIN_CASES) return 'no dispatch switch'
  const n = Math.max(...cases.map(([k]) => k)) + 1
  // A power of two, the cases beyond `n` going where the switch's default went: the index is
  // masked (one instruction) instead of compared with `n` (three). The interpreter's compiler
  // only writes opcodes below `n`, so the mask changes nothing for its code.
  const size = 2 ** Math.ceil(Math.log2(n + 1))
  const targets = new Array(size).fill(sw[4])
  for (const [k, label] of cases) targets[k] = label
  // The function around it.
  const swAt = sw.index + 1
  const fnAt = c.lastIndexOf('\nstatic ', swAt) + 1
  const fnOpen = c.indexOf('{\n', fnAt)
  const fnEnd = closing(c, fnOpen)
  if (fnAt === 0 || fnOpen < 0 || fnEnd < swAt) return 'dispatch switch outside a function'
  // The loop head: the last loop label before the switch; between them only plain statements
  // and `if (…) { … }` blocks (the fuel check, whose body leaves the loop).
  const head = [...c.slice(fnOpen, swAt).matchAll(/\n *(w2c_L\d+): \n/g)].pop()
  if (head === undefined) return 'no loop label before the dispatch switch'
  const loop = head[1]
  const preStart = fnOpen + head.index + head[0].length
  const pre = c.slice(preStart, swAt)
  let copy = ''
  let orig = ''
  let exits = 0
  for (let i = 0; i < pre.length;) {
    const eol = pre.indexOf('\n', i) + 1
    const line = pre.slice(i, eol)
    if (/^ *if \([^{}]*\) \{\n$/.test(line)) {
      const end = closing(pre, i + line.length - 2)
      if (end < 0 || pre[end] !== '\n') return 'unexpected loop head'
      const body = pre.slice(i + line.length, end)
      if (/^ *\} else/m.test(body) || /\bw2c_[LB]\d+:/.test(body)) return 'unexpected loop head'
      const label = `${loop}_exit${exits++}`
      copy += line.replace(/\{\n$/, `goto ${label};\n`)
      orig += line + `${label}:;\n` + body + '\n'
      i = end + 1
      continue
    }
    if (!/^ *[^{}:]*;\n$/.test(line) || /\bgoto\b|\breturn\b/.test(line)) return `unexpected statement in the loop head: ${line.trim()}`
    copy += line
    orig += line
    i = eol
  }
  const v = sw[2]
  const jump = `goto *w2c_dispatch[(u32)${v} & ${size - 1}u];`
  const dispatch = `{\n${copy}${jump}\n}`
  const check = lazyFuel ? fuelCheck(copy) : null
  if (lazyFuel && check === null) process.stderr.write('rewrite.mjs: fuel check of an unexpected shape: checked in every handler\n')
  const unchecked = check === null ? dispatch : `{\n${copy.replace(check.line, '')}${jump}\n}`
  // The blocks that only go back to the loop head (`wN:; goto loop;`), and the loop itself.
  let fn = c.slice(fnOpen, fnOpen + head.index + 1) + head[0].slice(1) + orig + `${sw[1]}${jump}\n` + c.slice(sw.index + sw[0].length, fnEnd)
  const back = new Set([loop])
  for (const m of fn.matchAll(/\n *(w2c_B\d+):;\n *goto (w2c_L\d+);\n/g)) if (m[2] === loop) back.add(m[1])
  let jumps = 0
  let lazy = 0
  const entries = new Set(targets)
  const jumped = new Set([...fn.matchAll(/goto (w2c_\w+);/g)].map((m) => m[1]))
  fn = fn.replace(/goto (w2c_[LB]\d+);/g, (all, label, at) => {
    if (!back.has(label)) return all
    jumps++
    if (check === null || !straight(fn, at, check.pc, entries, jumped)) return dispatch
    lazy++
    return unchecked
  })
  const table = `\n  static const void *const w2c_dispatch[${size}] = {${targets.map((t) => `&&${t}`).join(', ')}};\n`
  fn = fn.replace('{\n', `{${table}`)
  return { text: c.slice(0, fnOpen) + fn + c.slice(fnEnd), cases: n, jumps, lazy }
}

const LOAD = 'wasm_rt_memcpy(&result, &mem->data[addr], sizeof(t1));'
const STORE = 'wasm_rt_memcpy(&mem->data[addr], &wrapped, sizeof(t1));'

/**
 * Loads and stores address the one linear memory at `base` (a C expression), where the stub's
 * mmap puts it. The rewritten C or why not: another memory than the kernel's own, or other helpers.
 */
export function fixedBase (c, base) {
  if (c.split(LOAD).length !== 2 || c.split(STORE).length !== 2) return 'unexpected load/store helpers'
  const memories = new Set([...c.matchAll(/(?:load|store)[0-9a-z_]*\(&instance->(w2c_\w+),/g)].map((m) => m[1]))
  if (memories.size !== 1) return 'more than one memory'
  return c.replace(LOAD, LOAD.replace('mem->data', `((u8 *)(${base}))`)).replace(STORE, STORE.replace('mem->data', `((u8 *)(${base}))`))
}

const [file, ...opts] = process.argv.slice(2)
if (file !== undefined) {
  let c = readFileSync(file, 'utf8')
  if (!opts.includes('--no-thread')) {
    const r = thread(c, { lazyFuel: opts.includes('--lazy-fuel') })
    if (typeof r !== 'string') c = r.text
    else if (r !== 'no dispatch switch') process.stderr.write(`rewrite.mjs: ${file}: dispatch left as it is: ${r}\n`)
  }
  const base = opts.find((o) => o.startsWith('--base='))
  if (base !== undefined) {
    const r = fixedBase(c, base.slice('--base='.length))
    if (r.startsWith('unexpected') || r === 'more than one memory') process.stderr.write(`rewrite.mjs: ${file}: memory base left as it is: ${r}\n`)
    else c = r
  }
  writeFileSync(file, c)
}
