// Keeps the interpreter's handlers from straddling a 4 KiB page (bare-metal/README.md, "Handlers
// within a page"): under QEMU TCG a translated block ends at a page boundary, and entering the
// next page costs a lookup, at every execution of a handler that crosses one. From a first
// assembly of kernel.s (its local labels kept: `nm` and `objdump -d` of it), every handler of the
// threaded dispatch table gets `.p2align 12,,SIZE-1` before its label: the assembler moves it to
// the next page only when it would cross, which costs at most its own size in padding.
// Usage: node pad.mjs kernel.s kernel.nm kernel.dis padded.s   (a kernel.s without the table is copied)
import { readFileSync, writeFileSync } from 'node:fs'

/** Handlers larger than this are left where they are: the padding would cost more than it saves. */
const MAX_SIZE = 512

/** The padded assembly, or a string saying why it was left as it is. */
export function pad (s, nm, dis) {
  const table = /\nw2c_dispatch\.\d+:\n((?:\t\.quad\t\.L\d+\n)+)/.exec(s)
  if (table === null) return 'no dispatch table'
  const labels = new Set([...table[1].matchAll(/\.L\d+/g)].map((m) => m[0]))
  const at = new Map()
  for (const line of nm.split('\n')) {
    const m = /^([0-9a-f]+) [tT] (\.L\d+)$/.exec(line)
    if (m !== null && labels.has(m[2])) at.set(m[2], parseInt(m[1], 16))
  }
  if (at.size !== labels.size) return 'handler labels missing from the first assembly'
  // The end of each handler: just past the first indirect jump (its dispatch) at or after it.
  const jumps = [...dis.matchAll(/^ *([0-9a-f]+):\s+jmp\s+\*.*$/gm)].map((m) => parseInt(m[1], 16)).sort((a, b) => a - b)
  const sizes = new Map()
  for (const [label, a] of at) {
    let lo = 0
    let hi = jumps.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (jumps[mid] < a) lo = mid + 1
      else hi = mid
    }
    // An indirect jump through the table is 7 bytes (opcode, ModRM, SIB, 32-bit displacement).
    if (lo < jumps.length && jumps[lo] + 7 - a <= MAX_SIZE) sizes.set(label, jumps[lo] + 7 - a)
  }
  let padded = 0
  const out = s.replace(/\n(\.L\d+):\n/g, (all, label) => {
    const size = sizes.get(label)
    if (size === undefined) return all
    padded++
    return `\n\t.p2align 12,,${size - 1}\n${label}:\n`
  })
  return { text: out, padded }
}

const [sFile, nmFile, disFile, outFile] = process.argv.slice(2)
if (outFile !== undefined) {
  const s = readFileSync(sFile, 'utf8')
  const r = pad(s, readFileSync(nmFile, 'utf8'), readFileSync(disFile, 'utf8'))
  if (typeof r === 'string' && r !== 'no dispatch table') process.stderr.write(`pad.mjs: ${sFile} left as it is: ${r}\n`)
  writeFileSync(outFile, typeof r === 'string' ? s : r.text)
}
