// @vitest-environment happy-dom
// The Sessions and Compare views and the File menu's session commands, against the fake lab.
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils'
import { createPinia, type Pinia } from 'pinia'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { encodeSession, sessionSchema } from '@shared/session'
import App from '../../src/renderer/src/App.vue'
import { useLabStore } from '../../src/renderer/src/stores/lab'
import { useRunStore } from '../../src/renderer/src/stores/run'
import { SHOWN_RUNS, useSessionsStore } from '../../src/renderer/src/stores/sessions'
import type { LabShell } from '../../src/renderer/src/transport'
import { FakeLab, makeRun, makeSession, makeStats, makeTrial } from './fake-lab'

let lab: FakeLab
let pinia: Pinia
let wrapper: VueWrapper

const statsA = [
  makeStats('sequential', 1, 800, 1, { n: 3, stdevMs: 8 }),
  makeStats('threads', 2, 400, 2, { n: 3, stdevMs: 4 }),
]
const statsB = [
  makeStats('sequential', 1, 790, 1, { n: 3, stdevMs: 8 }),
  makeStats('threads', 2, 200, 3.95, { n: 3, stdevMs: 2 }),
]
const finished = (id: string, stats = statsA, extra = {}) =>
  makeRun(
    id,
    {},
    {
      status: 'finished',
      endedAt: '2026-01-01T00:00:02.000Z',
      stats,
      trials: [makeTrial('sequential', 1, 800), makeTrial('threads', 2, 400)],
      ...extra,
    },
  )

