import type { LabApi } from '../shared/api'

declare global {
  interface Window {
    /** Present in the desktop app (set by the preload); absent in browser mode. */
    lab?: LabApi
  }
}

export {}
