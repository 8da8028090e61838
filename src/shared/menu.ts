// The application menu as one model: a tree of labelled commands with accelerators and
// enabled/checked state. src/main/electron maps it to Menu.buildFromTemplate; in browser mode the
// renderer draws it as a menu bar. Both dispatch the same commands (see MenuCommand).
import { z } from 'zod'
import { C10K_PRESETS } from './c10k'
import type { StrategySpec, WorkloadKind, WorkloadSpec } from './catalog'
import { CONTENTION_EXPERIMENTS } from './contention'

const COMMAND_IDS = [
  'session.new',
  'session.open',
  'session.save',
  'session.saveAs',
  'session.openRecent',
  'run.export',
  'app.quit',
  'experiment.preset',
  'c10k.preset',
  'c10k.open',
  'experiment.race',
  'workload.select',
  'workload.yourCode',
  'run.tune',
  'run.start',
  'run.stop',
  'run.again',
  'python.add',
  'view.cpu',
  'view.timeline',
  'view.results',
  'view.devTools',
  'help.concepts',
  'help.about',
] as const

/** What a menu item asks for: a command and, for families of items (workloads, presets), an argument. */
export const menuCommandSchema = z
  .object({
    command: z.enum(COMMAND_IDS),
    arg: z.string().max(200).optional(),
  })
  .strict()
export type MenuCommand = z.infer<typeof menuCommandSchema>

export interface MenuCommandItem {
  kind: 'command'
  /** Unique within the menu (command plus argument), handy for tests and keys. */
  key: string
  label: string
  command: MenuCommand
  /** Electron accelerator syntax, e.g. "CmdOrCtrl+R", "Escape". */
  accelerator?: string
  enabled: boolean
  /** radio and checkbox items carry `checked`. */
  type: 'normal' | 'radio' | 'checkbox'
  checked?: boolean
  /** Only the desktop app draws it (Quit, Developer Tools). */
  desktopOnly?: boolean
}

export interface MenuSubmenu {
  kind: 'submenu'
  key: string
  label: string
  enabled: boolean
  items: MenuItem[]
}

export interface MenuSeparator {
  kind: 'separator'
  key: string
}

export type MenuItem = MenuCommandItem | MenuSubmenu | MenuSeparator

/** A guided experiment: one click sets workload, parameters, strategies and worker counts. */
export interface ExperimentPreset {
  id: string
  title: string
  /** One line on what the experiment shows. */
  lesson: string
  workload: string
  params: Record<string, number>
  strategies: string[]
  workers: number[]
  repetitions: number
  /** Tasks per message to a worker; left out, the field keeps what it holds. */
  chunkSize?: number
  /** Python's sys.setswitchinterval for the run, ms; left out, the field keeps what it holds. */
  switchIntervalMs?: number
  /** Measure the heartbeat (src/shared/heartbeat.ts); left out, off. */
  heartbeat?: boolean
}

/**
 * "The GIL on the timeline" (issue 12): CPU-bound Python threads take turns under the GIL, so each
 * task waits about half its wall time; each task's thread CPU time shows it on the timeline and in
 * the results. The same run with a 50 ms switch interval lets a thread keep the GIL across whole
 * tasks: most run uninterrupted, and the one caught by the hand-over waits longer.
 */
const GIL_TIMELINE: readonly ExperimentPreset[] = [
  { id: 'gil-timeline', title: 'The GIL on the timeline', switchIntervalMs: 5 },
  { id: 'gil-timeline-long-switch', title: 'The GIL on the timeline: switch interval 50 ms', switchIntervalMs: 50 },
].map(({ id, title, switchIntervalMs }) => ({
  id,
  title,
  lesson:
    switchIntervalMs === 5
      ? 'Each bar is solid for the share of its wall time the task ran on a CPU, pale for the share it waited: two Python threads run about half the time each (they wait for the GIL), processes nearly all of it.'
      : 'With a 50 ms switch interval a thread keeps the GIL across several whole tasks: most tasks run uninterrupted, and the one caught by each hand-over waits the longer.',
  workload: 'countdown',
  params: { size: 8_000_000, tasks: 40 },
  strategies: ['py-sequential', 'py-threads', 'py-processes'],
  workers: [2],
  repetitions: 3,
  switchIntervalMs,
}))

