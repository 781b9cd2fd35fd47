// The permission prompt on a terminal, in the manner of Deno's: which program (name, short CID),
// which interface (name, short CID, a line of its doc), send or handle; one key answers it:
// y allow this run, n deny this run, A always allow, N never allow. A request a native handler
// makes for a scope (connect to 127.0.0.1:7878 via tcp) shows that scope, and A / N remember that
// scope only; `a` remembers a wider one when there is one (any port on that host). One prompt at a time: the
// others queue behind it. Ctrl-C at the prompt denies and rejects with an InterruptedError
// (exit status 130); every prompt after that rejects at once.
//
// The prompt writes to standard error and reads single keys from standard input in raw mode; it
// is only used when both are terminals. Programs read standard input too (the `stdio`
// interface): they read it through a StdinGate, which stops taking bytes from the terminal while
// a prompt is shown, so that a program's read can never steal the answer (nor the prompt a line
// meant for the program: what was typed before the prompt appeared stays the program's).
//
// Every string a program can influence (its name, the reasons it gives) is sanitised: escape
// sequences removed, control and format characters (newlines, bidi overrides, …) shown escaped,
// length capped; a name cannot forge a line of the prompt.
import { Readable, Writable } from 'node:stream'
import { WasmosError } from '../../kernel/node/errors.ts'
import { sanitize, shortCid } from '../../kernel/node/text.ts'

export type Answer = 'y' | 'n' | 'A' | 'N' | 'a'

export interface PromptInterface {
  /** The interface's name (from its definition), or null when the interface is not known here. */
  name: string | null
  cid: string
  /** First line of its doc. */
  summary: string
  kind: 'send' | 'handle'
  /** Why the program says it needs it (declared up front); null when asked at first use. */
  reason: string | null
  /** What it would do, when asked for a scope: what to show, the pattern A remembers, a wider one for `a`. */
  scope?: { what: string, exact: string, widen: { pattern: string, label: string } | null } | null
}

export interface Question {
  program: { name: string, cid: string }
  interfaces: PromptInterface[]
  /** Asked before the program starts, from the list it declares. */
  upFront: boolean
}

export class InterruptedError extends WasmosError {
  constructor () {
    super('ERR_INTERRUPTED', 'interrupted at the permission prompt', 130)
  }
}

/**
 * Standard input as programs read it while a prompt may be shown: takes bytes from the terminal
 * only while some reader wants them and no prompt is shown (`hold` / `release`).
 */
export class StdinGate extends Readable {
  readonly #src: Readable
  #held = false
  #attached = false
  /** A read is pending: asked for by the stream (`_read`) and not answered by a push yet. */
  #wanted = false

