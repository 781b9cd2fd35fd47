// A trustless HTTP gateway over the local store (the IPFS Trustless Gateway spec): GET and HEAD
// /ipfs/<cid> answer with the raw block (application/vnd.ipld.raw) or a CARv1 of its DAG
// (application/vnd.ipld.car, dag-scope block|entity|all). Only blocks the store holds are served,
// each re-hashed on the way out; nothing is ever fetched from elsewhere. Bounded: URL length,
// no request bodies, a cap on requests in flight, header and request timeouts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { Cid, DAG_PB, IDENTITY, RAW, writeVarint } from './cid.ts'
import { linksOf } from './dag.ts'
import { LoaderError } from './errors.ts'
import type { LocalStore } from './local.ts'

export const RAW_TYPE = 'application/vnd.ipld.raw'
export const CAR_TYPE = 'application/vnd.ipld.car'

export interface GatewayLimits {
  /** Longest request target accepted, in bytes (longer: 414). */
  maxUrlLength: number
  /** Requests answered at once; more get 503 with Retry-After. */
  maxConcurrent: number
  /** Open connections at once (the server refuses more). */
  maxConnections: number
  /** Time allowed to receive the request headers, and the whole request. */
  headersTimeoutMs: number
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxUrlLength: 2048,
  maxConcurrent: 32,
  maxConnections: 256,
  headersTimeoutMs: 10_000
}

export interface GatewayOptions {
  local: LocalStore
  /** `host:port`, `[v6]:port` or `:port` (127.0.0.1); port 0 picks a free one. */
  listen: string
  limits?: Partial<GatewayLimits>
}

export interface Gateway {
  /** The base URL clients are given, e.g. http://127.0.0.1:8080 */
  readonly url: string
  close (): Promise<void>
}

/** Splits `host:port` (IPv6 in brackets); throws 'ERR_BAD_CONFIG' on anything else. */
export function parseListen (text: string): { host: string, port: number } {
  const m = /^(?:\[([0-9a-fA-F:.]+)\]|([A-Za-z0-9.-]*)):(\d{1,5})$/.exec(text.trim())
  const port = m ? Number(m[3]) : NaN
  if (!m || port > 65535) throw new LoaderError('ERR_BAD_CONFIG', `--gateway: expected host:port (e.g. 127.0.0.1:8080), not ${JSON.stringify(text)}`)
  return { host: m[1] ?? (m[2] || '127.0.0.1'), port }
}

type Format = { kind: 'raw' } | { kind: 'car', dups: boolean }

class HttpError extends Error {
  readonly status: number
  readonly headers: Record<string, string>
  constructor (status: number, message: string, headers: Record<string, string> = {}) {
    super(message)
    this.status = status
    this.headers = headers
  }
}

interface MediaRange { type: string, params: Map<string, string>, q: number }

function parseAccept (header: string): MediaRange[] {
  const out: MediaRange[] = []
  for (const part of header.split(',')) {
    const [type, ...rest] = part.split(';').map((s) => s.trim())
    if (!type) continue
    const params = new Map<string, string>()
    for (const p of rest) {
      const eq = p.indexOf('=')
      if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, ''))
    }
    const q = params.has('q') ? Number(params.get('q')) : 1
    out.push({ type: type.toLowerCase(), params, q: Number.isFinite(q) ? q : 0 })
  }
  // Stable: equal weights keep the client's order.
  return out.filter((r) => r.q > 0).sort((a, b) => b.q - a.q)
}

/** A CAR variant this gateway can produce, or undefined: version 1, dfs order, either dups. */
function carVariant (params: Map<string, string>): Format | undefined {
  const version = params.get('version')
  const order = params.get('order')
  const dups = params.get('dups')
  if (version !== undefined && version !== '1') return undefined
  if (order !== undefined && order !== 'dfs' && order !== 'unk') return undefined
  if (dups !== undefined && dups !== 'y' && dups !== 'n') return undefined
  return { kind: 'car', dups: dups === 'y' }
}

