// What people read about an interface: its summary. Kept apart from definition.ts so that
// starting a program does not load the hashing code.
import type { InterfaceDef } from './definition.ts'

/** The first sentence of the interface's doc: what `wasmos interfaces` and the prompt show. */
export function summaryOf (def: InterfaceDef): string {
  return (def.doc ?? '').trim().split(/(?<=\.)\s/)[0]
}
