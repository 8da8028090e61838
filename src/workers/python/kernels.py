"""Python ports of the lab's kernels (src/workers/kernels/*.ts), standard library only.

Every kernel returns the same unsigned 32-bit checksum as its TypeScript twin for the same task
input, so a run can compare Node and Python strategies. The CPU kernels are plain bytecode on
purpose (that is what the GIL serialises); sha256 runs in C inside hashlib, which releases the GIL.
"""
import asyncio
import hashlib
import http.client
import os
import sys
import threading
import time
import urllib.parse

import user_code

MASK32 = 0xFFFFFFFF


# ---- CPU-bound -----------------------------------------------------------------------------

def count_primes(lo, hi):
    """Counts primes in [lo, hi) by trial division."""
    count = 0
    for n in range(max(lo, 2), hi):
        if n < 4:
            count += 1
            continue
        if n % 2 == 0:
            continue
        prime = True
        d = 3
        while d * d <= n:
            if n % d == 0:
                prime = False
                break
            d += 2
        if prime:
            count += 1
    return count


def countdown(lo, hi):
    """Decrements a counter from hi - lo to zero; how many steps it took (mod 2^32)."""
    n = hi - lo
    steps = 0
    while n > 0:
        n -= 1
        steps += 1
    return steps & MASK32


def sum_squares(lo, hi):
    """Sum of i*i for i in [lo, hi), every step mod 2^32 (Math.imul semantics)."""
    total = 0
    for i in range(lo, hi):
        total = (total + (i * i & MASK32)) & MASK32
    return total


def mandelbrot_rows(y0, y1, size, iterations):
    """Escape-time iterations summed over rows [y0, y1); same float expressions as the TS kernel."""
    total = 0
    for y in range(y0, y1):
        ci = -1.5 + (3.0 * y) / size
        for x in range(size):
            cr = -2.0 + (3.0 * x) / size
            zr = 0.0
            zi = 0.0
            i = 0
            while i < iterations and zr * zr + zi * zi <= 4.0:
                t = zr * zr - zi * zi + cr
                zi = 2.0 * zr * zi + ci
                zr = t
                i += 1
            total = (total + i) & MASK32
    return total


