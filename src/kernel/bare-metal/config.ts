// The boot configuration: a text boot module (`boot.cfg`, written by `wasmos iso`) saying which
// programs start, with what arguments, and what each is granted. There is no prompt on bare
// metal: whatever is not listed here is denied.
//
//   # comment
//   program <cid> <name>        starts an entry; the program is a block of the boot CAR
//   file <cid> <name>           a program in the CAR that is not started, for process.spawn
//   arg <text>                  one argument (after the name), the rest of the line
//   send <key>                  may send to the interface with this digest (64 hex digits)
//   handle <key>                may handle it
//   pci <bus>:<dev>.<fn>        may read/write this device's configuration space
//   irq <n>                     may listen to IRQ line n
//   ports <first> <count>       may use I/O ports first .. first+count-1
//   mmio <addr> <len>           may read/write physical memory addr .. addr+len-1
//   cpu <ms>                    ended after running this long without waiting (0: never)
//   memory <pages>              largest memory, in 64 KiB pages
// Numbers are decimal or 0x-prefixed hexadecimal.

export class Range {
  first: u64
  count: u64
  constructor (first: u64, count: u64) { this.first = first; this.count = count }
  contains (start: u64, len: u64): bool {
    return start >= this.first && start + len <= this.first + this.count && start + len >= start
  }
}

export class ProgramConfig {
  cid: string = ''
  name: string = ''
  args: Array<string> = new Array<string>()
  send: Array<string> = new Array<string>()
  handle: Array<string> = new Array<string>()
  pci: Array<u32> = new Array<u32>()
  irqs: Array<u32> = new Array<u32>()
  ports: Array<Range> = new Array<Range>()
  mmio: Array<Range> = new Array<Range>()
  cpuMs: u32 = 60000
  maxPages: u32 = 256

  /** A child's configuration: this program's grants and limits (a child holds at most its parent's grants). */
  child (cid: string, name: string, args: Array<string>): ProgramConfig {
    const c = new ProgramConfig()
    c.cid = cid
    c.name = name
    c.args = args
    c.send = this.send.slice(0)
    c.handle = this.handle.slice(0)
    c.pci = this.pci.slice(0)
    c.irqs = this.irqs.slice(0)
    c.ports = this.ports.slice(0)
    c.mmio = this.mmio.slice(0)
    c.cpuMs = this.cpuMs
    c.maxPages = this.maxPages
    return c
  }
}

export class BootConfig {
  programs: Array<ProgramConfig> = new Array<ProgramConfig>()
  /** Programs that can be spawned by name (those started and the `file` entries): name → CID. */
  names: Map<string, string> = new Map<string, string>()
  error: string = ''
}

/** Parses a number: decimal or 0x hex; returns -1 when it is not one. */
export function parseNumber (s: string): i64 {
  let v: u64 = 0
  let i = 0
  let base: u64 = 10
  if (s.length > 2 && s.charAt(0) == '0' && (s.charAt(1) == 'x' || s.charAt(1) == 'X')) { base = 16; i = 2 }
  if (i >= s.length) return -1
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i)
    let d: i32 = -1
    if (c >= 48 && c <= 57) d = c - 48
    else if (base == 16 && c >= 97 && c <= 102) d = c - 87
    else if (base == 16 && c >= 65 && c <= 70) d = c - 55
    if (d < 0) return -1
    v = v * base + <u64>d
    if (v > 0xffffffffffff) return -1
  }
  return <i64>v
}

/** bus:dev.fn (hexadecimal, as lspci prints it) → bus << 8 | dev << 3 | fn, or -1. */
export function parsePciAddress (s: string): i64 {
  const colon = s.indexOf(':')
  const dot = s.indexOf('.')
  if (colon < 0 || dot < colon) return -1
  const bus = parseNumber('0x' + s.substring(0, colon))
  const dev = parseNumber('0x' + s.substring(colon + 1, dot))
  const fn = parseNumber('0x' + s.substring(dot + 1))
  if (bus < 0 || bus > 255 || dev < 0 || dev > 31 || fn < 0 || fn > 7) return -1
  return (bus << 8) | (dev << 3) | fn
}

function isKey (s: string): bool {
  if (s.length != 64) return false
  for (let i = 0; i < 64; i++) {
    const c = s.charCodeAt(i)
    if (!((c >= 48 && c <= 57) || (c >= 97 && c <= 102))) return false
  }
  return true
}

export function parseConfig (text: string): BootConfig {
  const cfg = new BootConfig()
  const lines = text.split('\n')
  let cur: ProgramConfig | null = null
  for (let n = 0; n < lines.length; n++) {
    let line = lines[n]
    if (line.endsWith('\r')) line = line.substring(0, line.length - 1)
    const trimmed = line.trim()
    if (trimmed.length == 0 || trimmed.startsWith('#')) continue
    const sp = trimmed.indexOf(' ')
    const word = sp < 0 ? trimmed : trimmed.substring(0, sp)
    const rest = sp < 0 ? '' : trimmed.substring(sp + 1).trim()
    const where = 'boot.cfg line ' + (n + 1).toString() + ': '
    if (word == 'program' || word == 'file') {
      const parts = rest.split(' ')
      if (parts.length < 1 || parts[0].length == 0) { cfg.error = where + word + ' needs a CID'; return cfg }
      const name = parts.length > 1 ? parts[1] : parts[0]
      cfg.names.set(name, parts[0])
      if (word == 'file') { cur = null; continue }
      const p = new ProgramConfig()
      p.cid = parts[0]
      p.name = name
      cfg.programs.push(p)
      cur = p
      continue
    }
    if (cur === null) { cfg.error = where + '"' + word + '" before any program'; return cfg }
    const p = cur!
    if (word == 'arg') { p.args.push(sp < 0 ? '' : line.substring(line.indexOf('arg') + 4)); continue }
    if (word == 'send' || word == 'handle') {
      if (!isKey(rest)) { cfg.error = where + word + ' needs an interface digest (64 hex digits)'; return cfg }
      if (word == 'send') p.send.push(rest)
      else p.handle.push(rest)
      continue
    }
    if (word == 'pci') {
      const a = parsePciAddress(rest)
      if (a < 0) { cfg.error = where + 'pci needs bus:device.function'; return cfg }
      p.pci.push(<u32>a)
      continue
    }
    if (word == 'irq') {
      const v = parseNumber(rest)
      if (v < 0 || v > 15) { cfg.error = where + 'irq needs a line 0-15'; return cfg }
      p.irqs.push(<u32>v)
      continue
    }
    if (word == 'ports' || word == 'mmio') {
      const parts = rest.split(' ')
      const first = parts.length == 2 ? parseNumber(parts[0]) : -1
      const count = parts.length == 2 ? parseNumber(parts[1]) : -1
      if (first < 0 || count <= 0) { cfg.error = where + word + ' needs <first> <count>'; return cfg }
      if (word == 'ports') p.ports.push(new Range(<u64>first, <u64>count))
      else p.mmio.push(new Range(<u64>first, <u64>count))
      continue
    }
    if (word == 'cpu' || word == 'memory') {
      const v = parseNumber(rest)
      if (v < 0 || v > 0xffffffff) { cfg.error = where + word + ' needs a number'; return cfg }
      if (word == 'cpu') p.cpuMs = <u32>v
      else p.maxPages = <u32>v
      continue
    }
    cfg.error = where + 'unknown setting "' + word + '"'
    return cfg
  }
  return cfg
}
