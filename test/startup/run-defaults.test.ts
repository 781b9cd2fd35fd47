// `wasmos run <file>` and `wasmos exec <cid>` with no option before the program skip commander
// (main.ts): they take the options as runDefaults() reads them from the commands' definitions when
// the bundle is built. These are what commander's parse gives the action for such a command line,
// and the program's arguments are everything after it, options included.
import { expect, test } from 'vitest'
import { Command } from 'commander'
import { registerExecCommands } from '../../src/cli/commands/exec.ts'
import { registerRunCommands } from '../../src/cli/commands/run.ts'
import { runDefaults } from '../../src/cli/defaults.ts'

async function parsed (word: 'run' | 'exec', argv: string[]): Promise<{ target: string, rest: string[], flags: Record<string, unknown> }> {
  const program = new Command('wasmos').enablePositionalOptions().exitOverride()
  if (word === 'run') registerRunCommands(program)
  else registerExecCommands(program)
  let got: { target: string, rest: string[], flags: Record<string, unknown> } | undefined
  program.commands[0].action((target: string, rest: string[], flags: Record<string, unknown>) => { got = { target, rest, flags } })
  await program.parseAsync(['node', 'wasmos', word, ...argv])
  return got!
}

test.each(['run', 'exec'] as const)('%s with no options: the defaults the bundle carries are what commander gives', async (word) => {
  const defaults = JSON.parse(JSON.stringify(runDefaults()))[word]
  const got = await parsed(word, ['prog', '--allow', 'kv', '-h', 'x'])
  expect(got.target).toBe('prog')
  expect(got.rest).toEqual(['--allow', 'kv', '-h', 'x'])
  expect(JSON.parse(JSON.stringify(got.flags))).toEqual(defaults)
  // An option given does change them (the check above is not of two empty objects).
  expect((await parsed(word, ['--allow', 'kv', 'prog'])).flags.allow).toEqual(['kv'])
  expect(Object.keys(defaults).length).toBeGreaterThan(10)
})
