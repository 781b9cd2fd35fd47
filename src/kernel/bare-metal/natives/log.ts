// Native `log`: each record on the serial console as `LEVEL name[pid]: text`.
import { Action } from '../../core/index.ts'
import { Reader } from '../../../../programs/sdk/as/msgpack'
import { put } from '../console'
import { guestLabel } from '../context'
import { KEY, MSG_WRITE, readWrite } from '../gen/log'
import { Native } from './native'

const LEVELS: Array<string> = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL']

export class Log extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index != MSG_WRITE) return false
    const q = readWrite(r)
    if (r.error) return false
    put(LEVELS[q.level > 5 ? 5 : <i32>q.level] + ' ' + guestLabel(a.pid) + ': ' + q.text + '\n')
    return true
  }
}
