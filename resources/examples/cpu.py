"""CPU-bound, two ways: zlib compresses in C and releases the GIL; a Python loop holds it.

    concurrency-lab run --script resources/examples/cpu.py --function compress --range 16 \
        --strategies py-sequential,py-threads,py-processes --workers 1,2
    concurrency-lab run --script resources/examples/cpu.py --function python_loop --range 16 \
        --strategies py-sequential,py-threads,py-processes --workers 1,2

compress: threads run in parallel (the GIL is released inside zlib). python_loop: threads take
turns under the GIL and only processes use more than one core.
"""
import zlib


def _data(seed, size=2_000_000):
    # Compressible but not trivial: a repeating text with the seed mixed in.
    line = 'task {} of the concurrency lab: threads, processes and the GIL\n'.format(seed).encode()
    return (line * (size // len(line) + 1))[:size]


def compress(seed):
    data = _data(seed)
    packed = b''
    for _ in range(3):
        packed = zlib.compress(data, 9)
    return {'seed': seed, 'size': len(packed), 'crc32': zlib.crc32(packed)}


def python_loop(seed):
    total = 0
    for i in range(400_000):
        total = (total + (i * i) ^ seed) & 0xFFFFFFFF
    return {'seed': seed, 'total': total}
