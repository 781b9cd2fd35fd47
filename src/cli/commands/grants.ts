// `wasmos grants`: the grant decisions remembered under WASMOS_HOME (grants.json), per program CID,
// interface (and scope) and kind, the permission sets of wasmos.json (or --grants-file), and what
// `wasmos serve` was told about other peers' programs (peer-grants.json).
// `wasmos grants` lists them with where each came from (`--json`), `allow|deny <program>
// <interface[=scope]>…` sets them ahead of time, `revoke <program> [interface[=scope]]` forgets
// them. A program is named by its CID or by a .wasm file (its CID is computed).
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename, join } from 'node:path'
import type { Command } from 'commander'
import { CID } from 'multiformats/cid'
import { digestOfCid } from '../../kernel/node/names.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import { GrantStore, interfaceCidOfKey } from '../../kernel/node/grants/store.ts'
import type { Decision, GrantKind } from '../../kernel/node/grants/store.ts'
import { moduleName, rawCidOf } from '../../kernel/node/program.ts'
import { sanitize } from '../../kernel/node/text.ts'
import { parsePattern, splitGrant } from '../../kernel/node/grants/scope.ts'
import { readSets } from '../../kernel/node/grants/sets.ts'
import { knownInterfaces } from '../run.ts'
import { PEER_GRANTS, readPeerDecisions } from '../features/remote.ts'
import { wasmosHome } from '../../kernel/node/home.ts'

const CHUNK = 256 * 1024

/** A program named by a .wasm file or a CID: its CID and, for a file, its name. */
export async function resolveProgram (text: string): Promise<{ cid: string, name: string }> {
  if (existsSync(text) && statSync(text).isFile()) {
    const bytes = await readFile(text)
    let cid: string
    if (bytes.length <= CHUNK) cid = await rawCidOf(bytes)
    else {
      const { cidOfBytes } = await import('../../loader/index.ts')
      cid = (await cidOfBytes(bytes)).toString()
    }
    let name = basename(text).replace(/\.wasm$/, '')
    try {
      name = moduleName(await WebAssembly.compile(bytes)) ?? name
    } catch {
      throw new WasmosError('ERR_NOT_WASM', `${text} is not a WebAssembly module`)
    }
    return { cid, name }
  }
  if (!/^[A-Za-z0-9]+$/.test(text)) throw new WasmosError('ERR_BAD_PROGRAM', `${text}: neither a .wasm file nor a program CID`)
  // A CID, or a unique prefix of a stored program's CID (as `wasmos exec` takes); a stored
  // program also gives its name. Nothing is fetched.
  const { openStore } = await import('../../loader/index.ts')
  const store = await openStore({ peers: [] })
  try {
    let cid
    try {
      cid = await store.resolve(text)
    } catch (err) {
      const code = (err as { code?: string }).code
      if (code === 'ERR_UNKNOWN_PREFIX' || code === 'ERR_BAD_CID') throw new WasmosError('ERR_BAD_PROGRAM', `${text}: neither a .wasm file nor a program CID`)
      throw err
    }
    let name = ''
    if (await store.has(cid)) {
      try { name = moduleName(await WebAssembly.compile(await store.load(cid) as Uint8Array<ArrayBuffer>)) ?? '' } catch {}
    }
    return { cid: cid.toString(), name }
  } finally {
    await store.close()
  }
}

/** An interface named by name, CID or hex digest: its CID. */
export function resolveInterface (text: string): string {
  const t = text.trim()
  for (const k of knownInterfaces().values()) if (k.name === t || k.cid === t || k.key === t) return k.cid
  if (/^[0-9a-f]{64}$/.test(t)) return interfaceCidOfKey(t)
  if (digestOfCid(t) !== null) return CID.parse(t).toString()
  throw new WasmosError('ERR_UNKNOWN_INTERFACE', `unknown interface '${t}' (give a name from 'wasmos interfaces', or a CID)`)
}

function interfaceNames (): Map<string, string> {
  return new Map([...knownInterfaces().values()].map((k) => [k.cid, k.name]))
}

/** `iface` or `iface=scope`: the interface's CID and the scope in its canonical spelling (or null). */
export function resolveGrant (text: string): { cid: string, scope: string | null } {
  const { iface, scope } = splitGrant(text)
  const cid = resolveInterface(iface)
  if (scope === null) return { cid, scope: null }
  const name = interfaceNames().get(cid) ?? iface
  return { cid, scope: parsePattern(name, scope, text).text }
}

interface Row {
  program: string
  name: string
  interface: string
  interfaceName: string | null
  scope: string | null
  kind: string
  decision: string
  /** Where it comes from: grants.json (and who decided), or a permission set's file and entry. */
  source: string
  at: string | null
}

