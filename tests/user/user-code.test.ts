// The `user` workload: the user's own Python function or Node module under every strategy that
// can run it. Strategies agree on the examples' checksums; each way user code can fail fails its
// trial with its own message and the run goes on; nothing the run started is left running.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { LabEvent } from '../../src/shared/api'
import type { RunConfigInput } from '../../src/shared/schemas'
import { descendantsOf, makeHost, root, runToEnd } from '../helpers'
import { markChildren, markedProcesses, noPython } from '../python/helpers'

const example = (name: string): string => join(root, 'resources/examples', name)
const fixture = (name: string): string => join(root, 'tests/user/fixtures', name)
const once = { repetitions: 1, warmups: 0, workers: [2], timeoutMs: 20_000 }
const PY = ['py-sequential', 'py-threads', 'py-processes', 'py-asyncio']
const NODE = ['sequential', 'async', 'threads', 'processes']
const scratch = mkdtempSync(join(tmpdir(), 'lab-user-test-'))

afterAll(() => rmSync(scratch, { recursive: true, force: true }))

function user(path: string, fn: string, inputs: { range: number } | { values: unknown[] }, strategies: string[]) {
  return { ...once, workload: 'user', strategies, userScript: { path, function: fn, inputs } } as RunConfigInput
}

/** Runs to the end with every child marked, and checks that none outlives the run. */
async function runMarked(config: RunConfigInput) {
  const mark = markChildren()
  const result = await runToEnd(config)
  expect(markedProcesses(mark)).toEqual([])
  expect(descendantsOf()).toEqual([])
  return result
}

const errorsOf = (run: { trials: Array<{ strategy: string; error: string | null }> }) =>
  Object.fromEntries(run.trials.map((t) => [t.strategy, t.error]))

