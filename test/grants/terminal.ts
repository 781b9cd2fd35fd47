// A real terminal for the prompt tests: tmux (Debian's) runs `wasmos` in a 120x40 pane on its own
// socket; tests type keys and read the screen. Each Terminal kills its tmux server when closed.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { CLI, NODE, ROOT } from '../helpers.ts'

let serial = 0

const quote = (s: string): string => `'${s.replace(/'/g, "'\\''")}'`

export class Terminal {
  readonly socket: string
  readonly #dir: string
  readonly #status: string

  /** Starts `wasmos …args` in a fresh tmux server, with WASMOS_HOME `home`. */
  constructor (args: string[], home: string) {
    this.socket = `wasmos-grants-${process.pid}-${serial++}`
    this.#dir = mkdtempSync(join(tmpdir(), 'wasmos-tty-'))
    this.#status = join(this.#dir, 'status')
    const cmd = `cd ${quote(ROOT)} && WASMOS_HOME=${quote(home)} NO_COLOR=1 ${quote(NODE)} ${quote(CLI)} ${args.map(quote).join(' ')}; ` +
      `echo $? > ${quote(this.#status)}; echo "[exited]"; sleep 600`
    execFileSync('tmux', ['-L', this.socket, '-f', '/dev/null', 'new-session', '-d', '-x', '120', '-y', '40', 'sh', '-c', cmd])
  }

  /** Types keys (tmux key names: 'y', 'Enter', 'C-c'). */
  keys (...keys: string[]): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', ...keys])
  }

  /** Types text literally. */
  type (text: string): void {
    execFileSync('tmux', ['-L', this.socket, 'send-keys', '-l', text])
  }

  screen (): string {
    return execFileSync('tmux', ['-L', this.socket, 'capture-pane', '-p', '-J', '-S', '-200'], { encoding: 'utf8' })
  }

  /** Waits until the screen matches (at least `count` times); returns the screen. */
  async waitFor (pattern: RegExp, count = 1, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : pattern.flags + 'g')
    for (;;) {
      const s = this.screen()
      if ((s.match(global)?.length ?? 0) >= count) return s
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} (x${count}); screen:\n${s}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Waits for `wasmos` to end; its exit status. */
  async exitStatus (timeoutMs = 15_000): Promise<number> {
    // At line start, or after a prompt the run left open when its main program ended.
    await this.waitFor(/\[exited\]$/m, 1, timeoutMs)
    return Number(readFileSync(this.#status, 'utf8').trim())
  }

  close (): void {
    try { execFileSync('tmux', ['-L', this.socket, 'kill-server'], { stdio: 'ignore' }) } catch {}
    rmSync(this.#dir, { recursive: true, force: true })
  }
}
