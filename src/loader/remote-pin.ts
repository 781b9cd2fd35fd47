// A client of the IPFS Pinning Service API (the HTTP API Kubo's `pin remote` and the pinning
// services speak): asks a service to pin a CID and follows the request until it is pinned or
// failed. An existing request for the same CID (queued, pinning or pinned) is reused rather than
// duplicated. Every answer is checked against the spec's shapes before it is believed.
import { LoaderError } from './errors.ts'

export type PinState = 'queued' | 'pinning' | 'pinned' | 'failed'
const STATES: readonly PinState[] = ['queued', 'pinning', 'pinned', 'failed']

export interface PinStatus {
  requestid: string
  status: PinState
  created: string
  pin: { cid: string, name?: string, origins?: string[], meta?: Record<string, string> }
  delegates: string[]
  info?: Record<string, string>
}

export interface RemotePinOptions {
  /** The service's base URL (the API's paths, /pins…, are below it). */
  service: string
  /** The access token, sent as `Authorization: Bearer <token>`. */
  token: string
  cid: string
  name?: string
  /** Multiaddrs known to provide the data (provider hints). */
  origins?: string[]
  /** Follow a queued or pinning request until it ends (default true). */
  wait?: boolean
  /** Give up waiting after this long (default 5 minutes). */
  timeoutMs?: number
  /** First interval between status checks, doubled up to 10 s (default 500 ms). */
  pollMs?: number
  signal?: AbortSignal
  /** Called with each status seen. */
  onStatus?: (status: PinStatus) => void
}

const MAX_RESPONSE_BYTES = 1024 * 1024

