// `wasmos top`: the processes of every running wasmos kernel of this user, refreshing (the columns
// of `wasmos ps`). Keys: ↑/↓ select a process, k kills it, r revokes one of its grants (then the
// grant's number), q quits. Killing and revoking take effect at once and go to the run's audit log.
import type { Command } from 'commander'
import { WasmosError } from '../../kernel/node/errors.ts'
import { sanitize } from '../../kernel/node/text.ts'
import { connectAll } from '../../kernel/node/observe/client.ts'
import type { ControlClient } from '../../kernel/node/observe/client.ts'
import type { GrantView, Snapshot } from '../../kernel/node/observe/control.ts'
import { runDir } from '../features/control.ts'
import { rowsOf, table } from './ps.ts'
import type { Row } from './ps.ts'

const CLEAR = '\x1b[H\x1b[2J'
const INVERSE = '\x1b[7m'
const RESET = '\x1b[0m'

/** The keys in a chunk of terminal input: arrow keys (both encodings) and single characters. */
export function keysOf (chunk: string): string[] {
  const keys: string[] = []
  for (let i = 0; i < chunk.length;) {
    const arrow = chunk[i] === '\x1b' && (chunk[i + 1] === '[' || chunk[i + 1] === 'O') && (chunk[i + 2] === 'A' || chunk[i + 2] === 'B')
    if (arrow) { keys.push(`\x1b[${chunk[i + 2]}`); i += 3; continue }
    keys.push(chunk[i])
    i++
  }
  return keys
}

interface Kernel { client: ControlClient, last?: Snapshot }

class Top {
  readonly #kernels = new Map<string, Kernel>()
  readonly #dir: string
  #rows: Row[] = []
  #starts = new Map<number, number>()
  #selected = 0
  #status = ''
  /** The grants offered by `r`, waiting for a digit. */
  #revoking: GrantView[] | null = null

  constructor (dir: string) {
    this.#dir = dir
  }

  async refresh (): Promise<void> {
    for (const c of await connectAll(this.#dir)) {
      if (this.#kernels.has(c.path)) c.close()
      else this.#kernels.set(c.path, { client: c })
    }
    const rows: Row[] = []
    for (const [path, k] of this.#kernels) {
      const s = k.client.closed ? null : await k.client.snapshot()
      if (s === null) { k.client.close(); this.#kernels.delete(path); continue }
      rows.push(...rowsOf(s, k.last))
      k.last = s
      this.#starts.set(s.kernel, s.startedAt)
    }
    const selected = this.#rows[this.#selected]
    this.#rows = rows
    // Keep the same process selected while rows come and go.
    const again = selected === undefined ? -1 : rows.findIndex((r) => r.kernel === selected.kernel && r.pid === selected.pid)
    this.#selected = again >= 0 ? again : Math.min(this.#selected, Math.max(0, rows.length - 1))
  }

  render (): string {
    const width = process.stdout.columns ?? 120
    const lines = [`wasmos top: ${this.#kernels.size} kernel(s), ${this.#rows.length} process(es)   ↑/↓ select  k kill  r revoke a grant  q quit`, '']
    if (this.#rows.length === 0) lines.push('no running wasmos programs')
    const body = table(this.#rows, this.#starts)
    // The table has two header lines per kernel: map row i to its line.
    let row = -1
    for (const l of body) {
      const isRow = /^ {2}\s*\d+ {2}/.test(l)
      if (isRow) row++
      const text = l.slice(0, width)
      lines.push(isRow && row === this.#selected ? `${INVERSE}${text}${RESET}` : text)
    }
    lines.push('', this.#status)
    return `${CLEAR}${lines.join('\n')}`
  }

  async key (k: string): Promise<boolean> {
    const row = this.#rows[this.#selected]
    if (this.#revoking !== null) {
      const list = this.#revoking
      this.#revoking = null
      const n = Number(k)
      if (row === undefined || !Number.isInteger(n) || n < 1 || n > list.length) { this.#status = 'revoke: cancelled'; return true }
      const g = list[n - 1]
      const a = await this.#client(row)?.request({ op: 'revoke', pid: row.pid, iface: g.iface, kind: g.kind })
      this.#status = a?.ok === true ? `revoked: ${sanitize(row.name)}@${row.pid} may no longer ${g.kind === 'send' ? 'use' : 'handle'} ${g.iface}` : `revoke failed: ${a?.ok === false ? a.error : 'kernel gone'}`
      return true
    }
    if (k === 'q' || k === '\x03') return false
    if (k === '\x1b[A') this.#selected = Math.max(0, this.#selected - 1)
    else if (k === '\x1b[B') this.#selected = Math.min(Math.max(0, this.#rows.length - 1), this.#selected + 1)
    else if (k === 'k' && row !== undefined) {
      const a = await this.#client(row)?.request({ op: 'kill', pid: row.pid })
      this.#status = a?.ok === true ? `killed ${sanitize(row.name)}@${row.pid}` : `kill failed: ${a?.ok === false ? a.error : 'kernel gone'}`
    } else if (k === 'r' && row !== undefined) {
      const list = row.grants.filter((g) => g.state === 'allowed')
      if (list.length === 0) { this.#status = `${sanitize(row.name)}@${row.pid} holds no grant`; return true }
      this.#revoking = list.slice(0, 9)
      this.#status = `revoke which grant of ${sanitize(row.name)}@${row.pid}? ${this.#revoking.map((g, i) => `${i + 1} ${g.kind} ${g.iface}`).join('  ')}  (other key: cancel)`
    }
    return true
  }

  #client (row: Row): ControlClient | undefined {
    for (const k of this.#kernels.values()) if (k.last?.kernel === row.kernel) return k.client
    return undefined
  }

  close (): void {
    for (const k of this.#kernels.values()) k.client.close()
  }
}

export function registerTopCommands (program: Command): void {
  program.command('top')
    .description('show the running wasmos programs of this user, refreshing; kill a process or revoke a grant')
    .option('--interval <seconds>', 'seconds between refreshes', '1')
    .action(async (flags: { interval: string }) => {
      const interval = Number(flags.interval)
      if (!(interval >= 0.1 && interval <= 3600)) throw new WasmosError('ERR_BAD_OPTION', `--interval: expected seconds between 0.1 and 3600, got '${flags.interval}'`)
      const stdin = process.stdin
      if (stdin.isTTY !== true || process.stdout.isTTY !== true) throw new WasmosError('ERR_NOT_A_TERMINAL', 'top needs a terminal (wasmos ps prints the same once)')
      const top = new Top(runDir())
      stdin.setRawMode(true)
      stdin.setEncoding('utf8')
      process.stdout.write('\x1b[?25l')
      let busy = Promise.resolve()
      try {
        await new Promise<void>((resolve) => {
          const draw = async (): Promise<void> => { await top.refresh(); process.stdout.write(top.render()) }
          const timer = setInterval(() => { busy = busy.then(draw, draw) }, interval * 1000)
          let done = false
          stdin.on('data', (chunk: string) => {
            // Keys typed quickly arrive together: take them one at a time.
            for (const k of keysOf(chunk)) {
              busy = busy.then(async () => {
                if (done) return
                if (!await top.key(k)) { done = true; clearInterval(timer); resolve(); return }
                await draw()
              })
            }
          })
          busy = busy.then(draw)
        })
      } finally {
        stdin.setRawMode(false)
        stdin.pause()
        top.close()
        process.stdout.write(`${RESET}\x1b[?25h\n`)
      }
    })
}