describe.skipIf(noPython)(`your Python code${noPython ? ` (skipped: ${noPython})` : ''}`, () => {
  afterEach(() => {
    delete process.env.CONCURRENCY_LAB_TEST_MARK
  })

  it('the urllib and asyncio examples give one checksum under every Python strategy, the same for both', async () => {
    const seeds = { values: [0, 1, 2, 3, 4, 5, 6, 7] }
    const sync = (await runMarked(user(example('fetch_urllib.py'), 'fetch_one', seeds, PY))).run
    const async = (await runMarked(user(example('fetch_asyncio.py'), 'fetch_one', seeds, PY))).run
    for (const run of [sync, async]) {
      expect(run.errors).toEqual([])
      expect(run.trials).toHaveLength(4)
      for (const t of run.trials) expect(t.checksum).toBe(run.checksum)
    }
    expect(async.checksum).toBe(sync.checksum)
    expect(sync.config.userScript?.sha256).toMatch(/^[0-9a-f]{64}$/)
  })

  it('the CPU examples agree across strategies, and the two functions differ', async () => {
    const zlib = (await runMarked(user(example('cpu.py'), 'compress', { range: 4 }, PY.slice(0, 3)))).run
    const loop = (await runMarked(user(example('cpu.py'), 'python_loop', { range: 4 }, PY.slice(0, 3)))).run
    for (const run of [zlib, loop]) {
      expect(run.errors).toEqual([])
      for (const t of run.trials) expect(t.checksum).toBe(run.checksum)
    }
    expect(zlib.checksum).not.toBe(loop.checksum)
  })

  it('an exception fails the trial with the trimmed traceback of the user’s file, under each strategy', async () => {
    const { run } = await runMarked(user(fixture('faults.py'), 'raises', { range: 6 }, PY))
    for (const error of Object.values(errorsOf(run)))
      expect(error).toBe('task 3 failed: ValueError: bad input 3 (faults.py line 14 in raises → line 9 in _check)')
    expect(run.status).toBe('finished')
  })

  it('a result that is not JSON, and sys.exit, fail their trials with what happened', async () => {
    const notJson = (await runMarked(user(fixture('faults.py'), 'not_json', { range: 3 }, PY))).run
    for (const error of Object.values(errorsOf(notJson)))
      expect(error).toMatch(/^task \d failed: faults\.py returned a value that is not JSON: Object of type set/)
    const exits = (await runMarked(user(fixture('faults.py'), 'exits', { range: 4 }, PY))).run
    for (const error of Object.values(errorsOf(exits)))
      expect(error).toBe('task 2 failed: your code called sys.exit(4) (faults.py line 29 in exits)')
  })

  it('a syntax error, an import error and a missing function fail at load, before any task', async () => {
    const bad = join(scratch, 'bad_syntax.py')
    writeFileSync(bad, 'def work(x)\n    return x\n')
    const syntax = (await runMarked(user(bad, 'work', { range: 2 }, ['py-threads', 'py-processes']))).run
    for (const error of Object.values(errorsOf(syntax)))
      expect(error).toMatch(/loading bad_syntax\.py failed: SyntaxError: .* \(bad_syntax\.py line 1\)$/)
    const missing = (await runMarked(user(fixture('import_error.py'), 'work', { range: 2 }, ['py-sequential']))).run
    expect(missing.trials[0]!.error).toMatch(
      /loading import_error\.py failed: ModuleNotFoundError: No module named 'no_such_module_for_the_lab' \(import_error\.py line 1/,
    )
    const noFunction = (await runMarked(user(fixture('faults.py'), 'nope', { range: 2 }, ['py-asyncio']))).run
    expect(noFunction.trials[0]!.error).toMatch(/faults\.py has no function nope \(its functions: async_square, exits/)
  })

  it('a task that hangs fails at the trial timeout and leaves no process behind', async () => {
    const config = { ...user(fixture('faults.py'), 'hangs', { range: 3 }, ['py-threads', 'py-processes']) }
    const { run } = await runMarked({ ...config, timeoutMs: 1500 } as RunConfigInput)
    for (const error of Object.values(errorsOf(run))) expect(error).toBe('timed out after 1500 ms')
  })

  it('results that differ between trials are reported per strategy, not hidden', async () => {
    const { run } = await runMarked(user(fixture('faults.py'), 'random_result', { range: 3 }, PY.slice(0, 3)))
    const mismatches = run.trials.filter((t) => t.error?.startsWith('checksum mismatch: '))
    expect(mismatches.map((t) => t.strategy)).toEqual(['py-threads', 'py-processes'])
  })

  it('an async function runs under every strategy, as the plain one does, to the same checksum', async () => {
    const plain = (await runMarked(user(fixture('faults.py'), 'square', { range: 5 }, ['py-sequential']))).run
    const awaited = (await runMarked(user(fixture('faults.py'), 'async_square', { range: 5 }, PY))).run
    expect(awaited.errors).toEqual([])
    expect(awaited.checksum).toBe(plain.checksum)
  })
})

describe('your Node module', () => {
  it('the fetch example agrees under every Node strategy, and with the Python example', async () => {
    const seeds = { values: [0, 1, 2, 3, 4, 5, 6, 7] }
    const { run } = await runMarked(user(example('fetch.mjs'), 'default', seeds, NODE))
    expect(run.errors).toEqual([])
    expect(run.trials).toHaveLength(4)
    for (const t of run.trials) expect(t.checksum).toBe(run.checksum)
    if (noPython) return
    const python = (await runMarked(user(example('fetch_urllib.py'), 'fetch_one', seeds, ['py-sequential']))).run
    // Both hash the same canonical JSON (sorted keys, no spaces).
    expect(python.checksum).toBe(run.checksum)
  })

  it('an exception, process.exit and a value that is not JSON fail their trials; the run goes on', async () => {
    const raises = (await runMarked(user(fixture('raises.mjs'), 'default', { range: 5 }, NODE))).run
    for (const error of Object.values(errorsOf(raises)))
      expect(error).toBe('task 3 failed: RangeError: bad input 3 (raises.mjs line 6 → line 2)')
    const exits = (await runMarked(user(fixture('exits.mjs'), 'default', { range: 4 }, NODE))).run
    for (const error of Object.values(errorsOf(exits)))
      expect(error).toBe('task 2 failed: your code called process.exit(4) (exits.mjs line 2)')
    const notJson = (await runMarked(user(fixture('not_json.mjs'), 'default', { range: 2 }, ['threads']))).run
    expect(notJson.trials[0]!.error).toMatch(
      /^task \d failed: not_json\.mjs returned a value that is not JSON: a bigint/,
    )
  })

  it('a syntax error or no default export fails at load; a hang fails at the timeout', async () => {
    const bad = join(scratch, 'bad.mjs')
    writeFileSync(bad, 'export default function (x) {\n  return x +\n}\n')
    const syntax = (await runMarked(user(bad, 'default', { range: 2 }, ['sequential', 'processes']))).run
    for (const error of Object.values(errorsOf(syntax)))
      expect(error).toMatch(/^worker \d failed: loading bad\.mjs failed: SyntaxError: Unexpected token '}'$/)
    const none = (await runMarked(user(fixture('no_default.mjs'), 'default', { range: 2 }, ['threads']))).run
    expect(none.trials[0]!.error).toMatch(/no_default\.mjs has no default export that is a function/)
    const hang = user(fixture('hangs.mjs'), 'default', { range: 3 }, ['threads', 'processes'])
    const { run } = await runMarked({ ...hang, timeoutMs: 1500 } as RunConfigInput)
    for (const error of Object.values(errorsOf(run))) expect(error).toBe('timed out after 1500 ms')
  })
})

describe('the script a run names', () => {
  it('a changed script is detected: a re-run says so before it starts, and runs the file as it is', async () => {
    const path = join(scratch, 'changing.mjs')
    writeFileSync(path, 'export default (x) => x + 1\n')
    const first = (await runToEnd(user(path, 'default', { range: 3 }, ['sequential']))).run
    writeFileSync(path, 'export default (x) => x + 2\n')
    const { run, events } = await runToEnd(first.config)
    const notice = events.findIndex((e) => e.type === 'notice')
    const start = events.findIndex((e) => e.type === 'run-start')
    expect(notice).toBeGreaterThanOrEqual(0)
    expect(notice).toBeLessThan(start)
    expect((events[notice] as Extract<LabEvent, { type: 'notice' }>).message).toMatch(
      /^changing\.mjs changed since the run it repeats \(SHA-256 [0-9a-f]{12}… then, [0-9a-f]{12}… now\)/,
    )
    expect(run.config.userScript!.sha256).not.toBe(first.config.userScript!.sha256)
    expect(run.checksum).not.toBe(first.checksum)
  })

  it('only regular .py, .mjs or .js files are run; others are refused with the reason', async () => {
    const host = makeHost()
    try {
      const refuse = (path: string) => host.startRun(user(path, 'work', { range: 1 }, ['py-sequential']))
      await expect(refuse(join(scratch, 'notes.txt'))).rejects.toThrow('must name a .py, .mjs or .js file')
      await expect(refuse(join(scratch, 'missing.py'))).rejects.toThrow('script missing.py: there is no such file')
      const folder = join(scratch, 'folder.py')
      mkdirSync(folder, { recursive: true })
      await expect(refuse(folder)).rejects.toThrow('script folder.py must be a regular file')
    } finally {
      await host.shutdown()
    }
  })
})

describe.skipIf(noPython)('inspectScript', () => {
  it('lists a Python file’s functions with ast, without running it', async () => {
    const marker = join(scratch, 'inspect-marker.txt')
    const script = join(scratch, 'side_effect.py')
    writeFileSync(
      script,
      `open(${JSON.stringify(marker)}, 'w').write('ran')\n\ndef fetch_one(x):\n    return x\n\nasync def later(x):\n    return x\n`,
    )
    const host = makeHost()
    try {
      const info = await host.inspectScript(script)
      expect(info).toMatchObject({ runtime: 'python', path: script })
      expect(info.functions).toEqual([
        { name: 'fetch_one', async: false },
        { name: 'later', async: true },
      ])
      expect(info.sha256).toMatch(/^[0-9a-f]{64}$/)
      expect(existsSync(marker)).toBe(false)
      const broken = join(scratch, 'broken.py')
      writeFileSync(broken, 'def work(x)\n    return x\n')
      await expect(host.inspectScript(broken)).rejects.toThrow(/^script broken\.py cannot be parsed: SyntaxError/)
      const module = await host.inspectScript(fixture('square.mjs'))
      expect(module.functions).toEqual([{ name: 'default', async: false }])
    } finally {
      await host.shutdown()
    }
  })
})

describe('concurrency-lab run --script', () => {
  const dataDir = join(scratch, 'library')
  const cli = (...args: string[]) =>
    spawnSync(process.execPath, [join(root, 'bin/concurrency-lab.js'), ...args], {
      encoding: 'utf8',
      timeout: 60_000,
      env: { ...process.env, CONCURRENCY_LAB_DATA_DIR: dataDir },
    })

  it.each([
    [['--script', 'notes.txt', '--range', '3'], '--script must name a .py, .mjs or .js file'],
    [['--script', 'work.py', '--range', '3'], '--function is required with a .py script'],
    [['--script', 'work.mjs', '--range', '3', '--inputs', 'a.json'], 'needs one of --inputs FILE'],
    [['--script', 'work.mjs'], 'needs one of --inputs FILE'],
    [['--script', 'work.mjs', '--range', '0'], '--range must be an integer from 1 to 10,000'],
    [['--function', 'f', '-w', 'noop'], '--function goes with --script'],
    [
      ['--script', join(scratch, 'absent.py'), '--function', 'f', '--range', '2'],
      'script absent.py: there is no such file',
    ],
    [
      ['--script', join(root, 'resources/examples/fetch.mjs'), '--range', '2', '-s', 'py-threads'],
      'py-threads runs Python',
    ],
  ])('%j is refused with one line naming what was wrong', (args, message) => {
    const result = cli('run', '--no-autosave', ...args)
    expect(result.status).toBe(2)
    expect(result.stderr.trim().split('\n')).toHaveLength(1)
    expect(result.stderr).toContain(message)
  })

  it('an inputs file that is not JSON is refused with the line that is wrong', () => {
    const inputs = join(scratch, 'bad-inputs.jsonl')
    writeFileSync(inputs, '1\n2\n{oops\n')
    const result = cli('run', '--no-autosave', '--script', fixture('square.mjs'), '--inputs', inputs)
    expect(result.status).toBe(2)
    expect(result.stderr.trim()).toBe(
      'error: inputs file bad-inputs.jsonl line 3 is not JSON (use a JSON array or one value a line)',
    )
  })

  it('a session naming a script stores its path and hash, never its code, and never runs it on open', () => {
    const marker = join(scratch, 'marker.txt')
    const script = join(scratch, 'marks.mjs')
    writeFileSync(
      script,
      `import { appendFileSync } from 'node:fs'\nappendFileSync(${JSON.stringify(marker)}, 'loaded\\n')\nexport default (x) => x\n`,
    )
    const out = join(scratch, 'marks-session.json')
    const ran = cli(
      'run',
      '--script',
      script,
      '--range',
      '3',
      '-s',
      'threads',
      '-n',
      '2',
      '-r',
      '1',
      '--warmup',
      '0',
      '-o',
      out,
    )
    expect(ran.status).toBe(0)
    expect(readFileSync(marker, 'utf8')).toContain('loaded')
    rmSync(marker)
    const saved = readFileSync(out, 'utf8')
    expect(saved).toContain(script)
    expect(saved).toMatch(/"sha256": ?"[0-9a-f]{64}"/)
    expect(saved).not.toContain('appendFileSync')
    for (const args of [['show', out], ['export', out, '-f', 'md'], ['sessions'], ['show', out, '--json']]) {
      expect(cli(...args).status).toBe(0)
    }
    expect(existsSync(marker)).toBe(false)
  })
})
