// Native `time`: wall-clock time from the CMOS real-time clock, monotonic time and `sleep` on the
// stub's timer ticks.
import { Action, KERNEL_PID, OK } from '../../core/index.ts'
import { Reader } from '../../../../programs/sdk/as/msgpack'
import { kernel } from '../context'
import { inb, outb, tick_hz, ticks } from '../stub'
import {
  KEY, MSG_MONOTONIC, MSG_NOW, MSG_SLEEP, readMonotonic, readNow, readSleep, writeMonotonicAnswer, writeNowAnswer,
  writeSleepAnswer
} from '../gen/time'
import { answer, Native, writer } from './native'

/** A `sleep` that ends at tick `due`. */
class Timer {
  due: u64
  id: f64
  pid: f64
  constructor (due: u64, id: f64, pid: f64) { this.due = due; this.id = id; this.pid = pid }
}
const timers = new Array<Timer>()

function msNow (): f64 {
  return <f64>ticks() * 1000.0 / <f64>tick_hz()
}

function cmos (reg: u32): u32 {
  outb(0x70, reg)
  return inb(0x71)
}

function bcd (v: u32, binary: bool): u32 {
  return binary ? v : (v & 15) + (v >> 4) * 10
}

/** Days from 1970-01-01 to the date (proleptic Gregorian; Howard Hinnant's days_from_civil). */
function daysFromCivil (y0: i64, m: i64, d: i64): i64 {
  const y = m <= 2 ? y0 - 1 : y0
  const era = (y >= 0 ? y : y - 399) / 400
  const yoe = y - era * 400
  const doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
  const doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
  return era * 146097 + doe - 719468
}

let epochAtBoot: f64 = -1

/** Wall-clock ms since 1970 from the CMOS real-time clock (read once, then advanced by ticks). */
function wallMs (): f64 {
  if (epochAtBoot < 0) {
    while ((cmos(0x0a) & 0x80) != 0) { /* an update is in progress: its values are not stable */ }
    const b = cmos(0x0b)
    const binary = (b & 4) != 0
    const sec = bcd(cmos(0x00), binary)
    const min = bcd(cmos(0x02), binary)
    const hourRaw = cmos(0x04)
    const pm = (b & 2) == 0 && (hourRaw & 0x80) != 0
    let hour = bcd(hourRaw & 0x7f, binary)
    if ((b & 2) == 0) hour = (hour % 12) + (pm ? 12 : 0)
    const day = bcd(cmos(0x07), binary)
    const month = bcd(cmos(0x08), binary)
    const year = 2000 + bcd(cmos(0x09), binary)
    const days = daysFromCivil(<i64>year, <i64>month, <i64>day)
    const secs = days * 86400 + <i64>hour * 3600 + <i64>min * 60 + <i64>sec
    epochAtBoot = <f64>secs * 1000.0 - msNow()
  }
  return epochAtBoot + msNow()
}

export class Time extends Native {
  constructor () { super(KEY) }

  handle (a: Action, index: u32, r: Reader): bool {
    if (index == MSG_NOW) {
      readNow(r)
      answer(a, writeNowAnswer(writer(), wallMs()))
      return true
    }
    if (index == MSG_MONOTONIC) {
      readMonotonic(r)
      answer(a, writeMonotonicAnswer(writer(), msNow()))
      return true
    }
    if (index == MSG_SLEEP) {
      const q = readSleep(r)
      if (r.error) return false
      const t = q.ms > 0 ? <u64>Math.ceil(q.ms * <f64>tick_hz() / 1000.0) : 0
      // Due now: answered at once (service runs only when an IRQ fired or the clock moved).
      if (t == 0) { answer(a, writeSleepAnswer(writer())); return true }
      timers.push(new Timer(ticks() + t, a.id, a.pid))
      return true
    }
    return false
  }

  /** Answers the sleeps that are due. */
  service (irqs: u32): void {
    if (timers.length == 0) return
    const now = ticks()
    for (let i = 0; i < timers.length; i++) {
      const t = timers[i]
      if (t.due > now) continue
      timers.splice(i, 1)
      i--
      kernel.answer(KERNEL_PID, t.id, OK, writeSleepAnswer(writer()).toBytes())
    }
  }

  busy (): bool {
    return timers.length > 0
  }

  ended (pid: f64, status: i32): void {
    for (let i = 0; i < timers.length; i++) {
      if (timers[i].pid == pid) { timers.splice(i, 1); i-- }
    }
  }
}
