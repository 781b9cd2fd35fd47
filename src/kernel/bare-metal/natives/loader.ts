// Native `loader`: files of the boot CAR by CID (each block was checked against its CID when the
// CAR was read; a UnixFS DAG is reassembled).
import { Action } from '../../core/index.ts'
import { Reader, Writer } from '../../../../programs/sdk/as/msgpack'
import { assemble, joinParts } from '../car'
import { boot } from '../context'
import { ERR_BAD_CID, ERR_NOT_FOUND, KEY, MSG_LOAD, readLoad, writeLoadAnswer } from '../gen/loader'
import { answer, fail, Native } from './native'

/** Whether `cid` looks like a CIDv1 in base32 or a CIDv0. */
function wellFormed (cid: string): bool {
  return (cid.length == 59 && cid.startsWith('b')) || (cid.length == 46 && cid.startsWith('Qm'))
}

export class Loader extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index != MSG_LOAD) return false
    const q = readLoad(r)
    if (r.error) return false
    if (!wellFormed(q.cid)) { fail(a, ERR_BAD_CID); return true }
    const car = boot.car
    if (car === null || !car!.blocks.has(q.cid)) { fail(a, ERR_NOT_FOUND); return true }
    const file = assemble(car!, q.cid)
    if (file.error.length > 0) { fail(a, ERR_NOT_FOUND); return true }
    answer(a, writeLoadAnswer(new Writer(file.size + 16), joinParts(file)))
    return true
  }
}
