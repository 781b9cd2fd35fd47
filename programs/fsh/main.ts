// fsh: runs file and environment commands given as arguments, one after another, printing each
// result or its error code (it goes on after an error). Used by the tests of the fs and env
// interfaces, and handy to see what a program sees.
//   cat P · write P TEXT · append P TEXT · readat P OFFSET · ls P · stat P · mkdir P · rm P ·
//   mv FROM TO · env NAME · envs
import { args, exit, print } from '../sdk/as/wasmos'
import * as fs from '../sdk/as/gen/fs'
import * as env from '../sdk/as/gen/env'

function fail (what: string, status: i32): void {
  print(what + ': error ' + status.toString() + '\n')
}

function cat (path: string, offset: i64): void {
  const o = fs.open(path, 1)
  if (o.status != 0) { fail(path, o.status); return }
  if (offset != 0) {
    const s = fs.seek(o.handle, offset, offset < 0 ? 2 : 0)
    if (s.status != 0) { fail(path, s.status); fs.close(o.handle); return }
  }
  let text = ''
  for (;;) {
    const r = fs.read(o.handle, 65536)
    if (r.status != 0) { fail(path, r.status); break }
    if (r.data.length == 0) break
    text += String.UTF8.decode(r.data.buffer)
  }
  fs.close(o.handle)
  print(text + '\n')
}

function put (path: string, text: string, flags: u32): void {
  const o = fs.open(path, flags)
  if (o.status != 0) { fail(path, o.status); return }
  const w = fs.write(o.handle, Uint8Array.wrap(String.UTF8.encode(text)))
  if (w.status != 0) fail(path, w.status)
  else print('wrote ' + w.written.toString() + '\n')
  fs.close(o.handle)
}

const a = args()
let bad = 0
for (let i = 1; i < a.length; i++) {
  const cmd = a[i]
  const x = i + 1 < a.length ? a[i + 1] : ''
  const y = i + 2 < a.length ? a[i + 2] : ''
  if (cmd == 'cat') { cat(x, 0); i += 1 } else if (cmd == 'readat') { cat(x, I64.parseInt(y)); i += 2 } else if (cmd == 'write') { put(x, y, 2 | 4 | 8); i += 2 } else if (cmd == 'append') { put(x, y, 16 | 4); i += 2 } else if (cmd == 'ls') {
    const d = fs.readdir(x)
    if (d.status != 0) fail(x, d.status)
    else {
      let line = ''
      for (let k = 0; k < d.names.length; k++) line += (k > 0 ? ' ' : '') + d.names[k] + (d.kinds[k] == 2 ? '/' : '')
      print(line + '\n')
    }
    i += 1
  } else if (cmd == 'stat') {
    const s = fs.stat(x)
    if (s.status != 0) fail(x, s.status)
    else print((s.kind == 1 ? 'file ' : s.kind == 2 ? 'dir ' : 'other ') + s.size.toString() + (s.modified_ms > 1000000000000 ? ' recent' : ' old') + '\n')
    i += 1
  } else if (cmd == 'mkdir') {
    const s = fs.mkdir(x)
    if (s != 0) fail(x, s); else print('made ' + x + '\n')
    i += 1
  } else if (cmd == 'rm') {
    const s = fs.remove(x)
    if (s != 0) fail(x, s); else print('removed ' + x + '\n')
    i += 1
  } else if (cmd == 'mv') {
    const s = fs.rename(x, y)
    if (s != 0) fail(x, s); else print('moved ' + x + '\n')
    i += 2
  } else if (cmd == 'env') {
    const e = env.get(x)
    if (e.status != 0) fail(x, e.status); else print(x + '=' + e.value + '\n')
    i += 1
  } else if (cmd == 'envs') {
    const l = env.list()
    if (l.status != 0) fail('envs', l.status)
    else print('[' + l.vars.join(',') + ']\n')
  } else {
    print('unknown command ' + cmd + '\n')
    bad = 1
  }
}
if (bad != 0) exit(2)
