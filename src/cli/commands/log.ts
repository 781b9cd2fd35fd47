// `wasmos log show <file>`: a recording (wasmos run --record) as text, one syscall a line: what
// the program sent, answered, and what each wait gave it.
import type { Command } from 'commander'
import { sanitize } from '../../kernel/node/text.ts'
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
    .description('print a recording as text, one syscall a line')
    .argument('<file>', 'the recording')
    .action((file: string) => {
      const rec = loadRecording(file)
      const h = rec.header
      const out: string[] = [`${sanitize(h.name)} ${h.cid} args [${h.args.map((a) => JSON.stringify(a)).join(', ')}], module ${h.module.length} bytes`]
      rec.frames.forEach((f, i) => {
        const n = String(i + 1).padStart(5)
        if (f[0] === 's') out.push(`${n} ${sendLabel(f[1] as string, f[2] as Uint8Array)} → ${CODES[f[4] as number] ?? f[4]}${(f[5] as number) > 0 ? `, id ${String(f[5])}` : ''}`)
        else if (f[0] === 'a') out.push(`${n} answer ${String(f[1])} status ${String(f[2])} → ${CODES[f[3] as number] ?? f[3]}`)
        else if (f[0] === 'w') out.push(`${n} wait → ${f[2] === null ? (f[1] === 0 ? 'nothing yet' : `needs ${String(f[1])} bytes`) : notification(f[2] as Uint8Array)}`)
        else if (f[0] === 'x') out.push(`      exit ${String(f[1])}`)
        else if (f[0] === 't') out.push('      (truncated: the recording reached its limit)')
      })
      if (!rec.complete) out.push('      (no end: the run was cut short)')
      process.stdout.write(`${out.join('\n')}\n`)
    })
}