/**
 * "Scaling out: when a cluster pays" (issue 14): the same short CPU-bound tasks on a process pool
 * and a Dask cluster of the same size, once per chunk size, so the cluster's per-task overhead
 * shows at chunk 1 and fades as chunks grow; the verdict computes it and the crossover.
 */
const SCALING_OUT: readonly ExperimentPreset[] = [1, 10, 100].map((chunkSize) => ({
  id: `scaling-out-chunk-${chunkSize}`,
  title: `Scaling out: when a cluster pays (chunk ${chunkSize})`,
  lesson:
    'A Dask cluster pays a millisecond or more to schedule each task; batching tasks into chunks spreads that cost. Run all three chunk sizes and compare.',
  workload: 'primes',
  params: { size: 1_000_000, tasks: 1000 },
  strategies: ['py-processes', 'py-dask'],
  workers: [2],
  repetitions: 3,
  chunkSize,
}))

export const PRESETS: readonly ExperimentPreset[] = [
  {
    id: 'cpu-threads-vs-processes',
    title: 'CPU-bound: threads vs processes',
    lesson: 'Both use every core for CPU work; processes pay more to start and to pass messages.',
    workload: 'primes',
    params: { size: 2_000_000, tasks: 32 },
    strategies: ['sequential', 'threads', 'processes'],
    workers: [1, 2, 4],
    repetitions: 3,
  },
  {
    id: 'io-sequential-async-threads',
    title: 'I/O-bound: sequential vs async vs threads',
    lesson: 'Waiting overlaps: one event loop keeps up with a pool of threads without using more cores.',
    workload: 'http',
    params: { tasks: 50, latency: 50, payload: 1024 },
    strategies: ['sequential', 'async', 'threads'],
    workers: [2, 4, 8],
    repetitions: 3,
  },
  {
    id: 'python-gil',
    title: 'Python: the GIL (threads vs processes)',
    lesson: 'CPU-bound Python threads take turns under the GIL; processes each have their own and run in parallel.',
    workload: 'countdown',
    params: { size: 10_000_000, tasks: 8 },
    strategies: ['py-sequential', 'py-threads', 'py-processes'],
    workers: [2],
    repetitions: 3,
  },
  {
    id: 'python-gil-released',
    title: 'Python: C code releases the GIL (SHA-256)',
    lesson: 'hashlib lets go of the GIL while it hashes a large buffer, so even Python threads run in parallel.',
    workload: 'sha256',
    params: { size: 4 * 1024 * 1024, rounds: 8, tasks: 8 },
    strategies: ['py-sequential', 'py-threads'],
    workers: [2],
    repetitions: 3,
  },
  {
    id: 'python-io',
    title: 'Python I/O: threads vs asyncio',
    lesson: 'The GIL is released while waiting: threads and one asyncio loop both overlap the waits.',
    workload: 'http',
    params: { tasks: 50, latency: 50, payload: 1024 },
    strategies: ['py-sequential', 'py-threads', 'py-asyncio'],
    workers: [10],
    repetitions: 3,
  },
  {
    id: 'amdahl-serial-ceiling',
    title: 'Amdahl: why more workers stop helping',
    lesson:
      'A third of this work runs alone before the rest is split: the lab fits that serial share from every trial (T(N) = a + b/N), with its interval, and projects the speedup a bigger machine would give. No number of workers beats 1 ÷ f.',
    workload: 'amdahl',
    // About 0.45 s of work a trial here: long against the page's own drawing, which the fit counts as load.
    params: { serial: 30, size: 1_000_000_000, tasks: 32 },
    strategies: ['sequential', 'threads', 'processes'],
    workers: [1, 2, 4],
    repetitions: 3,
  },
  ...GIL_TIMELINE,
  {
    id: 'cooperative-starvation',
    title: 'Cooperative scheduling: one greedy task starves the loop',
    lesson:
      'A 10 ms heartbeat on the scheduler: generators that yield after each step keep it near on time; one greedy generator, or CPU work on an asyncio loop, holds it for a whole task. Beside OS threads it stays near on time: the OS preempts them.',
    workload: 'primes',
    params: { size: 1_000_000, tasks: 8 },
    strategies: ['py-generators', 'py-generators-greedy', 'py-asyncio', 'py-threads'],
    workers: [4],
    repetitions: 3,
    heartbeat: true,
  },
  ...SCALING_OUT,
]

