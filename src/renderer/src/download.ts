// Saving files from the page: a download in browser mode (and in the desktop app, where Chromium
// shows its own save prompt). PNGs come straight from a chart's canvas.

/** Saves `text` as a file through the browser's download. */
export function downloadText(name: string, text: string, type = 'application/json'): void {
  downloadBlob(name, new Blob([text], { type }))
}

export function downloadBlob(name: string, blob: Blob): void {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  a.click()
  setTimeout(() => URL.revokeObjectURL(url), 0)
}

/** Saves a canvas (a chart) as a PNG: toBlob where the canvas has it, else its data URL. */
export function downloadCanvasPng(name: string, canvas: HTMLCanvasElement): Promise<void> {
  return new Promise((resolve, reject) => {
    const viaDataUrl = (): void => {
      const a = document.createElement('a')
      a.href = canvas.toDataURL('image/png')
      a.download = name
      a.click()
      resolve()
    }
    if (typeof canvas.toBlob !== 'function') return viaDataUrl()
    try {
      canvas.toBlob((blob) => {
        if (blob) {
          downloadBlob(name, blob)
          resolve()
        } else viaDataUrl()
      }, 'image/png')
    } catch (error) {
      reject(error instanceof Error ? error : new Error(String(error)))
    }
  })
}

/** A name safe for a downloaded file: letters, digits, spaces, '.', '-', '_' and parentheses. */
export function fileSafe(name: string): string {
  return (
    name
      .replace(/[^\w .()-]+/g, '-')
      .replace(/\s+/g, ' ')
      .trim()
      .slice(0, 100) || 'session'
  )
}

export const MIME: Record<'json' | 'csv' | 'md', string> = {
  json: 'application/json',
  csv: 'text/csv',
  md: 'text/markdown',
}

/** Browser mode's Open Session…: a file picker; resolves to the chosen file, or null when cancelled. */
export function pickFile(accept = '.json,application/json'): Promise<File | null> {
  return new Promise((resolve) => {
    const input = document.createElement('input')
    input.type = 'file'
    input.accept = accept
    input.addEventListener('change', () => resolve(input.files?.[0] ?? null), { once: true })
    input.addEventListener('cancel', () => resolve(null), { once: true })
    input.click()
  })
}
