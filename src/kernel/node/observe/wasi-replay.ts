// WASI calls in a replay: each `wasi_snapshot_preview1` import the module uses is checked against
// the process's next recorded call (wasi-record.ts), by name and arguments, and for writes by the
// bytes written; at its turn the recorded bytes go back into memory and the recorded result is
// returned. Nothing reaches a clock, a file, a socket or the terminal: what a WASI program wrote
// to standard output or error is handed to `onWrite`.
import type { Frame } from './record.ts'
import type { ReplayProc } from './replay-proc.ts'
import { argOf } from './wasi-record.ts'

/** A replayed WASI call that ended its process (proc_exit, proc_raise). */
export class ReplayExit extends Error {}

export interface WasiReplayContext {
  proc: ReplayProc
  frames: Frame[]
  /** The next frame of the process, which must be of `kind`; null when it will never run again. */
  expect: (p: ReplayProc, kind: string, what: () => string) => Frame | null
  diverged: (p: ReplayProc, got: string) => never
  forever: (p: ReplayProc, what: string) => Promise<never>
  /** Takes the call's turn now (true) or sets it up for `waitTurn`. */
  turn: (p: ReplayProc, at: number, what: string, effect: (() => void) | null) => boolean
  waitTurn: (p: ReplayProc) => Promise<void>
  onWrite?: (p: ReplayProc, stream: number, data: Uint8Array) => void
}

function gather (u8: Uint8Array, iovs: number, count: number): Uint8Array {
  const view = new DataView(u8.buffer, u8.byteOffset, u8.byteLength)
  const parts: Uint8Array[] = []
  for (let i = 0; i < count && iovs + i * 8 + 8 <= u8.length; i++) {
    const ptr = view.getUint32(iovs + i * 8, true)
    const len = view.getUint32(iovs + i * 8 + 4, true)
    if (ptr + len <= u8.length) parts.push(u8.subarray(ptr, ptr + len))
  }
  return Buffer.concat(parts)
}

function sameArgs (a: unknown, b: Array<number | string>): boolean {
  return Array.isArray(a) && a.length === b.length && a.every((x, i) => x === b[i])
}

/** The `wasi_snapshot_preview1` imports of a replayed process. */
export function wasiReplayImports (module: WebAssembly.Module, ctx: WasiReplayContext): Record<string, WebAssembly.ImportValue> {
  const p = ctx.proc
  const call = (name: string, a: Array<number | bigint>): number | Promise<number> => {
    const args = a.map(argOf)
    const what = (): string => `WASI ${name}(${args.join(', ')})`
    const f = ctx.expect(p, 'W', what)
    if (f === null) return ctx.forever(p, what())
    if (f[2] !== name || !sameArgs(f[3], args)) ctx.diverged(p, what())
    const data = f[6]
    if (data instanceof Uint8Array && !Buffer.from(data).equals(gather(p.u8(), Number(a[1]) >>> 0, Number(a[2]) >>> 0))) {
      ctx.diverged(p, `${what()} with other bytes`)
    }
    const result = f[4] as number | null
    const effect = (): void => {
      const u8 = p.u8()
      for (const [ptr, bytes] of f[5] as Array<[number, Uint8Array]>) u8.set(bytes, ptr)
      const stream = f[7] as number
      if (stream > 0 && result === 0 && data instanceof Uint8Array) {
        const n = new DataView(u8.buffer).getUint32(Number(a[3]) >>> 0, true)
        ctx.onWrite?.(p, stream, data.subarray(0, n))
      }
    }
    const finish = (): number => {
      if (result === null) throw new ReplayExit(`${name}`)
      return result
    }
    if (ctx.turn(p, p.nextAt, what(), effect)) return finish()
    return ctx.waitTurn(p).then(finish)
  }
  const out: Record<string, WebAssembly.ImportValue> = {}
  for (const imp of WebAssembly.Module.imports(module)) {
    if (imp.module !== 'wasi_snapshot_preview1' || imp.kind !== 'function') continue
    const name = imp.name
    out[name] = new WebAssembly.Suspending((...a: Array<number | bigint>) => call(name, a)) as unknown as WebAssembly.ImportValue
  }
  return out
}