/** The state the menu reflects; the renderer owns it (and sends it to the desktop shell). */
export const menuStateSchema = z
  .object({
    workload: z.string().max(100).nullable(),
    running: z.boolean(),
    canRun: z.boolean(),
    hasLastRun: z.boolean(),
    hasResults: z.boolean(),
    sessionsAvailable: z.boolean(),
    recentSessions: z.array(z.object({ id: z.string().max(200), name: z.string().max(200) })).max(20),
    view: z.object({ cpu: z.boolean(), timeline: z.boolean(), results: z.boolean() }),
  })
  .strict()
export type MenuState = z.infer<typeof menuStateSchema>

export const INITIAL_MENU_STATE: MenuState = {
  workload: null,
  running: false,
  canRun: false,
  hasLastRun: false,
  hasResults: false,
  sessionsAvailable: false,
  recentSessions: [],
  view: { cpu: true, timeline: true, results: true },
}

export interface MenuOptions {
  /** Show development-only items (Toggle Developer Tools). */
  development: boolean
}

const KIND_TITLES: Record<WorkloadKind, string> = { cpu: 'CPU-bound', io: 'I/O-bound', mixed: 'Mixed' }

/** Title of a workload kind as the menu and the picker show it ("CPU-bound"). */
export function kindTitle(kind: string): string {
  return (KIND_TITLES as Record<string, string>)[kind] ?? kind
}

const command = (
  label: string,
  cmd: MenuCommand,
  extra: Partial<Omit<MenuCommandItem, 'kind' | 'label' | 'command'>> = {},
): MenuCommandItem => ({
  kind: 'command',
  key: cmd.arg === undefined ? cmd.command : `${cmd.command}:${cmd.arg}`,
  label,
  command: cmd,
  enabled: true,
  type: 'normal',
  ...extra,
})

const separator = (key: string): MenuSeparator => ({ kind: 'separator', key })

/** Presets whose workload and strategies this lab offers. */
export function availablePresets(catalog: {
  workloads: readonly WorkloadSpec[]
  strategies: readonly StrategySpec[]
}): ExperimentPreset[] {
  // A strategy the lab cannot run here (no Python 3.8+, say) rules out the presets that need it.
  const strategies = new Set(catalog.strategies.filter((s) => !s.unavailable).map((s) => s.id as string))
  return PRESETS.filter(
    (p) => catalog.workloads.some((w) => w.id === p.workload) && p.strategies.every((s) => strategies.has(s)),
  )
}

