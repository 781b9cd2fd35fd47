// wsh: the wasmos shell for the bare-metal console (screen and keyboard, or the serial line).
// Reads a line at a time from stdio and runs builtins: ls, run (with & in the background), ps,
// kill, lspci, grants, help.
// A program started with `run` holds at most the shell's own grants (process.spawn), which
// boot.cfg sets. Ends at the end of input (Ctrl-D) or with `exit`.
import { print } from '../sdk/as/wasmos'
import * as pci from '../sdk/as/gen/pci'
import * as proc from '../sdk/as/gen/process'
import * as stdio from '../sdk/as/gen/stdio'
import * as system from '../sdk/as/gen/system'

let pending = ''

/** The next line of standard input, or null at its end. */
function readLine (): string | null {
  for (;;) {
    const nl = pending.indexOf('\n')
    if (nl >= 0) {
      const line = pending.substring(0, nl)
      pending = pending.substring(nl + 1)
      return line
    }
    const a = stdio.read(256)
    if (a.status != 0 || a.data.length == 0) {
      if (pending.length == 0) return null
      const last = pending
      pending = ''
      return last
    }
    pending += String.UTF8.decodeUnsafe(a.data.dataStart, a.data.length)
  }
  return null
}

function words (line: string): Array<string> {
  const parts = line.trim().split(' ')
  const out = new Array<string>()
  for (let i = 0; i < parts.length; i++) if (parts[i].length > 0) out.push(parts[i])
  return out
}

function pad (s: string, n: i32): string {
  while (s.length < n) s += ' '
  return s
}

function hex (v: u64, digits: i32): string {
  let s = v.toString(16)
  while (s.length < digits) s = '0' + s
  return s
}

function failed (what: string, status: i32): void {
  let why = 'status ' + status.toString()
  if (status == 7) why = 'not granted to this shell'
  print('wsh: ' + what + ': ' + why + '\n')
}

function help (): void {
  print('commands:\n' +
    '  ls                      programs in the boot image, with their CIDs\n' +
    '  run <name|cid> [args]   start a program and wait for it (& at the end: do not wait)\n' +
    '  ps                      running processes\n' +
    '  kill <pid>              end a process\n' +
    '  lspci                   PCI devices\n' +
    '  grants [pid]            what a process (default: this shell) is granted\n' +
    '  help                    this list\n' +
    '  exit                    end the shell\n')
}

function ls (): void {
  const a = system.programs()
  if (a.status != 0) { failed('ls', a.status); return }
  for (let i = 0; i < a.names.length; i++) {
    print(pad(a.names[i], 18) + ' ' + a.cids[i] + (a.started[i] ? '  (started at boot)' : '') + '\n')
  }
}

function ps (): void {
  const a = system.processes()
  if (a.status != 0) { failed('ps', a.status); return }
  print('  PID  PPID  NAME\n')
  for (let i = 0; i < a.pids.length; i++) {
    let p = a.pids[i].toString()
    while (p.length < 5) p = ' ' + p
    let q = a.parents[i].toString()
    while (q.length < 5) q = ' ' + q
    print(p + ' ' + q + '  ' + a.names[i] + '\n')
  }
}

function run (w: Array<string>): void {
  const background = w.length > 0 && w[w.length - 1] == '&'
  if (background) w.pop()
  if (w.length < 2) { print('usage: run <name|cid> [args] [&]\n'); return }
  const s = proc.spawn(w[1], w.slice(2))
  if (s.status == proc.ERR_NOT_FOUND) { print('wsh: run: no program ' + w[1] + ' (see ls)\n'); return }
  if (s.status != 0) { failed('run ' + w[1], s.status); return }
  if (background) { print('[' + s.pid.toString() + '] ' + w[1] + '\n'); return }
  const r = proc.wait(s.pid)
  if (r.status != 0) { failed('wait', r.status); return }
  if (r.exit_status != 0) print('[' + s.pid.toString() + '] ' + w[1] + ' exited with status ' + r.exit_status.toString() + '\n')
}

function kill (w: Array<string>): void {
  if (w.length != 2) { print('usage: kill <pid>\n'); return }
  const pid = U64.parseInt(w[1], 10)
  if (pid == 0) { print('wsh: kill: ' + w[1] + ' is not a pid\n'); return }
  const s = system.kill(pid)
  if (s == system.ERR_NOT_FOUND) print('wsh: kill: no process ' + w[1] + '\n')
  else if (s == system.ERR_NOT_ALLOWED) print('wsh: kill: use exit to end the shell\n')
  else if (s != 0) failed('kill', s)
}

function lspci (): void {
  const list = pci.list()
  if (list.status != 0) { failed('lspci', list.status); return }
  for (let i = 0; i < list.addresses.length; i++) {
    const a = list.addresses[i]
    const d = pci.info(a)
    const where = hex(a >> 8, 2) + ':' + hex((a >> 3) & 31, 2) + '.' + (a & 7).toString()
    if (d.status != 0) { print(where + ' (status ' + d.status.toString() + ')\n'); continue }
    print(where + ' ' + hex(d.vendor, 4) + ':' + hex(d.device, 4) + ' class ' + hex(d.class_code >> 8, 4) + '\n')
  }
}

function grants (w: Array<string>): void {
  const pid = w.length > 1 ? U64.parseInt(w[1], 10) : 0
  const a = system.grants(pid)
  if (a.status == system.ERR_NOT_FOUND) { print('wsh: grants: no process ' + w[1] + '\n'); return }
  if (a.status != 0) { failed('grants', a.status); return }
  for (let i = 0; i < a.lines.length; i++) print(a.lines[i] + '\n')
}

print('wsh: the wasmos shell. Type help for commands.\n')
for (;;) {
  print('wsh> ')
  const line = readLine()
  if (line === null) { print('\n'); break }
  const w = words(line!)
  if (w.length == 0) continue
  const c = w[0]
  if (c == 'help' || c == '?') help()
  else if (c == 'ls') ls()
  else if (c == 'run') run(w)
  else if (c == 'ps') ps()
  else if (c == 'kill') kill(w)
  else if (c == 'lspci') lspci()
  else if (c == 'grants') grants(w)
  else if (c == 'exit') break
  else print('wsh: ' + c + ': unknown command (try help)\n')
}
