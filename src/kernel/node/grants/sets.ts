// Permission sets kept in a file: `wasmos.json` in the working directory, or the file given with
// `--grants-file`. Each entry of `programs` names a program (by name or CID) and its grants, in
// the syntax of the flags:
//   { "programs": { "http-server": { "allow": ["tcp=0.0.0.0:8080", "fs=/www:read"], "deny": ["env"] } } }
// An entry applies by itself to the program it names; `-P <entry>` applies it to every program of
// the run. A name matches a program's module name, which its author chose: name a CID to be sure.
import { existsSync, readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { WasmosError } from '../errors.ts'
import { addTokens, emptySet } from './policy.ts'
import type { GrantSet, KnownInterface } from './policy.ts'

/** The file's name in the working directory, read when no `--grants-file` is given. */
export const SETS_FILE = 'wasmos.json'

export interface SetEntry { allow: string[], allowHandle: string[], deny: string[] }

export interface SetsFile {
  /** The file's path, as given or found. */
  path: string
  programs: Map<string, SetEntry>
}

function setsError (path: string, why: string): WasmosError {
  return new WasmosError('ERR_GRANTS_FILE', `${path}: ${why}`)
}

function strings (path: string, program: string, field: string, v: unknown): string[] {
  if (v === undefined) return []
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string')) throw setsError(path, `programs.${program}.${field}: expected an array of strings like "tcp=127.0.0.1:7878"`)
  return v as string[]
}

/** Reads a sets file; `given` is `--grants-file` (must exist), else wasmos.json in `cwd` if any. */
export function readSets (given: string | undefined, cwd = process.cwd()): SetsFile | null {
  const path = given ?? SETS_FILE
  const full = resolve(cwd, path)
  if (given === undefined && !existsSync(full)) return null
  let data: unknown
  try {
    data = JSON.parse(readFileSync(full, 'utf8'))
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    throw setsError(path, code === 'ENOENT' ? 'no such file' : err instanceof SyntaxError ? `not valid JSON (${err.message})` : `cannot read (${(err as Error).message})`)
  }
  const f = data as { programs?: unknown } | null
  if (f === null || typeof f !== 'object' || Array.isArray(f)) throw setsError(path, 'expected an object with "programs"')
  const programs = new Map<string, SetEntry>()
  // A wasmos.json without "programs" (used for something else) holds no sets.
  if (f.programs === undefined) return { path, programs }
  if (f.programs === null || typeof f.programs !== 'object' || Array.isArray(f.programs)) throw setsError(path, '"programs" must be an object of program name or CID → { allow, deny }')
  for (const [name, e] of Object.entries(f.programs as Record<string, unknown>)) {
    const entry = e as { allow?: unknown, allowHandle?: unknown, deny?: unknown } | null
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) throw setsError(path, `programs.${name}: expected { "allow": [...], "deny": [...] }`)
    for (const k of Object.keys(entry)) if (!['allow', 'allowHandle', 'deny'].includes(k)) throw setsError(path, `programs.${name}: unknown field "${k}" (allow, allowHandle, deny)`)
    programs.set(name, { allow: strings(path, name, 'allow', entry.allow), allowHandle: strings(path, name, 'allowHandle', entry.allowHandle), deny: strings(path, name, 'deny', entry.deny) })
  }
  return { path, programs }
}

/** One entry as a GrantSet; errors name the file and the entry. */
export function toGrantSet (file: SetsFile, name: string, known: Map<string, KnownInterface>): GrantSet {
  const e = file.programs.get(name)
  if (e === undefined) throw setsError(file.path, `no permission set "${name}" (${file.programs.size === 0 ? 'it names none' : `it names ${[...file.programs.keys()].join(', ')}`})`)
  const where = `${file.path}: ${name}`
  const set = emptySet(where)
  addTokens(set, e.allow, 'allow', known, `${where}: allow`)
  addTokens(set, e.allowHandle, 'allowHandle', known, `${where}: allowHandle`)
  addTokens(set, e.deny, 'deny', known, `${where}: deny`)
  return set
}
