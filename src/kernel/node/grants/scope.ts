// Scopes of a grant: which host and port, which directory and access, which variable, which
// program. A native handler describes what one request would do (a Scope); the policy matches it
// against the patterns the user gave (`--allow tcp=127.0.0.1:7878`, wasmos.json, the prompt's A/a).
// The syntax of every pattern is in the README's grants section; this module parses and matches.
import { isIP } from 'node:net'
import { posix } from 'node:path'
import { WasmosError } from '../errors.ts'

/** What one request would do, as its native handler describes it (never decoded by the core). */
export type Scope =
  | { iface: 'tcp', op: 'connect' | 'listen', host: string, port: number }
  | { iface: 'udp', op: 'bind' | 'send', host: string, port: number }
  | { iface: 'fs', path: string, access: 'read' | 'write' | 'rw' }
  | { iface: 'env', name: string }
  | { iface: 'process', name: string, cid: string }

export type ScopedInterface = Scope['iface']

/** The interfaces whose native handler asks for a scoped decision before acting. */
export const SCOPED_INTERFACES: readonly ScopedInterface[] = ['tcp', 'udp', 'fs', 'env', 'process']

export function isScoped (name: string): name is ScopedInterface {
  return (SCOPED_INTERFACES as readonly string[]).includes(name)
}

/** A parsed pattern. `text` is its canonical spelling (what is stored and shown). */
export type Pattern =
  | { iface: 'tcp' | 'udp', text: string, host: string, ports: [number, number] }
  | { iface: 'fs', text: string, dir: string, read: boolean, write: boolean }
  | { iface: 'env', text: string, name: string, prefix: boolean }
  | { iface: 'process', text: string, program: string }

export class ScopeError extends WasmosError {
  constructor (message: string) {
    super('ERR_BAD_SCOPE', message)
  }
}

function normalHost (host: string): string {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  return h.toLowerCase()
}

function showHost (host: string): string {
  return isIP(host) === 6 ? `[${host}]` : host
}

function parsePort (text: string, where: string): [number, number] {
  if (text === '*' || text === '') return [0, 65535]
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text)
  const lo = m === null ? NaN : Number(m[1])
  const hi = m === null ? NaN : m[2] === undefined ? lo : Number(m[2])
  if (m === null || lo > 65535 || hi > 65535 || lo > hi) throw new ScopeError(`${where}: bad port '${text}' (a number, a range like 8000-8099, or *)`)
  return [lo, hi]
}

function showPorts (p: [number, number]): string {
  return p[0] === 0 && p[1] === 65535 ? '*' : p[0] === p[1] ? String(p[0]) : `${p[0]}-${p[1]}`
}

/** `host:port`, `[v6]:port`, `host` (any port), `:port` or `*:port` (any host). */
function parseNet (iface: 'tcp' | 'udp', text: string, where: string): Pattern {
  let host: string
  let port: string
  const v6 = /^\[([^\]]+)\](?::(.*))?$/.exec(text)
  if (v6 !== null) {
    host = v6[1]
    port = v6[2] ?? '*'
    if (isIP(host) !== 6) throw new ScopeError(`${where}: '${host}' is not an IPv6 address`)
  } else if (isIP(text) === 6) {
    host = text
    port = '*'
  } else {
    const i = text.lastIndexOf(':')
    host = i < 0 ? text : text.slice(0, i)
    port = i < 0 ? '*' : text.slice(i + 1)
  }
  if (host === '') host = '*'
  host = normalHost(host)
  if (host !== '*' && !/^[a-z0-9.:_-]+$/.test(host)) throw new ScopeError(`${where}: bad host '${host}'`)
  const ports = parsePort(port, where)
  return { iface, text: `${showHost(host)}:${showPorts(ports)}`, host, ports }
}

/** `/dir` (read and write), `/dir:read`, `/dir:write`, `/dir:rw`. */
function parseFs (text: string, where: string): Pattern {
  const m = /^(.*?)(?::(read|write|rw|ro|wo))?$/.exec(text)!
  let dir = m[1]
  const access = m[2] ?? 'rw'
  if (!dir.startsWith('/') || dir.includes('\0')) throw new ScopeError(`${where}: expected an absolute directory as programs see it, e.g. /www:read`)
  dir = posix.normalize(dir)
  if (dir.length > 1 && dir.endsWith('/')) dir = dir.slice(0, -1)
  const read = access === 'read' || access === 'ro' || access === 'rw'
  const write = access === 'write' || access === 'wo' || access === 'rw'
  return { iface: 'fs', text: `${dir}:${read && write ? 'rw' : read ? 'read' : 'write'}`, dir, read, write }
}

