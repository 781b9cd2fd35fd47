// For the gateway tests: `wasmos serve --gateway 127.0.0.1:0 --json` as a real process, resolved
// with its multiaddrs and gateway URL from the first JSON line it prints.
import { spawn, type ChildProcess } from 'node:child_process'
import { CLI, NODE } from '../helpers.ts'

export interface GatewayServed {
  child: ChildProcess
  multiaddrs: string[]
  gateway: string
  stop (): Promise<void>
}

export function startGatewayServe (home: string, extra: string[] = [], timeoutMs = 20_000): Promise<GatewayServed> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [CLI, 'serve', '--gateway', '127.0.0.1:0', '--json', ...extra], {
      env: { ...process.env, WASMOS_HOME: home },
      stdio: ['ignore', 'pipe', 'pipe']
    })
    let out = ''
    let err = ''
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`serve did not start: ${err}`))
    }, timeoutMs)
    child.stderr.on('data', (d: Buffer) => { err += d.toString() })
    const onExit = (code: number | null): void => {
      clearTimeout(timer)
      reject(new Error(`serve exited with ${code}: ${err}`))
    }
    child.once('exit', onExit)
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString()
      const nl = out.indexOf('\n')
      if (nl < 0) return
      clearTimeout(timer)
      const { multiaddrs, gateway } = JSON.parse(out.slice(0, nl)) as { multiaddrs: string[], gateway: string }
      resolve({
        child,
        multiaddrs,
        gateway,
        stop: () => new Promise<void>((resolve) => {
          child.off('exit', onExit)
          if (child.exitCode !== null || child.signalCode !== null) return resolve()
          child.once('exit', () => resolve())
          child.kill('SIGINT')
        })
      })
    })
  })
}