export function registerGrantCommands (program: Command): void {
  const grants = program.command('grants')
    .description('list, set and revoke remembered grant decisions (WASMOS_HOME/grants.json)')
    .option('--json', 'print JSON', false)
    .option('--grants-file <path>', 'the permission sets to list instead of ./wasmos.json')
    .action(async (flags: { json: boolean, grantsFile?: string }) => {
      const names = interfaceNames()
      const store = new GrantStore(wasmosHome())
      const list: Row[] = store.list()
        .map((g) => ({ ...g, interfaceName: names.get(g.interface) ?? null, source: `${store.path} (${g.by === 'command' ? 'wasmos grants' : 'prompt'})` }))
      const sets = readSets(flags.grantsFile)
      for (const [program, e] of sets?.programs ?? []) {
        const add = (tokens: string[], kind: string, decision: string): void => {
          for (const t of tokens) {
            const g = resolveGrant(t)
            list.push({ program, name: program, interface: g.cid, interfaceName: names.get(g.cid) ?? null, scope: g.scope, kind, decision, source: `${sets!.path}: ${program}`, at: null })
          }
        }
        add(e.allow, 'send', 'allow')
        add(e.allowHandle, 'handle', 'allow')
        add(e.deny, 'send', 'deny')
      }
      // Answers given at a serving terminal about a peer's program: its calls to an exported interface.
      for (const d of await readPeerDecisions(wasmosHome())) {
        const iface = /^[0-9a-f]{64}$/.test(d.iface) ? interfaceCidOfKey(d.iface) : d.iface
        list.push({ program: d.program, name: d.name, interface: iface, interfaceName: names.get(iface) ?? null, scope: null, kind: 'send', decision: d.decision, source: `${join(wasmosHome(), PEER_GRANTS)} (peer ${d.peer})`, at: null })
      }
      list.sort((a, b) => a.program.localeCompare(b.program) || a.interface.localeCompare(b.interface) || (a.scope ?? '').localeCompare(b.scope ?? '') || a.kind.localeCompare(b.kind))
      if (flags.json) {
        process.stdout.write(JSON.stringify(list, null, 2) + '\n')
        return
      }
      if (list.length === 0) {
        process.stdout.write('no remembered decisions\n')
        return
      }
      // A scoped grant reads as the flag that gives it: tcp=127.0.0.1:7878.
      const rows = [['PROGRAM', 'NAME', 'INTERFACE', 'KIND', 'DECISION', 'SINCE', 'FROM'],
        ...list.map((g) => [g.program, sanitize(g.name, 30), `${g.interfaceName ?? g.interface}${g.scope === null ? '' : `=${sanitize(g.scope, 40)}`}`, g.kind, g.decision, g.at === null ? '-' : g.at.slice(0, 19).replace('T', ' '), sanitize(g.source, 200)])]
      const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => [...r[i]].length)))
      for (const r of rows) process.stdout.write(r.map((c, i) => i === r.length - 1 ? c : c + ' '.repeat(widths[i] - [...c].length)).join('  ') + '\n')
    })

  const setter = (decision: Decision) => async (programText: string, ifaces: string[], flags: { handle: boolean }): Promise<void> => {
    const prog = await resolveProgram(programText)
    const kind: GrantKind = flags.handle ? 'handle' : 'send'
    const grants = ifaces.map(resolveGrant)
    if (kind === 'handle' && grants.some((g) => g.scope !== null)) throw new WasmosError('ERR_BAD_SCOPE', 'handling an interface takes no scope')
    new GrantStore(wasmosHome()).set(grants.map((g) => ({ program: prog.cid, name: prog.name, iface: g.cid, scope: g.scope, kind, decision, by: 'command' })))
    const names = interfaceNames()
    process.stdout.write(`${decision === 'allow' ? 'allowed' : 'denied'} ${prog.name !== '' ? `${sanitize(prog.name, 30)} (${prog.cid})` : prog.cid} to ${kind === 'send' ? 'send to' : 'handle'} ${grants.map((g) => `${names.get(g.cid) ?? g.cid}${g.scope === null ? '' : `=${g.scope}`}`).join(', ')}\n`)
  }
  grants.command('allow')
    .description('always allow a program an interface, ahead of time')
    .argument('<program>', 'a .wasm file or a program CID')
    .argument('<interfaces...>', 'interfaces, by name or CID, optionally with a scope (tcp=127.0.0.1:7878)')
    .option('--handle', 'the grant to handle the interfaces (default: to send to them)', false)
    .action(setter('allow'))
  grants.command('deny')
    .description('never allow a program an interface, ahead of time')
    .argument('<program>', 'a .wasm file or a program CID')
    .argument('<interfaces...>', 'interfaces, by name or CID, optionally with a scope (tcp=127.0.0.1:7878)')
    .option('--handle', 'the grant to handle the interfaces (default: to send to them)', false)
    .action(setter('deny'))
  grants.command('revoke')
    .description("forget a program's remembered decisions (on one interface, or all)")
    .argument('<program>', 'a .wasm file or a program CID')
    .argument('[interface]', 'only this interface (every scope of it), by name or CID; iface=scope: only that scope')
    .action(async (programText: string, iface: string | undefined) => {
      const prog = await resolveProgram(programText)
      const g = iface === undefined ? undefined : resolveGrant(iface)
      const n = new GrantStore(wasmosHome()).revoke(prog.cid, g?.cid, g?.scope ?? undefined)
      process.stdout.write(n === 0 ? `nothing to revoke for ${prog.cid}\n` : `revoked ${n} decision${n === 1 ? '' : 's'} of ${prog.cid}\n`)
    })
}
