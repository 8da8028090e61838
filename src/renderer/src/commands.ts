// The menu's commands, dispatched the same way whether they come from the native menu (desktop),
// the drawn menu bar (browser mode) or a keyboard shortcut.
import { computed } from 'vue'
import { C10K_PRESETS } from '@shared/c10k'
import { EXPORT_FORMATS, type ExportFormat } from '@shared/export'
import { PRESETS, buildMenu, type MenuCommand, type MenuState } from '@shared/menu'
import { useC10kStore } from './stores/c10k'
import { useCatalogStore } from './stores/catalog'
import { useConfigStore } from './stores/config'
import { useLabStore } from './stores/lab'
import { useRaceStore } from './stores/race'
import { useRunStore } from './stores/run'
import { useSessionsStore, type FileLike } from './stores/sessions'
import { useTuneStore } from './stores/tune'
import { useViewStore } from './stores/view'
import { MIME, downloadText, pickFile } from './download'

export { downloadText }

export interface CommandOptions {
  development?: boolean
  /** Saves a file (browser mode: a download). */
  save?: typeof downloadText
  /** Browser mode's Open Session… file picker. */
  pick?: () => Promise<FileLike | null>
}

export function useCommands(options: CommandOptions = {}) {
  const lab = useLabStore()
  const catalog = useCatalogStore()
  const config = useConfigStore()
  const run = useRunStore()
  const race = useRaceStore()
  const view = useViewStore()
  const sessions = useSessionsStore()
  const c10k = useC10kStore()
  const tune = useTuneStore()
  const save = options.save ?? downloadText
  const pick = options.pick ?? pickFile

  const menuState = computed<MenuState>(() => ({
    workload: config.workloadId,
    // A C10k sweep, a worker-count search or a race experiment holds the lab as a run does.
    running: run.running || c10k.running || tune.searching || race.running !== null,
    canRun: view.page === 'c10k' ? c10k.valid : config.valid,
    hasLastRun: run.lastConfig !== null,
    hasResults: run.runId !== null,
    sessionsAvailable: sessions.available,
    recentSessions: sessions.recent,
    view: { ...view.panels },
  }))

  const menu = computed(() =>
    buildMenu({ workloads: catalog.workloads, strategies: catalog.strategies }, menuState.value, {
      development: options.development ?? false,
    }),
  )

  async function startRun(): Promise<void> {
    if (!config.valid) {
      const first = Object.entries(config.errors)[0]
      view.notify(
        first
          ? `Cannot run yet: ${first[0]} ${first[1].replace(new RegExp(`^${first[0]}\\s*`), '')}`
          : 'Cannot run yet: pick a workload.',
      )
      return
    }
    await startShown(config.input)
  }

  /** Starts a run. Why it could not start, the run store shows under the progress bar (with Run
   * anyway where that applies): that is not said again in a banner that would outlive the run. */
  async function startShown(input: typeof config.input): Promise<void> {
    try {
      await run.start(input)
    } catch (error) {
      if (run.errors.length === 0) throw error
    }
  }

  async function dispatch(command: MenuCommand): Promise<void> {
    try {
      switch (command.command) {
        case 'run.start':
          if (view.page === 'c10k') await c10k.start()
          else if (!run.running) await startRun()
          return
        case 'run.stop':
          // Escape is Stop's accelerator: with no run going, it closes whatever is open instead.
          if (run.running) await run.stop()
          else if (c10k.running) await c10k.stop()
          else view.closeOverlay()
          return
        case 'run.again':
          if (run.lastConfig && !run.running) {
            config.load(run.lastConfig)
            await startShown(run.lastConfig)
          }
          return
        case 'workload.select':
          if (command.arg && !run.running) config.selectWorkload(command.arg)
          return
        case 'workload.yourCode':
          if (!run.running) view.yourCodeOpen = true
          return
        case 'run.tune':
          tune.open = true
          view.page = 'lab'
          return
        case 'experiment.preset': {
          const preset = PRESETS.find((p) => p.id === command.arg)
          if (!preset || run.running) return
          config.applyPreset(preset)
          // The run on screen answered another question: its verdict must not sit under this one.
          run.reset()
          return
        }
        case 'c10k.open':
          view.page = 'c10k'
          return
        case 'c10k.preset': {
          const preset = C10K_PRESETS.find((p) => p.id === command.arg)
          if (!preset || c10k.running) return
          c10k.applyPreset(preset)
          view.page = 'c10k'
          return
        }
        case 'experiment.race':
          if (command.arg && !run.running) await race.run(command.arg)
          return
        case 'run.export': {
          if (!run.runId) return
          const format: ExportFormat = EXPORT_FORMATS.find((f) => f === command.arg) ?? 'json'
          const text = await lab.requireApi().exportRun(run.runId, format)
          save(
            `concurrency-lab-${run.config?.workload ?? 'run'}-${run.runId.slice(0, 8)}.${format}`,
            text,
            MIME[format],
          )
          return
        }
        case 'view.cpu':
          return view.togglePanel('cpu')
        case 'view.timeline':
          return view.togglePanel('timeline')
        case 'view.results':
          return view.togglePanel('results')
        case 'help.concepts':
          return view.showConcept()
        case 'help.about':
          view.aboutOpen = true
          return
        case 'python.add':
          // Reaches the page only in browser mode (the desktop app's main shows its own dialog): a
          // page may not name programs for the server to run, so About says how to add one there.
          view.aboutOpen = true
          return
        case 'session.new':
          await sessions.createNew()
          view.page = 'lab'
          return
        case 'session.open': {
          if (lab.shell?.openSessionDialog) {
            if (await sessions.openWithDialog()) view.page = 'lab'
            return
          }
          const file = await pick()
          if (file && (await sessions.importFile(file))) view.page = 'lab'
          return
        }
        case 'session.save': {
          // Say what happened, as an editor's status line does; a failure shows as the session error.
          if (!sessions.current) view.flash('Nothing to save yet: run something, or open a session.')
          else {
            const name = await sessions.save()
            if (name !== null) view.flash(`Saved “${name}”`)
          }
          return
        }
        case 'session.saveAs':
          return await sessions.saveAs(save)
        case 'session.openRecent':
          if (command.arg && (await sessions.open(command.arg))) view.page = 'lab'
          return
        case 'app.quit':
        case 'view.devTools':
          // Handled by the desktop shell itself; nothing to do in a page.
          return
      }
    } catch (error) {
      view.notify(error instanceof Error ? error.message : String(error))
    }
  }

  return { menu, menuState, dispatch, startRun }
}
