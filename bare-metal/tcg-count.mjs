// Counts what QEMU TCG executes of the stub, per function (README.md, "Counted per round trip"):
// translated blocks, their x86 instructions and memory operands, and lookups (a block left by an
// indirect jump, a `ret` or a jump to another page). Reads the log of
//   qemu-system-x86_64 -accel tcg -icount shift=2 -d in_asm,exec,nochain -D LOG …
// (a FIFO works: the log of one boot is gigabytes).
// Usage: node tcg-count.mjs LOG kernel.elf OUT.json
//        node tcg-count.mjs --diff A.json B.json N   (per round trip: (B - A) / N, by function)
import { execFileSync } from 'node:child_process'
import { createReadStream, readFileSync, writeFileSync } from 'node:fs'

const KERNEL = 0xffffffff80000000n

/** The function containing each address, from `nm -n` of the ELF. */
function symbols (elf) {
  const syms = execFileSync('nm', ['-n', elf], { encoding: 'utf8', maxBuffer: 1 << 28 }).split('\n').map((l) => l.split(' '))
    .filter((p) => p.length === 3 && /[tTwW]/.test(p[1]) && !p[2].startsWith('.L')).map(([a, , n]) => [BigInt('0x' + a), n])
  return (pc) => {
    let lo = 0
    let hi = syms.length
    while (lo < hi) {
      const m = (lo + hi) >> 1
      if (syms[m][0] <= pc) lo = m + 1
      else hi = m
    }
    return lo === 0 ? '?' : syms[lo - 1][1]
  }
}

async function count (log, elf, out) {
  const fname = symbols(elf)
  // A block is known by pc, flags and cflags: with -icount QEMU also translates shorter blocks at
  // the same pc (to stop at the instruction budget), which a pc alone would confuse.
  const blocks = new Map()
  const pending = new Map()
  const per = new Map()
  const total = { blocks: 0, insns: 0, mem: 0, lookups: 0 }
  const stat = (fn) => {
    if (!per.has(fn)) per.set(fn, { blocks: 0, insns: 0, mem: 0, lookups: 0 })
    return per.get(fn)
  }
  let cur = null
  let prev = null
  const line = (l) => {
    if (l.startsWith('Trace ')) {
      const i = l.indexOf('/')
      const pc = l.slice(i + 1, l.indexOf('/', i + 1))
      const key = l.slice(i + 1, l.indexOf(']', i))
      let b = blocks.get(key)
      if (b === undefined || pending.has(pc)) {
        b = pending.get(pc) ?? { n: 0, mem: 0, indirect: false, page: pc.slice(0, -3), fn: null }
        pending.delete(pc)
        blocks.set(key, b)
      }
      if (b.fn !== null) {
        const s = stat(b.fn)
        s.blocks++
        s.insns += b.n
        s.mem += b.mem
        total.blocks++
        total.insns += b.n
        total.mem += b.mem
      }
      if (prev !== null && prev.fn !== null && (prev.indirect || prev.page !== b.page)) {
        stat(prev.fn).lookups++
        total.lookups++
      }
      prev = b
    } else if (l.startsWith('IN:')) {
      cur = { pc: null, n: 0, mem: 0, indirect: false }
    } else if (cur !== null && l.startsWith('0x')) {
      const c = l.indexOf(':')
      const raw = l.slice(c + 1).trim()
      if (/^([0-9a-f]{2}\s*)+$/.test(raw)) return // the rest of a long instruction's bytes
      if (cur.pc === null) cur.pc = l.slice(2, c).padStart(16, '0')
      const ins = raw.replace(/^([0-9a-f]{2} )+\s*/, '')
      const op = ins.split(/\s+/)[0]
      cur.n++
      if ((ins.includes('(') && !op.startsWith('lea') && !op.startsWith('nop')) || /^(push|pop|call|ret|leave)/.test(op)) cur.mem++
      cur.indirect = (/^(jmp|call)/.test(op) && ins.includes('*')) || /^(ret|iret)/.test(op)
    } else if (cur !== null && l === '') {
      if (cur.pc !== null) {
        const pc = BigInt('0x' + cur.pc)
        pending.set(cur.pc, { n: cur.n, mem: cur.mem, indirect: cur.indirect, page: cur.pc.slice(0, -3), fn: pc >= KERNEL ? fname(pc) : null })
      }
      cur = null
    }
  }
  let rest = ''
  for await (const chunk of createReadStream(log, { encoding: 'latin1', highWaterMark: 1 << 20 })) {
    const text = rest + chunk
    let start = 0
    for (let e = text.indexOf('\n'); e >= 0; e = text.indexOf('\n', start)) {
      line(text.slice(start, e))
      start = e + 1
    }
    rest = text.slice(start)
  }
  writeFileSync(out, JSON.stringify({ total, per: Object.fromEntries(per) }))
}

// The stub's drawing of boot messages differs between two boots (the totals printed): left out.
const BOOT = new Set(['screen_init', 'sync_row', 'screen_putc'])

function diff (a, b, n) {
  const A = JSON.parse(readFileSync(a, 'utf8')).per
  const B = JSON.parse(readFileSync(b, 'utf8')).per
  const zero = { blocks: 0, insns: 0, mem: 0, lookups: 0 }
  const rows = Object.keys(B).filter((fn) => !BOOT.has(fn)).map((fn) => {
    const x = B[fn]
    const y = A[fn] ?? zero
    return [fn, ...['blocks', 'insns', 'mem', 'lookups'].map((k) => (x[k] - y[k]) / n)]
  })
  const sum = [1, 2, 3, 4].map((i) => Math.round(rows.reduce((s, r) => s + r[i], 0)))
  rows.sort((x, y) => y[2] - x[2])
  const lines = [`per round trip: blocks ${sum[0]}, x86 instructions ${sum[1]}, memory operands ${sum[2]}, lookups ${sum[3]}`,
    'function blocks insns mem lookups']
  for (const r of rows.slice(0, 40)) if (Math.round(r[2]) !== 0) lines.push([r[0], ...r.slice(1).map((v) => Math.round(v))].join(' '))
  process.stdout.write(lines.join('\n') + '\n')
}

const args = process.argv.slice(2)
if (args[0] === '--diff' && args.length === 4) diff(args[1], args[2], Number(args[3]))
else if (args.length === 3) await count(args[0], args[1], args[2])
else {
  process.stderr.write('usage: node tcg-count.mjs LOG kernel.elf OUT.json | --diff A.json B.json N\n')
  process.exit(2)
}
