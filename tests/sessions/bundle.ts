// Bundles a TypeScript entry into one plain-Node ESM file (with vite, already a dev dependency),
// so a test can start it many times without paying for a TypeScript loader each time.
import { join } from 'node:path'
import { build } from 'vite'

export async function bundleForNode(entry: string, outDir: string): Promise<string> {
  await build({
    configFile: false,
    logLevel: 'silent',
    ssr: { noExternal: true },
    build: {
      ssr: entry,
      outDir,
      emptyOutDir: true,
      minify: false,
      target: 'node20',
      rollupOptions: { output: { format: 'es', entryFileNames: 'child.mjs' } },
    },
  })
  return join(outDir, 'child.mjs')
}
