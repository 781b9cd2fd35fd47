// The natives table of the bare-metal kernel: every interface it handles itself, installed in
// this order (the order their hooks run in). Add a handler here to add a native interface.
import { Interrupts } from './interrupts'
import { Io } from './io'
import { Loader } from './loader'
import { Log } from './log'
import { natives } from './native'
import { Pci } from './pci'
import { Process } from './process'
import { Random } from './random'
import { Registry } from './registry'
import { Screen } from './screen'
import { Stdio } from './stdio'
import { System } from './system'
import { Time } from './time'

/** Fills the table the scheduler dispatches to; called once at boot. */
export function installNatives (): void {
  natives.add(new Log())
  natives.add(new Stdio())
  natives.add(new Process())
  natives.add(new Registry())
  natives.add(new Time())
  natives.add(new Random())
  natives.add(new Pci())
  natives.add(new Interrupts())
  natives.add(new Io())
  natives.add(new Loader())
  natives.add(new System())
  natives.add(new Screen())
}
