// asc for the tests, with a cache: a compile whose asc version, arguments and every file asc looked
// for (found or not) are unchanged is answered from build/test-asc/ instead of compiling again.
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { ROOT } from './helpers.ts'

const CACHE = join(ROOT, 'build', 'test-asc')

export interface AscResult {
  /** asc's error message, or null when it compiled. */
  error: string | null
  /** What asc printed on stderr (warnings). */
  stderr: string
  /** The files asc wrote, by the name it gave them. */
  outputs: Map<string, Uint8Array>
  /** Whether the result came from the cache. */
  cached: boolean
}

interface Entry {
  /** Every file asc asked for: the SHA-256 of its text, or null if it did not exist. */
  inputs: Record<string, string | null>
  stderr: string
  outputs: Record<string, string>
}

const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex')

function readText (path: string): string | null {
  try {
    return readFileSync(path, 'utf8')
  } catch {
    return null
  }
}

function ascVersion (): string {
  const pkg = JSON.parse(readFileSync(join(ROOT, 'node_modules', 'assemblyscript', 'package.json'), 'utf8')) as { version: string }
  return pkg.version
}

function lookup (path: string): Entry | undefined {
  const text = readText(path)
  if (text === null) return undefined
  let entry: Entry
  try {
    entry = JSON.parse(text) as Entry
  } catch {
    return undefined
  }
  for (const [file, digest] of Object.entries(entry.inputs)) {
    const now = readText(file)
    if ((now === null ? null : sha256(now)) !== digest) return undefined
  }
  return entry
}

/**
 * Runs `asc …args` without touching the disk except to read sources (relative paths from the
 * current directory); outputs come back in memory. Only successful compiles are cached.
 */
export async function compileAsc (args: string[]): Promise<AscResult> {
  const key = sha256(JSON.stringify({ asc: ascVersion(), args, cwd: process.cwd() }))
  const path = join(CACHE, `${key}.json`)
  const hit = lookup(path)
  if (hit !== undefined) {
    const outputs = new Map(Object.entries(hit.outputs).map(([name, b64]) => [name, new Uint8Array(Buffer.from(b64, 'base64'))]))
    return { error: null, stderr: hit.stderr, outputs, cached: true }
  }
  const { default: asc } = await import('assemblyscript/asc')
  const inputs: Record<string, string | null> = {}
  const outputs = new Map<string, Uint8Array>()
  let stderr = ''
  const { error } = await asc.main(args, {
    readFile (filename: string, baseDir: string) {
      const file = resolve(baseDir, filename)
      const text = readText(file)
      inputs[file] = text === null ? null : sha256(text)
      return text
    },
    writeFile (filename: string, contents: Uint8Array | string) {
      outputs.set(filename, typeof contents === 'string' ? new Uint8Array(Buffer.from(contents, 'utf8')) : contents)
    },
    listFiles () { return null },
    stdout: { write (s: string | Uint8Array) { return s.length } },
    stderr: { write (s: string | Uint8Array) { stderr += String(s); return s.length } }
  })
  if (error === null) {
    const entry: Entry = {
      inputs,
      stderr,
      outputs: Object.fromEntries([...outputs].map(([name, bytes]) => [name, Buffer.from(bytes).toString('base64')]))
    }
    mkdirSync(CACHE, { recursive: true })
    // Written whole then renamed: a test running beside this one never reads half an entry.
    const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`
    writeFileSync(tmp, JSON.stringify(entry))
    renameSync(tmp, path)
  }
  return { error: error === null ? null : error.message, stderr, outputs, cached: false }
}
