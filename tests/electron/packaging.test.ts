// The packaging config (electron-builder.yml), read the way electron-builder reads it: valid for
// electron-builder, with every fuse of the security checklist set, so an edit cannot quietly turn
// one back (RunAsNode on would make the packaged app a Node interpreter for anyone who sets a variable).
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { getConfig, validateConfiguration } from 'app-builder-lib/out/util/config/config'
import { DebugLogger } from 'builder-util'
import packageJson from '../../package.json'
import { outsideAsar } from '../../src/main/electron/packaged-paths'

const projectDir = fileURLToPath(new URL('../..', import.meta.url))

describe('the packaging config', async () => {
  const config = await getConfig(projectDir, null, null)

  it('is valid for electron-builder', async () => {
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined()
  })

  it('flips the fuses of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableCookieEncryption: true,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
    })
  })

  it('packs the app into app.asar (which OnlyLoadAppFromAsar needs) with the Python runner unpacked', () => {
    expect(config.asar).not.toBe(false)
    expect(config.asarUnpack).toContain('src/workers/python/**')
    // electron-builder adds the production dependencies itself.
    expect(config.files).toEqual([{ filter: ['out/**', 'src/workers/python/**', 'package.json'] }])
  })

  it('is what `npm run package` builds with, after the app is built', () => {
    expect(packageJson.scripts.package).toBe('electron-vite build && electron-builder --dir')
  })
})

describe('paths outside app.asar', () => {
  it('point at the unpacked copy of a packed file, and leave other paths alone', () => {
    expect(outsideAsar('/opt/Lab/resources/app.asar/src/workers/python/runner.py')).toBe(
      '/opt/Lab/resources/app.asar.unpacked/src/workers/python/runner.py',
    )
    expect(outsideAsar('C:\\Lab\\resources\\app.asar\\src\\runner.py')).toBe(
      'C:\\Lab\\resources\\app.asar.unpacked\\src\\runner.py',
    )
    expect(outsideAsar('/home/me/lab/src/workers/python/runner.py')).toBe('/home/me/lab/src/workers/python/runner.py')
    expect(outsideAsar('/home/me/app.asar.d/runner.py')).toBe('/home/me/app.asar.d/runner.py')
  })
})
