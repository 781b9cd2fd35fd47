// Native `system`: what a shell shows and does on bare metal: the programs boot.cfg names (started
// or only packed), the live processes, a process's grants, and ending a process. Sending to it
// needs a `send` grant, like any interface beyond the defaults.
import { Action } from '../../core/index.ts'
import { Reader } from '../../../../programs/sdk/as/msgpack'
import { boot, guestOf, guests, ifaceName, kernel } from '../context'
import { ProgramConfig } from '../config'
import { endGuest } from '../scheduler'
import {
  ERR_NOT_ALLOWED, ERR_NOT_FOUND, KEY, MSG_GRANTS, MSG_KILL, MSG_PROCESSES, MSG_PROGRAMS, readGrants, readKill,
  readPrograms, readProcesses, writeGrantsAnswer, writeKillAnswer, writeProcessesAnswer, writeProgramsAnswer
} from '../gen/system'
import { answer, fail, Native, writer } from './native'

/** The status a killed process ends with (as a shell reports a SIGKILL). */
const KILLED: i32 = 137

function hex (v: u64): string {
  return '0x' + v.toString(16)
}

/** One line per grant, in boot.cfg's words, interfaces by name. */
function grantLines (c: ProgramConfig): Array<string> {
  const out = new Array<string>()
  out.push('send log, stdio, process, registry (everyone)')
  for (let i = 0; i < c.send.length; i++) out.push('send ' + ifaceName(c.send[i]))
  for (let i = 0; i < c.handle.length; i++) out.push('handle ' + ifaceName(c.handle[i]))
  for (let i = 0; i < c.pci.length; i++) {
    const a = c.pci[i]
    out.push('pci ' + (a >> 8).toString(16) + ':' + ((a >> 3) & 31).toString(16) + '.' + (a & 7).toString())
  }
  for (let i = 0; i < c.irqs.length; i++) out.push('irq ' + c.irqs[i].toString())
  for (let i = 0; i < c.ports.length; i++) out.push('ports ' + hex(c.ports[i].first) + ' ' + c.ports[i].count.toString())
  for (let i = 0; i < c.mmio.length; i++) out.push('mmio ' + hex(c.mmio[i].first) + ' ' + hex(c.mmio[i].count))
  out.push('cpu ' + c.cpuMs.toString() + ' ms')
  out.push('memory ' + c.maxPages.toString() + ' pages')
  return out
}

export class System extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index == MSG_PROGRAMS) {
      readPrograms(r)
      if (r.error) return false
      const names = new Array<string>()
      const cids = new Array<string>()
      const started = new Array<bool>()
      const cfg = boot.config
      if (cfg !== null) {
        const keys = cfg!.names.keys()
        for (let i = 0; i < keys.length; i++) {
          names.push(keys[i])
          cids.push(cfg!.names.get(keys[i]))
          let s = false
          for (let k = 0; k < cfg!.programs.length; k++) if (cfg!.programs[k].name == keys[i]) s = true
          started.push(s)
        }
      }
      answer(a, writeProgramsAnswer(writer(), names, cids, started))
      return true
    }
    if (index == MSG_PROCESSES) {
      readProcesses(r)
      if (r.error) return false
      const live = guests.keys()
      live.sort((x: f64, y: f64): i32 => x < y ? -1 : x > y ? 1 : 0)
      const pids = new Array<u64>()
      const parents = new Array<u64>()
      const names = new Array<string>()
      for (let i = 0; i < live.length; i++) {
        pids.push(<u64>live[i])
        parents.push(<u64>kernel.process(live[i]).parent)
        names.push(guests.get(live[i]).name)
      }
      answer(a, writeProcessesAnswer(writer(), pids, parents, names))
      return true
    }
    if (index == MSG_KILL) {
      const q = readKill(r)
      if (r.error) return false
      const pid = <f64>q.pid
      if (pid == a.pid) { fail(a, ERR_NOT_ALLOWED); return true }
      const g = guestOf(pid)
      if (g === null) { fail(a, ERR_NOT_FOUND); return true }
      const by = guestOf(a.pid)
      endGuest(g!, KILLED, 'killed' + (by !== null ? ' by ' + by!.name + '[' + (<i64>a.pid).toString() + ']' : ''))
      answer(a, writeKillAnswer(writer()))
      return true
    }
    if (index == MSG_GRANTS) {
      const q = readGrants(r)
      if (r.error) return false
      const g = guestOf(q.pid == 0 ? a.pid : <f64>q.pid)
      if (g === null) { fail(a, ERR_NOT_FOUND); return true }
      answer(a, writeGrantsAnswer(writer(), grantLines(g!.config)))
      return true
    }
    return false
  }
}
