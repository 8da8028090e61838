"""Concurrency Lab's Python runner: one child of the lab that runs a trial's tasks in CPython.

It speaks the lab's task protocol (src/shared/protocol.ts) as JSON lines: messages from the lab
on stdin, replies on stdout. `init` says which strategy to use:

  sequential  one thread runs the tasks one after another
  threads     concurrent.futures.ThreadPoolExecutor with W threads
  processes   concurrent.futures.ProcessPoolExecutor with W processes; each `tasks` message
              from the lab is one chunk, so the lab's chunk size is the pool's chunk size
  asyncio     one event loop; waits are awaited, CPU work runs inline and blocks the loop
  uvloop      the same on uvloop's event loop (libuv)
  generators  a round-robin scheduler of generator-based coroutines on one thread (PEP 342/380,
              the pre-asyncio way): each task yields after each step of work; W tasks in flight
  generators-greedy  the same, but the first task of each batch never yields in its CPU work
  gevent      a gevent.pool.Pool of W greenlets on one thread; the standard library is
              monkey-patched at start-up, so the kernels' blocking calls yield to other greenlets
  twisted     the Twisted reactor on the main thread: Agent for HTTP, deferLater for sleep,
              deferToThread (a pool of W threads) for file I/O; CPU work runs on the reactor

gevent and twisted are chosen when the process starts (the lab's executor sets
CONCURRENCY_LAB_PYTHON_MODE), because gevent must patch the standard library before anything
imports threading or socket, and the reactor must own the main thread. Only those modes import
their framework; every other mode is standard library only.

With `python.heartbeatMs` in init, a heartbeat ticks every that many ms on the scheduler that
runs the tasks (the event loop, the generator scheduler, the reactor; a thread beside the pool
for the thread and process modes) and records how late each tick fired; each `usage` reply
carries the lateness seen since the last one (µs, at most HEARTBEAT_CAP values).

Results stream back as `done` batches. Times are microseconds since the run's clock origin on
the epoch clock, the same clock the Node side uses. Python 3.8+; standard library only outside
the framework modes.
"""
import os
import sys

if sys.version_info < (3, 8):
    sys.stderr.write('the Concurrency Lab runner needs Python 3.8 or newer, this is {}\n'.format(sys.version.split()[0]))
    sys.exit(3)

# The mode this process was started for, set by the lab's Python executor ('' when not told).
STARTUP_MODE = os.environ.get('CONCURRENCY_LAB_PYTHON_MODE', '')
# Why the framework of STARTUP_MODE could not be loaded; the mode then fails at init with it.
STARTUP_ERROR = None
if STARTUP_MODE == 'gevent':
    # First, before the imports below: threading, socket, time.sleep… must be gevent's, and a
    # process that runs any other mode is never patched.
    try:
        from gevent import monkey

        monkey.patch_all()
    except Exception as error:  # e.g. gevent 22.10 on Python 3.13
        STARTUP_ERROR = error

import asyncio
import collections
import concurrent.futures
import heapq
import itertools
import json
import multiprocessing
import queue
import threading
import time

import kernels
import user_code

MAX_BATCH = 256
# Most heartbeat lateness values kept between two `usage` requests (10 minutes of 10 ms ticks).
HEARTBEAT_CAP = 60_000