/** The response format: `format` wins over Accept; no preference at all is a 400 (strict trustless). */
function negotiate (query: URLSearchParams, accept: string | undefined): Format {
  const format = query.get('format')
  const carQuery = new Map<string, string>()
  for (const k of ['version', 'order', 'dups']) {
    const v = query.get(`car-${k}`)
    if (v !== null) carQuery.set(k, v)
  }
  if (format !== null) {
    if (format === 'raw') return { kind: 'raw' }
    if (format === 'car') {
      // Accept may refine the CAR variant; the car-* query parameters take precedence.
      const fromAccept = parseAccept(accept ?? '').find((r) => r.type === CAR_TYPE)?.params ?? new Map<string, string>()
      const v = carVariant(new Map([...fromAccept, ...carQuery]))
      if (!v) throw new HttpError(406, 'unsupported CAR variant: this gateway writes version=1, order=dfs, dups=y or n')
      return v
    }
    throw new HttpError(406, `unsupported format ${JSON.stringify(format)}: this trustless gateway serves format=raw and format=car`)
  }
  if (accept === undefined || accept.trim() === '') {
    throw new HttpError(400, `no format requested: send Accept: ${RAW_TYPE} or ${CAR_TYPE} (or ?format=raw|car)`)
  }
  for (const r of parseAccept(accept)) {
    if (r.type === RAW_TYPE) return { kind: 'raw' }
    if (r.type === CAR_TYPE) {
      const v = carVariant(new Map([...r.params, ...carQuery]))
      if (v) return v
    }
  }
  throw new HttpError(406, `not acceptable: this trustless gateway serves ${RAW_TYPE} and ${CAR_TYPE}; version=1`)
}

type Scope = 'block' | 'entity' | 'all'

function dagScope (query: URLSearchParams): Scope {
  const scope = query.get('dag-scope')
  if (scope === null) return query.has('entity-bytes') ? 'entity' : 'all'
  if (scope === 'block' || scope === 'entity' || scope === 'all') return scope
  throw new HttpError(400, `dag-scope must be block, entity or all, not ${JSON.stringify(scope)}`)
}

/** The empty identity CID the spec reserves for probing a gateway. */
const PROBE = 'bafkqaaa'

/** The block's bytes: identity CIDs carry them, anything else must be stored (verified on read). */
async function readBlock (local: LocalStore, cid: Cid): Promise<Uint8Array | undefined> {
  if (cid.hashCode === IDENTITY) return cid.digest
  return local.readBlock(cid)
}

/** Whether a dag-pb block is a UnixFS file (or raw) node: `entity` then means the whole file. */
function isUnixfsFile (block: Uint8Array): boolean {
  // PBNode.Data (field 1) holds the UnixFS Data message whose field 1 is the type: 0 raw, 2 file.
  for (let i = 0; i < block.length;) {
    const key = block[i]!
    if (key === 0x0a) {
      let len = 0
      let shift = 0
      let j = i + 1
      for (; j < block.length; j++) {
        len |= (block[j]! & 0x7f) << shift
        shift += 7
        if ((block[j]! & 0x80) === 0) break
      }
      const data = block.subarray(j + 1, j + 1 + len)
      return data[0] === 0x08 && (data[1] === 0 || data[1] === 2)
    }
    if (key !== 0x12) return false
    // A link (field 2): skip its length-prefixed bytes.
    let len = 0
    let shift = 0
    let j = i + 1
    for (; j < block.length; j++) {
      len |= (block[j]! & 0x7f) << shift
      shift += 7
      if ((block[j]! & 0x80) === 0) break
    }
    i = j + 1 + len
  }
  return false
}

