// The `process` interface, handled natively: a program's arguments, its exit, and starting other
// programs known to this run. A child holds at most its parent's grants (the host checks the
// parent's grant before asking anyone about the child's). Starting a program is asked of the host
// first, by its name and CID: a grant may be scoped (`--allow process=http-server`).
import { QUEUE_FULL } from '../../kernel/core/index.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import { whenAllowed } from './scoped.ts'
import type { NativeHandler } from '../../kernel/node/native.ts'
import type { Program } from '../../kernel/node/program.ts'
import { process as processIface } from '../gen/process.ts'

/** Finds a program by the name a program gave (a file of this run, a name, or a CID). */
export type ProgramResolver = (name: string) => Promise<Program | null>

/** Exit statuses kept for one parent that does not wait for its children: the oldest go first. */
export const MAX_ENDED_KEPT = 4096

export function processHandler (host: HostServices, resolve: ProgramResolver): NativeHandler {
  const NOT_FOUND = processIface.error('not_found')
  const BAD_PROGRAM = processIface.error('bad_program')
  const NOT_CHILD = processIface.error('not_child')
  /** Exit statuses of children that ended, kept until their parent ends. */
  const ended = new Map<number, { parent: number, status: number }>()
  /** How many entries of `ended` each parent has. */
  const keptFor = new Map<number, number>()
  return native(host, processIface, {
    args (_req, call) {
      return { args: [...(host.process(call.pid)?.args ?? [])] }
    },
    exit (req, call) {
      host.exit(call.pid, req.status)
    },
    async spawn (req, call) {
      let program: Program | null
      try {
        program = await resolve(req.program)
      } catch {
        throw new InterfaceError(BAD_PROGRAM)
      }
      if (program === null) throw new InterfaceError(NOT_FOUND)
      await whenAllowed(host, call.pid, processIface.key, { iface: 'process', name: program.name, cid: program.cid }, () => true)
      if (!(host.process(call.pid) !== undefined)) throw new InterfaceError(NOT_FOUND)
      let child: Awaited<ReturnType<HostServices['spawn']>>
      try {
        child = await host.spawn(program, req.args, call.pid)
      } catch (err) {
        // Too many processes: a limit of the run, answered like a full queue.
        if ((err as { code?: unknown }).code === 'ERR_TOO_MANY_PROCESSES') throw new InterfaceError(QUEUE_FULL)
        throw err
      }
      child.exited.then((status) => {
        if (host.process(call.pid) === undefined) return
        ended.set(child.pid, { parent: call.pid, status })
        const count = (keptFor.get(call.pid) ?? 0) + 1
        keptFor.set(call.pid, count)
        if (count > MAX_ENDED_KEPT) {
          // Maps iterate in insertion order: the first entry of this parent is its oldest.
          for (const [pid, e] of ended) if (e.parent === call.pid) { ended.delete(pid); keptFor.set(call.pid, count - 1); break }
        }
      }, () => {})
      return { pid: child.pid }
    },
    wait (req, call) {
      const done = ended.get(req.pid)
      if (done !== undefined && done.parent === call.pid) return { exit_status: done.status }
      const child = host.process(req.pid)
      if (child === undefined || child.parent !== call.pid) throw new InterfaceError(NOT_CHILD)
      return child.exited.then((status) => ({ exit_status: status }))
    }
  }, {
    processEnded (pid) {
      if (!keptFor.has(pid)) return
      keptFor.delete(pid)
      for (const [child, e] of ended) if (e.parent === pid) ended.delete(child)
    }
  })
}
