"""Concurrency Lab's Python runner: one child of the lab that runs a trial's tasks in CPython.

It speaks the lab's task protocol (src/shared/protocol.ts) as JSON lines: messages from the lab
on stdin, replies on stdout. `init` says which strategy to use:

  sequential  one thread runs the tasks one after another
  threads     concurrent.futures.ThreadPoolExecutor with W threads
  processes   concurrent.futures.ProcessPoolExecutor with W processes; each `tasks` message
              from the lab is one chunk, so the lab's chunk size is the pool's chunk size
  asyncio     one event loop; waits are awaited, CPU work runs inline and blocks the loop

Results stream back as `done` batches. Times are microseconds since the run's clock origin on
the epoch clock, the same clock the Node side uses. Standard library only, Python 3.8+.
"""
import sys

if sys.version_info < (3, 8):
    sys.stderr.write('the Concurrency Lab runner needs Python 3.8 or newer, this is {}\n'.format(sys.version.split()[0]))
    sys.exit(3)

import asyncio
import concurrent.futures
import itertools
import json
import multiprocessing
import os
import queue
import threading
import time

import kernels

MAX_BATCH = 256
MODES = ('sequential', 'threads', 'processes', 'asyncio')


class Output:
    """The one writer of protocol lines. Results queue up while the writer is busy and leave
    as one `done` batch, so tiny tasks do not drown in reply messages; order is kept."""

    def __init__(self, stream):
        self.stream = stream
        self.items = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._drain, name='lab-output', daemon=True)
        self.thread.start()

    def send(self, message):
        self.items.put(message)

    def result(self, task_id, checksum, start, end, cpu, worker):
        self.items.put(('done', {'id': task_id, 'checksum': checksum & kernels.MASK32, 'start': start,
                                 'end': end, 'cpu': cpu, 'worker': worker}))

    def failed(self, task_id, error):
        self.items.put({'type': 'failed', 'id': task_id, 'error': error})

    def close(self):
        """Writes out everything queued so far, then stops the writer."""
        self.items.put(None)
        self.thread.join(5)

    def write_line(self, line):
        self.stream.write(line + '\n')
        self.stream.flush()

    def _drain(self):
        item = self.items.get()
        while item is not None:
            if isinstance(item, tuple):
                batch = [item[1]]
                item = None
                while len(batch) < MAX_BATCH:
                    try:
                        item = self.items.get_nowait()
                    except queue.Empty:
                        item = None
                        break
                    if not isinstance(item, tuple):
                        break
                    batch.append(item[1])
                    item = None
                self.write_line(json.dumps({'type': 'done', 'results': batch}))
                if item is None:
                    item = self.items.get()
                continue
            self.write_line(json.dumps(item))
            item = self.items.get()


class Strategy:
    """Runs the tasks of a trial; subclasses pick the concurrency."""

    def __init__(self, init, out):
        self.workload = init['workload']
        self.fixtures = init.get('fixtures') or {}
        self.origin = init['clockOrigin']
        self.workers = init['python']['workers']
        self.out = out
        self.lock = threading.Lock()
        self.unfinished = 0

    def start(self):
        """Starts the pool, so that start-up cost is not part of the first trial."""

    def submit(self, tasks):
        raise NotImplementedError

    def busy(self):
        with self.lock:
            return self.unfinished > 0

    def _count(self, delta):
        with self.lock:
            self.unfinished += delta

    def run_one(self, task, worker):
        """Runs one task on the calling thread and reports it."""
        start = kernels.now_us(self.origin)
        cpu0 = time.thread_time_ns()
        try:
            checksum = kernels.run_task(self.workload, task['input'], self.fixtures)
        except Exception as error:  # the task's failure, reported to the lab
            self.out.failed(task['id'], kernels.describe_error(error))
        else:
            cpu = (time.thread_time_ns() - cpu0) // 1000
            self.out.result(task['id'], checksum, start, kernels.now_us(self.origin), cpu, worker)
        finally:
            self._count(-1)

    def pool_usage(self):
        """CPU µs and peak RSS bytes of pool processes (none outside `processes`)."""
        return 0, 0

    def close(self):
        """Stops politely when idle; running threads cannot be interrupted, so the caller exits."""


