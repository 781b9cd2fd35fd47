// One linter and formatter for the whole tree: neostandard (the `standard` style, with
// typescript-eslint for .ts files), the style the code was written in from the start.
// AssemblyScript sources get a processor that blanks asc's function decorators (`@inline`,
// `@external(…)`, `@lazy`), which TypeScript's parser rejects; same-length comments keep every position.
import neostandard, { plugins, resolveIgnoresFromGitignore } from 'neostandard'

const tsPlugin = plugins['typescript-eslint'].plugin

/** AssemblyScript: the interpreter, the bare-metal adapter, the portable core, programs. */
const AS_FILES = [
  'src/kernel/interp/**/*.ts',
  'src/kernel/bare-metal/**/*.ts',
  'src/kernel/core/**/*.ts',
  'programs/**/*.ts',
  'bench/kernels/**/*.ts',
  'bench/interp-kernels/**/*.ts',
  'bare-metal/test-kernel/**/*.ts',
  'test/core/scenarios.ts'
]

const AS_DECORATOR = /^([ \t]*)@(inline|external|lazy|global|unmanaged|final|operator|unsafe)(\([^)\n]*\))?/gm

const assemblyscript = {
  meta: { name: 'wasmos-assemblyscript' },
  processors: {
    decorators: {
      meta: { name: 'wasmos-assemblyscript-decorators' },
      supportsAutofix: true,
      // a block comment of the same length, not blanks: --fix must not see trailing spaces or
      // a wrong indent there, or it deletes the decorator from the source
      preprocess: (text) => [text.replace(AS_DECORATOR, (m, indent) => `${indent}/*${' '.repeat(m.length - indent.length - 4)}*/`)],
      postprocess: (messages) => messages.flat()
    }
  }
}

export default [
  ...neostandard({
    ts: true,
    noJsx: true,
    env: ['node'],
    ignores: [
      ...resolveIgnoresFromGitignore(),
      'bare-metal/limine/**',
      'programs/sdk/as/transform/*.js'
    ]
  }),
  {
    files: ['**/*.ts'],
    plugins: { '@typescript-eslint': tsPlugin },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error'
    }
  },
  {
    // In AssemblyScript `==` is the comparison (`===` was identity in older versions), and names
    // follow the wasm spec's (`i32_add`, `memory_grow`).
    files: AS_FILES,
    plugins: { assemblyscript },
    processor: 'assemblyscript/decorators',
    rules: {
      eqeqeq: 'off',
      camelcase: 'off',
      'no-undef': 'off',
      // asc parses integer literals at their declared width (u64), without a double's rounding.
      '@typescript-eslint/no-loss-of-precision': 'off',
      // `<usize>this.len` is a cast: the rule would space it as if `this` followed a word.
      '@stylistic/keyword-spacing': 'off'
    }
  }
]
