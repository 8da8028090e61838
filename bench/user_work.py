"""Functions for `npm run bench -- userOverhead tuner` (bench/user.ts): tasks of known length."""
import time
import zlib


def wait20(x):
    """I/O-like: a 20 ms wait (the GIL is released while it sleeps)."""
    time.sleep(0.02)
    return x


def wait50(x):
    """The tuner's I/O example: a 50 ms wait; with 200 tasks the best worker count is 200."""
    time.sleep(0.05)
    return x


def squeeze(x):
    """CPU, mostly in C: zlib at level 9 over 400 KB of text, 17-20 ms a task on 2 workers here (zlib releases the GIL)."""
    data = b''.join(b'%d lab %d ' % (x, i) for i in range(32_000))
    return zlib.crc32(zlib.compress(data, 9))