class Heartbeat:
    """How late each tick of a periodic timer fired, in µs; whoever runs the timer calls tick()."""

    def __init__(self, interval_ms):
        self.interval = interval_ms / 1000
        self.lock = threading.Lock()
        self.late = []
        self.due = None

    def first_due(self):
        """When the first tick is due (monotonic seconds); ticks() then says when the next is."""
        self.due = time.monotonic() + self.interval
        return self.due

    def tick(self):
        """Records this tick's lateness and returns when the next is due: one interval after this
        tick fired, so a scheduler blocked for a long time shows one late tick, not a burst."""
        fired = time.monotonic()
        with self.lock:
            late = max(0, int((fired - self.due) * 1_000_000))
            if len(self.late) < HEARTBEAT_CAP:
                self.late.append(late)
            self.due = fired + self.interval
            return self.due

    def take(self):
        """The lateness recorded so far. A tick overdue now counts with its wait so far and its
        lateness starts again from now, so a trial shorter than one blocked task still shows it."""
        with self.lock:
            now = time.monotonic()
            due = self.due
            if due is not None and now > due and len(self.late) < HEARTBEAT_CAP:
                self.late.append(int((now - due) * 1_000_000))
                self.due = now
            late, self.late = self.late, []
        return late

    def run_on_thread(self):
        """A thread beside the workers that ticks: the OS preempts the workers to run it (under
        the GIL, it waits for the switch interval)."""
        def loop():
            due = self.first_due()
            while True:
                time.sleep(max(0.0, due - time.monotonic()))
                due = self.tick()

        threading.Thread(target=loop, name='lab-heartbeat', daemon=True).start()


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
        self.init_python = init['python']
        # False where the pool's processes cannot be read from here (a user's Dask cluster).
        self.measured = True
        self.out = out
        self.lock = threading.Lock()
        self.unfinished = 0
        interval = init['python'].get('heartbeatMs')
        self.heartbeat = Heartbeat(interval) if interval else None

    def start(self):
        """Starts the pool, so that start-up cost is not part of the first trial."""

    def start_heartbeat(self):
        """Ticks the heartbeat on the scheduler that runs the tasks; by default a thread beside
        the pool (threads and processes are preempted by the OS, so it runs on time)."""
        self.heartbeat.run_on_thread()

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

    def _chunk_outcome(self, future, tasks):
        """The outcome of a chunk sent to a pool process or a Dask worker, or None once its failure
        (the process died, or the chunk could not be sent) is reported against its first task."""
        try:
            return future.result()
        except BaseException as error:
            self.out.failed(tasks[0]['id'], kernels.describe_error(error))
            self._count(-len(tasks))
            return None

    def _report_chunk(self, tasks, results, failure, worker, shift=0):
        """Reports a chunk's results (times moved by `shift` µs onto the lab's clock) and the
        failure that ended it early, if any."""
        for task_id, checksum, start, end, task_cpu in results:
            self.out.result(task_id, checksum, start - shift, end - shift, task_cpu, worker)
        if failure is not None:
            self.out.failed(failure[0], failure[1])
        self._count(-len(tasks))

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
        # The executor makes its threads as tasks arrive: start all W now, each held at a barrier
        # until every one exists, so the first trial does not pay for creating them.
        gate = threading.Barrier(self.workers + 1)
        started = [self.pool.submit(gate.wait, 30) for _ in range(self.workers)]
        gate.wait(30)
        for future in started:
            future.result()

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
        outcome = self._chunk_outcome(future, tasks)
        if outcome is None:
            return
        pid, results, failure, cpu, rss = outcome
        self._report_chunk(tasks, results, failure, self._seen(pid, cpu, rss))

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
    def new_loop(self):
        return asyncio.new_event_loop()

    def start(self):
        self.running = set()
        self.loop = self.new_loop()
        threading.Thread(target=self.loop.run_forever, name='asyncio', daemon=True).start()

    def start_heartbeat(self):
        # On the loop itself: a CPU-bound task running inline holds the tick back until it ends.
        def tick():
            self.loop.call_at(self._loop_time(self.heartbeat.tick()), tick)

        def first():
            self.loop.call_at(self._loop_time(self.heartbeat.first_due()), tick)

        self.loop.call_soon_threadsafe(first)

    def _loop_time(self, monotonic_due):
        return self.loop.time() + (monotonic_due - time.monotonic())

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


