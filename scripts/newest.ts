// For build steps: the newest modification time of anything under a directory, so a step can
// skip outputs that are already newer than all their inputs; and the `--programs a,b` filter
// that limits the program steps to the programs a command needs.
import { existsSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'

/** The newest modification time under `dir`, leaving out the directories in `skip`. */
export function newest (dir: string, skip: string[] = []): number {
  if (!existsSync(dir) || skip.includes(dir)) return 0
  let t = 0
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    t = Math.max(t, e.isDirectory() ? newest(p, skip) : statSync(p).mtimeMs)
  }
  return t
}

/**
 * The programs named with `--programs a,b` (or `--programs=a,b`) on the build's command line,
 * or null when every program is wanted (`npm run build` with no filter).
 */
export function wantedPrograms (argv: string[] = process.argv): Set<string> | null {
  let names: string[] | null = null
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a === '--programs') names = [...(names ?? []), ...(argv[++i] ?? '').split(',')]
    else if (a.startsWith('--programs=')) names = [...(names ?? []), ...a.slice('--programs='.length).split(',')]
  }
  return names === null ? null : new Set(names.map((n) => n.trim()).filter((n) => n !== ''))
}