async function mountApp(shell: LabShell | null = null): Promise<VueWrapper> {
  pinia = createPinia()
  useLabStore(pinia).connect({ api: lab, shell, kind: shell ? 'desktop' : 'browser' })
  wrapper = mount(App, { global: { plugins: [pinia] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

async function menu(...labels: string[]): Promise<void> {
  for (const label of labels) {
    const item = wrapper
      .findAll('[role^="menuitem"]')
      .find((b) => (b.find('.menu-label').exists() ? b.find('.menu-label').text() === label : b.text() === label))
    if (!item) throw new Error(`no menu item ${label}`)
    if (item.attributes('aria-haspopup') && item.element.closest('.menu-list')) await item.trigger('mouseenter')
    await item.trigger('click')
  }
  await flushPromises()
}

const tab = async (name: string) => {
  await wrapper
    .findAll('nav[aria-label="Views"] button')
    .find((b) => b.text() === name)!
    .trigger('click')
  await flushPromises()
}
const button = (root: { findAll: VueWrapper['findAll'] }, text: string) =>
  root.findAll('button').find((b) => b.text() === text)!
const resultRows = () => wrapper.findAll('[data-testid="results-row"]').map((r) => r.text())

beforeEach(() => {
  lab = new FakeLab()
  localStorage.clear()
  lab.sessions.set('one', makeSession('one', [finished('run-a'), finished('run-b', statsB)], { name: 'Laptop' }))
  lab.sessions.set('two', makeSession('two', [finished('run-c', statsB, { status: 'stopped' })], { name: 'Server' }))
})
afterEach(() => wrapper?.unmount())

describe('the Sessions view', () => {
  it('lists sessions with name, date, machine and number of runs; opening one shows its last run as it ended', async () => {
    await mountApp()
    await tab('Sessions')
    const rows = wrapper.findAll('[data-testid="session-row"]')
    expect(rows.map((r) => r.find('[data-testid="session-name"]').text())).toEqual(['Laptop', 'Server'])
    expect(rows[0]!.text()).toContain('Test CPU · 4 cores · TestOS')
    expect(rows.map((r) => r.find('[data-testid="session-runs"]').text())).toEqual(['2', '1'])

    await button(rows[0]!, 'Open').trigger('click')
    await flushPromises()
    expect(lab.current?.id).toBe('one')
    expect(wrapper.find('[data-testid="saved-run"]').exists()).toBe(true)
    expect(wrapper.find('[data-testid="run-status"]').text()).toBe('Finished')
    expect(useRunStore(pinia).runId).toBe('run-b')
    expect(resultRows()).toHaveLength(2)
    expect(wrapper.find('[data-testid="current-session-name"]').text()).toContain('Laptop')
  })

  it('holds the current session’s runs outlined, fetches a run whole to show it, and Save keeps every run', async () => {
    lab.sessions.get('one')!.runs[0]!.samples.push({ t: 0, cores: [50, 50, 50, 50], rss: 1 })
    await mountApp()
    const sessions = useSessionsStore(pinia)
    await sessions.open('one')
    const held = sessions.current!.latestRuns
    expect(held.map((r) => r.id)).toEqual(['run-a', 'run-b'])
    expect(held.map((r) => r.trials.length)).toEqual([0, 0])
    expect(held.map((r) => r.samples.length)).toEqual([0, 0])
    expect(held[0]!.stats).toEqual(statsA)

    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-run"]')[0]!, 'Show').trigger('click')
    await flushPromises()
    expect(lab.getRunCalls).toEqual(['run-a'])
    const shown = useRunStore(pinia)
    expect(shown.runId).toBe('run-a')
    expect(shown.trials.map((t) => t.timeline.length)).toEqual(
      lab.sessions.get('one')!.runs[0]!.trials.map((t) => t.timeline.length),
    )
    expect(shown.trials[0]!.timeline.length).toBeGreaterThan(0)

    await sessions.save()
    expect(lab.sessions.get('one')!.runs.map((r) => r.id)).toEqual(['run-a', 'run-b'])
    expect(lab.sessions.get('one')!.runs[0]!.trials[0]!.timeline.length).toBeGreaterThan(0)
  })

  it('marks a stopped run as stopped, in the list and on screen', async () => {
    await mountApp()
    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-row"]')[1]!, 'Open').trigger('click')
    await flushPromises()
    expect(wrapper.find('[data-testid="run-status"]').text()).toBe('Stopped')
    expect(wrapper.find('[data-testid="saved-run"]').text()).toContain('stopped before it finished')
    await tab('Sessions')
    expect(wrapper.find('[data-testid="stopped-badge"]').text()).toBe('stopped')
  })

  it('renames and annotates a session', async () => {
    await mountApp()
    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-row"]')[0]!, 'Rename').trigger('click')
    await wrapper.find('input[aria-label="New name for Laptop"]').setValue('Laptop on battery')
    await wrapper
      .find('input[aria-label="New name for Laptop"]')
      .element.closest('form')!
      .dispatchEvent(new Event('submit'))
    await flushPromises()
    expect(lab.sessions.get('one')!.name).toBe('Laptop on battery')
    expect(wrapper.findAll('[data-testid="session-name"]')[0]!.text()).toBe('Laptop on battery')

    await button(wrapper.findAll('[data-testid="session-row"]')[0]!, 'Notes').trigger('click')
    await wrapper.find('textarea').setValue('fan was loud')
    await wrapper.find('form.notes-form').trigger('submit')
    await flushPromises()
    expect(lab.sessions.get('one')!.notes).toBe('fan was loud')
  })

  it('marks the current session in the list', async () => {
    await mountApp()
    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-row"]')[0]!, 'Open').trigger('click')
    await flushPromises()
    await tab('Sessions')
    const rows = wrapper.findAll('[data-testid="session-row"]')
    expect(rows[0]!.find('[data-testid="current-badge"]').text()).toBe('current')
    expect(rows[1]!.find('[data-testid="current-badge"]').exists()).toBe(false)
  })

  it('opens the trash and restores a session from it', async () => {
    await mountApp()
    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-row"]')[1]!, 'Delete').trigger('click')
    await flushPromises()
    await button(wrapper, 'Show trash (1)').trigger('click')
    await flushPromises()
    const trashed = wrapper.findAll('[data-testid="trash-row"]')
    expect(trashed.map((r) => r.find('[data-testid="trash-name"]').text())).toEqual(['Server'])
    await button(trashed[0]!, 'Restore').trigger('click')
    await flushPromises()
    expect([...lab.sessions.keys()].sort()).toEqual(['one', 'two'])
    expect(wrapper.findAll('[data-testid="trash-row"]')).toHaveLength(0)
    expect(wrapper.findAll('[data-testid="session-row"]')).toHaveLength(2)
  })

  it('deletes one run of the current session, and Undo puts it back', async () => {
    await mountApp()
    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-row"]')[0]!, 'Open').trigger('click')
    await flushPromises()
    await tab('Sessions')
    expect(wrapper.findAll('[data-testid="session-run"]')).toHaveLength(2)
    await button(wrapper.findAll('[data-testid="session-run"]')[0]!, 'Delete').trigger('click')
    await flushPromises()
    expect(lab.deletedRuns).toEqual([['one', 'run-a']])
    expect(wrapper.findAll('[data-testid="session-run"]')).toHaveLength(1)
    const notice = wrapper.get('[data-testid="deleted-run-notice"]')
    expect(notice.text()).toContain('from “Laptop”')
    await button(notice, 'Undo').trigger('click')
    await flushPromises()
    expect(wrapper.findAll('[data-testid="session-run"]')).toHaveLength(2)
    expect(wrapper.find('[data-testid="deleted-run-notice"]').exists()).toBe(false)
  })

  it('deletes to the trash, and Undo restores', async () => {
    await mountApp()
    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-row"]')[1]!, 'Delete').trigger('click')
    await flushPromises()
    expect([...lab.trash.keys()]).toEqual(['two'])
    expect(wrapper.findAll('[data-testid="session-row"]')).toHaveLength(1)
    expect(wrapper.find('[data-testid="deleted-notice"]').text()).toContain('Moved “Server” to the trash.')
    await button(wrapper.find('[data-testid="deleted-notice"]'), 'Undo').trigger('click')
    await flushPromises()
    expect([...lab.sessions.keys()].sort()).toEqual(['one', 'two'])
    expect(wrapper.findAll('[data-testid="session-row"]')).toHaveLength(2)
    expect(wrapper.find('[data-testid="deleted-notice"]').exists()).toBe(false)
  })
})

describe('the File menu', () => {
  it('has its session items enabled, with recent sessions', async () => {
    await mountApp()
    await menu('File')
    for (const label of ['New Session', 'Open Session…', 'Save Session', 'Save Session As…']) {
      const item = wrapper
        .findAll('[role="menuitem"]')
        .find((b) => b.find('.menu-label').exists() && b.find('.menu-label').text() === label)!
      expect(item.attributes('disabled')).toBeUndefined()
    }
    await menu('Recent Sessions', 'Server')
    expect(lab.current?.id).toBe('two')
    expect(useSessionsStore(pinia).recent.map((r) => r.name)).toEqual(['Server', 'Laptop'])
  })

  it('New Session empties the page; Open Session… (browser mode) imports the picked file', async () => {
    await mountApp()
    useRunStore(pinia).show(finished('run-a'))
    await flushPromises()
    await menu('File', 'New Session')
    expect(wrapper.find('[data-testid="run-status"]').text()).toBe('Ready')
    expect(resultRows()).toHaveLength(0)

    const text = encodeSession(makeSession('three', [finished('run-d', statsB)], { name: 'Desktop' }), 'test')
    const file = new File([text], 'desktop.json', { type: 'application/json' })
    const click = vi.spyOn(HTMLInputElement.prototype, 'click').mockImplementation(function (this: HTMLInputElement) {
      Object.defineProperty(this, 'files', { value: [file] })
      this.dispatchEvent(new Event('change'))
    })
    await menu('File', 'Open Session…')
    click.mockRestore()
    expect(lab.imported.map(([, name]) => name)).toEqual(['desktop.json'])
    expect(useRunStore(pinia).runId).toBe('run-d')
    expect(wrapper.find('[data-testid="current-session-name"]').text()).toContain('Desktop')
  })

  it('a bad file shows one clear line; the library and the open session are unchanged', async () => {
    await mountApp()
    await useSessionsStore(pinia).open('one')
    await flushPromises()
    const before = resultRows()
    await useSessionsStore(pinia).importFile({
      name: 'broken.json',
      size: 10,
      text: async () => '{"format": "concurrency-lab-session", "runs": [',
    })
    await flushPromises()
    const error = wrapper.find('[data-testid="session-error"]').text()
    expect(error).toContain('broken.json')
    expect(error).not.toContain('\n')
    expect([...lab.sessions.keys()]).toEqual(['one', 'two'])
    expect(lab.current?.id).toBe('one')
    expect(resultRows()).toEqual(before)
    expect(wrapper.find('[data-testid="current-session-name"]').text()).toContain('Laptop')

    // An oversize file is refused before it is read.
    const text = vi.fn(async () => '')
    await useSessionsStore(pinia).importFile({ name: 'huge.json', size: 500 * 1024 * 1024, text })
    await flushPromises()
    expect(text).not.toHaveBeenCalled()
    expect(wrapper.find('[data-testid="session-error"]').text()).toMatch(/huge\.json.*(large|limit)/)
  })

  it('Save Session As… downloads the session file in browser mode, and uses main’s dialog in the desktop app', async () => {
    await mountApp()
    await useSessionsStore(pinia).open('one')
    const blobs: Blob[] = []
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob)
      return 'blob:test'
    })
    await menu('File', 'Save Session As…')
    createObjectURL.mockRestore()
    expect(blobs).toHaveLength(1)
    expect(JSON.parse(await blobs[0]!.text())).toMatchObject({ format: 'concurrency-lab-session', name: 'Laptop' })
    wrapper.unmount()

    const shell: LabShell = {
      platform: 'linux',
      onMenuCommand: (listener) => {
        commands.push(listener)
        return () => undefined
      },
      setMenuState: () => undefined,
      openSessionDialog: vi.fn(async () => lab.openSession('two')),
      saveSessionAsDialog: vi.fn(async () => '/home/me/out.json'),
    }
    const commands: Array<(c: { command: 'session.open' | 'session.saveAs' }) => void> = []
    await mountApp(shell)
    commands.forEach((c) => c({ command: 'session.open' }))
    await flushPromises()
    expect(shell.openSessionDialog).toHaveBeenCalled()
    expect(useRunStore(pinia).runId).toBe('run-c')
    commands.forEach((c) => c({ command: 'session.saveAs' }))
    await flushPromises()
    expect(shell.saveSessionAsDialog).toHaveBeenCalledWith('two')
  })

  it('a session file dropped on the window opens it', async () => {
    await mountApp()
    const text = encodeSession(makeSession('four', [finished('run-e')], { name: 'Dropped' }), 'test')
    const file = new File([text], 'dropped.json', { type: 'application/json' })
    const drop = new Event('drop', { bubbles: true, cancelable: true }) as DragEvent
    Object.defineProperty(drop, 'dataTransfer', { value: { files: [file], types: ['Files'] } })
    wrapper.find('.page').element.dispatchEvent(drop)
    await flushPromises()
    expect(lab.imported.map(([, name]) => name)).toEqual(['dropped.json'])
    expect(useRunStore(pinia).runId).toBe('run-e')
  })
})

describe('the Compare view', () => {
  it('compares the current session’s last two runs: difference table with p-values and both machines', async () => {
    await mountApp()
    await useSessionsStore(pinia).open('one')
    await tab('Compare')
    await flushPromises()
    const rows = wrapper.findAll('[data-testid="difference-row"]')
    expect(rows).toHaveLength(2)
    const threads = rows[1]!
    expect(threads.find('[data-testid="ratio"]').text()).toMatch(/^2\.00 ± 0\.0\d$/)
    expect(threads.find('[data-testid="p-value"]').text()).toMatch(/^p (<|=) 0\.\d+/)
    expect(threads.find('[data-testid="row-verdict"]').text()).toMatch(/^B is 2\.00 ± 0\.0\d times faster than A/)
    expect(wrapper.findAll('[data-testid="machine-row"]').length).toBeGreaterThan(3)
  })

  it('compares runs of two different sessions, with machine differences highlighted', async () => {
    lab.sessions.set(
      'two',
      makeSession(
        'two',
        [finished('run-c', statsB, { machine: { ...makeRun('x').machine, cpuModel: 'Server CPU', logicalCores: 32 } })],
        { name: 'Server' },
      ),
    )
    await mountApp()
    await useSessionsStore(pinia).open('one')
    await tab('Compare')
    await flushPromises()
    const exports = vi.spyOn(lab, 'exportSession')
    await wrapper.find('[data-testid="compare-session-b"]').setValue('two')
    await flushPromises()
    expect((wrapper.find('[data-testid="compare-run-b"]').element as HTMLSelectElement).value).toBe('run-c')
    // Reading another session for Compare does not change the current one, nor go through the file format.
    expect(lab.current?.id).toBe('one')
    expect(lab.getSessionCalls).toContain('two')
    expect(exports).not.toHaveBeenCalled()
    const differing = wrapper
      .findAll('[data-testid="machine-row"]')
      .filter((r) => r.attributes('data-differs') === 'true')
    expect(differing.map((r) => r.find('th').text())).toEqual(['CPU', 'logical cores'])
    expect(wrapper.findAll('[data-testid="difference-row"]')).toHaveLength(2)
  })
})

describe('autosave on the page', () => {
  const summaryOf = (id: string, runs: number, updatedAt: string) => ({
    id,
    name: lab.sessions.get(id)?.name ?? id,
    notes: '',
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt,
    machine: 'Test CPU · 4 cores · TestOS',
    runs,
    sizeBytes: 100,
  })

  async function runToTheEnd(): Promise<string> {
    const run = useRunStore(pinia)
    await run.start({ workload: 'primes', strategies: ['sequential'] })
    const id = run.runId!
    lab.emit({ type: 'run-start', runId: id, run: makeRun(id) })
    lab.emit({ type: 'run-end', runId: id, run: finished(id) })
    await flushPromises()
    return id
  }

  it('adds the run it followed and the saved summary to the current session, without reading the session again', async () => {
    await mountApp()
    const sessions = useSessionsStore(pinia)
    await sessions.open('one')
    const id = await runToTheEnd()
    const reads = vi.spyOn(lab, 'currentSession')
    const gets = vi.spyOn(lab, 'getSession')
    const updatedAt = '2026-02-01T00:00:00.000Z'
    lab.emit({ type: 'session-saved', runId: id, session: summaryOf('one', 3, updatedAt) })
    await flushPromises()
    expect(reads).not.toHaveBeenCalled()
    expect(gets).not.toHaveBeenCalled()
    expect(sessions.current!.latestRuns.map((r) => r.id)).toEqual(['run-a', 'run-b', id])
    expect(sessions.current!.earlierRuns).toBe(0)
    expect(sessions.current!.updatedAt).toBe(updatedAt)
    expect(sessions.list.map((s) => [s.id, s.runs])).toEqual([
      ['one', 3],
      ['two', 1],
    ])
  })

  it('reads the current session once when the autosave started a new one', async () => {
    await mountApp()
    const sessions = useSessionsStore(pinia)
    const id = await runToTheEnd()
    lab.current = makeSession('new-1', [finished(id)])
    lab.sessions.set('new-1', lab.current)
    const reads = vi.spyOn(lab, 'currentSession')
    lab.emit({ type: 'session-saved', runId: id, session: summaryOf('new-1', 1, '2026-02-01T00:00:00.000Z') })
    await flushPromises()
    expect(reads).toHaveBeenCalledTimes(1)
    expect(sessions.current!.id).toBe('new-1')
    expect(sessions.current!.latestRuns.map((r) => r.id)).toEqual([id])
  })
})

describe('a long current session', () => {
  /** Runs `count` runs to their end, each autosaved into the lab's current session as the lab does. */
  async function autosaveRuns(count: number): Promise<string[]> {
    const run = useRunStore(pinia)
    const ids: string[] = []
    for (let i = 0; i < count; i++) {
      await run.start({ workload: 'primes', strategies: ['sequential'] })
      const id = run.runId!
      lab.emit({ type: 'run-start', runId: id, run: makeRun(id) })
      lab.emit({ type: 'run-end', runId: id, run: finished(id) })
      await flushPromises()
      const session = lab.current!
      lab.current = { ...session, runs: [...session.runs, finished(id)] }
      lab.sessions.set(session.id, lab.current)
      const summary = (await lab.listSessions()).find((s) => s.id === session.id)!
      lab.emit({ type: 'session-saved', runId: id, session: { ...summary, updatedAt: `2026-02-01T00:00:${i}.000Z` } })
      await flushPromises()
      ids.push(id)
    }
    return ids
  }
  const runNumbers = () =>
    wrapper.findAll('[data-testid="session-run"]').map((r) => Number(/^(\d+)\./.exec(r.text())?.[1]))
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
  /** The app mounted with session 'one' open and `count` more runs autosaved into it: the store and every run id. */
  async function openWithRuns(
    count: number,
  ): Promise<{ sessions: ReturnType<typeof useSessionsStore>; all: string[] }> {
    await mountApp()
    const sessions = useSessionsStore(pinia)
    await sessions.open('one')
    return { sessions, all: ['run-a', 'run-b', ...(await autosaveRuns(count))] }
  }

  it('holds only the latest runs and how many came before; the list numbers them by their place in the session', async () => {
    const { sessions, all } = await openWithRuns(SHOWN_RUNS + 3)
    const total = all.length

    expect(sessions.current!.latestRuns.map((r) => r.id)).toEqual(all.slice(-SHOWN_RUNS))
    expect(sessions.current!.earlierRuns).toBe(total - SHOWN_RUNS)

    await tab('Sessions')
    expect(runNumbers()).toEqual(range(total - SHOWN_RUNS + 1, total))
    expect(wrapper.get('[data-testid="earlier-runs"]').text()).toContain(
      `Showing the latest ${SHOWN_RUNS} of ${total} runs.`,
    )

    // Show all runs: the whole session, outlined, read from the lab while the view is open.
    await button(wrapper, 'Show all runs').trigger('click')
    await flushPromises()
    expect(lab.getSessionCalls).toContain('one')
    expect(runNumbers()).toEqual(range(1, total))
    expect(wrapper.findAll('[data-testid="session-run"]')[0]!.text()).toMatch(/^1\. Count primes/)
    expect(wrapper.find('[data-testid="earlier-runs"]').exists()).toBe(false)

    // A run autosaved meanwhile joins the whole list.
    const [next] = await autosaveRuns(1)
    expect(runNumbers()).toEqual(range(1, total + 1))
    expect(wrapper.findAll('[data-testid="session-run"]').at(-1)!.text()).toMatch(new RegExp(`^${total + 1}\\. `))
    expect(sessions.current!.latestRuns.at(-1)!.id).toBe(next)

    // Show only the latest lets them go, and so does leaving the view.
    expect(wrapper.get('[data-testid="all-runs"]').text()).toContain(`Showing all ${total + 1} runs.`)
    await button(wrapper, `Show only the latest ${SHOWN_RUNS}`).trigger('click')
    expect(runNumbers()).toEqual(range(total + 1 - SHOWN_RUNS + 1, total + 1))
    expect(wrapper.find('[data-testid="all-runs"]').exists()).toBe(false)
    await button(wrapper, 'Show all runs').trigger('click')
    await flushPromises()
    expect(runNumbers()).toEqual(range(1, total + 1))
    await tab('Lab')
    await tab('Sessions')
    expect(runNumbers()).toEqual(range(total + 1 - SHOWN_RUNS + 1, total + 1))
  })

  it('Show only the latest drops a read of the whole session still on its way', async () => {
    await mountApp()
    const sessions = useSessionsStore(pinia)
    await sessions.open('one')
    await autosaveRuns(SHOWN_RUNS + 1)
    await tab('Sessions')
    await button(wrapper, 'Show all runs').trigger('click')
    await flushPromises()
    // The next autosave reads the whole session again; it is slow to come back.
    let release: () => void = () => undefined
    const getSession = lab.getSession.bind(lab)
    vi.spyOn(lab, 'getSession').mockImplementation(async (id) => {
      await new Promise<void>((resolve) => (release = resolve))
      return getSession(id)
    })
    await autosaveRuns(1)
    await button(wrapper, `Show only the latest ${SHOWN_RUNS}`).trigger('click')
    release()
    await flushPromises()
    expect(wrapper.findAll('[data-testid="session-run"]')).toHaveLength(SHOWN_RUNS)
    expect(wrapper.find('[data-testid="earlier-runs"]').exists()).toBe(true)
  })

  it('Save, rename and deleting a run act on the whole session in the lab', async () => {
    const { sessions, all } = await openWithRuns(SHOWN_RUNS + 1)

    const saves = vi.spyOn(lab, 'saveSession')
    await sessions.save()
    // What Save sends is a session as the lab's schema reads it: name and notes, no runs.
    expect(sessionSchema.parse(saves.mock.calls[0]![0]).runs).toEqual([])
    expect(lab.sessions.get('one')!.runs.map((r) => r.id)).toEqual(all)

    await sessions.rename('one', 'Long')
    expect(sessions.current!.name).toBe('Long')
    expect(sessions.current!.earlierRuns).toBe(all.length - SHOWN_RUNS)

    await tab('Sessions')
    await button(wrapper.findAll('[data-testid="session-run"]').at(-1)!, 'Delete').trigger('click')
    await flushPromises()
    expect(lab.deletedRuns).toEqual([['one', all.at(-1)]])
    expect(runNumbers()).toEqual(range(all.length - SHOWN_RUNS, all.length - 1))
    await button(wrapper.get('[data-testid="deleted-run-notice"]'), 'Undo').trigger('click')
    await flushPromises()
    expect(runNumbers()).toEqual(range(all.length - SHOWN_RUNS + 1, all.length))
  })

  it('Compare offers every run of the current session and starts with its last two', async () => {
    const { all } = await openWithRuns(SHOWN_RUNS + 3)
    await tab('Compare')
    await flushPromises()
    for (const which of ['a', 'b']) {
      const offered = wrapper.findAll(`[data-testid="compare-run-${which}"] option:not([disabled])`)
      expect(offered.map((o) => o.attributes('value'))).toEqual(all)
      expect(offered[0]!.text()).toMatch(/^1\. /)
    }
    expect((wrapper.get('[data-testid="compare-run-a"]').element as HTMLSelectElement).value).toBe(all.at(-2))
    expect((wrapper.get('[data-testid="compare-run-b"]').element as HTMLSelectElement).value).toBe(all.at(-1))
    expect(wrapper.findAll('[data-testid="difference-row"]')).toHaveLength(2)
  })
})

describe('exports of the run on screen', () => {
  it('offers JSON, CSV and Markdown, and a PNG of each chart', async () => {
    await mountApp()
    await useSessionsStore(pinia).open('one')
    await flushPromises()
    const createObjectURL = vi.spyOn(URL, 'createObjectURL').mockImplementation(() => 'blob:test')
    for (const format of ['json', 'csv', 'md']) await wrapper.find(`[data-testid="export-${format}"]`).trigger('click')
    await flushPromises()
    expect(lab.exported).toEqual([
      ['run-b', 'json'],
      ['run-b', 'csv'],
      ['run-b', 'md'],
    ])
    const canvas = document.querySelector<HTMLCanvasElement>('canvas[data-chart="wall-clock"]')!
    const toDataURL = vi.fn(() => 'data:image/png;base64,AAAA')
    Object.assign(canvas, { toBlob: undefined, toDataURL })
    await wrapper.find('[data-testid="png-wall-clock"]').trigger('click')
    await flushPromises()
    expect(toDataURL).toHaveBeenCalledWith('image/png')
    createObjectURL.mockRestore()
  })
})

describe('when', () => {
  it('says "today" for a time today and gives the date otherwise', async () => {
    const { when } = await import('../../src/renderer/src/run-label')
    const now = new Date('2026-11-22T15:00:00')
    expect(when('2026-11-22T14:03:12', now)).toBe(`today, ${new Date('2026-11-22T14:03:12').toLocaleTimeString()}`)
    expect(when('2026-11-20T14:03:12', now)).toBe(
      `${new Date('2026-11-20T14:03:12').toLocaleDateString()} ${new Date('2026-11-20T14:03:12').toLocaleTimeString()}`,
    )
    expect(when('not a date', now)).toBe('not a date')
  })
})
