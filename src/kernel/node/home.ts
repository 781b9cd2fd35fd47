// Where wasmos keeps a user's state (store, grants, caches, control sockets): WASMOS_HOME, or
// ~/.wasmos when it is unset or empty. The one place that decides it.
import { homedir } from 'node:os'
import { join } from 'node:path'

/** `home` when given, else WASMOS_HOME, else ~/.wasmos (an empty value counts as unset). */
export function wasmosHome (home?: string): string {
  const h = home ?? process.env.WASMOS_HOME
  return h !== undefined && h !== '' ? h : join(homedir(), '.wasmos')
}
