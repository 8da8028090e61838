// Paths in the packaged app: the app's files sit inside resources/app.asar, which Electron's own
// fs reads but other programs cannot; files they need are unpacked beside it (electron-builder.yml).

/** The unpacked copy of a file packed with asarUnpack; a path outside app.asar is returned as is. */
export function outsideAsar(path: string): string {
  return path.replace(/([\\/])app\.asar(?=[\\/])/, '$1app.asar.unpacked')
}