class Generators(Strategy):
    """A round-robin scheduler of generator-based coroutines on one thread, the way cooperative
    multitasking was written in Python before asyncio (PEP 342 send/yield, PEP 380 yield from).
    Each task is kernels.run_task_steps: a generator that yields after each step of work, or
    yields ('sleep', s) to wait on the timer heap. W tasks are in flight; the rest queue. The
    heartbeat is a timer of the same heap, so it fires only between steps."""

    greedy = False

    def start(self):
        self.inbox = queue.SimpleQueue()
        threading.Thread(target=self._loop, name='generators', daemon=True).start()

    def start_heartbeat(self):
        pass  # the scheduler loop runs it (see _loop)

    def submit(self, tasks):
        self._count(len(tasks))
        self.inbox.put(tasks)

    def new_trial(self):
        self.inbox.put(None)

    def _begin(self, task):
        greedy = self.greedy and not self.greedy_started
        self.greedy_started = self.greedy_started or greedy
        gen = kernels.run_task_steps(self.workload, task['input'], self.fixtures, greedy=greedy)
        return [task, gen, kernels.now_us(self.origin)]

    def _finish(self, entry, checksum=None, error=None):
        task = entry[0]
        if error is not None:
            self.out.failed(task['id'], kernels.describe_error(error))
        else:
            # Every task shares one thread, so thread CPU time means nothing per task.
            self.out.result(task['id'], checksum, entry[2], kernels.now_us(self.origin), None, 0)
        self._count(-1)

    def _loop(self):
        ready = collections.deque()    # tasks in flight that may take a step now
        waiting = collections.deque()  # tasks not started yet (more than W were sent)
        timers = []                    # heap of (due, seq, entry); entry None is the heartbeat
        seq = itertools.count()
        in_flight = 0
        self.greedy_started = False
        if self.heartbeat is not None:
            heapq.heappush(timers, (self.heartbeat.first_due(), next(seq), None))
        while True:
            # New tasks from the protocol reader; block only when there is nothing to step.
            block = not ready
            timeout = None if not timers else max(0.0, timers[0][0] - time.monotonic())
            while True:
                try:
                    batch = self.inbox.get(block, timeout) if block else self.inbox.get_nowait()
                except queue.Empty:
                    break
                if batch is None:
                    self.greedy_started = False  # a new trial: its first task may be greedy
                    continue
                waiting.extend(batch)
                block = False
            while waiting and in_flight < self.workers:
                ready.append(self._begin(waiting.popleft()))
                in_flight += 1
            now = time.monotonic()
            while timers and timers[0][0] <= now:
                _, _, entry = heapq.heappop(timers)
                if entry is None:
                    heapq.heappush(timers, (self.heartbeat.tick(), next(seq), None))
                else:
                    ready.append(entry)
            if not ready:
                continue
            entry = ready.popleft()
            try:
                request = next(entry[1])
            except StopIteration as stop:
                in_flight -= 1
                self._finish(entry, checksum=stop.value)
                continue
            except Exception as error:  # the task's failure, reported to the lab
                in_flight -= 1
                self._finish(entry, error=error)
                continue
            if request is None:
                ready.append(entry)  # round robin: to the back of the line
            else:
                heapq.heappush(timers, (time.monotonic() + request[1], next(seq), entry))


class GreedyGenerators(Generators):
    """py-generators where the first task of each trial never yields in its CPU work: it holds
    the scheduler for its whole length, and every other task (and the heartbeat) waits."""

    greedy = True


class Uvloop(AsyncioLoop):
    """py-asyncio on uvloop's event loop (libuv underneath); the tasks are the same coroutines."""

    def new_loop(self):
        import uvloop

        return uvloop.new_event_loop()


def startup_failure(mode):
    return RuntimeError('{} could not be loaded on Python {}: {}'.format(
        mode, '.'.join(map(str, sys.version_info[:3])), kernels.describe_error(STARTUP_ERROR)))