class Sequential(Strategy):
    def start(self):
        self.queue = queue.SimpleQueue()
        threading.Thread(target=self._loop, name='sequential', daemon=True).start()

    def _loop(self):
        while True:
            self.run_one(self.queue.get(), 0)

    def submit(self, tasks):
        self._count(len(tasks))
        for task in tasks:
            self.queue.put(task)


class Threads(Strategy):
    def start(self):
        indices = itertools.count()
        local = threading.local()
        self.local = local

        def name_thread():
            local.index = next(indices)

        self.pool = concurrent.futures.ThreadPoolExecutor(self.workers, 'py-thread', initializer=name_thread)

    def _run(self, task):
        self.run_one(task, self.local.index)

    def submit(self, tasks):
        self._count(len(tasks))
        for task in tasks:
            self.pool.submit(self._run, task)

    def close(self):
        self.pool.shutdown(wait=False)


class Processes(Strategy):
    def start(self):
        # spawn: the same on every OS, and safe in a process that already runs threads.
        context = multiprocessing.get_context('spawn')
        self.pool = concurrent.futures.ProcessPoolExecutor(
            self.workers, mp_context=context, initializer=kernels.watch_parent, initargs=(os.getpid(),))
        self.cpu = {}
        self.rss = {}
        self.index = {}
        # Starting W processes now keeps their start-up out of the trials.
        hellos = [self.pool.submit(kernels.pool_hello) for _ in range(self.workers)]
        for hello in hellos:
            pid, cpu, rss = hello.result()
            self._seen(pid, cpu, rss)
        for child in sorted(multiprocessing.active_children(), key=lambda p: p.pid):
            self.index.setdefault(child.pid, len(self.index))

    def _seen(self, pid, cpu, rss):
        with self.lock:
            self.cpu[pid] = max(cpu, self.cpu.get(pid, 0))
            self.rss[pid] = max(rss, self.rss.get(pid, 0))
            return self.index.setdefault(pid, len(self.index))

    def submit(self, tasks):
        self._count(len(tasks))
        future = self.pool.submit(kernels.run_chunk, self.workload, self.fixtures, self.origin, tasks)
        future.add_done_callback(lambda f: self._chunk_done(f, tasks))

    def _chunk_done(self, future, tasks):
        try:
            pid, results, failure, cpu, rss = future.result()
        except BaseException as error:  # a pool process died, or the chunk could not be sent
            self.out.failed(tasks[0]['id'], kernels.describe_error(error))
            self._count(-len(tasks))
            return
        worker = self._seen(pid, cpu, rss)
        for task_id, checksum, start, end, task_cpu in results:
            self.out.result(task_id, checksum, start, end, task_cpu, worker)
        if failure is not None:
            self.out.failed(failure[0], failure[1])
        self._count(-len(tasks))

    def pool_usage(self):
        # Between trials the pool is idle; /proc then gives each process's CPU to the tick.
        for child in multiprocessing.active_children():
            cpu = proc_cpu_us(child.pid)
            if cpu is not None:
                self._seen(child.pid, cpu, 0)
        with self.lock:
            return sum(self.cpu.values()), sum(self.rss.values())

    def close(self):
        if not self.busy():
            self.pool.shutdown(wait=True)


