// The "name" custom section, renumbered: the refuel import and the clones named, label names dropped.
import { Reader, Writer } from './bytes.ts'
import { REFUEL_MODULE, REFUEL_NAME } from './constants.ts'
import { bad, FuelRewriteError } from './errors.ts'
import type { ModuleState } from './state.ts'

/** Renumbers functions in the name section; a malformed one is dropped, as engines ignore it. */
export function nameSection (m: ModuleState, body: Uint8Array): Uint8Array | undefined {
  try {
    const r = new Reader(body)
    r.name() // "name"
    const w = new Writer()
    w.name('name')
    while (!r.eof()) {
      const id = r.u8()
      const size = r.u32()
      const end = r.pos + size
      const sub = new Reader(body, r.pos, end)
      const out = new Writer()
      if (id === 1) {
        const n = sub.u32()
        const entries = new Writer()
        let count = 0
        const named = new Map<number, Uint8Array>()
        const refuel = (): void => {
          entries.u32(m.refuelFunc)
          entries.name(`${REFUEL_MODULE}.${REFUEL_NAME}`)
          count++
        }
        for (let i = 0; i < n; i++) {
          const idx = sub.u32()
          const name = sub.bytes(sub.u32())
          if (count === i && idx >= m.refuelFunc) refuel()
          entries.u32(m.shift(idx))
          entries.u32(name.length)
          entries.bytes(name)
          count++
          named.set(idx, name)
        }
        if (count === n) refuel()
        // the clones are named after their originals
        for (const f of m.cloned) {
          const name = named.get(m.importedFuncs + f)
          if (name === undefined) continue
          entries.u32(m.infos[f].cloneIndex)
          entries.u32(name.length)
          entries.bytes(name)
          count++
        }
        out.u32(count)
        out.bytes(entries.result())
      } else if (id === 3) {
        // Label names count the function's blocks, which the rewrite adds to: drop them.
        sub.pos = end
        r.pos = end
        continue
      } else if (id === 2) {
        const n = sub.u32()
        const entries = new Writer()
        let count = 0
        const clones = new Map<number, Writer>()
        for (let i = 0; i < n; i++) {
          const idx = sub.u32()
          const localCount = sub.u32()
          const f = idx - m.importedFuncs
          const info = f >= 0 && f < m.infos.length ? m.infos[f] : undefined
          const kept = new Writer() // the original index: all its locals, or a wrapper's parameters
          const cloned = new Writer() // a clone: the added parameter shifts the locals
          let keptCount = 0
          let clonedCount = 0
          for (let j = 0; j < localCount; j++) {
            const local = sub.u32()
            const name = sub.bytes(sub.u32())
            if (info === undefined || info.cloneIndex < 0 || local < info.params) {
              kept.u32(local); kept.u32(name.length); kept.bytes(name); keptCount++
            }
            if (info !== undefined && info.cloneIndex >= 0) {
              cloned.u32(local >= info.params ? local + 1 : local); cloned.u32(name.length); cloned.bytes(name); clonedCount++
            }
          }
          entries.u32(m.shift(idx)); entries.u32(keptCount); entries.bytes(kept.result()); count++
          if (info !== undefined && info.cloneIndex >= 0) {
            const c = new Writer()
            c.u32(clonedCount); c.bytes(cloned.result())
            clones.set(info.cloneIndex, c)
          }
        }
        for (const f of m.cloned) {
          const c = clones.get(m.infos[f].cloneIndex)
          if (c === undefined) continue
          entries.u32(m.infos[f].cloneIndex); entries.bytes(c.result()); count++
        }
        out.u32(count)
        out.bytes(entries.result())
      } else {
        out.bytes(sub.bytes(size))
      }
      if (sub.pos !== end) throw bad('name subsection size')
      w.u8(id)
      w.sized(out)
      r.pos = end
    }
    return w.result()
  } catch (err) {
    if (err instanceof FuelRewriteError) return undefined
    throw err
  }
}