def make_payload(seed, size):
    """Payload number `seed`: byte i is (i*31 + seed*7 + 11) & 0xff, as catalog.ts payloadByte."""
    # The pattern repeats every 256 bytes, so build one period and repeat it in C.
    period = bytes((i * 31 + seed * 7 + 11) & 0xFF for i in range(256))
    return (period * (size // 256 + 1))[:size]


def chained_sha256(data, rounds):
    """Hashes `data` `rounds` times, each digest chained into the next; first 4 bytes, big-endian."""
    digest = bytes(32)
    for _ in range(rounds):
        h = hashlib.sha256()
        h.update(digest)
        h.update(data)
        digest = h.digest()
    return int.from_bytes(digest[:4], 'big')


def byte_sum(data):
    """Sum of the bytes mod 2^32, the checksum of data the lab reads back."""
    return sum(data) & MASK32


# ---- I/O-bound -----------------------------------------------------------------------------

def payload_path(index, size, latency):
    return '/payload?seed={}&bytes={}&latency={}'.format(index, size, latency)


def fetch_payload(base_url, index, latency, payload):
    """GETs payload `index` from the lab's HTTP fixture and returns the body."""
    url = urllib.parse.urlsplit(base_url)
    path = payload_path(index, payload, latency)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    try:
        conn.request('GET', path)
        response = conn.getresponse()
        body = response.read()
    finally:
        conn.close()
    if response.status != 200:
        raise RuntimeError('GET {}{} answered {}'.format(base_url, path, response.status))
    return body


async def fetch_payload_async(base_url, index, latency, payload):
    """The same GET over asyncio streams: one event loop can wait on many of these at once."""
    url = urllib.parse.urlsplit(base_url)
    path = payload_path(index, payload, latency)
    reader, writer = await asyncio.open_connection(url.hostname, url.port)
    try:
        request = 'GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n'.format(path, url.netloc)
        writer.write(request.encode('ascii'))
        await writer.drain()
        status_line = await reader.readline()
        parts = status_line.split()
        status = int(parts[1]) if len(parts) >= 2 and parts[1].isdigit() else 0
        length = None
        while True:
            line = await reader.readline()
            if line in (b'\r\n', b'\n', b''):
                break
            name, _, value = line.decode('latin-1').partition(':')
            if name.strip().lower() == 'content-length':
                length = int(value.strip())
        body = await (reader.readexactly(length) if length is not None else reader.read())
    finally:
        writer.close()
        try:
            await writer.wait_closed()
        except OSError:
            pass
    if status != 200:
        raise RuntimeError('GET {}{} answered {}'.format(base_url, path, status or status_line[:80]))
    return body


def sleep_task(index, duration):
    time.sleep(duration / 1000)
    return index + 1


def file_task(directory, index, size):
    """Writes payload `index` to a file, reads it back, removes it; the byte sum read."""
    path = os.path.join(directory, 'task-{}.bin'.format(index))
    with open(path, 'wb') as f:
        f.write(make_payload(index, size))
    try:
        with open(path, 'rb') as f:
            back = f.read()
        if len(back) != size:
            raise RuntimeError('read {} bytes back from {}, wrote {}'.format(len(back), path, size))
        return byte_sum(back)
    finally:
        try:
            os.remove(path)
        except FileNotFoundError:
            pass


# ---- dispatch ------------------------------------------------------------------------------

def http_checksum(body, rounds):
    """The checksum of a fetched body: its hash chain when the task hashes it, else its byte sum."""
    return chained_sha256(body, rounds) if rounds > 0 else byte_sum(body)


def need_fixture(fixtures, name, what):
    """The run's fixture `name`; RuntimeError(`what`) when the lab did not make it."""
    value = fixtures.get(name)
    if not value:
        raise RuntimeError(what)
    return value


def run_task(workload, task, fixtures):
    """Runs one task of any workload on the calling thread; returns its uint32 checksum."""
    kind = task['kind']
    if kind == 'range':
        if workload == 'primes':
            return count_primes(task['lo'], task['hi'])
        if workload == 'countdown':
            return countdown(task['lo'], task['hi'])
        if workload == 'sum-squares':
            return sum_squares(task['lo'], task['hi'])
    elif kind == 'rows':
        return mandelbrot_rows(task['y0'], task['y1'], task['size'], task['iterations'])
    elif kind == 'hash':
        return chained_sha256(make_payload(task['index'], task['size']), task['rounds'])
    elif kind == 'noop':
        return task['index']
    elif kind == 'http':
        base = need_fixture(fixtures, 'httpUrl', 'the http fixture was not started for this run')
        body = fetch_payload(base, task['index'], task['latency'], task['payload'])
        return http_checksum(body, task['rounds'])
    elif kind == 'sleep':
        return sleep_task(task['index'], task['duration'])
    elif kind == 'file':
        directory = need_fixture(fixtures, 'tempDir', 'no temp folder was made for this run')
        return file_task(directory, task['index'], task['size'])
    elif kind == 'user':
        return user_code.run(fixtures, task)
    elif kind == 'amdahl':  # serial or parallel part: the lab sends the serial part alone, first
        return sum_squares(task['lo'], task['hi'])
    raise ValueError('workload {} cannot run a {} task'.format(workload, kind))


async def _to_thread(fn, *args):
    # asyncio.to_thread arrived in 3.9; on 3.8 the loop's default executor does the same.
    to_thread = getattr(asyncio, 'to_thread', None)
    if to_thread is not None:
        return await to_thread(fn, *args)
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


async def run_task_async(workload, task, fixtures):
    """The asyncio version: waits are awaited, CPU work runs inline and blocks the loop."""
    kind = task['kind']
    if kind == 'sleep':
        await asyncio.sleep(task['duration'] / 1000)
        return task['index'] + 1
    if kind == 'http':
        base = need_fixture(fixtures, 'httpUrl', 'the http fixture was not started for this run')
        body = await fetch_payload_async(base, task['index'], task['latency'], task['payload'])
        return http_checksum(body, task['rounds'])
    if kind == 'file':
        directory = need_fixture(fixtures, 'tempDir', 'no temp folder was made for this run')
        return await _to_thread(file_task, directory, task['index'], task['size'])
    if kind == 'user':
        return await user_code.run_async(fixtures, task)
    return run_task(workload, task, fixtures)


# ---- stepwise (generator) form, for py-generators ----------------------------------------
#
# Each task is a generator that yields after each step of work (PEP 342/380): `yield None` means
# "let the others run", `yield ('sleep', seconds)` means "wake me when this much time has passed".
# The result is the generator's return value, the same checksum run_task gives.

# Numbers of a range handled per step: each step is about a millisecond or less of CPython.
RANGE_STEP = {'primes': 256, 'countdown': 20_000, 'sum-squares': 10_000}
AMDAHL_STEP = 10_000


def _range_steps(fn, lo, hi, step, greedy):
    total = 0
    for first in range(lo, hi, step):
        total = (total + fn(first, min(hi, first + step))) & MASK32
        if not greedy:
            yield None
    return total


def _rows_steps(task, greedy):
    total = 0
    for y in range(task['y0'], task['y1']):
        total = (total + mandelbrot_rows(y, y + 1, task['size'], task['iterations'])) & MASK32
        if not greedy:
            yield None
    return total


def run_task_steps(workload, task, fixtures, greedy=False):
    """The generator form of run_task. CPU kernels yield every step unless `greedy` (then the
    whole task is one step that never yields); a sleep yields ('sleep', seconds) to the
    scheduler's timer heap. HTTP, file and user tasks have no stepwise form here: they run as one
    blocking step, as a generator scheduler without an I/O selector would run them."""
    kind = task['kind']
    if kind == 'range' and workload in RANGE_STEP:
        fn = {'primes': count_primes, 'countdown': countdown, 'sum-squares': sum_squares}[workload]
        return (yield from _range_steps(fn, task['lo'], task['hi'], RANGE_STEP[workload], greedy))
    if kind == 'amdahl':
        return (yield from _range_steps(sum_squares, task['lo'], task['hi'], AMDAHL_STEP, greedy))
    if kind == 'rows':
        return (yield from _rows_steps(task, greedy))
    if kind == 'sleep':
        yield ('sleep', task['duration'] / 1000)
        return task['index'] + 1
    return run_task(workload, task, fixtures)


# ---- process pool side ---------------------------------------------------------------------

def now_us(origin):
    """Microseconds since `origin` on the shared epoch clock."""
    return time.time_ns() // 1000 - origin


def describe_error(error):
    message = getattr(error, 'lab_message', None)  # user_code's failures say it all themselves
    if message:
        return message
    text = str(error)
    return '{}: {}'.format(type(error).__name__, text) if text else type(error).__name__


def _rss_bytes():
    try:
        import resource
    except ImportError:  # Windows
        return 0
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    # Linux reports KiB, macOS bytes.
    return rss if sys.platform == 'darwin' else rss * 1024


def watch_parent(parent_pid):
    """Pool-process initializer: exit as soon as the runner that started us is gone."""
    def watch():
        while True:
            time.sleep(0.25)
            if os.getppid() != parent_pid:
                os._exit(1)

    threading.Thread(target=watch, name='parent-watch', daemon=True).start()


def pool_hello():
    """Run once per pool process when the pool starts: who it is and what it has used so far."""
    return os.getpid(), time.process_time_ns() // 1000, _rss_bytes()


def run_dask_chunk(workload, fixtures, origin, tasks):
    """run_chunk on a Dask worker thread: the same, with the thread's id, so the timeline gives each
    worker thread its own lane (a user's workers may run several threads each)."""
    return run_chunk(workload, fixtures, origin, tasks) + (threading.get_ident(),)


def run_chunk(workload, fixtures, origin, tasks):
    """Runs one chunk of tasks in a pool process.

    Returns (pid, results, failure, cpu_us, rss): results are (id, checksum, start, end, cpu)
    tuples, failure is (id, message) for the first task that raised (the rest are not run).
    """
    results = []
    failure = None
    for task in tasks:
        start = now_us(origin)
        cpu0 = time.thread_time_ns()
        try:
            checksum = run_task(workload, task['input'], fixtures)
        except Exception as error:  # reported to the lab as this task's failure
            failure = (task['id'], describe_error(error))
            break
        cpu = (time.thread_time_ns() - cpu0) // 1000
        results.append((task['id'], checksum & MASK32, start, now_us(origin), cpu))
    return os.getpid(), results, failure, time.process_time_ns() // 1000, _rss_bytes()