/** Starts the gateway; resolves once it listens. */
export async function startGateway (options: GatewayOptions): Promise<Gateway> {
  const limits = { ...DEFAULT_GATEWAY_LIMITS, ...options.limits }
  const { host, port } = parseListen(options.listen)
  const local = options.local
  let inFlight = 0
  const server: Server = createServer({
    maxHeaderSize: 8192,
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.headersTimeoutMs * 3
  }, (req, res) => {
    if (inFlight >= limits.maxConcurrent) {
      send(res, 503, 'too many requests in flight: retry shortly', { 'Retry-After': '1' })
      return
    }
    inFlight++
    res.once('close', () => { inFlight-- })
    handle(local, req, res, limits).catch((err: unknown) => {
      if (res.headersSent) {
        // Mid-CAR: the status is already 200, so a truncated stream is the only signal left.
        res.destroy(err as Error)
        return
      }
      if (err instanceof HttpError) send(res, err.status, err.message, err.headers, req.method === 'HEAD')
      else if (err instanceof LoaderError && err.code === 'ERR_HASH_MISMATCH') send(res, 404, err.message, {}, req.method === 'HEAD')
      else send(res, 500, 'internal error', {}, req.method === 'HEAD')
    })
  })
  server.maxConnections = limits.maxConnections
  // A client that stops reading holds a slot: its socket is closed after this long without progress.
  server.timeout = limits.headersTimeoutMs * 3
  // Keep-alive connections that sit idle are closed rather than held.
  server.keepAliveTimeout = 5000
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      reject(new LoaderError('ERR_BAD_CONFIG', `--gateway: cannot listen on ${options.listen}: ${err.code ?? err.message}`))
    })
    server.listen(port, host, () => resolve())
  })
  const addr = server.address() as AddressInfo
  const shown = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address
  return {
    url: `http://${shown}:${addr.port}`,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  }
}

function send (res: ServerResponse, status: number, message: string, headers: Record<string, string> = {}, head = false): void {
  const body = message + '\n'
  res.writeHead(status, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(body)),
    'X-Content-Type-Options': 'nosniff',
    ...headers
  })
  res.end(head ? undefined : body)
}

async function handle (local: LocalStore, req: IncomingMessage, res: ServerResponse, limits: GatewayLimits): Promise<void> {
  const target = req.url ?? '/'
  if (target.length > limits.maxUrlLength) throw new HttpError(414, `request target longer than ${limits.maxUrlLength} bytes`)
  if (req.method !== 'GET' && req.method !== 'HEAD') throw new HttpError(405, 'only GET and HEAD', { Allow: 'GET, HEAD' })
  const length = Number(req.headers['content-length'] ?? 0)
  if (length > 0 || req.headers['transfer-encoding'] !== undefined) throw new HttpError(413, 'requests carry no body here', { Connection: 'close' })
  const url = new URL(target, 'http://gateway.invalid')
  const m = /^\/ipfs\/([^/]+)(\/.*)?$/.exec(url.pathname)
  if (!m) throw new HttpError(404, 'not found: this gateway answers /ipfs/<cid> only')
  let cid: Cid
  try {
    cid = Cid.parse(decodeURIComponent(m[1]!))
  } catch (err) {
    throw new HttpError(400, (err as Error).message)
  }
  const format = negotiate(url.searchParams, req.headers.accept)
  const path = m[2] ?? ''
  if (path !== '' && path !== '/') {
    if (format.kind === 'raw') throw new HttpError(400, 'a raw block is requested by CID alone: no path after it')
    throw new HttpError(501, 'content paths are not supported by this gateway: request the CID of the file itself')
  }
  if (cid.hashCode !== IDENTITY && cid.hashCode !== 0x12) throw new HttpError(400, `${cid}: unsupported hash function 0x${cid.hashCode.toString(16)}`)
  if (cid.codec !== RAW && cid.codec !== DAG_PB && cid.hashCode !== IDENTITY) {
    throw new HttpError(format.kind === 'raw' ? 404 : 501, `${cid}: codec 0x${cid.codec.toString(16)} is never stored here`)
  }
  const root = await readBlock(local, cid)
  if (!root) {
    // A client asking only for what is at hand gets the spec's 412; everyone else a 404.
    const onlyIfCached = /(^|,)\s*only-if-cached\s*(,|$)/i.test(String(req.headers['cache-control'] ?? ''))
    throw new HttpError(onlyIfCached ? 412 : 404, `${cid} is not stored here`)
  }
  const head = req.method === 'HEAD'
  const common = {
    'Cache-Control': 'public, max-age=29030400, immutable',
    'X-Content-Type-Options': 'nosniff',
    'X-Ipfs-Path': `/ipfs/${cid}`,
    'X-Ipfs-Roots': cid.toString(),
    Vary: 'Accept',
    'Accept-Ranges': 'none'
  }
  if (format.kind === 'raw') {
    const etag = `"${cid}.raw"`
    if (notModified(req, etag)) return void304(res, etag, common)
    res.writeHead(200, {
      ...common,
      'Content-Type': RAW_TYPE,
      'Content-Length': String(root.length),
      'Content-Disposition': `attachment; filename="${cid}.bin"`,
      Etag: etag,
      ...(url.searchParams.has('format') ? {} : { 'Content-Location': `/ipfs/${cid}?format=raw` })
    })
    res.end(head ? undefined : root)
    return
  }
  const scope = cid.toString() === PROBE ? 'block' : dagScope(url.searchParams)
  const etag = `W/"${cid}.car.${scope}.dfs.${format.dups ? 'y' : 'n'}"`
  if (notModified(req, etag)) return void304(res, etag, common)
  res.writeHead(200, {
    ...common,
    'Content-Type': `${CAR_TYPE}; version=1; order=dfs; dups=${format.dups ? 'y' : 'n'}`,
    'Content-Disposition': `attachment; filename="${cid}.car"`,
    Etag: etag
  })
  if (head) {
    res.end()
    return
  }
  await writeCar(local, cid, root, scope, format.dups, res)
}

