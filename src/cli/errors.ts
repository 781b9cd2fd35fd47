// How the CLI reports failure: one line on standard error, `wasmos: <message>`, and a non-zero
// exit. Errors with a `code` are the user's to fix; anything else is a bug in wasmos.

export function reportError (err: unknown): number {
  const e = err as { code?: unknown, message?: unknown, exitCode?: unknown }
  if (e != null && typeof e.code === 'string' && typeof e.message === 'string' && !e.code.startsWith('ERR_INTERNAL')) {
    process.stderr.write(`wasmos: ${oneLine(e.message)}\n`)
    return typeof e.exitCode === 'number' ? e.exitCode : 1
  }
  const message = err instanceof Error ? err.message : String(err)
  process.stderr.write(`wasmos: internal error: ${oneLine(message)}\n`)
  if (process.env.WASMOS_DEBUG !== undefined && err instanceof Error) process.stderr.write(`${err.stack}\n`)
  return 70
}

function oneLine (text: string): string {
  return text.replace(/\s*\n\s*/g, ' ').trim()
}
