// The console's side of the control socket (control.ts): finds the kernels of this user under
// WASMOS_HOME/run, connects, and sends requests one at a time. Sockets of kernels that are gone
// are removed as they are found.
import { readdirSync, unlinkSync } from 'node:fs'
import { connect } from 'node:net'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { WasmosError } from '../errors.ts'
import type { ControlAnswer, ControlRequest, Snapshot } from './control.ts'

/** How long a kernel may take to answer before the console gives up on it. */
const ANSWER_TIMEOUT_MS = 3000

export class ControlClient {
  readonly path: string
  readonly #socket: Socket
  #buf = ''
  readonly #waiting: Array<{ resolve: (a: ControlAnswer) => void, reject: (e: Error) => void }> = []
  #closed = false

  private constructor (path: string, socket: Socket) {
    this.path = path
    this.#socket = socket
    socket.setEncoding('utf8')
    socket.on('data', (d: string) => {
      this.#buf += d
      let nl: number
      while ((nl = this.#buf.indexOf('\n')) >= 0) {
        const line = this.#buf.slice(0, nl)
        this.#buf = this.#buf.slice(nl + 1)
        const w = this.#waiting.shift()
        try {
          w?.resolve(JSON.parse(line) as ControlAnswer)
        } catch {
          w?.reject(new WasmosError('ERR_CONTROL', `${path}: not a wasmos control socket`))
        }
      }
    })
    const fail = (): void => {
      this.#closed = true
      for (const w of this.#waiting.splice(0)) w.reject(new WasmosError('ERR_CONTROL', 'the kernel has gone'))
    }
    socket.on('error', fail)
    socket.on('close', fail)
  }

  /** Connects to one kernel's socket; null (and the socket file removed) when nobody listens. */
  static async connect (path: string): Promise<ControlClient | null> {
    return await new Promise((resolve) => {
      const s = connect(path)
      s.once('connect', () => { s.removeAllListeners('error'); resolve(new ControlClient(path, s)) })
      s.once('error', (err: NodeJS.ErrnoException) => {
        if (err.code === 'ECONNREFUSED') { try { unlinkSync(path) } catch {} }
        resolve(null)
      })
    })
  }

  get closed (): boolean {
    return this.#closed
  }

  async request (req: ControlRequest): Promise<ControlAnswer> {
    if (this.#closed) throw new WasmosError('ERR_CONTROL', 'the kernel has gone')
    const answer = new Promise<ControlAnswer>((resolve, reject) => {
      const timer = setTimeout(() => reject(new WasmosError('ERR_CONTROL', `${this.path}: no answer`)), ANSWER_TIMEOUT_MS)
      this.#waiting.push({
        resolve: (a) => { clearTimeout(timer); resolve(a) },
        reject: (e) => { clearTimeout(timer); reject(e) }
      })
    })
    this.#socket.write(`${JSON.stringify(req)}\n`)
    return await answer
  }

  async snapshot (): Promise<Snapshot | null> {
    try {
      const a = await this.request({ op: 'snapshot' })
      return a.ok && a.snapshot !== undefined ? a.snapshot : null
    } catch {
      return null
    }
  }

  close (): void {
    this.#closed = true
    this.#socket.destroy()
  }
}

/** Connects to every running kernel of this user (WASMOS_HOME/run), in pid order. */
export async function connectAll (dir: string): Promise<ControlClient[]> {
  let files: string[]
  try {
    files = readdirSync(dir)
  } catch {
    return []
  }
  const socks = files.filter((f) => /^\d+\.sock$/.test(f)).sort((a, b) => parseInt(a) - parseInt(b))
  const clients = await Promise.all(socks.map(async (f) => await ControlClient.connect(join(dir, f))))
  return clients.filter((c): c is ControlClient => c !== null)
}
