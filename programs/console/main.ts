// console: the screen console as a driver program. It handles the `console` interface (everything
// the kernel, `log` and `stdio` write) and draws it on the framebuffer through `screen`, with the
// font generated from bare-metal/font/glyphs.txt (font.ts): each glyph pixel a 2x2 block in a
// 12x20 cell, the same grid as the stub's boot console, whose screen it takes over and continues
// below the boot messages. A line takes its colour from its start (ERROR red, WARN yellow,
// INFO green, DEBUG grey, kernel lines cyan); ANSI SGR colours override it. It never writes to
// the console itself: that would come back to it as more to draw.
import { error, handle, next } from '../sdk/as/wasmos'
import * as consoleIface from '../sdk/as/gen/console'
import * as screen from '../sdk/as/gen/screen'
import { FONT_FIRST, FONT_LAST, FONT_ROWS, FONT_WIDTH, GLYPHS } from './font'

const SCALE = 2
const CELL_W = (FONT_WIDTH + 1) * SCALE
const CELL_H = (FONT_ROWS + 1) * SCALE
const MARGIN = 8
const BG: u32 = 0x000000
const PALETTE: StaticArray<u32> = [
  0x000000, 0xcc3333, 0x33bb33, 0xcccc33, 0x4477ee, 0xbb44bb, 0x33bbbb, 0xcccccc,
  0x777777, 0xff5555, 0x55ff55, 0xffff55, 0x7799ff, 0xff77ff, 0x55ffff, 0xffffff
]
const DEFAULT_FG = 7

let cols = 0
let rows = 0
let cy = 0
let cx = 0
/** The current line: its characters and, per character, an ANSI colour or -1 (the line's colour). */
const line = new Array<u8>()
const sgrOf = new Array<i32>()
let sgr = -1
let esc = 0
let escParam = 0
const escParams = new Array<i32>()
let drawnLen = 0
/** The first column changed since the line was last drawn, and the line colour it was drawn in. */
let dirtyFrom = 0
let drawnColour = -1

function startsWith (p: string): bool {
  if (line.length < p.length) return false
  for (let i = 0; i < p.length; i++) if (<i32>line[i] != p.charCodeAt(i)) return false
  return true
}

function lineColour (): i32 {
  if (startsWith('ERROR') || startsWith('FATAL')) return 9
  if (startsWith('WARN')) return 11
  if (startsWith('INFO')) return 10
  if (startsWith('DEBUG') || startsWith('TRACE')) return 8
  if (startsWith('wasmos')) return 14
  return DEFAULT_FG
}

/** Draws what changed of the current line (all of it when its first characters changed its colour). */
function drawLine (): void {
  const lc = lineColour()
  const from = lc != drawnColour ? 0 : dirtyFrom
  const n = min<i32>(max<i32>(line.length, drawnLen), cols)
  if (n <= from) return
  const w = (n - from) * CELL_W
  const px = new Uint8Array(w * CELL_H * 4)
  const base = px.dataStart - <usize>(from * CELL_W * 4)
  for (let c = from; c < n; c++) {
    const ch = c < line.length ? <i32>line[c] : 32
    const ink = PALETTE[c < line.length && sgrOf[c] >= 0 ? sgrOf[c] : lc]
    const g = (ch >= FONT_FIRST && ch <= FONT_LAST ? ch - FONT_FIRST : 63 - FONT_FIRST) * FONT_ROWS
    for (let y = 0; y < CELL_H; y++) {
      const gy = y / SCALE
      const bits = gy < FONT_ROWS ? <i32>GLYPHS[g + gy] : 0
      let p = base + <usize>((y * w + c * CELL_W) * 4)
      for (let x = 0; x < CELL_W; x++) {
        const gx = x / SCALE
        store<u32>(p, gx < FONT_WIDTH && ((bits >> (FONT_WIDTH - 1 - gx)) & 1) != 0 ? ink : BG)
        p += 4
      }
    }
  }
  screen.blit(MARGIN + from * CELL_W, MARGIN + cy * CELL_H, w, CELL_H, px)
  drawnLen = line.length
  drawnColour = lc
  dirtyFrom = n
}

function newline (): void {
  drawLine()
  line.length = 0
  sgrOf.length = 0
  drawnLen = 0
  dirtyFrom = 0
  drawnColour = -1
  cx = 0
  if (cy + 1 >= rows) screen.scroll(MARGIN, MARGIN + rows * CELL_H, CELL_H, BG)
  else cy++
}

function put (c: u8): void {
  if (cx >= cols) newline()
  if (cx < line.length) { line[cx] = c; sgrOf[cx] = sgr } else { line.push(c); sgrOf.push(sgr) }
  if (cx < dirtyFrom) dirtyFrom = cx
  cx++
}

function applySgr (): void {
  for (let i = 0; i < escParams.length; i++) {
    const p = escParams[i]
    if (p == 0 || p == 39) sgr = -1
    else if (p >= 30 && p <= 37) sgr = p - 30
    else if (p >= 90 && p <= 97) sgr = p - 90 + 8
  }
}

function write (data: Uint8Array): void {
  for (let i = 0; i < data.length; i++) {
    const c = data[i]
    if (esc == 1) { esc = c == 0x5b ? 2 : 0; escParam = 0; escParams.length = 0; continue }
    if (esc == 2) {
      if (c >= 0x30 && c <= 0x39) { escParam = escParam * 10 + (c - 0x30); continue }
      escParams.push(escParam)
      escParam = 0
      if (c == 0x3b) continue
      esc = 0
      if (c == 0x6d) applySgr()
      continue
    }
    if (c == 0x1b) esc = 1
    else if (c == 10) newline()
    else if (c == 13) cx = 0
    else if (c == 8) { if (cx > 0) cx-- } else if (c == 9) { do put(32); while (cx % 8 != 0 && cx < cols) } else if (c >= 0x20 && c < 0x7f) put(c)
    else if (c >= 0x80 && (c & 0xc0) != 0x80) put(0x3f)
  }
  drawLine()
}

const mode = screen.info()
if (mode.status != 0) {
  error('console: no screen (status ' + mode.status.toString() + ')')
} else {
  cols = min<i32>(<i32>(mode.width - 2 * MARGIN) / CELL_W, 256)
  rows = <i32>(mode.height - 2 * MARGIN) / CELL_H
  // Continue below the boot messages.
  cy = <i32>mode.row
  if (cy >= rows) {
    screen.scroll(MARGIN, MARGIN + rows * CELL_H, CELL_H, BG)
    cy = rows - 1
  }
  const status = handle(consoleIface.DIGEST)
  if (status != 0) error('console: cannot handle console: status ' + status.toString())
  else {
    for (;;) {
      const n = next()
      if (!n.isFor(consoleIface.DIGEST)) continue
      const r = n.reader()
      if (n.messageIndex(r) != consoleIface.MSG_WRITE) continue
      const q = consoleIface.readWrite(r)
      if (!r.error) write(q.data)
    }
  }
}
