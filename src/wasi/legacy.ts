// Programs importing only the older `wasi_unstable` (preview 0, whose layouts differ from
// preview 1) run with @wasmer/wasi supplying the WASI imports, except standard I/O and exit: its
// file system is in memory, so such programs see no --dir directories. Writes to fds 1 and 2 and reads of fd 0 go
// through the kernel's stdio interface as they happen (they are JSPI-suspending imports, so the
// program waits for the answer and output streams live, interleaved with everyone else's), and
// `proc_exit` ends the process with its status. Arguments are the process's; the environment is
// the run's `--env` variables, nothing else.
import { stdio } from '../interfaces/gen/stdio.ts'
import { ExitSignal } from '../kernel/node/host.ts'
import type { NodeHost, WasiAdapter } from '../kernel/node/host.ts'
import type { Proc } from '../kernel/node/proc.ts'

const ERRNO_SUCCESS = 0
const ERRNO_BADF = 8
const ERRNO_FAULT = 21
const ERRNO_IO = 29

let ready: Promise<typeof import('@wasmer/wasi').WASI> | null = null

/** Reads the iovec array at `iovs` (pairs of u32 pointer, u32 length), checked against memory. */
function iovecs (view: DataView, iovs: number, count: number): Array<[number, number]> | null {
  const size = view.byteLength
  if (iovs < 0 || count < 0 || iovs + count * 8 > size) return null
  const out: Array<[number, number]> = []
  for (let i = 0; i < count; i++) {
    const ptr = view.getUint32(iovs + i * 8, true)
    const len = view.getUint32(iovs + i * 8 + 4, true)
    if (ptr + len > size) return null
    out.push([ptr, len])
  }
  return out
}

export class LegacyWasi implements WasiAdapter {
  readonly #env: Record<string, string>
  #host: NodeHost | null = null

  constructor (env: Map<string, string> = new Map()) {
    this.#env = Object.fromEntries(env)
  }

  /** The host whose stdio programs write to: set once the host exists (see `bind`). */
  bind (host: NodeHost): void {
    this.#host = host
  }

  async instantiate (proc: Proc, imports: WebAssembly.Imports): Promise<WebAssembly.Instance> {
    // @wasmer/wasi is loaded only when a WASI program runs: it is large, and most runs have none.
    ready ??= import('@wasmer/wasi').then(async (m) => { await m.init(); return m.WASI })
    const WASI = await ready
    const host = this.#host
    if (host === null) throw new Error('the WASI adapter is not bound to a host')
    const module = proc.program.module
    const wasi = new WASI({ args: proc.args, env: this.#env })
    const wasiImports = wasi.getImports(module) as Record<string, Record<string, unknown>>
    const own = wasiImports.wasi_snapshot_preview1 ?? wasiImports.wasi_unstable ?? {}
    let memory: WebAssembly.Memory | null = null
    const view = (): DataView => new DataView(memory!.buffer)

    const callStdio = async (req: Parameters<typeof stdio.encode>[0]): Promise<{ status: number, payload: Uint8Array }> =>
      await host.call(stdio.key, stdio.digest, stdio.encode(req))

    const fdWrite = own.fd_write as (fd: number, iovs: number, n: number, out: number) => number
    const fdRead = own.fd_read as (fd: number, iovs: number, n: number, out: number) => number
    const overrides: Record<string, unknown> = {
      fd_write: new WebAssembly.Suspending(async (fd: number, iovs: number, n: number, out: number): Promise<number> => {
        if (fd !== 1 && fd !== 2) return fdWrite(fd, iovs, n, out)
        const v = view()
        const list = iovecs(v, iovs, n)
        if (list === null || out < 0 || out + 4 > v.byteLength) return ERRNO_FAULT
        let total = 0
        for (const [, len] of list) total += len
        const data = new Uint8Array(total)
        let at = 0
        const u8 = new Uint8Array(memory!.buffer)
        for (const [ptr, len] of list) { data.set(u8.subarray(ptr, ptr + len), at); at += len }
        if (total > 0) {
          const r = await callStdio({ name: 'write', fd, data })
          if (r.status !== 0) return r.status === stdio.error('bad_fd') ? ERRNO_BADF : ERRNO_IO
        }
        new DataView(memory!.buffer).setUint32(out, total, true)
        return ERRNO_SUCCESS
      }),
      fd_read: new WebAssembly.Suspending(async (fd: number, iovs: number, n: number, out: number): Promise<number> => {
        if (fd !== 0) return fdRead(fd, iovs, n, out)
        let list = iovecs(view(), iovs, n)
        if (list === null || out < 0 || out + 4 > view().byteLength) return ERRNO_FAULT
        let max = 0
        for (const [, len] of list) max += len
        let got: Uint8Array = new Uint8Array(0)
        if (max > 0) {
          const r = await callStdio({ name: 'read', max })
          if (r.status !== 0) return ERRNO_IO
          got = stdio.decodeAnswer('read', r.payload).data
        }
        // Memory may have grown (a new buffer) while waiting: look again.
        list = iovecs(view(), iovs, n)!
        const u8 = new Uint8Array(memory!.buffer)
        let at = 0
        for (const [ptr, len] of list) {
          if (at >= got.length) break
          const k = Math.min(len, got.length - at)
          u8.set(got.subarray(at, at + k), ptr)
          at += k
        }
        new DataView(memory!.buffer).setUint32(out, at, true)
        return ERRNO_SUCCESS
      }),
      proc_exit: (status: number): never => {
        throw new ExitSignal(status)
      }
    }
    const merged: WebAssembly.Imports = { ...imports }
    for (const mod of ['wasi_snapshot_preview1', 'wasi_unstable']) {
      if (wasiImports[mod] !== undefined) merged[mod] = { ...wasiImports[mod], ...overrides } as WebAssembly.ModuleImports
    }
    const instance = await WebAssembly.instantiate(module, merged)
    const mem = instance.exports.memory
    if (!(mem instanceof WebAssembly.Memory)) throw new Error('a WASI program must export its memory')
    memory = mem
    // Binds @wasmer/wasi to this instance's memory; the host calls _start itself (through JSPI).
    wasi.instantiate(instance, {})
    return instance
  }
}
