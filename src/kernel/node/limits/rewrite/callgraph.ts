// The call graph: which functions get an entry check, what each check charges, which functions
// touch the fuel global, and which get a fuel-passing clone.
import { Reader } from './bytes.ts'
import { bad } from './errors.ts'
import { analyze } from './analyze.ts'
import type { BodyInfo, ModuleState } from './state.ts'

/** Most instructions a function may run, callees included, without a check of its own. */
const WEIGHT_LIMIT = 10_000

/** First pass over every body, then the decisions: which get checks, which get clones. */
export function prepareCode (m: ModuleState): void {
  const s = m.find(10)
  if (s === undefined) {
    if (m.funcTypes.length > 0) throw bad('functions without a code section')
    return
  }
  const r = new Reader(s.body)
  const n = r.u32()
  if (n !== m.funcTypes.length) throw bad('function and code sections disagree')
  for (let i = 0; i < n; i++) {
    const size = r.u32()
    const end = r.pos + size
    m.bodies.push(new Reader(s.body, r.pos, end))
    m.infos.push(analyze(m, new Reader(s.body, r.pos, end), m.paramCounts[m.funcTypes[i]] ?? 0))
    r.pos = end
  }
  decideChecks(m, m.infos)
  m.cloneBase = m.importedFuncs + 1 + n
  for (let i = 0; i < n; i++) {
    const info = m.infos[i]
    const self = m.importedFuncs + i
    // Self-recursive functions pass the fuel along as a parameter and a result instead of
    // through the global: the global's load-subtract-store at every entry is a dependency chain
    // through memory that costs ~60 % on naive fib. Only where every exit can carry the extra
    // result: no branch to the function's label and no tail call to another function.
    if (info.checked && !info.branchesToFunc && info.sites.some((c) => c.target === self) &&
      info.tailTargets.every((t) => t === self) && info.locals + 1 < 50000) {
      info.cloneIndex = m.cloneBase + m.cloned.length
      m.cloned.push(i)
    }
  }
}

/**
 * Which functions need an entry check, and what each check charges. A function needs one when it
 * may recurse: it is in a cycle of direct calls, or makes indirect calls (call_indirect, call_ref),
 * which may lead anywhere. Other functions are bounded but for their loops, which have their own
 * checks, so their callers charge for them: a checked function's entry, or a loop, charges its own
 * instructions plus the weight of the unchecked functions it calls directly. A function whose
 * weight grows past WEIGHT_LIMIT (deep trees of calls) gets a check too.
 */
function decideChecks (m: ModuleState, infos: BodyInfo[]): void {
  const n = infos.length
  const base = m.importedFuncs
  const checked = infos.map((f) => f.indirect)
  // Tarjan's strongly connected components, iteratively; components come out callees first.
  const index = new Int32Array(n).fill(-1)
  const low = new Int32Array(n)
  const onStack = new Uint8Array(n)
  const stack: number[] = []
  const order: number[] = [] // reverse topological: callees before callers
  let counter = 0
  for (let root = 0; root < n; root++) {
    if (index[root] >= 0) continue
    const work: Array<[number, number]> = [[root, 0]]
    index[root] = low[root] = counter++
    stack.push(root); onStack[root] = 1
    while (work.length > 0) {
      const top = work[work.length - 1]
      const v = top[0]
      const sites = infos[v].sites
      if (top[1] < sites.length) {
        const u = sites[top[1]++].target - base
        if (u < 0 || u >= n) continue
        if (u === v) { checked[v] = true; continue }
        if (index[u] < 0) {
          index[u] = low[u] = counter++
          stack.push(u); onStack[u] = 1
          work.push([u, 0])
        } else if (onStack[u] === 1) {
          low[v] = Math.min(low[v], index[u])
        }
        continue
      }
      work.pop()
      if (work.length > 0) {
        const parent = work[work.length - 1][0]
        low[parent] = Math.min(low[parent], low[v])
      }
      if (low[v] === index[v]) {
        const component: number[] = []
        let u: number
        do {
          u = stack.pop()!
          onStack[u] = 0
          component.push(u)
        } while (u !== v)
        if (component.length > 1) for (const c of component) checked[c] = true
        order.push(...component)
      }
    }
  }
  const weight = new Float64Array(n)
  for (const f of order) {
    const info = infos[f]
    let entry = info.entryCost
    for (const site of info.sites) {
      const g = site.target - base
      if (g < 0 || g >= n || checked[g] || g === f) continue
      if (site.loop >= 0) info.loopCost[site.loop] += weight[g]
      else entry += weight[g]
    }
    if (entry > WEIGHT_LIMIT) checked[f] = true
    info.entryCost = entry
    info.checked = checked[f]
    weight[f] = checked[f] ? 0 : entry
    m.touches[f] = checked[f] || info.loopCost.length > 0 || info.indirect ||
      info.sites.some((site) => site.target - base >= 0 && site.target - base < n && m.touches[site.target - base])
  }
  // A loop "calls" when something it calls may change F; calls to bounded leaves (and imports,
  // which do not re-enter the module) leave F alone, so such loops keep the fuel in L.
  for (const info of infos) {
    for (const site of info.sites) {
      const g = site.target - base
      if (g < 0 || g >= n || !m.touches[g]) continue
      for (let l = site.loop; l >= 0 && !info.loopCalls[l]; l = info.loopParent[l]) info.loopCalls[l] = true
    }
  }
}
