import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'electron-vite'

export default defineConfig({
  main: {
    build: {
      rolldownOptions: {
        input: {
          index: resolve('src/main/electron/index.ts'),
          cli: resolve('src/main/cli/index.ts'),
          server: resolve('src/main/server/index.ts'),
          'thread-entry': resolve('src/workers/thread-entry.ts'),
          'process-entry': resolve('src/workers/process-entry.ts'),
          'c10k-node-server': resolve('src/workers/servers/node-server.ts'),
          'c10k-load': resolve('src/workers/load/load-entry.ts'),
          'contention-node': resolve('src/workers/contention/node-race.ts'),
        },
      },
    },
  },
  preload: {
    build: {
      // A CommonJS preload, because the window runs with sandbox: true.
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    plugins: [vue()],
    // The page parses its bundle on every start: ship it minified.
    build: { minify: true },
    resolve: { alias: { '@shared': resolve('src/shared') } },
  },
})