/** Builds the whole menu for a catalog and the current state. Pure: same input, same tree. */
export function buildMenu(
  catalog: { workloads: readonly WorkloadSpec[]; strategies: readonly StrategySpec[] },
  state: MenuState,
  options: MenuOptions,
): MenuSubmenu[] {
  const sessions = state.sessionsAvailable
  const recent: MenuItem[] =
    state.recentSessions.length > 0
      ? state.recentSessions.map((s) =>
          command(s.name, { command: 'session.openRecent', arg: s.id }, { enabled: sessions }),
        )
      : [command('No recent sessions', { command: 'session.openRecent' }, { enabled: false })]

  const file: MenuSubmenu = {
    kind: 'submenu',
    key: 'file',
    label: 'File',
    enabled: true,
    items: [
      command('New Session', { command: 'session.new' }, { accelerator: 'CmdOrCtrl+N', enabled: sessions }),
      command('Open Session…', { command: 'session.open' }, { accelerator: 'CmdOrCtrl+O', enabled: sessions }),
      command('Save Session', { command: 'session.save' }, { accelerator: 'CmdOrCtrl+S', enabled: sessions }),
      command(
        'Save Session As…',
        { command: 'session.saveAs' },
        { accelerator: 'CmdOrCtrl+Shift+S', enabled: sessions },
      ),
      separator('file.sep1'),
      {
        kind: 'submenu',
        key: 'file.export',
        label: 'Export',
        enabled: true,
        items: [
          command(
            'Run as JSON…',
            { command: 'run.export', arg: 'json' },
            { accelerator: 'CmdOrCtrl+E', enabled: state.hasResults },
          ),
          command('Run as CSV…', { command: 'run.export', arg: 'csv' }, { enabled: state.hasResults }),
          command('Run as Markdown Report…', { command: 'run.export', arg: 'md' }, { enabled: state.hasResults }),
        ],
      },
      { kind: 'submenu', key: 'file.recent', label: 'Recent Sessions', enabled: true, items: recent },
      separator('file.sep2'),
      command('Quit', { command: 'app.quit' }, { accelerator: 'CmdOrCtrl+Q', desktopOnly: true }),
    ],
  }

  const presets = availablePresets(catalog)
  const experiments: MenuSubmenu = {
    kind: 'submenu',
    key: 'experiments',
    label: 'Experiments',
    enabled: true,
    items: [
      ...(presets.length > 0
        ? presets.map((p) => command(p.title, { command: 'experiment.preset', arg: p.id }, { enabled: !state.running }))
        : [command('No experiments for this catalog', { command: 'experiment.preset' }, { enabled: false })]),
      // The C10k lab's own experiments: they set a sweep of server models, not a run.
      separator('experiments.sep.c10k'),
      ...C10K_PRESETS.map((p) =>
        command(`${p.title}…`, { command: 'c10k.preset', arg: p.id }, { enabled: !state.running }),
      ),
    ],
  }
  // The race lab's experiments (src/shared/contention.ts) run as they are, beside no run.
  experiments.items.push(
    separator('experiments.race'),
    ...CONTENTION_EXPERIMENTS.map((e) =>
      command(e.title, { command: 'experiment.race', arg: e.id }, { enabled: !state.running }),
    ),
  )

  const kinds: WorkloadKind[] = ['cpu', 'io', 'mixed']
  const seenKinds = [...kinds, ...catalog.workloads.map((w) => w.kind).filter((k) => !kinds.includes(k))]
  const workload: MenuSubmenu = {
    kind: 'submenu',
    key: 'workload',
    label: 'Workload',
    enabled: true,
    items: [
      ...seenKinds
        .map((kind): MenuSubmenu => ({
          kind: 'submenu',
          key: `workload.${kind}`,
          label: kindTitle(kind),
          enabled: true,
          items: catalog.workloads
            .filter((w) => w.kind === kind)
            .map((w) =>
              command(
                w.title,
                { command: 'workload.select', arg: w.id },
                { type: 'radio', checked: w.id === state.workload, enabled: !state.running },
              ),
            ),
        }))
        .filter((group): group is MenuSubmenu => group.items.length > 0),
      separator('workload.sep1'),
      // The user's own function: the desktop app's Open dialog, or a typed path in browser mode.
      command(
        'Your Code…',
        { command: 'workload.yourCode' },
        { type: 'radio', checked: state.workload === 'user', enabled: !state.running },
      ),
    ],
  }
  workload.items.push(
    separator('workload.sep.c10k'),
    command('C10k Lab (server models)…', { command: 'c10k.open' }, { accelerator: 'CmdOrCtrl+K' }),
  )

  const run: MenuSubmenu = {
    kind: 'submenu',
    key: 'run',
    label: 'Run',
    enabled: true,
    items: [
      command('Run', { command: 'run.start' }, { accelerator: 'CmdOrCtrl+R', enabled: state.canRun && !state.running }),
      command('Stop', { command: 'run.stop' }, { accelerator: 'Escape', enabled: state.running }),
      command(
        'Run Again',
        { command: 'run.again' },
        { accelerator: 'CmdOrCtrl+Shift+R', enabled: state.hasLastRun && !state.running },
      ),
      command('Find Best Worker Count…', { command: 'run.tune' }, { enabled: state.canRun && !state.running }),
      separator('run.sep1'),
      // The desktop app shows its own Open dialog; browser mode says how to add one to the server.
      command('Add Python Interpreter…', { command: 'python.add' }),
    ],
  }

  const viewItems: MenuItem[] = [
    command(
      'Live CPU',
      { command: 'view.cpu' },
      { accelerator: 'CmdOrCtrl+1', type: 'checkbox', checked: state.view.cpu },
    ),
    command(
      'Timeline',
      { command: 'view.timeline' },
      { accelerator: 'CmdOrCtrl+2', type: 'checkbox', checked: state.view.timeline },
    ),
    command(
      'Results',
      { command: 'view.results' },
      { accelerator: 'CmdOrCtrl+3', type: 'checkbox', checked: state.view.results },
    ),
  ]
  if (options.development) {
    viewItems.push(separator('view.sep1'))
    viewItems.push(
      command(
        'Toggle Developer Tools',
        { command: 'view.devTools' },
        { accelerator: 'CmdOrCtrl+Alt+I', desktopOnly: true },
      ),
    )
  }
  const view: MenuSubmenu = { kind: 'submenu', key: 'view', label: 'View', enabled: true, items: viewItems }

  const help: MenuSubmenu = {
    kind: 'submenu',
    key: 'help',
    label: 'Help',
    enabled: true,
    items: [
      command('Concepts', { command: 'help.concepts' }, { accelerator: 'F1' }),
      command('About Concurrency Lab', { command: 'help.about' }),
    ],
  }

  return [file, experiments, workload, run, view, help]
}

