import { defineStore } from 'pinia'
import { ref } from 'vue'
import type { ConceptId } from '@shared/analysis/verdict'

/** The page's views: the lab itself, the session library, Compare, and the C10k lab. */
export type Page = 'lab' | 'sessions' | 'compare' | 'c10k'

export type { ConceptId } from '@shared/analysis/verdict'

/** How long a toast stays: long enough to read two words, short enough not to linger. */
export const TOAST_MS = 2500

/** What is on screen: which panels show, which dialog is open, which menu is dropped down. */
export const useViewStore = defineStore('view', () => {
  const panels = ref({ cpu: true, timeline: true, results: true })
  const page = ref<Page>('lab')
  const conceptsOpen = ref(false)
  const concept = ref<ConceptId>('concurrency-vs-parallelism')
  const aboutOpen = ref(false)
  /** Workload ▸ Your Code…'s dialog. */
  const yourCodeOpen = ref(false)
  /** Key of the menu bar's open menu (browser mode), or null. */
  const openMenu = ref<string | null>(null)
  /** Index of the trial the Timeline shows (the CPU chart shades its span), or null. */
  const timelineTrial = ref<number | null>(null)
  /** Messages for the user (e.g. a command that is not available yet), newest last. */
  const notices = ref<string[]>([])
  /** A short confirmation ("Saved …") shown for TOAST_MS, as a desktop app's status line does. */
  const toast = ref<string | null>(null)
  let toastTimer: ReturnType<typeof setTimeout> | null = null

  function togglePanel(name: keyof typeof panels.value): void {
    panels.value = { ...panels.value, [name]: !panels.value[name] }
  }

  function showConcept(id: ConceptId = concept.value): void {
    concept.value = id
    conceptsOpen.value = true
  }

  function notify(message: string): void {
    notices.value = [...notices.value.slice(-4), message]
  }

  /** Shows `message` as the toast, replacing any before it, for TOAST_MS. */
  function flash(message: string): void {
    if (toastTimer) clearTimeout(toastTimer)
    toast.value = message
    toastTimer = setTimeout(() => {
      toast.value = null
      toastTimer = null
    }, TOAST_MS)
  }

  function dismissNotice(index: number): void {
    notices.value = notices.value.filter((_, i) => i !== index)
  }

  /** Closes whatever overlay is open; false when nothing was. */
  function closeOverlay(): boolean {
    if (openMenu.value) openMenu.value = null
    else if (conceptsOpen.value) conceptsOpen.value = false
    else if (aboutOpen.value) aboutOpen.value = false
    else if (yourCodeOpen.value) yourCodeOpen.value = false
    else return false
    return true
  }

  return {
    panels,
    page,
    conceptsOpen,
    concept,
    aboutOpen,
    yourCodeOpen,
    openMenu,
    timelineTrial,
    notices,
    toast,
    flash,
    togglePanel,
    showConcept,
    notify,
    dismissNotice,
    closeOverlay,
  }
})
