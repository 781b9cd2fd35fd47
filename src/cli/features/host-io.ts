// Run feature: host I/O: tcp, udp, fs (--dir), env (--env) and WASI programs.
import type { Feature } from './index.ts'

export const hostIo: Feature = {
  addOptions () {},
  apply () {}
}