  readonly #onData = (chunk: Buffer | string): void => {
    // The pending read is answered (pushing may ask for the next one at once).
    this.#wanted = false
    if (!this.push(chunk)) this.#src.pause()
  }

  readonly #onEnd = (): void => { this.push(null) }

  constructor (src: Readable) {
    super()
    this.#src = src
  }

  override _read (): void {
    this.#wanted = true
    if (!this.#attached) {
      this.#attached = true
      this.#src.on('end', this.#onEnd)
      if (!this.#held) this.#src.on('data', this.#onData)
    }
    if (!this.#held) this.#src.resume()
  }

  override pause (): this {
    super.pause()
    if (!this.#held) this.#src.pause()
    return this
  }

  /**
   * A read asked for before a prompt (or a pause) and not answered yet is not asked for again by
   * the stream: resuming must take bytes from the terminal for it.
   */
  override resume (): this {
    super.resume()
    if (this.#wanted && this.#attached && !this.#held) this.#src.resume()
    return this
  }

  /** Stops taking bytes from the terminal (a prompt reads them). */
  hold (): void {
    if (this.#held) return
    this.#held = true
    if (this.#attached) this.#src.off('data', this.#onData)
    this.#src.pause()
  }

  /** Gives the terminal back to programs. */
  release (): void {
    if (!this.#held) return
    this.#held = false
    if (this.#attached) {
      this.#src.on('data', this.#onData)
      if (this.#wanted && !this.isPaused()) this.#src.resume()
      else this.#src.pause()
    }
  }

  override _destroy (err: Error | null, cb: (err: Error | null) => void): void {
    this.#src.off('data', this.#onData)
    this.#src.off('end', this.#onEnd)
    cb(err)
  }
}

/**
 * Standard output or error as programs write to them: while a prompt is shown, what they write
 * waits (and so do they, through the stdio interface's backpressure) so that it cannot land in the
 * middle of the prompt's line.
 */
export class OutputGate extends Writable {
  readonly #dest: Writable
  readonly #maxHeld: number
  #held = false
  #heldBytes = 0
  #dropped = 0
  #waiting: Array<{ chunk: Buffer, done: (err?: Error | null) => void }> = []

  /**
   * `maxHeld`: bytes kept while held, for writers that do not wait (the log); past it, what they
   * write is dropped and counted. Writers that wait (stdio) are held back by backpressure instead.
   */
  constructor (dest: Writable, maxHeld = Infinity) {
    super()
    this.#dest = dest
    this.#maxHeld = maxHeld
  }

  /** Whether the stream it guards is a terminal (for colours). */
  get isTTY (): boolean {
    return (this.#dest as { isTTY?: boolean }).isTTY === true
  }

  override _write (chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    // Not held: straight through and done at once, as when programs write to the stream itself
    // (what a program wrote just before the run ends is not left behind in a buffer).
    if (!this.#held) { this.#dest.write(chunk); done(); return }
    if (this.#heldBytes + chunk.length > this.#maxHeld) { this.#dropped++; done(); return }
    this.#heldBytes += chunk.length
    this.#waiting.push({ chunk, done })
  }

  hold (): void { this.#held = true }

  release (): void {
    this.#held = false
    const waiting = this.#waiting
    this.#waiting = []
    this.#heldBytes = 0
    for (const w of waiting) { this.#dest.write(w.chunk); w.done() }
    if (this.#dropped > 0) {
      this.#dest.write(`(${this.#dropped} more lines written while the prompt was open were dropped)\n`)
      this.#dropped = 0
    }
  }
}

interface TtyInput extends Readable {
  isTTY?: boolean
  isRaw?: boolean
  setRawMode?: (mode: boolean) => unknown
}

export interface TerminalPromptOptions {
  input: TtyInput
  output: Writable & { columns?: number }
  /** The gate programs read standard input through, held while a prompt is shown. */
  gate?: StdinGate
  /** The gates programs write standard output and error through, held while a prompt is shown. */
  outputs?: OutputGate[]
  /** Colours and bold (off with NO_COLOR). */
  color?: boolean
}

const KEYS: Record<string, Answer> = { y: 'y', n: 'n', A: 'A', N: 'N', a: 'a' }

export class TerminalPrompt {
  readonly #input: TtyInput
  readonly #output: Writable & { columns?: number }
  readonly #gate: StdinGate | undefined
  readonly #outputs: OutputGate[]
  readonly #color: boolean
  #queue: Promise<unknown> = Promise.resolve()
  #interrupted = false

  constructor (opts: TerminalPromptOptions) {
    this.#input = opts.input
    this.#output = opts.output
    this.#gate = opts.gate
    this.#outputs = opts.outputs ?? []
    this.#color = opts.color ?? false
  }

  get interrupted (): boolean { return this.#interrupted }

  /**
   * Asks, after every question asked before it was answered. `skip` is checked when its turn comes:
   * an answer given meanwhile (to an earlier question) may have settled it.
   */
  ask (q: Question, skip?: () => Answer | null): Promise<Answer> {
    const turn = this.#queue.then(async () => {
      if (this.#interrupted) throw new InterruptedError()
      const settled = skip?.() ?? null
      if (settled !== null) return settled
      return await this.#show(q)
    })
    this.#queue = turn.catch(() => {})
    return turn
  }

  #bold (s: string): string { return this.#color ? `\x1b[1m${s}\x1b[22m` : s }
  #dim (s: string): string { return this.#color ? `\x1b[2m${s}\x1b[22m` : s }

  /** The prompt's lines; every program-supplied string in them is sanitised. */
  render (q: Question): string[] {
    const prog = `${this.#bold(sanitize(q.program.name, 40))} ${this.#dim(`(${shortCid(q.program.cid)})`)}`
    const lines: string[] = []
    const ifaceName = (i: PromptInterface): string => this.#bold(i.name === null ? 'an unknown interface' : sanitize(i.name, 40))
    const what = (i: PromptInterface): string => `${i.kind === 'send' ? 'send to' : 'handle'} ${ifaceName(i)} ${this.#dim(`(${shortCid(i.cid)})`)}`
    const scoped = (i: PromptInterface): string => `${sanitize(i.scope!.what, 100)} via ${ifaceName(i)}`
    if (q.upFront) {
      const n = q.interfaces.length
      lines.push(`┏ ⚠  ${prog} asks, before it starts, for ${n} interface${n === 1 ? '' : 's'}:`)
      for (const i of q.interfaces) {
        lines.push(`┠─ ${i.scope != null ? scoped(i) : what(i)}${i.summary !== '' ? ` — ${sanitize(i.summary, 80)}` : ''}`)
        if (i.reason !== null && i.reason !== '') lines.push(`┃    why: "${sanitize(i.reason, 100)}"`)
      }
      lines.push(`┠─ y: allow ${n === 1 ? 'it' : 'them'} this run · n: deny this run · A: always allow · N: never allow`)
    } else if (q.interfaces[0].scope != null) {
      const i = q.interfaces[0]
      const s = i.scope!
      const why = i.reason !== null && i.reason !== '' ? ` — why: "${sanitize(i.reason, 100)}"` : ''
      lines.push(`┏ ⚠  ${prog} wants to ${scoped(i)}${why}.`)
      if (i.summary !== '') lines.push(`┠─ ${ifaceName(i)}: ${sanitize(i.summary, 100)}`)
      const exact = sanitize(s.exact, 60)
      const widen = s.widen === null ? '' : ` · a: always allow ${sanitize(s.widen.label, 60)}`
      lines.push(`┠─ y: allow this run · n: deny this run · A: always allow ${exact}${widen} · N: never allow ${exact}`)
      lines.push(`┗ Allow? [y/n/A${s.widen === null ? '' : '/a'}/N] > `)
      return lines
    } else {
      const i = q.interfaces[0]
      lines.push(`┏ ⚠  ${prog} wants to ${what(i)}.`)
      if (i.summary !== '') lines.push(`┠─ ${ifaceName(i)}: ${sanitize(i.summary, 100)}`)
      // Handling is not sending: the handler receives (and answers) what every program sends.
      if (i.kind === 'handle') lines.push(`┠─ it would receive every message programs send to ${ifaceName(i)}, and answer them`)
      lines.push('┠─ y: allow this run · n: deny this run · A: always allow · N: never allow')
    }
    lines.push('┗ Allow? [y/n/A/N] > ')
    return lines
  }

  #show (q: Question): Promise<Answer> {
    const input = this.#input
    const out = this.#output
    this.#gate?.hold()
    for (const o of this.#outputs) o.hold()
    const wasRaw = input.isRaw === true
    input.setRawMode?.(true)
    out.write('\n' + this.render(q).join('\n'))
    return new Promise<Answer>((resolve, reject) => {
      const done = (): void => {
        input.off('data', onData)
        input.off('end', onEnd)
        input.setRawMode?.(wasRaw)
        input.pause()
        this.#gate?.release()
      }
      /** What programs wrote meanwhile comes out after the answer's lines, before the next prompt. */
      const flush = (): void => { for (const o of this.#outputs) o.release() }
      const onData = (chunk: Buffer | string): void => {
        const text = typeof chunk === 'string' ? chunk : chunk.toString('utf8')
        for (const c of text) {
          if (c === '\x03') {
            done()
            this.#interrupted = true
            out.write('^C\n')
            flush()
            reject(new InterruptedError())
            return
          }
          const answer = KEYS[c]
          const widen = q.interfaces.length === 1 && q.interfaces[0].scope?.widen != null
          if (answer !== undefined && (answer !== 'a' || widen)) {
            done()
            out.write(`${c}\n${this.#outcome(q, answer)}\n`)
            flush()
            resolve(answer)
            return
          }
        }
        out.write(`\n  Unrecognised key. Allow? [y/n/A/${q.interfaces[0]?.scope?.widen != null ? 'a/' : ''}N] > `)
      }
      const onEnd = (): void => {
        done()
        out.write('\n')
        flush()
        resolve('n')
      }
      input.on('data', onData)
      input.once('end', onEnd)
      input.resume()
    })
  }

  #outcome (q: Question, a: Answer): string {
    const allowed = a === 'y' || a === 'A' || a === 'a'
    const ifaceName = (i: PromptInterface): string => i.name === null ? shortCid(i.cid) : sanitize(i.name, 40)
    const names = q.interfaces.map((i) => {
      if (i.scope == null) return ifaceName(i)
      const pattern = a === 'a' && i.scope.widen !== null ? i.scope.widen.pattern : i.scope.exact
      return `${ifaceName(i)} ${sanitize(pattern, 60)}`
    }).join(', ')
    const span = a === 'A' || a === 'a' ? 'always (remembered)' : a === 'N' ? 'never (remembered)' : 'for this run'
    return `${allowed ? '✅ Allowed' : '❌ Denied'} ${sanitize(q.program.name, 40)}: ${names}, ${span}.`
  }
}
