// Vitest: every test/**/*.test.ts, in two projects. `unit` runs in process (seconds); `e2e` runs the
// built CLI as subprocesses, real sockets, tmux, QEMU and the long differential suites.
import { globSync } from 'node:fs'
import { defineConfig } from 'vitest/config'

const ALL = ['test/**/*.test.ts']

/**
 * What is end to end. A new file lands in `unit` unless it matches here: name it
 * `*.e2e.test.ts`, or put it in a folder whose tests run the CLI.
 */
const E2E = [
  'test/**/*.e2e.test.ts',
  'test/bare-metal/**/*.test.ts',
  'test/grants/**/*.test.ts',
  'test/hardening/**/*.test.ts',
  'test/host-io/**/*.test.ts',
  'test/limits/**/*.test.ts',
  'test/loader/cli.test.ts',
  'test/loader/network.test.ts',
  'test/package/**/*.test.ts',
  'test/run/run.test.ts',
  'test/fuel/fuzz.test.ts',
  'test/fuel/spec-diff.test.ts'
]

/** In process although in an end-to-end folder: V8 stand-ins for QEMU, handlers over loopback. */
const UNIT_IN_E2E_FOLDERS = [
  'test/bare-metal/kernel-node.test.ts',
  'test/host-io/tcp-handler.test.ts',
  'test/host-io/cleanup.test.ts'
]

/** The end-to-end files, listed, so one project's exclude is exactly the other's include. */
const e2eFiles = globSync(E2E, { cwd: import.meta.dirname })
  .filter((f) => !UNIT_IN_E2E_FOLDERS.includes(f))
  .sort()

export default defineConfig({
  test: {
    // Two cores: two workers at most, in both projects.
    maxWorkers: 2,
    // `npx vitest` runs once, as `vitest run` does: no watcher left holding the terminal.
    watch: false,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ALL,
          exclude: [...e2eFiles, '**/node_modules/**'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          sequence: { groupOrder: 0 }
        }
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: e2eFiles,
          // A QEMU boot under TCG or a CLI under load on a shared machine: minutes, not seconds.
          testTimeout: 180_000,
          hookTimeout: 180_000,
          // After the unit project, so the two never compete for the two cores.
          sequence: { groupOrder: 1 }
        }
      }
    ],
    coverage: {
      provider: 'v8',
      // The Node-side TypeScript; the AssemblyScript (interpreter, kernel.wasm) runs as wasm.
      include: ['src/**/*.ts', 'bare-metal/*.ts'],
      exclude: ['src/kernel/interp/**', 'src/kernel/bare-metal/**'],
      reporter: ['text-summary', 'json-summary', 'html'],
      // The figure is still worth seeing when a test fails.
      reportOnFailure: true,
      reportsDirectory: 'build/coverage'
    }
  }
})