/** Every command item of a menu tree, depth first. */
export function commandItems(menu: readonly MenuItem[]): MenuCommandItem[] {
  return menu.flatMap((item) =>
    item.kind === 'command' ? [item] : item.kind === 'submenu' ? commandItems(item.items) : [],
  )
}

/** The parts of a keyboard event an accelerator is matched against (a DOM KeyboardEvent fits). */
export interface KeyLike {
  key: string
  ctrlKey: boolean
  metaKey: boolean
  shiftKey: boolean
  altKey: boolean
}

/**
 * Whether a key press triggers an Electron-style accelerator. CmdOrCtrl is ⌘ on macOS and Ctrl
 * elsewhere; modifiers must match exactly, so Ctrl+Shift+R is not also Ctrl+R.
 */
export function matchesAccelerator(accelerator: string, event: KeyLike, isMac: boolean): boolean {
  const parts = accelerator.split('+')
  const key = parts.pop()?.toLowerCase()
  if (!key) return false
  const want = { ctrl: false, meta: false, shift: false, alt: false }
  for (const part of parts.map((p) => p.toLowerCase())) {
    if (part === 'cmdorctrl' || part === 'commandorcontrol') want[isMac ? 'meta' : 'ctrl'] = true
    else if (part === 'ctrl' || part === 'control') want.ctrl = true
    else if (part === 'cmd' || part === 'command' || part === 'super' || part === 'meta') want.meta = true
    else if (part === 'shift') want.shift = true
    else if (part === 'alt' || part === 'option') want.alt = true
    else return false
  }
  if (
    event.ctrlKey !== want.ctrl ||
    event.metaKey !== want.meta ||
    event.shiftKey !== want.shift ||
    event.altKey !== want.alt
  )
    return false
  const pressed = event.key.toLowerCase()
  const aliases: Record<string, string> = { escape: 'escape', esc: 'escape', plus: '+', space: ' ' }
  return pressed === (aliases[key] ?? key)
}

/** How an accelerator reads in a menu ("Ctrl+Shift+R", "⌘R", "Esc"). */
export function formatAccelerator(accelerator: string, isMac: boolean): string {
  const names: Record<string, [string, string]> = {
    cmdorctrl: ['⌘', 'Ctrl+'],
    commandorcontrol: ['⌘', 'Ctrl+'],
    shift: ['⇧', 'Shift+'],
    alt: ['⌥', 'Alt+'],
    escape: ['Esc', 'Esc'],
  }
  return accelerator
    .split('+')
    .map((part) => {
      const name = names[part.toLowerCase()]
      return name ? name[isMac ? 0 : 1] : part
    })
    .join('')
}
