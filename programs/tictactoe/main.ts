// tictactoe [host:port]: noughts and crosses against the computer, played through stdio (you are
// X and move first; type a square 1-9, q to quit). After each game it tries to send the score to a
// high-score server over tcp (default 127.0.0.1:7878), one line "tictactoe wins=W losses=L draws=D".
// It declares tcp up front; denying tcp only loses the upload: the game stays playable.
import { args, exit, print, DENIED } from '../sdk/as/wasmos'
import { needs } from '../sdk/as/declare'
import * as stdio from '../sdk/as/gen/stdio'
import * as tcp from '../sdk/as/gen/tcp'

needs('tcp', 'to send your score to the high-score server')

const EMPTY: i32 = 0
const X: i32 = 1
const O: i32 = 2
const LINES: StaticArray<i32> = [0, 1, 2, 3, 4, 5, 6, 7, 8, 0, 3, 6, 1, 4, 7, 2, 5, 8, 0, 4, 8, 2, 4, 6]

const board = new StaticArray<i32>(9)
let pending = ''
let wins = 0
let losses = 0
let draws = 0

/** The next line of standard input, or null at its end. */
function readLine (): string | null {
  for (;;) {
    const nl = pending.indexOf('\n')
    if (nl >= 0) {
      const line = pending.substring(0, nl)
      pending = pending.substring(nl + 1)
      return line.trim()
    }
    const a = stdio.read(256)
    if (a.status != 0 || a.data.length == 0) {
      if (pending.length == 0) return null
      const last = pending
      pending = ''
      return last.trim()
    }
    pending += String.UTF8.decodeUnsafe(a.data.dataStart, a.data.length)
  }
  return null
}

function cell (i: i32): string {
  const v = board[i]
  return v == X ? 'X' : v == O ? 'O' : (i + 1).toString()
}

function show (): void {
  let s = '\n'
  for (let r = 0; r < 3; r++) {
    s += ' ' + cell(r * 3) + ' | ' + cell(r * 3 + 1) + ' | ' + cell(r * 3 + 2) + '\n'
    if (r < 2) s += '---+---+---\n'
  }
  print(s)
}

function winner (): i32 {
  for (let l = 0; l < 8; l++) {
    const a = board[LINES[l * 3]]
    if (a != EMPTY && a == board[LINES[l * 3 + 1]] && a == board[LINES[l * 3 + 2]]) return a
  }
  return EMPTY
}

function full (): bool {
  for (let i = 0; i < 9; i++) if (board[i] == EMPTY) return false
  return true
}

/** Minimax score of the position for O, with `turn` to move: +10 O wins, -10 X wins, 0 draw. */
function minimax (turn: i32, depth: i32): i32 {
  const w = winner()
  if (w == O) return 10 - depth
  if (w == X) return depth - 10
  if (full()) return 0
  let best = turn == O ? -100 : 100
  for (let i = 0; i < 9; i++) {
    if (board[i] != EMPTY) continue
    board[i] = turn
    const s = minimax(turn == O ? X : O, depth + 1)
    board[i] = EMPTY
    if (turn == O ? s > best : s < best) best = s
  }
  return best
}

function computerMove (): void {
  let best = -100
  let move = -1
  for (let i = 0; i < 9; i++) {
    if (board[i] != EMPTY) continue
    board[i] = O
    const s = minimax(X, 1)
    board[i] = EMPTY
    if (s > best) { best = s; move = i }
  }
  board[move] = O
  print('I play ' + (move + 1).toString() + '.\n')
}

/** Plays one game; false when the player quit or input ended. */
function play (): bool {
  for (let i = 0; i < 9; i++) board[i] = EMPTY
  show()
  for (;;) {
    print('Your move (1-9, q to quit): ')
    const line = readLine()
    if (line === null || line == 'q') { print('\n'); return false }
    const n = I32.parseInt(line)
    if (line.length != 1 || n < 1 || n > 9) { print('Type a square from 1 to 9.\n'); continue }
    if (board[n - 1] != EMPTY) { print('Square ' + line + ' is taken.\n'); continue }
    board[n - 1] = X
    if (winner() == X) { show(); print('You win!\n'); wins++; return true }
    if (full()) { show(); print('A draw.\n'); draws++; return true }
    computerMove()
    show()
    if (winner() == O) { print('I win.\n'); losses++; return true }
    if (full()) { print('A draw.\n'); draws++; return true }
  }
  return false
}

function score (): string {
  return 'wins=' + wins.toString() + ' losses=' + losses.toString() + ' draws=' + draws.toString()
}

/** Tries to send the score to the high-score server; the game goes on whatever happens. */
function sendScore (server: string): void {
  const colon = server.lastIndexOf(':')
  const host = colon > 0 ? server.substring(0, colon) : server
  const port = colon > 0 ? <u16>I32.parseInt(server.substring(colon + 1)) : <u16>7878
  const c = tcp.connect(host, port)
  if (c.status == DENIED) { print('(score not sent: tcp is not allowed)\n'); return }
  if (c.status != 0) { print('(score not sent: ' + server + ' unreachable, status ' + c.status.toString() + ')\n'); return }
  const w = tcp.write(c.handle, Uint8Array.wrap(String.UTF8.encode('tictactoe ' + score() + '\n')))
  tcp.close(c.handle)
  print(w.status == 0 ? '(score sent to ' + server + ')\n' : '(score not sent: write failed, status ' + w.status.toString() + ')\n')
}

const argv = args()
const server = argv.length > 1 ? argv[1] : '127.0.0.1:7878'
print('Tic-tac-toe: you are X, I am O. Squares are numbered 1-9.\n')
for (;;) {
  if (!play()) break
  print('Score: ' + score() + '\n')
  sendScore(server)
  print('Play again? [y/n] ')
  const again = readLine()
  if (again === null || again != 'y') { print('\n'); break }
}
print('Final score: ' + score() + '\n')
exit(0)
