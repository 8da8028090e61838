"""The plain script the lab's user-code path is measured against (bench/user.ts): the same
function from the same file, mapped over the same inputs by a plain ThreadPoolExecutor or
ProcessPoolExecutor, the pool started and warmed before timing, as the lab's pools are.

    python3 plain_pool.py SCRIPT FUNCTION threads|processes WORKERS TASKS REPETITIONS
Prints one JSON line: {"wallMs": [...]} (one figure per repetition).
"""
import concurrent.futures
import importlib.util
import json
import multiprocessing
import sys
import time


def load(path, name):
    spec = importlib.util.spec_from_file_location('user_work', path)
    module = importlib.util.module_from_spec(spec)
    sys.modules['user_work'] = module
    spec.loader.exec_module(module)
    return getattr(module, name)


def noop(x):
    return x


def main():
    path, name, mode, workers, tasks, repetitions = sys.argv[1:7]
    workers, tasks, repetitions = int(workers), int(tasks), int(repetitions)
    function = load(path, name)
    if mode == 'threads':
        pool = concurrent.futures.ThreadPoolExecutor(workers)
    else:  # spawn, as the lab's py-processes
        pool = concurrent.futures.ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context('spawn'))
    walls = []
    with pool:
        list(pool.map(noop, range(workers * 4)))  # every worker started
        list(pool.map(function, range(tasks)))  # one warm-up, as the lab's run has
        for _ in range(repetitions):
            start = time.perf_counter()
            list(pool.map(function, range(tasks)))
            walls.append((time.perf_counter() - start) * 1000)
    print(json.dumps({'wallMs': walls}))


if __name__ == '__main__':
    main()
