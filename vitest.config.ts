import { resolve } from 'node:path'
import vue from '@vitejs/plugin-vue'
import { defineConfig } from 'vitest/config'
import { testDataDir, testTmpDir } from './tests/data-dir'

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: { '@shared': resolve('src/shared') } },
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/global-setup.ts'],
    // Inherited by every CLI and server the tests spawn: autosaves go to a temp library, and
    // temp files (os.tmpdir(), Python's tempfile; TMPDIR, or TEMP and TMP on Windows) to one folder
    // removed at the end.
    env: { CONCURRENCY_LAB_DATA_DIR: testDataDir, TMPDIR: testTmpDir, TEMP: testTmpDir, TMP: testTmpDir },
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // The engine tests start real threads and processes on a 2-core machine: one file at a time.
    fileParallelism: false,
  },
})
