// `wasmos log show <file>`: a recording (wasmos run --record) as text, one line a frame: each
// process started, each grant settled, what each process sent, answered, and what each wait and
// WASI call gave it, and how each ended.
import type { Command } from 'commander'
import { sanitize } from '../../kernel/node/text.ts'
import { describeInterfaces } from '../features/trace.ts'
import { loadRecording, sendLabel } from './replay.ts'

const CODES = ['ok', 'denied', 'no handler', 'bad pointer', 'too large', 'queue full', 'unknown message', 'already handled', 'pending']
const KINDS = ['', 'answer', 'message', 'ended']

function notification (b: Uint8Array): string {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength)
  const kind = KINDS[b[0]] ?? `kind ${b[0]}`
  const code = view.getInt32(4, true)
  const id = view.getUint32(8, true) + view.getUint32(12, true) * 4294967296
  if (b[0] === 1) return `answer to ${id}, status ${code}, ${b.length} bytes`
  if (b[0] === 3) return `pid ${id} ended with status ${code}`
  return `${kind} ${id}, ${b.length} bytes`
}

export function registerLogCommands (program: Command): void {
  const log = program.command('log').description('recordings of runs (wasmos run --record)')
  log.command('show')
    .description('print a recording as text, one line a process start, grant or syscall')
    .argument('<file>', 'the recording')
    .action(async (file: string) => {
      const rec = loadRecording(file)
      const h = rec.header
      const labels = new Map(rec.processes.map((p) => [p.pid, `${sanitize(p.name)}@${p.pid}`]))
      const describe = describeInterfaces()
      const names = (key: string): string => describe(key)?.name ?? `${key.slice(0, 12)}…`
      const out: string[] = [`recording of ${sanitize(h.name)} [${h.args.map((a) => JSON.stringify(a)).join(', ')}], ${rec.processes.length} processes, modules ${h.embed ? 'embedded' : 'in the store'}`]
      let n = 0
      for (const f of rec.frames) {
        const who = (labels.get(f[1] as number) ?? `pid ${String(f[1])}`).padEnd(18)
        const num = (): string => String(++n).padStart(5)
        switch (f[0]) {
          case 'm': out.push(`      module ${String(f[1])}, ${(f[2] as Uint8Array).length} bytes`); break
          case 'p': {
            const p = rec.processes.find((q) => q.pid === f[1])!
            out.push(`      ${who} start ${p.cid} args [${p.args.map((a) => JSON.stringify(a)).join(', ')}]${p.main ? ' (main)' : ''}${p.kind === 1 ? ' WASI' : ''}${p.parent !== 0 ? `, child of pid ${p.parent}` : ''}`)
            break
          }
          case 'g': out.push(`      ${who} grant ${String(f[3])} ${names(String(f[2]))} ${f[4] === true ? 'allowed' : 'denied'} (${String(f[5])})`); break
          case 's': out.push(`${num()} ${who} ${sendLabel(f[2] as string, f[3] as Uint8Array)} → ${CODES[f[5] as number] ?? String(f[5])}${(f[6] as number) > 0 ? `, id ${String(f[6])}` : ''}`); break
          case 'a': out.push(`${num()} ${who} answer ${String(f[2])} status ${String(f[3])} → ${CODES[f[4] as number] ?? String(f[4])}`); break
          case 'w': out.push(`${num()} ${who} wait → ${f[3] === null ? (f[2] === 0 ? 'nothing yet' : `needs ${String(f[2])} bytes`) : notification(f[3] as Uint8Array)}`); break
          case 'W': {
            const writes = (f[5] as Array<[number, Uint8Array]>).reduce((k, [, b]) => k + b.length, 0)
            out.push(`${num()} ${who} WASI ${String(f[2])}(${(f[3] as unknown[]).join(', ')}) → ${f[4] === null ? 'ended the process' : String(f[4])}${writes > 0 ? `, wrote ${writes} bytes` : ''}`)
            break
          }
          case 'x': out.push(`      ${who} exit ${String(f[2])}${f[4] === true ? ' (ended from outside)' : ''}${typeof f[3] === 'string' ? `: ${sanitize(f[3])}` : ''}`); break
          case 't': out.push('      (truncated: the recording reached its limit)'); break
        }
      }
      // Written whole before the command exits (a pipe takes it asynchronously).
      await new Promise<void>((resolve) => process.stdout.write(`${out.join('\n')}\n`, () => resolve()))
    })
}