/** Checks the service URL: http(s), no query; returns it without a trailing slash. */
export function checkService (text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new LoaderError('ERR_BAD_CONFIG', `--remote: not a URL: ${JSON.stringify(text)} (e.g. https://api.pinata.cloud/psa)`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LoaderError('ERR_BAD_CONFIG', `--remote: a pinning service is http:// or https://, not ${JSON.stringify(text)}`)
  if (url.search !== '' || url.hash !== '' || url.username !== '' || url.password !== '') {
    throw new LoaderError('ERR_BAD_CONFIG', '--remote: give the service\'s base URL, without query, fragment or credentials (the token goes in --token)')
  }
  return url.toString().replace(/\/+$/, '')
}

function isPinStatus (v: unknown): v is PinStatus {
  const s = v as PinStatus
  return typeof s === 'object' && s !== null && typeof s.requestid === 'string' && s.requestid !== '' &&
    (STATES as readonly string[]).includes(s.status) && typeof s.created === 'string' &&
    typeof s.pin === 'object' && s.pin !== null && typeof s.pin.cid === 'string' && Array.isArray(s.delegates)
}

/** One API call: JSON in and out, the spec's Failure object turned into a one-line error. */
async function call (service: string, token: string, method: string, path: string, body: unknown, signal: AbortSignal): Promise<unknown> {
  let res: Response
  try {
    res = await fetch(service + path, {
      method,
      headers: { Authorization: `Bearer ${token}`, Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal,
      redirect: 'error'
    })
  } catch (err) {
    if (signal.aborted) throw signal.reason instanceof LoaderError ? signal.reason : new LoaderError('ERR_ABORTED', 'interrupted')
    const cause = (err as { cause?: { code?: string, message?: string } }).cause
    throw new LoaderError('ERR_IO', `cannot reach the pinning service at ${service}: ${cause?.code ?? cause?.message ?? (err as Error).message}`)
  }
  const text = await readLimited(res)
  let json: unknown
  try {
    json = text === '' ? undefined : JSON.parse(text)
  } catch {
    json = undefined
  }
  if (!res.ok) {
    const failure = (json as { error?: { reason?: unknown, details?: unknown } } | undefined)?.error
    const reason = typeof failure?.reason === 'string' ? failure.reason : res.statusText
    const details = typeof failure?.details === 'string' ? `: ${failure.details}` : ''
    const hint = res.status === 401 ? ' (check --token)' : ''
    throw new LoaderError(res.status === 404 ? 'ERR_NOT_FOUND' : 'ERR_IO', `pinning service ${method} ${path.split('?')[0]}: ${res.status} ${reason}${details}${hint}`.replace(/[\r\n]+/g, ' '))
  }
  return json
}

async function readLimited (res: Response): Promise<string> {
  const reader = res.body?.getReader()
  if (!reader) return ''
  const chunks: Uint8Array[] = []
  let n = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    n += value.length
    if (n > MAX_RESPONSE_BYTES) {
      await reader.cancel()
      throw new LoaderError('ERR_IO', `the pinning service sent more than ${MAX_RESPONSE_BYTES} bytes`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function expectStatus (v: unknown, what: string): PinStatus {
  if (!isPinStatus(v)) throw new LoaderError('ERR_IO', `the pinning service's answer to ${what} is not a PinStatus`)
  return v
}

/** Pins `cid` at the service; resolves with the last status (pinned, or queued/pinning when not waiting). */
export async function pinRemote (options: RemotePinOptions): Promise<PinStatus> {
  const service = checkService(options.service)
  if (options.token === '') throw new LoaderError('ERR_BAD_CONFIG', '--token: the pinning service needs an access token')
  const timeoutMs = options.timeoutMs ?? 300_000
  const timeout = AbortSignal.timeout(timeoutMs)
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout
  const api = (method: string, path: string, body?: unknown): Promise<unknown> => call(service, options.token, method, path, body, signal).catch((err: unknown) => {
    if (timeout.aborted && !(options.signal?.aborted ?? false)) throw new LoaderError('ERR_FETCH_TIMEOUT', `the pinning service did not finish within ${timeoutMs / 1000} s`)
    throw err
  })

  // An earlier request for this CID still in force: follow it instead of adding a duplicate.
  const listed = await api('GET', `/pins?cid=${encodeURIComponent(options.cid)}&status=queued,pinning,pinned&limit=1`) as { count?: unknown, results?: unknown }
  if (typeof listed !== 'object' || listed === null || typeof listed.count !== 'number' || !Array.isArray(listed.results)) {
    throw new LoaderError('ERR_IO', 'the pinning service\'s answer to GET /pins is not a PinResults')
  }
  let status: PinStatus
  const existing = listed.results.find((r) => isPinStatus(r) && r.pin.cid === options.cid && r.status !== 'failed') as PinStatus | undefined
  if (existing) {
    status = existing
  } else {
    const pin = {
      cid: options.cid,
      ...(options.name !== undefined ? { name: options.name } : {}),
      ...(options.origins && options.origins.length > 0 ? { origins: options.origins } : {})
    }
    status = expectStatus(await api('POST', '/pins', pin), 'POST /pins')
  }
  options.onStatus?.(status)
  let interval = options.pollMs ?? 500
  while ((options.wait ?? true) && (status.status === 'queued' || status.status === 'pinning')) {
    await sleep(interval, signal).catch(() => {
      if (timeout.aborted && !(options.signal?.aborted ?? false)) {
        throw new LoaderError('ERR_FETCH_TIMEOUT', `${options.cid} is still ${status.status} at ${service} after ${timeoutMs / 1000} s (request ${status.requestid})`)
      }
      throw new LoaderError('ERR_ABORTED', 'interrupted')
    })
    interval = Math.min(interval * 2, 10_000)
    status = expectStatus(await api('GET', `/pins/${encodeURIComponent(status.requestid)}`), 'GET /pins/{requestid}')
    options.onStatus?.(status)
  }
  if (status.status === 'failed') {
    const why = status.info?.['status_details']
    throw new LoaderError('ERR_IO', `${service} failed to pin ${options.cid}${why ? `: ${why}` : ''} (request ${status.requestid})`.replace(/[\r\n]+/g, ' '))
  }
  return status
}

function sleep (ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    const onAbort = (): void => {
      clearTimeout(timer)
      reject(signal.reason)
    }
    signal.addEventListener('abort', onAbort, { once: true })
  })
}
