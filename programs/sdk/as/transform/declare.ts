// An asc transform (runs in Node during the build, not compiled by asc): finds the top-level
// `needs('<interface>', '<reason>'[, '<scope>'])` and `needsToHandle(…)` calls of programs/sdk/as/declare.ts in a
// program's sources and writes them to the module's `wasmos.interfaces` custom section, in the
// encoding of src/kernel/node/grants/declared.ts. Interfaces are named by their name in interfaces/ or by CID.
import { INTERFACES } from '../../../../src/interfaces/gen/index.ts'
import { digestOfCid } from '../../../../src/kernel/node/names.ts'
import { DECLARED_SECTION, encodeDeclared } from '../../../../src/kernel/node/grants/declared.ts'
import { parsePattern } from '../../../../src/kernel/node/grants/scope.ts'

// AssemblyScript's AST node kinds (const enums in its typings, so spelled out here).
const NODE_IDENTIFIER = 7
const NODE_CALL = 10
const NODE_LITERAL = 17
const NODE_PROPERTY_ACCESS = 22
const NODE_EXPRESSION_STATEMENT = 39
const LITERAL_STRING = 2
const SOURCE_USER = 0
const SOURCE_USER_ENTRY = 1

interface AstNode { kind: number }
interface Identifier extends AstNode { text: string }
interface PropertyAccess extends AstNode { property: Identifier }
interface Call extends AstNode { expression: AstNode, args: AstNode[] }
interface Literal extends AstNode { literalKind: number, value?: string }
interface Source { sourceKind: number, normalizedPath: string, statements: Array<AstNode & { expression?: AstNode }> }
interface Parser { sources: Source[] }
interface BinaryenModule { addCustomSection (name: string, contents: Uint8Array): void }

const FUNCTIONS: Record<string, 'send' | 'handle'> = { needs: 'send', needsToHandle: 'handle' }

function calleeName (node: AstNode): string | null {
  if (node.kind === NODE_IDENTIFIER) return (node as Identifier).text
  if (node.kind === NODE_PROPERTY_ACCESS) return (node as PropertyAccess).property.text
  return null
}

function stringArg (node: AstNode | undefined): string | null {
  if (node === undefined || node.kind !== NODE_LITERAL) return null
  const lit = node as Literal
  return lit.literalKind === LITERAL_STRING && typeof lit.value === 'string' ? lit.value : null
}

function interfaceCid (text: string): string | null {
  for (const iface of INTERFACES.values()) if (iface.name === text || iface.cid === text) return iface.cid
  return digestOfCid(text) !== null ? text : null
}

export class DeclareInterfaces {
  readonly #declared: Array<{ cid: string, reason: string, kind: 'send' | 'handle', scope: string | null }> = []

  afterParse (parser: Parser): void {
    for (const source of parser.sources) {
      if (source.sourceKind !== SOURCE_USER && source.sourceKind !== SOURCE_USER_ENTRY) continue
      if (source.normalizedPath.endsWith('sdk/as/declare.ts')) continue
      for (const stmt of source.statements) {
        if (stmt.kind !== NODE_EXPRESSION_STATEMENT || stmt.expression?.kind !== NODE_CALL) continue
        const call = stmt.expression as Call
        const name = calleeName(call.expression)
        if (name === null || !(name in FUNCTIONS)) continue
        const iface = stringArg(call.args[0])
        const reason = stringArg(call.args[1])
        const scopeArg = call.args.length === 3 && name === 'needs' ? stringArg(call.args[2]) : null
        if (iface === null || reason === null || (call.args.length !== 2 && scopeArg === null)) {
          throw new Error(`${source.normalizedPath}: ${name}() takes string literals: the interface, the reason${name === 'needs' ? ' and optionally a scope' : ''}`)
        }
        const cid = interfaceCid(iface)
        if (cid === null) throw new Error(`${source.normalizedPath}: ${name}('${iface}'): no such interface in interfaces/, and not a CID`)
        let scope: string | null = null
        if (scopeArg !== null && scopeArg !== '') {
          const ifaceName = [...INTERFACES.values()].find((i) => i.cid === cid)?.name ?? iface
          try {
            scope = parsePattern(ifaceName, scopeArg, `${name}('${iface}')`).text
          } catch (err) {
            throw new Error(`${source.normalizedPath}: ${(err as Error).message}`)
          }
        }
        this.#declared.push({ cid, reason, kind: FUNCTIONS[name], scope })
      }
    }
  }

  afterCompile (module: BinaryenModule): void {
    if (this.#declared.length > 0) module.addCustomSection(DECLARED_SECTION, encodeDeclared(this.#declared))
  }
}
