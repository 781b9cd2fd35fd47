// The `process` interface, handled natively: a program's arguments, its exit, and starting other
// programs known to this run. A child holds at most its parent's grants (the host checks the
// parent's grant before asking anyone about the child's). Starting a program is asked of the host
// first, by its name and CID: a grant may be scoped (`--allow process=http-server`).
import { QUEUE_FULL } from '../../kernel/core/index.ts'
import type { HostServices } from '../../kernel/node/native.ts'
import { InterfaceError, native } from './handler.ts'
import { whenAllowed } from './scoped.ts'
import type { NativeHandler, ProcessInfo } from '../../kernel/node/native.ts'
import type { Program } from '../../kernel/node/program.ts'
import { process as processIface } from '../gen/process.ts'

/** Finds a program by the name a program gave (a file of this run, a name, or a CID). */
export type ProgramResolver = (name: string) => Promise<Program | null>

/** Exit statuses kept for one parent that does not wait for its children: the oldest go first. */
export const MAX_ENDED_KEPT = 4096

/** Programs the handler remembers by the name a program gave, so a spawn of the same name again resolves at once. */
export const MAX_NAMES_KEPT = 256

export function processHandler (host: HostServices, resolve: ProgramResolver): NativeHandler {
  const NOT_FOUND = processIface.error('not_found')
  const BAD_PROGRAM = processIface.error('bad_program')
  const NOT_CHILD = processIface.error('not_child')
  /** Exit statuses of children that ended, kept until their parent ends. */
  const ended = new Map<number, { parent: number, status: number }>()
  /** How many entries of `ended` each parent has. */
  const keptFor = new Map<number, number>()
  /**
   * The children spawned here and still running, by pid: their status is kept once they end
   * (`processEnded`), which costs a spawn one map entry rather than an exit promise and a closure.
   */
  const running = new Map<number, ProcessInfo>()
  /** What names resolved to (programs are named by content: a name that resolved stays so). */
  const resolved = new Map<string, Program>()

  const programOf = (name: string): Program | Promise<Program> => {
    const known = resolved.get(name)
    if (known !== undefined) return known
    return resolve(name).then((program) => {
      if (program === null) throw new InterfaceError(NOT_FOUND)
      if (resolved.size >= MAX_NAMES_KEPT) resolved.clear()
      resolved.set(name, program)
      return program
    }, () => { throw new InterfaceError(BAD_PROGRAM) })
  }

  const start = (program: Program, args: string[], parent: number): Promise<{ pid: number }> | { pid: number } =>
    whenAllowed(host, parent, processIface.key, { iface: 'process', name: program.name, cid: program.cid }, () => {
      // From a microtask, not at once: the handler runs inside the parent's `send`, on the
      // parent's own (JSPI) stack, where V8's calls into its runtime (an instantiation makes
      // many) cost more than from the event loop's stack (src/kernel/node/README.md).
      return Promise.resolve().then(() => {
        if (host.process(parent) === undefined) throw new InterfaceError(NOT_FOUND)
        return host.spawn(program, args, parent)
      }).then((child) => {
        if (!child.ended) running.set(child.pid, child)
        else keep(child.pid, parent, child.status)
        return { pid: child.pid }
      }, (err: unknown) => {
        // Too many processes: a limit of the run, answered like a full queue.
        if ((err as { code?: unknown }).code === 'ERR_TOO_MANY_PROCESSES') throw new InterfaceError(QUEUE_FULL)
        throw err
      })
    })

  /** Keeps the exit status of a child whose parent still runs, for its `wait`. */
  const keep = (pid: number, parent: number, status: number): void => {
    if (host.process(parent) === undefined) return
    ended.set(pid, { parent, status })
    const count = (keptFor.get(parent) ?? 0) + 1
    keptFor.set(parent, count)
    if (count > MAX_ENDED_KEPT) {
      // Maps iterate in insertion order: the first entry of this parent is its oldest.
      for (const [child, e] of ended) if (e.parent === parent) { ended.delete(child); keptFor.set(parent, count - 1); break }
    }
  }

  return native(host, processIface, {
    args (_req, call) {
      return { args: [...(host.process(call.pid)?.args ?? [])] }
    },
    exit (req, call) {
      host.exit(call.pid, req.status)
    },
    // Not async: a program spawning many children pipelines its requests, and each await would
    // cost every spawn a promise and a turn of the microtask queue.
    spawn (req, call) {
      const program = programOf(req.program)
      if (!(program instanceof Promise)) return start(program, req.args, call.pid)
      return program.then((p) => start(p, req.args, call.pid))
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
      const child = running.get(pid)
      if (child !== undefined) {
        running.delete(pid)
        keep(pid, child.parent, child.status)
      }
      if (!keptFor.has(pid)) return
      keptFor.delete(pid)
      for (const [c, e] of ended) if (e.parent === pid) ended.delete(c)
    }
  })
}