class Gevent(Strategy):
    """A pool of W greenlets on one thread. The standard library was patched at start-up, so
    the kernels' own blocking code (http.client, time.sleep) waits cooperatively; CPU work runs
    in one greenlet at a time. Disk files are always "ready", so file tasks go to gevent's
    thread pool, as py-asyncio sends them to a thread."""

    def start(self):
        if STARTUP_ERROR is not None:
            raise startup_failure('gevent')
        import gevent
        import gevent.pool
        import gevent.queue

        self.hub = gevent.get_hub()
        self.pool = gevent.pool.Pool(self.workers)
        self.waiting = gevent.queue.Queue()
        self.feeder = gevent.spawn(self._feed)

    def _feed(self):
        # Pool.spawn waits for a free greenlet; the protocol's reader must never wait for that.
        while True:
            self.pool.spawn(self._run, self.waiting.get())

    def _run(self, task):
        start = kernels.now_us(self.origin)
        task_input = task['input']
        try:
            if task_input['kind'] == 'file':
                checksum = self.hub.threadpool.apply(kernels.run_task, (self.workload, task_input, self.fixtures))
            else:
                checksum = kernels.run_task(self.workload, task_input, self.fixtures)
        except Exception as error:  # the task's failure, reported to the lab
            self.out.failed(task['id'], kernels.describe_error(error))
        else:
            # Every greenlet shares one thread, so thread CPU time means nothing per task.
            self.out.result(task['id'], checksum, start, kernels.now_us(self.origin), None, 0)
        finally:
            self._count(-1)

    def submit(self, tasks):
        self._count(len(tasks))
        for task in tasks:
            self.waiting.put(task)

    def close(self):
        self.feeder.kill(block=False)
        self.pool.kill(block=False)


class Twisted(Strategy):
    """The Twisted reactor, which owns the main thread (see serve_beside_reactor): HTTP through
    Twisted's own non-blocking Agent, sleeps as deferLater, file I/O through deferToThread on the
    reactor's thread pool of W threads; CPU work runs on the reactor and blocks it."""

    def start(self):
        if STARTUP_ERROR is not None:
            raise startup_failure('twisted')
        from twisted.internet import reactor

        self.reactor = reactor
        # init arrives on the protocol's reader thread: everything Twisted happens on the reactor.
        reactor.callFromThread(self._start_on_reactor)

    def start_heartbeat(self):
        # On the reactor: CPU work running on it holds the tick back until it ends.
        def tick():
            self.reactor.callLater(max(0.0, self.heartbeat.tick() - time.monotonic()), tick)

        def first():
            self.reactor.callLater(max(0.0, self.heartbeat.first_due() - time.monotonic()), tick)

        self.reactor.callFromThread(first)

    def _start_on_reactor(self):
        from twisted.web.client import Agent

        self.reactor.suggestThreadPoolSize(self.workers)
        self.agent = Agent(self.reactor)

    def submit(self, tasks):
        self._count(len(tasks))
        self.reactor.callFromThread(self._start_tasks, tasks)

    def _start_tasks(self, tasks):
        from twisted.internet import defer

        for task in tasks:
            start = kernels.now_us(self.origin)
            d = defer.maybeDeferred(self._task, task['input'])
            d.addCallbacks(self._done, self._failed, callbackArgs=(task, start), errbackArgs=(task,))

    def _task(self, task):
        from twisted.internet import task as twisted_task
        from twisted.internet import threads

        kind = task['kind']
        if kind == 'sleep':
            return twisted_task.deferLater(self.reactor, task['duration'] / 1000, lambda: task['index'] + 1)
        if kind == 'http':
            base = kernels.need_fixture(self.fixtures, 'httpUrl', 'the http fixture was not started for this run')
            d = self._fetch(base, task['index'], task['latency'], task['payload'])
            return d.addCallback(kernels.http_checksum, task['rounds'])
        if kind == 'file':
            directory = kernels.need_fixture(self.fixtures, 'tempDir', 'no temp folder was made for this run')
            return threads.deferToThread(kernels.file_task, directory, task['index'], task['size'])
        return kernels.run_task(self.workload, task, self.fixtures)

    def _fetch(self, base, index, latency, payload):
        from twisted.web.client import readBody

        url = base.rstrip('/') + kernels.payload_path(index, payload, latency)

        def read(response):
            if response.code != 200:
                raise RuntimeError('GET {} answered {}'.format(url, response.code))
            return readBody(response)

        return self.agent.request(b'GET', url.encode('ascii')).addCallback(read)

    def _done(self, checksum, task, start):
        self.out.result(task['id'], checksum, start, kernels.now_us(self.origin), None, 0)
        self._count(-1)

    def _failed(self, failure, task):
        self.out.failed(task['id'], kernels.describe_error(failure.value))
        self._count(-1)


