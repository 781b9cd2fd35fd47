// kv-client <command>…: talks to whoever handles `kv`. Commands, run in order:
//   put <key> <value>   get <key>   delete <key>   list
import { args, exit, print } from '../sdk/as/wasmos'
import * as kv from '../sdk/as/gen/kv'

const argv = args()
let i = 1
while (i < argv.length) {
  const cmd = argv[i++]
  if (cmd == 'put' && i + 1 < argv.length + 0) {
    const key = argv[i++]
    const value = argv[i++]
    const s = kv.put(key, Uint8Array.wrap(String.UTF8.encode(value)))
    print(s == 0 ? 'put ' + key + '\n' : 'put ' + key + ' failed: ' + s.toString() + '\n')
  } else if (cmd == 'get' && i < argv.length) {
    const key = argv[i++]
    const a = kv.get(key)
    if (a.status == 0) print(key + ' = ' + String.UTF8.decode(a.value.buffer) + '\n')
    else if (a.status == kv.ERR_NOT_FOUND) print(key + ' not found\n')
    else print('get ' + key + ' failed: ' + a.status.toString() + '\n')
  } else if (cmd == 'delete' && i < argv.length) {
    const key = argv[i++]
    const s = kv.delete_(key)
    print(s == 0 ? 'deleted ' + key + '\n' : 'delete ' + key + ' failed: ' + s.toString() + '\n')
  } else if (cmd == 'list') {
    const a = kv.list()
    if (a.status != 0) print('list failed: ' + a.status.toString() + '\n')
    else print('keys: ' + a.keys.join(',') + '\n')
  } else {
    print('usage: kv-client (put <key> <value> | get <key> | delete <key> | list)…\n')
    exit(2)
  }
}