class AsyncioLoop(Strategy):
    def start(self):
        self.running = set()
        self.loop = asyncio.new_event_loop()
        threading.Thread(target=self.loop.run_forever, name='asyncio', daemon=True).start()

    async def _run(self, task):
        start = kernels.now_us(self.origin)
        try:
            checksum = await kernels.run_task_async(self.workload, task['input'], self.fixtures)
        except Exception as error:  # the task's failure, reported to the lab
            self.out.failed(task['id'], kernels.describe_error(error))
        else:
            # Thread CPU time means nothing per task here: every task shares the loop's thread.
            self.out.result(task['id'], checksum, start, kernels.now_us(self.origin), None, 0)
        finally:
            self._count(-1)

    def submit(self, tasks):
        self._count(len(tasks))
        for task in tasks:
            # The loop holds tasks only weakly: keep each until it is done, or the garbage
            # collector may close a task that is waiting.
            future = asyncio.run_coroutine_threadsafe(self._run(task), self.loop)
            with self.lock:
                self.running.add(future)
            future.add_done_callback(self._forget)

    def _forget(self, future):
        with self.lock:
            self.running.discard(future)


def proc_cpu_us(pid):
    """User + system CPU µs of a live process from /proc (Linux), or None."""
    try:
        with open('/proc/{}/stat'.format(pid)) as f:
            fields = f.read().rsplit(')', 1)[1].split()
    except (OSError, IndexError):
        return None
    ticks = int(fields[11]) + int(fields[12])
    return ticks * 1_000_000 // os.sysconf('SC_CLK_TCK')


def own_rss_bytes():
    try:
        import resource
    except ImportError:
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return rss if sys.platform == 'darwin' else rss * 1024


def gil_enabled():
    check = getattr(sys, '_is_gil_enabled', None)
    return True if check is None else bool(check())


def make_strategy(init, out):
    python = init.get('python')
    if not isinstance(python, dict) or python.get('mode') not in MODES:
        raise ValueError('init needs python.mode, one of {}'.format(', '.join(MODES)))
    interval = python.get('switchIntervalMs')
    if interval is not None:
        sys.setswitchinterval(interval / 1000)
    kind = {'sequential': Sequential, 'threads': Threads, 'processes': Processes, 'asyncio': AsyncioLoop}
    strategy = kind[python['mode']](init, out)
    strategy.start()
    return strategy


def protocol_stream():
    """Keeps the real stdout for protocol lines and points fd 1 at stderr, so a stray print
    (ours, a kernel's or a pool process's) cannot corrupt the protocol."""
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, 'w', encoding='utf-8')


def main():
    out = Output(protocol_stream())
    strategy = None
    code = 0
    try:
        for line in sys.stdin.buffer:
            if not line.strip():
                continue
            message = json.loads(line)
            kind = message.get('type')
            if kind == 'init':
                strategy = make_strategy(message, out)
                out.send({'type': 'ready', 'pid': os.getpid(), 'thread': 0, 'runtime': {
                    'version': '.'.join(map(str, sys.version_info[:3])),
                    'executable': sys.executable,
                    'gil': gil_enabled(),
                    'switchIntervalMs': sys.getswitchinterval() * 1000,
                }})
            elif kind == 'tasks':
                if strategy is None:
                    raise RuntimeError('tasks arrived before init')
                strategy.submit(message['tasks'])
            elif kind == 'usage':
                pool_cpu, pool_rss = strategy.pool_usage() if strategy else (0, 0)
                out.send({'type': 'usage', 'cpu': time.process_time_ns() // 1000 + pool_cpu,
                          'maxRss': own_rss_bytes() + pool_rss})
            elif kind == 'stop':
                break
            else:
                raise ValueError('unknown message type {!r}'.format(kind))
    except Exception as error:
        out.send({'type': 'fatal', 'error': 'the Python runner failed: ' + kernels.describe_error(error)})
        code = 1
    finally:
        # stdin closed (the lab is gone) or stop: end the pool, flush, and exit without waiting
        # for threads that are still inside a task (CPython cannot interrupt them).
        if strategy is not None:
            end_pool(strategy)
        out.close()
        sys.stderr.flush()
        os._exit(code)


def end_pool(strategy):
    try:
        strategy.close()
    finally:
        for child in multiprocessing.active_children():
            child.kill()
            child.join(1)


if __name__ == '__main__':
    main()
