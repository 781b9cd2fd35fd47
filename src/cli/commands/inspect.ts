// `wasmos inspect <file|cid>`: what a program is before it runs: its name, CID, size, imports,
// exports and the interfaces it declares up front (custom section `wasmos.interfaces`), with the
// reason it gives for each. A CID is read from the local store only (nothing is fetched).
import { existsSync, statSync } from 'node:fs'
import { readFile } from 'node:fs/promises'
import { basename } from 'node:path'
import type { Command } from 'commander'
import { declaredInterfaces } from '../../kernel/node/grants/declared.ts'
import type { DeclaredInterface } from '../../kernel/node/grants/declared.ts'
import { WasmosError } from '../../kernel/node/errors.ts'
import { moduleName, rawCidOf } from '../../kernel/node/program.ts'
import { sanitize } from '../../kernel/node/text.ts'
import { knownInterfaces } from '../run.ts'

async function readProgram (text: string): Promise<{ bytes: Uint8Array, cid: string, source: string }> {
  if (existsSync(text) && statSync(text).isFile()) {
    const bytes = await readFile(text)
    const cid = bytes.length <= 256 * 1024
      ? await rawCidOf(bytes)
      : (await (await import('../../loader/index.ts')).cidOfBytes(bytes)).toString()
    return { bytes, cid, source: text }
  }
  if (/[./\\]/.test(text)) throw new WasmosError('ERR_NOT_FOUND', `${text}: no such file${/(^|[\\/])programs[\\/]build[\\/][^\\/]+\.wasm$/.test(text) ? ' (run npm run build to build the programs)' : ''}`)
  const { openStore } = await import('../../loader/index.ts')
  const store = await openStore({ peers: [] })
  try {
    const cid = await store.resolve(text)
    return { bytes: await store.load(cid), cid: cid.toString(), source: cid.toString() }
  } finally {
    await store.close()
  }
}

export function registerInspectCommands (program: Command): void {
  program.command('inspect')
    .description("show a program's name, imports, exports and the interfaces it declares")
    .argument('<program>', 'a .wasm file, or the CID (or unique prefix) of a stored program')
    .option('--json', 'print JSON', false)
    .action(async (text: string, flags: { json: boolean }) => {
      const { bytes, cid, source } = await readProgram(text)
      let module: WebAssembly.Module
      try {
        module = await WebAssembly.compile(bytes as Uint8Array<ArrayBuffer>)
      } catch (err) {
        throw new WasmosError('ERR_NOT_WASM', `${source} is not a valid WebAssembly module (${(err as Error).message.replace(/^WebAssembly\.compile\(\): /, '')})`)
      }
      const known = knownInterfaces()
      let declared: DeclaredInterface[] = []
      let declaredError: string | null = null
      try {
        declared = declaredInterfaces(module, source)
      } catch (err) {
        declaredError = (err as Error).message
      }
      const info = {
        name: moduleName(module) ?? null,
        cid,
        size: bytes.length,
        imports: WebAssembly.Module.imports(module),
        exports: WebAssembly.Module.exports(module),
        interfaces: declared.map((d) => ({ cid: d.cid, name: known.get(d.key)?.name ?? null, kind: d.kind, scope: d.scope, reason: d.reason })),
        ...(declaredError !== null ? { interfacesError: declaredError } : {})
      }
      if (flags.json) {
        process.stdout.write(JSON.stringify(info, null, 2) + '\n')
        return
      }
      const out: string[] = []
      out.push(`name:    ${info.name === null ? `(none; shown as ${sanitize(basename(source).replace(/\.wasm$/, ''))})` : sanitize(info.name)}`)
      out.push(`cid:     ${cid}`)
      out.push(`size:    ${bytes.length} bytes`)
      out.push(`imports: ${info.imports.length === 0 ? '(none)' : ''}`)
      for (const i of info.imports) out.push(`  ${sanitize(i.module, 40)}.${sanitize(i.name, 60)} (${i.kind})`)
      out.push(`exports: ${info.exports.length === 0 ? '(none)' : ''}`)
      for (const e of info.exports) out.push(`  ${sanitize(e.name, 60)} (${e.kind})`)
      if (declaredError !== null) out.push(`interfaces it declares: ${sanitize(declaredError, 200)}`)
      else if (declared.length === 0) out.push('interfaces it declares: (none)')
      else {
        out.push('interfaces it declares:')
        for (const d of info.interfaces) {
          const scope = d.scope === null ? '' : ` (scope ${sanitize(d.scope, 120)})`
          out.push(`  ${d.kind === 'send' ? 'send to' : 'handle'} ${d.name ?? '(unknown interface)'}${scope} ${d.cid}`)
          out.push(`    why: "${sanitize(d.reason, 200)}"`)
        }
      }
      process.stdout.write(out.join('\n') + '\n')
    })
}
