// Native `process`: arguments, exit, and children spawned from the boot CAR (by boot.cfg name or
// CID) holding their parent's grants, whose exit statuses their parent may wait for.
import { Action, KERNEL_PID, OK, SEND_ANSWER } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { assemble, joinParts } from '../car'
import { klog } from '../console'
import { boot, Guest, guestLabel, guestOf, guests, kernel } from '../context'
import { endGuest, lastPid, spawn } from '../scheduler'
import {
  ERR_BAD_PROGRAM, ERR_NOT_CHILD, ERR_NOT_FOUND, KEY, MSG_ARGS, MSG_EXIT, MSG_SPAWN, MSG_WAIT, readArgs, readExit,
  readSpawn, readWait, writeArgsAnswer, writeSpawnAnswer, writeWaitAnswer
} from '../gen/process'
import { answer, fail, Native, writer } from './native'

class ChildExit {
  parent: f64
  status: i32
  constructor (parent: f64, status: i32) { this.parent = parent; this.status = status }
}
class ChildWait {
  id: f64
  parent: f64
  child: f64
  constructor (id: f64, parent: f64, child: f64) { this.id = id; this.parent = parent; this.child = child }
}
/** Exit statuses of children that ended, kept until their parent ends. */
const childExits = new Map<f64, ChildExit>()
const childExitList = new Array<f64>()
const childWaits = new Array<ChildWait>()
/** Parents of live processes, noted at spawn (the core forgets a process once it ends). */
const parentOf = new Map<f64, f64>()

function answerWait (id: f64, status: i32): void {
  kernel.answer(KERNEL_PID, id, OK, writeWaitAnswer(new Writer(8), status).toBytes())
}

function spawnChild (a: Action, parent: Guest, program: string, args: Array<string>): void {
  // A name from boot.cfg (a started program or a `file`), or a CID of the boot CAR.
  let cid = program
  let name = program
  const cfg = boot.config
  if (cfg !== null && cfg!.names.has(program)) cid = cfg!.names.get(program)
  else if (program.length > 16) name = program.substring(0, 16)
  const car = boot.car
  if (car === null || !car!.blocks.has(cid)) { fail(a, ERR_NOT_FOUND); return }
  const file = assemble(car!, cid)
  if (file.error.length > 0) { fail(a, ERR_BAD_PROGRAM); return }
  const err = spawn(parent.config.child(cid, name, args), joinParts(file), parent.pid)
  if (err.length > 0) {
    klog(guestLabel(parent.pid) + ' could not spawn ' + name + ': ' + err)
    fail(a, ERR_BAD_PROGRAM)
    return
  }
  answer(a, writeSpawnAnswer(writer(), <u64>lastPid))
}

function waitChild (a: Action, pid: f64): void {
  if (childExits.has(pid) && childExits.get(pid).parent == a.pid) {
    answerWait(a.id, childExits.get(pid).status)
    return
  }
  if (!guests.has(pid) || kernel.process(pid).parent != a.pid) { fail(a, ERR_NOT_CHILD); return }
  if ((a.flags & SEND_ANSWER) != 0) childWaits.push(new ChildWait(a.id, a.pid, pid))
}

export class Process extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    const g = guestOf(a.pid)
    if (index == MSG_ARGS) {
      readArgs(r)
      if (g === null) return true
      const c = g!.config
      const args = new Array<string>()
      args.push(c.name)
      for (let i = 0; i < c.args.length; i++) args.push(c.args[i])
      answer(a, writeArgsAnswer(writer(), args))
      return true
    }
    if (index == MSG_EXIT) {
      const q = readExit(r)
      if (r.error) return false
      if (g !== null) endGuest(g!, q.status, q.status != 0 ? 'exited with status ' + q.status.toString() : '')
      return true
    }
    if (index == MSG_SPAWN) {
      const q = readSpawn(r)
      if (r.error) return false
      if (g !== null) spawnChild(a, g!, q.program, q.args)
      return true
    }
    if (index == MSG_WAIT) {
      const q = readWait(r)
      if (r.error) return false
      waitChild(a, <f64>q.pid)
      return true
    }
    return false
  }

  spawned (pid: f64, parent: f64): void {
    if (parent > 0) parentOf.set(pid, parent)
  }

  /** Answers whoever waits for the process, keeps its status for its parent. */
  ended (pid: f64, status: i32): void {
    for (let i = 0; i < childWaits.length; i++) {
      const w = childWaits[i]
      if (w.child == pid) {
        answerWait(w.id, status)
        childWaits.splice(i, 1)
        i--
      } else if (w.parent == pid) {
        childWaits.splice(i, 1)
        i--
      }
    }
    // Its own children's statuses are no longer anyone's.
    for (let i = 0; i < childExitList.length; i++) {
      const c = childExitList[i]
      if (!childExits.has(c) || childExits.get(c).parent == pid) {
        if (childExits.has(c)) childExits.delete(c)
        childExitList.splice(i, 1)
        i--
      }
    }
    const parent = parentOf.has(pid) ? parentOf.get(pid) : -1
    if (parent > 0 && guests.has(parent)) {
      childExits.set(pid, new ChildExit(parent, status))
      childExitList.push(pid)
    }
    if (parentOf.has(pid)) parentOf.delete(pid)
  }
}
