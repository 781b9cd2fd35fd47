// Native `screen`: the framebuffer for a console driver program (sending to it needs a `send`
// grant: the framebuffer's address differs from machine to machine, so the grant names the device,
// not a memory range). `info` takes the screen from the stub's own console (so the row it reports
// stays true); drawing does too, for a driver that skips it.
import { Action } from '../../core/index.ts'
import { Reader } from '../../../../programs/sdk/as/msgpack'
import { klog } from '../console'
import { guestLabel } from '../context'
import {
  ERR_BAD_SIZE, ERR_NO_SCREEN, KEY, MSG_BLIT, MSG_INFO, MSG_SCROLL, readBlit, readInfo, readScroll, writeBlitAnswer,
  writeInfoAnswer, writeScrollAnswer
} from '../gen/screen'
import { screen_blit, screen_mode, screen_release, screen_scroll } from '../stub'
import { answer, fail, Native, writer } from './native'

const mode = memory.data(48)
let taken = false

function take (pid: f64): void {
  if (taken) return
  taken = true
  klog(guestLabel(pid) + ' took the screen')
  screen_release()
}

export class Screen extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index == MSG_INFO) {
      readInfo(r)
      if (r.error) return false
      if (screen_mode(mode) == 0) { fail(a, ERR_NO_SCREEN); return true }
      take(a.pid)
      screen_mode(mode)
      answer(a, writeInfoAnswer(writer(), <u32>load<u64>(mode + 8), <u32>load<u64>(mode + 16), load<u64>(mode), <u32>load<u64>(mode + 40)))
      return true
    }
    if (index == MSG_BLIT) {
      const q = readBlit(r)
      if (r.error) return false
      if (screen_mode(mode) == 0) { fail(a, ERR_NO_SCREEN); return true }
      if (<u64>q.pixels.length != <u64>q.width * <u64>q.height * 4) { fail(a, ERR_BAD_SIZE); return true }
      take(a.pid)
      if (q.pixels.length > 0) screen_blit(q.x, q.y, q.width, q.height, q.pixels.dataStart)
      answer(a, writeBlitAnswer(writer()))
      return true
    }
    if (index == MSG_SCROLL) {
      const q = readScroll(r)
      if (r.error) return false
      if (screen_mode(mode) == 0) { fail(a, ERR_NO_SCREEN); return true }
      take(a.pid)
      screen_scroll(q.top, q.bottom, q.dy, q.colour)
      answer(a, writeScrollAnswer(writer()))
      return true
    }
    return false
  }
}
