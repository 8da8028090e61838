"""I/O-bound, the asyncio way: the same fetch as fetch_urllib.py over asyncio streams.

    concurrency-lab run --script resources/examples/fetch_asyncio.py --function fetch_one \
        --inputs resources/examples/seeds.json --strategies py-asyncio,py-threads --workers 4

Under py-asyncio every call waits on one event loop at once; under the other strategies each
call runs in its own asyncio.run. The results (and so the checksum) equal fetch_urllib.py's.
"""
import asyncio
import hashlib
import os
import urllib.parse

LATENCY_MS = 50
BYTES = 4096


async def fetch_one(seed):
    base = urllib.parse.urlsplit(os.environ.get('CONCURRENCY_LAB_HTTP_URL', 'http://127.0.0.1:8000'))
    path = '/payload?seed={}&bytes={}&latency={}'.format(seed, BYTES, LATENCY_MS)
    reader, writer = await asyncio.open_connection(base.hostname, base.port)
    try:
        writer.write('GET {} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n'.format(path, base.netloc).encode())
        await writer.drain()
        status = (await reader.readline()).split()
        if len(status) < 2 or status[1] != b'200':
            raise RuntimeError('GET {} answered {!r}'.format(path, b' '.join(status)))
        length = None
        while True:
            line = await reader.readline()
            if line in (b'\r\n', b'\n', b''):
                break
            name, _, value = line.decode('latin-1').partition(':')
            if name.strip().lower() == 'content-length':
                length = int(value)
        body = await (reader.readexactly(length) if length is not None else reader.read())
    finally:
        writer.close()
        await writer.wait_closed()
    return {'seed': seed, 'bytes': len(body), 'sha256': hashlib.sha256(body).hexdigest()}
