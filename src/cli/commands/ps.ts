// `wasmos ps [--json]`: the processes of every running wasmos kernel of this user, read once from
// their control sockets (WASMOS_HOME/run): pid, name, short CID, state, CPU, memory, queue depth,
// messages in/out (per second, over a short sample) and grants. `wasmos top` shows the same, refreshing.
import type { Command } from 'commander'
import { setTimeout as sleep } from 'node:timers/promises'
import { sanitize } from '../../kernel/node/text.ts'
import { connectAll } from '../../kernel/node/observe/client.ts'
import type { ControlClient } from '../../kernel/node/observe/client.ts'
import type { GrantView, ProcessView, Snapshot } from '../../kernel/node/observe/control.ts'
import { runDir } from '../features/control.ts'

/** How long `ps` watches before answering, to give rates and CPU a time base. */
const SAMPLE_MS = 250

export interface Row extends ProcessView {
  kernel: number
  main: string
  /** Share of the time it was busy (running or ready, not waiting), in percent. */
  cpu: number
  inPerSecond: number
  outPerSecond: number
}

/** Rows from a snapshot and an earlier one of the same kernel (rates are 0 without one). */
export function rowsOf (now: Snapshot, before: Snapshot | undefined): Row[] {
  const prev = new Map((before?.processes ?? []).map((p) => [p.pid, p]))
  const dt = before === undefined ? 0 : (now.now - before.now) / 1000
  return now.processes.map((p) => {
    const b = prev.get(p.pid)
    const rate = (x: number, y: number | undefined): number => dt > 0 && y !== undefined ? Math.max(0, (x - y) / dt) : 0
    return {
      ...p,
      kernel: now.kernel,
      main: now.main,
      cpu: dt > 0 && b !== undefined ? Math.min(100, Math.max(0, (p.busyMs - b.busyMs) / (dt * 10))) : 0,
      inPerSecond: rate(p.received, b?.received),
      outPerSecond: rate(p.sent, b?.sent)
    }
  })
}

function round (n: number): number {
  return Math.round(n * 10) / 10
}

function size (bytes: number): string {
  if (bytes >= 1 << 30) return `${(bytes / (1 << 30)).toFixed(1)} GiB`
  if (bytes >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`
  return `${Math.round(bytes / 1024)} KiB`
}

function rate (n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`
  if (n >= 1e4) return `${Math.round(n / 1e3)}k`
  return String(Math.round(n))
}

/** A process's grants in a few words: what it may send to, handle, and was refused. */
export function grantsText (grants: GrantView[]): string {
  const part = (label: string, list: GrantView[]): string => list.length === 0 ? '' : `${label} ${list.map((g) => g.iface).join(',')}`
  return [
    part('send', grants.filter((g) => g.kind === 'send' && g.state === 'allowed')),
    part('handle', grants.filter((g) => g.kind === 'handle' && g.state === 'allowed')),
    part('denied', grants.filter((g) => g.state === 'denied'))
  ].filter((s) => s !== '').join('; ')
}

export const HEADER = ['PID', 'NAME', 'CID', 'STATE', 'CPU%', 'MEM', 'QUEUE', 'IN/s', 'OUT/s', 'GRANTS']

/** One table line per row, columns padded; the kernel each belongs to on a line before its rows. */
export function table (rows: Row[], starts: Map<number, number>): string[] {
  const cells = rows.map((r) => [
    String(r.pid), sanitize(r.name), `${r.cid.slice(0, 16)}…`, r.state, r.cpu.toFixed(1), size(r.memory),
    String(r.queue), rate(r.inPerSecond), rate(r.outPerSecond), grantsText(r.grants)
  ])
  const widths = HEADER.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i].length)))
  const right = new Set([0, 4, 5, 6, 7, 8])
  const line = (c: string[]): string => c.map((s, i) => i === c.length - 1 ? s : right.has(i) ? s.padStart(widths[i]) : s.padEnd(widths[i])).join('  ')
  const out: string[] = []
  let kernel = -1
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].kernel !== kernel) {
      kernel = rows[i].kernel
      const up = (Date.now() - (starts.get(kernel) ?? Date.now())) / 1000
      out.push(`kernel ${kernel}: ${sanitize(rows[i].main)} (up ${up.toFixed(0)}s)`)
      out.push(`  ${line(HEADER)}`)
    }
    out.push(`  ${line(cells[i])}`)
  }
  return out
}

/** Two snapshots of each kernel, SAMPLE_MS apart: rows with rates. */
async function sample (clients: ControlClient[]): Promise<{ rows: Row[], snapshots: Snapshot[] }> {
  const first = await Promise.all(clients.map(async (c) => await c.snapshot()))
  await sleep(SAMPLE_MS)
  const second = await Promise.all(clients.map(async (c) => await c.snapshot()))
  const rows: Row[] = []
  const snapshots: Snapshot[] = []
  for (let i = 0; i < clients.length; i++) {
    const s = second[i]
    if (s === null) continue
    snapshots.push(s)
    rows.push(...rowsOf(s, first[i] ?? undefined))
  }
  return { rows, snapshots }
}

export function registerPsCommands (program: Command): void {
  program.command('ps')
    .description('list the processes of every running wasmos of this user (WASMOS_HOME/run)')
    .option('--json', 'print JSON: one object per kernel with its processes', false)
    .action(async (flags: { json: boolean }) => {
      const clients = await connectAll(runDir())
      try {
        const { rows, snapshots } = await sample(clients)
        if (flags.json) {
          const kernels = snapshots.map((s) => ({ kernel: s.kernel, main: s.main, startedAt: new Date(s.startedAt).toISOString(), processes: rows.filter((r) => r.kernel === s.kernel).map(({ kernel: _k, main: _m, busyMs: _b, ...r }) => ({ ...r, cpu: round(r.cpu), inPerSecond: round(r.inPerSecond), outPerSecond: round(r.outPerSecond) })) }))
          process.stdout.write(`${JSON.stringify(kernels, null, 2)}\n`)
          return
        }
        if (rows.length === 0) {
          process.stdout.write('no running wasmos programs\n')
          return
        }
        process.stdout.write(`${table(rows, new Map(snapshots.map((s) => [s.kernel, s.startedAt]))).join('\n')}\n`)
      } finally {
        for (const c of clients) c.close()
      }
    })
}
