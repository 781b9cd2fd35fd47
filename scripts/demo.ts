// `npm start`: a short demo of the main job — programs run by the kernel, talking through
// interfaces that other programs handle.
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..')
const cli = join(root, 'bin', 'wasmos.mjs')
const build = (name: string): string => join('programs', 'build', `${name}.wasm`)

const steps: Array<[string, string[]]> = [
  ['A program that logs a greeting:', ['run', build('hello')]],
  ['A client calling a server 10000 times through the `pingpong` interface:',
    ['run', '--allow=pingpong', `--handler=pingpong=${build('pingpong-server')}`, build('pingpong-client'), '10000']],
  ['A key-value service and its client:',
    ['run', '--allow=kv', `--handler=kv=${build('kv-server')}`, build('kv-client'), 'put', 'greeting', 'hello', 'get', 'greeting', 'list']],
  ['The same client without the grant to use `kv`:',
    ['run', `--handler=kv=${build('kv-server')}`, build('kv-client'), 'get', 'greeting']],
  ['The interfaces this build knows:', ['interfaces']]
]
for (const [title, args] of steps) {
  console.log(`\n\x1b[1m${title}\x1b[0m\n$ wasmos ${args.join(' ')}`)
  spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: 'inherit' })
}
