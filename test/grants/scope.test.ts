// Scope patterns (src/kernel/node/grants/scope.ts): every syntax of the README's table parses to
// its canonical spelling and matches exactly what it names; bad patterns are one-line errors.
import { describe, expect, test } from 'vitest'
import { describeScope, exact, matches, parsePattern, widened } from '../../src/kernel/node/grants/scope.ts'
import type { Scope } from '../../src/kernel/node/grants/scope.ts'

const tcp = (host: string, port: number): Scope => ({ iface: 'tcp', op: 'connect', host, port })

describe('tcp and udp: host:port', () => {
  test.each([
    ['127.0.0.1:7878', '127.0.0.1:7878', [tcp('127.0.0.1', 7878)], [tcp('127.0.0.1', 7879), tcp('127.0.0.2', 7878)]],
    ['example.com', 'example.com:*', [tcp('EXAMPLE.com', 1), tcp('example.com', 65535)], [tcp('www.example.com', 80)]],
    ['*:8080', '*:8080', [tcp('10.0.0.1', 8080), tcp('::1', 8080)], [tcp('10.0.0.1', 8081)]],
    [':8080', '*:8080', [tcp('localhost', 8080)], [tcp('localhost', 80)]],
    ['localhost:8000-8099', 'localhost:8000-8099', [tcp('localhost', 8000), tcp('localhost', 8099)], [tcp('localhost', 7999), tcp('localhost', 8100)]],
    ['[::1]:443', '[::1]:443', [tcp('::1', 443), tcp('[::1]', 443)], [tcp('::2', 443), tcp('::1', 80)]],
    ['::1', '[::1]:*', [tcp('::1', 22)], [tcp('127.0.0.1', 22)]],
    ['*', '*:*', [tcp('anything', 1)], []]
  ])('%s', (text, canonical, yes, no) => {
    const p = parsePattern('tcp', text, 'test')
    expect(p.text).toBe(canonical)
    for (const s of yes) expect(matches(p, s), JSON.stringify(s)).toBe(true)
    for (const s of no) expect(matches(p, s), JSON.stringify(s)).toBe(false)
  })

  test('udp patterns match udp requests only', () => {
    const p = parsePattern('udp', '127.0.0.1:5353', 'test')
    expect(matches(p, { iface: 'udp', op: 'send', host: '127.0.0.1', port: 5353 })).toBe(true)
    expect(matches(p, tcp('127.0.0.1', 5353))).toBe(false)
  })

  test.each(['127.0.0.1:70000', 'h:9-3', 'h:abc', '[nope]:1', 'a b:1'])('refuses %s', (text) => {
    expect(() => parsePattern('tcp', text, '--allow tcp')).toThrow(/^--allow tcp: /)
  })
})

describe('fs: directory and access', () => {
  const fs = (path: string, access: 'read' | 'write'): Scope => ({ iface: 'fs', path, access })
  test.each([
    ['/www:read', '/www:read', [fs('/www', 'read'), fs('/www/a/b.html', 'read')], [fs('/www/a', 'write'), fs('/wwwx', 'read'), fs('/', 'read')]],
    ['/www', '/www:rw', [fs('/www/a', 'read'), fs('/www/a', 'write')], [fs('/etc', 'read')]],
    ['/logs/:write', '/logs:write', [fs('/logs/x', 'write')], [fs('/logs/x', 'read')]],
    ['/a/../b:ro', '/b:read', [fs('/b/c', 'read')], [fs('/a/b', 'read')]],
    ['/', '/:rw', [fs('/x', 'write'), fs('/', 'read')], []]
  ])('%s', (text, canonical, yes, no) => {
    const p = parsePattern('fs', text, 'test')
    expect(p.text).toBe(canonical)
    for (const s of yes) expect(matches(p, s), JSON.stringify(s)).toBe(true)
    for (const s of no) expect(matches(p, s), JSON.stringify(s)).toBe(false)
  })

  test('a relative directory is refused', () => {
    expect(() => parsePattern('fs', 'www:read', 'x')).toThrow(/absolute directory/)
  })
})

describe('env: names and suffix globs', () => {
  const env = (name: string): Scope => ({ iface: 'env', name })
  test('AWS_* matches the prefix only', () => {
    const p = parsePattern('env', 'AWS_*', 'test')
    expect(matches(p, env('AWS_KEY'))).toBe(true)
    expect(matches(p, env('AWS_'))).toBe(true)
    expect(matches(p, env('AWSKEY'))).toBe(false)
    expect(matches(p, env('MY_AWS_KEY'))).toBe(false)
  })
  test('a name matches itself only; * matches all', () => {
    expect(matches(parsePattern('env', 'HOME', 't'), env('HOME'))).toBe(true)
    expect(matches(parsePattern('env', 'HOME', 't'), env('HOMEX'))).toBe(false)
    expect(matches(parsePattern('env', '*', 't'), env('ANY'))).toBe(true)
  })
  test.each(['A*B', '*A', 'A=B', ''])('refuses %j', (text) => {
    expect(() => parsePattern('env', text, 't')).toThrow(/variable name/)
  })
})

describe('process: program name or CID', () => {
  const prog: Scope = { iface: 'process', name: 'fsh', cid: 'bafkreiabc' }
  test('by name, by CID, or any', () => {
    expect(matches(parsePattern('process', 'fsh', 't'), prog)).toBe(true)
    expect(matches(parsePattern('process', 'bafkreiabc', 't'), prog)).toBe(true)
    expect(matches(parsePattern('process', '*', 't'), prog)).toBe(true)
    expect(matches(parsePattern('process', 'kv-client', 't'), prog)).toBe(false)
  })
})

test('interfaces without scopes refuse one', () => {
  expect(() => parsePattern('kv', 'x', '--allow kv=x')).toThrow(/kv takes no scope/)
})

test('what the prompt shows, remembers (A) and widens to (a)', () => {
  const s = tcp('127.0.0.1', 7878)
  expect(describeScope(s)).toBe('connect to 127.0.0.1:7878')
  expect(exact(s)).toBe('127.0.0.1:7878')
  expect(widened(s)).toEqual({ pattern: '127.0.0.1:*', label: 'any port on 127.0.0.1' })
  expect(exact({ iface: 'fs', path: '/www/a.txt', access: 'write' })).toBe('/www/a.txt:write')
  expect(widened({ iface: 'fs', path: '/www/a.txt', access: 'write' })?.pattern).toBe('/www:write')
  expect(widened({ iface: 'env', name: 'AWS_KEY' })?.pattern).toBe('AWS_*')
  expect(widened({ iface: 'env', name: 'HOME' })).toBeNull()
  // What A and a remember parses back to what it names.
  for (const p of ['127.0.0.1:7878', '127.0.0.1:*']) expect(parsePattern('tcp', p, 't').text).toBe(p)
})