function notModified (req: IncomingMessage, etag: string): boolean {
  const inm = req.headers['if-none-match']
  return inm !== undefined && inm.split(',').some((t) => t.trim() === etag || t.trim() === '*')
}

function void304 (res: ServerResponse, etag: string, common: Record<string, string>): void {
  res.writeHead(304, { ...common, Etag: etag })
  res.end()
}

/** The CARv1 header, dag-cbor { roots: [root], version: 1 } (keys in dag-cbor's canonical order). */
export function carHeader (root: Cid): Uint8Array {
  const cidBytes = Uint8Array.from([0, ...root.bytes])
  const len = cidBytes.length
  const bytesHead = len < 24 ? [0x40 + len] : len < 256 ? [0x58, len] : [0x59, len >> 8, len & 0xff]
  const body = Uint8Array.from([
    0xa2,
    0x65, ...Buffer.from('roots'), 0x81, 0xd8, 0x2a, ...bytesHead, ...cidBytes,
    0x67, ...Buffer.from('version'), 0x01
  ])
  return Uint8Array.from([...writeVarint(body.length), ...body])
}

/** One CAR section: varint length, CID, block. */
function carSection (cid: Cid, block: Uint8Array): Uint8Array[] {
  return [Uint8Array.from(writeVarint(cid.bytes.length + block.length)), cid.bytes, block]
}

/** Writes the CARv1 header and blocks depth-first; a missing or corrupt child ends the stream early. */
async function writeCar (local: LocalStore, root: Cid, rootBlock: Uint8Array, scope: Scope, dups: boolean, res: ServerResponse): Promise<void> {
  const write = async (chunk: Uint8Array): Promise<void> => {
    if (res.destroyed) throw new Error('client went away')
    if (!res.write(chunk)) {
      await new Promise<void>((resolve) => {
        const done = (): void => {
          res.off('drain', done)
          res.off('close', done)
          resolve()
        }
        res.on('drain', done)
        res.on('close', done)
      })
    }
  }
  await write(carHeader(root))
  const whole = scope === 'all' || (scope === 'entity' && (root.codec === RAW || (root.codec === DAG_PB && isUnixfsFile(rootBlock))))
  const seen = new Set<string>()
  const stack: Array<{ cid: Cid, block?: Uint8Array }> = [{ cid: root, block: rootBlock }]
  while (stack.length > 0) {
    const { cid, block: known } = stack.pop()!
    const key = cid.toString()
    if (!dups && seen.has(key)) continue
    seen.add(key)
    const block = known ?? await readBlock(local, cid)
    if (!block) throw new LoaderError('ERR_NOT_FOUND', `${cid} is not stored here`)
    // Identity blocks are inside their parent already: the spec keeps them out of CARs.
    if (cid.hashCode !== IDENTITY) for (const part of carSection(cid, block)) await write(part)
    if (whole) stack.push(...linksOf(cid, block).reverse().map((c) => ({ cid: c })))
  }
  res.end()
}