/** `NAME`, `PREFIX_*`, `*`. */
function parseEnv (text: string, where: string): Pattern {
  const prefix = text.endsWith('*')
  const name = prefix ? text.slice(0, -1) : text
  if (name.includes('*') || name.includes('=') || (!prefix && name === '')) throw new ScopeError(`${where}: expected a variable name, optionally ending in * (AWS_*)`)
  return { iface: 'env', text, name, prefix }
}

/** A program's name or CID, or `*`. */
function parseProcess (text: string, where: string): Pattern {
  if (text === '' || /\s/.test(text)) throw new ScopeError(`${where}: expected a program name or CID`)
  return { iface: 'process', text, program: text }
}

/** Parses the pattern `text` of interface `iface` (one of SCOPED_INTERFACES); `where` names the flag or file. */
export function parsePattern (iface: string, text: string, where: string): Pattern {
  const t = text.trim()
  if (t === '*' && iface !== 'process' && iface !== 'env') return parsePattern(iface, iface === 'fs' ? '/' : '*:*', where)
  switch (iface) {
    case 'tcp': case 'udp': return parseNet(iface, t, where)
    case 'fs': return parseFs(t, where)
    case 'env': return parseEnv(t, where)
    case 'process': return parseProcess(t, where)
    default: throw new ScopeError(`${where}: ${iface} takes no scope (scopes exist for ${SCOPED_INTERFACES.join(', ')})`)
  }
}

/** `iface` or `iface=scope`: the interface token and the scope text (null when bare). */
export function splitGrant (token: string): { iface: string, scope: string | null } {
  const i = token.indexOf('=')
  return i < 0 ? { iface: token.trim(), scope: null } : { iface: token.slice(0, i).trim(), scope: token.slice(i + 1) }
}

function within (path: string, dir: string): boolean {
  return dir === '/' || path === dir || path.startsWith(dir + '/')
}

/** Whether `p` covers what `s` would do. */
export function matches (p: Pattern, s: Scope): boolean {
  if (p.iface !== s.iface) return false
  switch (s.iface) {
    case 'tcp': case 'udp': {
      const n = p as Extract<Pattern, { iface: 'tcp' | 'udp' }>
      return (n.host === '*' || n.host === normalHost(s.host)) && s.port >= n.ports[0] && s.port <= n.ports[1]
    }
    case 'fs': {
      const f = p as Extract<Pattern, { iface: 'fs' }>
      return (s.access === 'read' ? f.read : s.access === 'write' ? f.write : f.read && f.write) && within(s.path, f.dir)
    }
    case 'env': {
      const e = p as Extract<Pattern, { iface: 'env' }>
      return e.prefix ? s.name.startsWith(e.name) : s.name === e.name
    }
    case 'process': {
      const q = p as Extract<Pattern, { iface: 'process' }>
      return q.program === '*' || q.program === s.name || q.program === s.cid
    }
  }
}

/** The pattern that covers exactly this request (what A remembers). */
export function exact (s: Scope): string {
  switch (s.iface) {
    case 'tcp': case 'udp': return `${showHost(normalHost(s.host))}:${s.port}`
    case 'fs': return `${s.path}:${s.access}`
    case 'env': return s.name
    case 'process': return s.cid !== '' ? s.cid : s.name
  }
}

/** A wider pattern offered at the prompt (key `a`), with what it means; null when none is wider. */
export function widened (s: Scope): { pattern: string, label: string } | null {
  switch (s.iface) {
    case 'tcp': case 'udp': {
      const h = showHost(normalHost(s.host))
      return { pattern: `${h}:*`, label: `any port on ${h}` }
    }
    case 'fs': {
      const dir = posix.dirname(s.path)
      // Never offered: every directory at once.
      if (dir === s.path || dir === '/') return null
      return { pattern: `${dir}:${s.access}`, label: `${ACCESS[s.access]} anything in ${dir}` }
    }
    case 'env': {
      const i = s.name.indexOf('_')
      if (i <= 0) return null
      const prefix = s.name.slice(0, i + 1) + '*'
      return { pattern: prefix, label: `every variable ${prefix}` }
    }
    case 'process': return null
  }
}

const ACCESS = { read: 'read', write: 'write', rw: 'read and write' } as const

/** What the request would do, for the prompt and for warnings: "connect to 127.0.0.1:7878". */
export function describeScope (s: Scope): string {
  switch (s.iface) {
    case 'tcp': return `${s.op === 'connect' ? 'connect to' : 'listen on'} ${showHost(normalHost(s.host))}:${s.port}`
    case 'udp': return `${s.op === 'send' ? 'send datagrams to' : 'bind'} ${showHost(normalHost(s.host))}:${s.port}`
    case 'fs': return `${ACCESS[s.access]} ${s.path}`
    case 'env': return `read the variable ${s.name}`
    case 'process': return `start the program ${s.name}${s.cid !== '' ? ` (${s.cid})` : ''}`
  }
}
