// ESLint: TypeScript and Vue rules, plus the layer table of ARCHITECTURE.md as import rules, so
// a newcomer learns the layering from the error message rather than from a review.
import { builtinModules } from 'node:module'
import tseslint from 'typescript-eslint'
import vue from 'eslint-plugin-vue'
import vueParser from 'vue-eslint-parser'

const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`])

const layer = (name) => `src/${name}/`
const forbid = (message, { names = [], folders = [], node = false, aliases = [] } = {}) => ({
  'no-restricted-imports': [
    'error',
    {
      paths: [...names, ...(node ? nodeBuiltins : [])].map((n) => ({ name: n, message })),
      patterns: [
        ...folders.map((folder) => ({
          // Relative imports that reach into a forbidden layer, from anywhere in src/.
          regex: `^(\\.\\.?/)+(?:.*/)?${folder.replace(/\//g, '\\/')}(/|$)`,
          message,
        })),
        // Path aliases that only some builds resolve (`@shared` exists for the renderer and tests).
        ...aliases.map((alias) => ({ regex: `^${alias}(/|$)`, message })),
      ],
    },
  ],
})

const ui = ['vue', 'pinia', 'chart.js', 'chart.js/auto']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  ...tseslint.configs.recommended,
  ...vue.configs['flat/recommended'],
  {
    files: ['**/*.vue'],
    languageOptions: { parser: vueParser, parserOptions: { parser: tseslint.parser, sourceType: 'module' } },
  },
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'vue/multi-word-component-names': 'off',
      'vue/max-attributes-per-line': 'off',
      'vue/singleline-html-element-content-newline': 'off',
      'vue/html-self-closing': 'off',
      // Prettier lays out templates (npm run format:check); these layout rules disagree with it
      // (64 warnings on Prettier's own output), as eslint-config-prettier would also turn off.
      'vue/html-indent': 'off',
      'vue/html-closing-bracket-newline': 'off',
      'vue/multiline-html-element-content-newline': 'off',
      // Chromium 153 keeps a parsed media query for each <thead> or <tfoot> given a style, for as
      // long as the page lives; tables take their header row as a first row of th scope="col".
      'vue/no-restricted-html-elements': [
        'error',
        ...['thead', 'tfoot'].map((element) => ({
          element,
          message: `no <${element}>: Chromium keeps a media query for each one made, for the page's life (ARCHITECTURE.md "Events", e2e/page-memory.spec.ts)`,
        })),
      ],
    },
  },
  {
    // Any file of src/ outside the layers below (say src/main/x.ts): only the Electron shell and
    // the preload may import electron. The layer rules that follow replace this one for their folders.
    files: ['src/**'],
    ignores: [`${layer('main/electron')}**`, `${layer('preload')}**`],
    rules: forbid('only src/main/electron and src/preload may import electron, see ARCHITECTURE.md "Layers".', {
      names: ['electron'],
    }),
  },
  {
    files: [`${layer('shared')}**`],
    rules: forbid(
      'src/shared runs everywhere: it may import only itself, by relative path (and the schema library), see ARCHITECTURE.md "Layers".',
      {
        names: ['electron', ...ui],
        folders: ['main', 'workers', 'preload', 'renderer'],
        node: true,
        aliases: ['@shared'],
      },
    ),
  },
  {
    files: [`${layer('workers')}**`],
    rules: forbid('src/workers may import src/shared and node:* only, see ARCHITECTURE.md "Layers".', {
      names: ['electron', ...ui],
      folders: ['main', 'preload', 'renderer'],
    }),
  },
  {
    files: [`${layer('main/lab')}**`],
    rules: forbid(
      'src/main/lab is Electron-free: it may import src/shared and node:* only (workers by entry path), see ARCHITECTURE.md "Layers".',
      {
        names: ['electron', ...ui],
        folders: [
          'main/electron',
          'main/cli',
          'main/server',
          'electron',
          'cli',
          'server',
          'workers',
          'preload',
          'renderer',
        ],
      },
    ),
  },
  {
    files: [`${layer('main/electron')}**`],
    rules: forbid('src/main/electron may import src/shared, src/main/lab and electron, see ARCHITECTURE.md "Layers".', {
      names: ui,
      folders: ['cli', 'server', 'workers', 'preload', 'renderer'],
    }),
  },
  {
    files: [`${layer('main/cli')}**`, `${layer('main/server')}**`],
    rules: forbid(
      'src/main/cli and src/main/server run on plain Node: src/shared, src/main/lab and node:* only, see ARCHITECTURE.md "Layers".',
      {
        names: ['electron', ...ui],
        folders: ['electron', 'workers', 'preload', 'renderer'],
      },
    ),
  },
  {
    files: [`${layer('preload')}**`],
    rules: forbid('src/preload may import src/shared and electron only, see ARCHITECTURE.md "Layers".', {
      names: ui,
      folders: ['main', 'workers', 'renderer'],
      node: true,
    }),
  },
  {
    files: [`${layer('renderer')}**`],
    rules: forbid(
      'src/renderer runs in the browser: src/shared, vue, pinia and chart.js only, see ARCHITECTURE.md "Layers".',
      {
        names: ['electron'],
        folders: ['main', 'workers', 'preload'],
        node: true,
      },
    ),
  },
)