# The runner's modes: PythonMode in src/shared/catalog.ts names the same ones.
class Dask(Strategy):
    """Dask distributed: a LocalCluster the runner starts and closes (W worker processes, one
    thread each, no dashboard), or the user's cluster at init's python.scheduler, which the runner
    only connects to and never stops. Each chunk is one Dask task running kernels.run_dask_chunk (one lane per worker thread).
    Local workers share the runner's clock; a user's workers may not, so their times are shifted
    by each worker's clock offset, measured at start (and for a worker that joins later). CPU time and
    memory are summed over a local cluster's nanny and worker processes; a remote cluster's are
    not measured (its processes may be on other machines), and the lab says so."""

    # How long the client waits for a user's scheduler to answer before the run fails.
    CONNECT_TIMEOUT_S = 5

    def start(self):
        from dask.distributed import Client

        self.scheduler = self.init_python.get('scheduler') or None
        self.cluster = None
        self.measured = self.scheduler is None
        if self.scheduler is None:
            from dask.distributed import LocalCluster

            here = os.path.dirname(os.path.abspath(__file__))
            os.environ['PYTHONPATH'] = here + os.pathsep + os.environ.get('PYTHONPATH', '')
            self.cluster = LocalCluster(n_workers=self.workers, threads_per_worker=1, processes=True,
                                        dashboard_address=None)
            self.client = Client(self.cluster)
        else:
            self.client = connect_scheduler(Client, self.scheduler, self.CONNECT_TIMEOUT_S)
            try:
                check_versions(self.client, self.scheduler)
                # The user's workers cannot import the lab's kernels: send them the modules, the
                # ones kernels imports first.
                self.client.upload_file(os.path.abspath(user_code.__file__))
                self.client.upload_file(os.path.abspath(kernels.__file__))
            except BaseException:
                self.client.close()
                raise
        self.index = {}
        self.cpu = {}
        self.rss = {}
        # One timeline lane per worker thread: a worker process's first thread has the lane
        # numbered by its pid here; any other thread it runs gets a lane of its own when first seen.
        for pid in sorted(self.client.run(os.getpid).values()):
            self.index[pid] = len(self.index)
        self.first_thread = {}
        # The worker processes alive now: a later look that misses one means it was lost.
        self.live = set(self.index)
        # pid -> (worker clock minus ours, half the round trip), µs; empty for a local cluster.
        self.offsets = {}
        self.durations = []
        self.offset_noted = False
        if self.scheduler is not None:
            self._measure_offsets()

    def _measure_offsets(self):
        """Each worker's epoch clock minus ours, from the best of 3 round trips; half that round
        trip is the uncertainty. A worker on another machine may disagree with the lab's clock."""
        pids = self.client.run(os.getpid)
        best = {}
        for _ in range(3):
            t0 = time.time_ns()
            clocks = self.client.run(time.time_ns)
            t1 = time.time_ns()
            half = (t1 - t0) // 2000
            for address, clock in clocks.items():
                if address in pids and (pids[address] not in best or half < best[pids[address]][1]):
                    best[pids[address]] = ((clock - (t0 + t1) // 2) // 1000, half)
        with self.lock:
            self.offsets.update(best)

    def _note_clock_offsets(self):
        """Says once when the workers' clocks differ from the lab's by more than a typical task
        bar: the timeline's positions then rest on the offsets measured, within their uncertainty."""
        with self.lock:
            if self.offset_noted or not self.offsets or not self.durations:
                return
            durations = sorted(self.durations)
            median = durations[len(durations) // 2]
            worst = max(abs(offset) for offset, _ in self.offsets.values())
            uncertainty = max(half for _, half in self.offsets.values())
            if worst <= median:
                return
            self.offset_noted = True
        self.out.send({'type': 'notice', 'message': (
            'Dask worker clocks differ from the lab\'s by up to {:.2f} ms, more than a typical task bar '
            '({:.2f} ms): the timeline places their tasks by offsets measured at start, to within '
            '{:.2f} ms').format(worst / 1000, median / 1000, uncertainty / 1000)})

    def _note_lost_workers(self):
        """Says so when a worker process the cluster had is gone: its nanny started another, and
        the scheduler ran the lost worker's tasks again (the trial's own result says whether they
        completed)."""
        try:
            alive = set(self.client.run(os.getpid, wait=True).values())
        except Exception:  # the cluster is going down; the trial's error says why
            return
        for pid in sorted(set(self.live) - alive):
            self.out.send({'type': 'notice', 'message': (
                'a Dask worker was lost (process {}): its nanny started another, and the scheduler ran '
                'its tasks again on the workers left'.format(pid))})
        self.live = alive
        if self.scheduler is not None:
            if alive - set(self.offsets):  # a worker that joined since: its clock is measured too
                try:
                    self._measure_offsets()
                except Exception:  # the cluster is going down; the trial's error says why
                    pass
            self._note_clock_offsets()

    def describe_cluster(self):
        """The cluster for the run's fingerprint: its kind, size and the client's package versions."""
        workers = self.client.scheduler_info().get('workers', {})
        packages = self.client.get_versions().get('client', {}).get('packages', {})
        return {
            'kind': 'local' if self.scheduler is None else 'remote',
            **({} if self.scheduler is None else {'address': self.scheduler}),
            'workers': len(workers),
            'threads': sum(int(w.get('nthreads', 0)) for w in workers.values()),
            'versions': {name: str(version) for name, version in packages.items()
                         if name in ('python', 'dask', 'distributed', 'msgpack', 'cloudpickle', 'tornado', 'toolz')
                         and version is not None},
        }

    def submit(self, tasks):
        self._count(len(tasks))
        future = self.client.submit(kernels.run_dask_chunk, self.workload, self.fixtures, self.origin, tasks,
                                    pure=False)
        future.add_done_callback(lambda f: self._chunk_done(f, tasks))

    def _chunk_done(self, future, tasks):
        outcome = self._chunk_outcome(future, tasks)
        if outcome is None:
            return
        pid, results, failure, cpu, rss, thread = outcome
        with self.lock:
            self.cpu[pid] = max(cpu, self.cpu.get(pid, 0))
            self.rss[pid] = max(rss, self.rss.get(pid, 0))
            lane = pid if self.first_thread.setdefault(pid, thread) == thread else (pid, thread)
            worker = self.index.setdefault(lane, len(self.index))
            # Onto the lab's clock; a worker not measured yet (joined mid-trial) is taken as in step.
            shift = self.offsets.get(pid, (0, 0))[0]
            if self.offsets and len(self.durations) < 10000:
                self.durations.extend(end - start for _, _, start, end, _ in results)
        self._report_chunk(tasks, results, failure, worker, shift)

    def pool_usage(self):
        # Between trials the cluster is idle: /proc gives every process it started (nannies and
        # workers, children of this runner) CPU to the tick; the scheduler runs in this process.
        self._note_lost_workers()
        if not self.measured:
            return 0, 0
        import psutil

        for child in psutil.Process().children(recursive=True):
            cpu = proc_cpu_us(child.pid)
            if cpu is None:
                continue
            with self.lock:
                self.cpu[child.pid] = max(cpu, self.cpu.get(child.pid, 0))
                try:
                    rss = child.memory_info().rss
                except psutil.Error:
                    rss = 0
                self.rss[child.pid] = max(rss, self.rss.get(child.pid, 0))
        with self.lock:
            return sum(self.cpu.values()), sum(self.rss.values())

    def close(self):
        # Only the client for a user's cluster: the lab never stops a cluster it did not start.
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def connect_scheduler(client_class, address, timeout_s):
    """A Client on the user's scheduler, or one line naming the address and the timeout."""
    try:
        return client_class(address, timeout=timeout_s, set_as_default=False)
    except (OSError, TimeoutError) as error:
        raise RuntimeError('the Dask scheduler at {} did not answer within {} s ({})'.format(
            address, timeout_s, type(error).__name__)) from None


def check_versions(client, address):
    """Dask needs the client's distributed and the cluster's to match: say both when they do not."""
    import distributed

    versions = client.get_versions()
    ours = distributed.__version__
    theirs = versions.get('scheduler', {}).get('packages', {}).get('distributed')
    if theirs != ours:
        raise RuntimeError('the Dask scheduler at {} runs distributed {}, the lab\'s Python has {}: '
                           'Dask needs them to match'.format(address, theirs, ours))
    for worker, info in sorted((versions.get('workers') or {}).items()):
        version = (info or {}).get('packages', {}).get('distributed')
        if version != ours:
            raise RuntimeError('Dask worker {} runs distributed {}, the lab\'s Python has {}: '
                               'Dask needs them to match'.format(worker, version, ours))


MODES = {
    'sequential': Sequential,
    'threads': Threads,
    'processes': Processes,
    'asyncio': AsyncioLoop,
    'uvloop': Uvloop,
    'generators': Generators,
    'generators-greedy': GreedyGenerators,
    'gevent': Gevent,
    'twisted': Twisted,
    'dask': Dask,
}
# Modes that must be chosen when the process starts (see STARTUP_MODE).
STARTUP_MODES = ('gevent', 'twisted')


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
    mode = python.get('mode') if isinstance(python, dict) else None
    if mode not in MODES:
        raise ValueError('init needs python.mode, one of {}'.format(', '.join(MODES)))
    if STARTUP_MODE in STARTUP_MODES and mode != STARTUP_MODE:
        raise ValueError('this runner was started for {} and cannot run {}'.format(STARTUP_MODE, mode))
    if mode in STARTUP_MODES and mode != STARTUP_MODE:
        raise ValueError('mode {} is chosen when the runner starts: set CONCURRENCY_LAB_PYTHON_MODE={}'.format(
            mode, mode))
    interval = python.get('switchIntervalMs')
    if interval is not None:
        sys.setswitchinterval(interval / 1000)
    fixtures = init.get('fixtures') or {}
    if fixtures.get('user'):
        # Loaded here first, so a script that cannot load fails the trial before any task starts.
        user_code.load(fixtures['user'], fixtures)
    heartbeat = python.get('heartbeatMs')
    if heartbeat is not None and not (isinstance(heartbeat, (int, float)) and 1 <= heartbeat <= 1000):
        raise ValueError('python.heartbeatMs must be a number of ms from 1 to 1000, got {!r}'.format(heartbeat))
    strategy = MODES[mode](init, out)
    strategy.start()
    if strategy.heartbeat is not None:
        strategy.start_heartbeat()
    return strategy


def protocol_stream():
    """Keeps the real stdout for protocol lines and points fd 1 at stderr, so a stray print
    (ours, a kernel's or a pool process's) cannot corrupt the protocol."""
    fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(fd, 'w', encoding='utf-8')


def protocol_input():
    """The lab's messages as lines of bytes. Under gevent, stdin is read cooperatively, or the
    reader would block the one thread every greenlet runs on."""
    if STARTUP_MODE == 'gevent' and STARTUP_ERROR is None:
        from gevent.fileobject import FileObjectPosix

        return FileObjectPosix(sys.stdin.fileno(), 'rb', close=False)
    return sys.stdin.buffer


class Session:
    """What the protocol loop made: the strategy, once init has arrived."""
    strategy = None


def serve(out, session, lines):
    """Answers the lab's messages until stop or the end of stdin; returns the exit code."""
    try:
        for line in lines:
            if not line.strip():
                continue
            message = json.loads(line)
            kind = message.get('type')
            if kind == 'init':
                session.strategy = make_strategy(message, out)
                ready = {'type': 'ready', 'pid': os.getpid(), 'thread': 0, 'runtime': {
                    'version': '.'.join(map(str, sys.version_info[:3])),
                    'executable': sys.executable,
                    'gil': gil_enabled(),
                    'switchIntervalMs': sys.getswitchinterval() * 1000,
                }}
                describe = getattr(session.strategy, 'describe_cluster', None)
                if describe is not None:
                    ready['cluster'] = describe()
                out.send(ready)
            elif kind == 'tasks':
                if session.strategy is None:
                    raise RuntimeError('tasks arrived before init')
                session.strategy.submit(message['tasks'])
            elif kind == 'usage':
                strategy = session.strategy
                pool_cpu, pool_rss = strategy.pool_usage() if strategy else (0, 0)
                usage = {'type': 'usage', 'cpu': time.process_time_ns() // 1000 + pool_cpu,
                         'maxRss': own_rss_bytes() + pool_rss}
                if strategy is not None and not strategy.measured:
                    usage['measured'] = False
                # The lab asks for usage before each trial: the generator scheduler's greedy task
                # is the first one started after it.
                if strategy is not None and hasattr(strategy, 'new_trial'):
                    strategy.new_trial()
                if strategy is not None and strategy.heartbeat is not None:
                    usage['heartbeat'] = strategy.heartbeat.take()
                out.send(usage)
            elif kind == 'stop':
                break
            else:
                raise ValueError('unknown message type {!r}'.format(kind))
    except Exception as error:
        out.send({'type': 'fatal', 'error': 'the Python runner failed: ' + kernels.describe_error(error)})
        return 1
    return 0


def serve_beside_reactor(out, session):
    """Twisted's reactor runs on the main thread; the protocol is read on a thread of its own,
    which hands work to the reactor with callFromThread and stops it when the lab says stop."""
    global STARTUP_ERROR
    try:
        from twisted.internet import reactor
    except Exception as error:  # the twisted mode fails at init with this
        STARTUP_ERROR = error
        return serve(out, session, protocol_input())
    codes = []

    def read():
        try:
            codes.append(serve(out, session, protocol_input()))
        finally:
            reactor.callFromThread(reactor.stop)

    threading.Thread(target=read, name='lab-input', daemon=True).start()
    # No signal handlers: SIGTERM and SIGKILL from the lab end the process as they do any mode.
    reactor.run(installSignalHandlers=False)
    return codes[0] if codes else 1


def main():
    out = Output(protocol_stream())
    session = Session()
    code = 1
    try:
        if STARTUP_MODE == 'twisted':
            code = serve_beside_reactor(out, session)
        else:
            code = serve(out, session, protocol_input())
    finally:
        # stdin closed (the lab is gone) or stop: end the pool, flush, and exit without waiting
        # for threads that are still inside a task (CPython cannot interrupt them).
        if session.strategy is not None:
            end_pool(session.strategy)
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
