"""The Python variants of the race lab (src/shared/contention.ts), standard library only.

    python contention.py '{"variant": "py-yield", "workers": 2, "increments": 20000}'

Starts W threads (or W processes for the multiprocessing.Value variants) behind a barrier so they
overlap, lets each add 1 to one shared counter T times, joins every one of them and prints one
JSON line: {"type": "result", "variant", "expected", "got", "wallMs", "waitMs", "runtime", "version"}.
waitMs is the time the workers spent blocked on the lock (only when a non-blocking acquire failed,
so the uncontended path is not slowed by the clock), summed over workers; null without a lock.
"""
import json
import multiprocessing
import platform
import sys
import threading
import time

counter = 0


def thread_worker(variant, increments, barrier, lock, waits, index):
    global counter
    barrier.wait()
    waited = 0.0
    if variant == 'py-increment':
        for _ in range(increments):
            counter += 1
    elif variant == 'py-yield':
        for _ in range(increments):
            v = counter
            time.sleep(0)
            counter = v + 1
    elif variant == 'py-lock':
        clock = time.perf_counter
        for _ in range(increments):
            if not lock.acquire(False):
                t0 = clock()
                lock.acquire()
                waited += clock() - t0
            try:
                v = counter
                time.sleep(0)
                counter = v + 1
            finally:
                lock.release()
    waits[index] = waited


def process_worker(variant, increments, barrier, value, waits, index):
    barrier.wait()
    waited = 0.0
    if variant == 'py-value':
        for _ in range(increments):
            value.value += 1
    else:
        lock = value.get_lock()
        clock = time.perf_counter
        for _ in range(increments):
            if not lock.acquire(False):
                t0 = clock()
                lock.acquire()
                waited += clock() - t0
            try:
                value.value += 1
            finally:
                lock.release()
    waits[index] = waited


def run(variant, workers, increments):
    global counter
    counter = 0
    if variant in ('py-increment', 'py-yield', 'py-lock'):
        # The main thread is the barrier's last party: it starts the clock as it releases them.
        barrier = threading.Barrier(workers + 1)
        lock = threading.Lock()
        waits = [0.0] * workers
        threads = [
            threading.Thread(target=thread_worker, args=(variant, increments, barrier, lock, waits, i))
            for i in range(workers)
        ]
        for t in threads:
            t.start()
        barrier.wait()
        start = time.perf_counter()
        for t in threads:
            t.join()
        wall = time.perf_counter() - start
        got = counter
        wait_total = sum(waits)
    elif variant in ('py-value', 'py-value-lock'):
        ctx = multiprocessing.get_context('fork' if 'fork' in multiprocessing.get_all_start_methods() else 'spawn')
        barrier = ctx.Barrier(workers + 1)
        value = ctx.Value('q', 0)
        waits = ctx.Array('d', workers)
        procs = [
            ctx.Process(target=process_worker, args=(variant, increments, barrier, value, waits, i))
            for i in range(workers)
        ]
        for p in procs:
            p.start()
        try:
            barrier.wait()
            start = time.perf_counter()
            for p in procs:
                p.join()
            wall = time.perf_counter() - start
        finally:
            for p in procs:
                if p.is_alive():
                    p.terminate()
                    p.join()
        bad = [p.exitcode for p in procs if p.exitcode != 0]
        if bad:
            raise RuntimeError('a worker process exited with code %s' % bad[0])
        got = value.value
        wait_total = sum(waits[:])
    else:
        raise ValueError('unknown Python variant %r' % (variant,))
    return {
        'type': 'result',
        'variant': variant,
        'expected': workers * increments,
        'got': got,
        'wallMs': wall * 1000.0,
        'waitMs': wait_total * 1000.0 if variant in ('py-lock', 'py-value-lock') else None,
        'runtime': 'Python %s' % platform.python_version(),
        'version': list(sys.version_info[:3]),
    }


def main():
    try:
        args = json.loads(sys.argv[1])
        variant = args['variant']
        workers = int(args['workers'])
        increments = int(args['increments'])
    except (IndexError, ValueError, KeyError, TypeError):
        sys.stderr.write('Error: expected one JSON argument {variant, workers, increments}\n')
        return 2
    if not 1 <= workers <= 64:
        sys.stderr.write('Error: workers must be an integer from 1 to 64\n')
        return 2
    if not 1 <= increments <= 100000000:
        sys.stderr.write('Error: increments must be an integer from 1 to 100,000,000\n')
        return 2
    sys.stdout.write(json.dumps(run(variant, workers, increments)) + '\n')
    sys.stdout.flush()
    return 0


if __name__ == '__main__':
    sys.exit(main())
