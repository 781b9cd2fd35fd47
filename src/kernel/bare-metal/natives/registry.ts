// Native `registry`: a program becomes (or stops being) the handler of an interface. The core
// decides; a registration it holds (PENDING) is answered when ACTION_REGISTERED decides it.
import { Action, KERNEL_PID, OK, PENDING } from '../../core/index.ts'
import { Reader } from '../../../../programs/sdk/as/msgpack'
import { hex } from '../console'
import { kernel } from '../context'
import {
  ERR_BAD_DIGEST, ERR_NOT_HANDLER, KEY, MSG_REGISTER, MSG_UNREGISTER, readRegister, readUnregister,
  writeRegisterAnswer, writeUnregisterAnswer
} from '../gen/registry'
import { answer, EMPTY, fail, Native, writer } from './native'

/** Registrations held by the core (PENDING), by token = the registry message's id. */
const held = new Map<f64, bool>()

function hexKey (d: Uint8Array): string {
  let s = ''
  for (let i = 0; i < d.length; i++) s += hex(d[i], 2)
  return s
}

export class Registry extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    let digest = EMPTY
    if (index == MSG_REGISTER) digest = readRegister(r).digest
    else if (index == MSG_UNREGISTER) digest = readUnregister(r).digest
    else return false
    if (r.error) return false
    if (digest.length != 32) { fail(a, ERR_BAD_DIGEST); return true }
    const key = hexKey(digest)
    if (index == MSG_REGISTER) {
      const code = kernel.register(a.pid, key, digest, a.id)
      if (code == PENDING) held.set(a.id, true)
      else if (code == OK) answer(a, writeRegisterAnswer(writer()))
      else fail(a, code)
      return true
    }
    if (kernel.unregister(a.pid, key) == OK) answer(a, writeUnregisterAnswer(writer()))
    else fail(a, ERR_NOT_HANDLER)
    return true
  }

  registered (token: f64, status: i32): bool {
    if (!held.has(token)) return false
    held.delete(token)
    if (status == OK) kernel.answer(KERNEL_PID, token, OK, writeRegisterAnswer(writer()).toBytes())
    else kernel.answer(KERNEL_PID, token, status, EMPTY)
    return true
  }
}
