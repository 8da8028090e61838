"""I/O-bound: fetch one payload from the lab's local HTTP server with urllib.

Run it (the lab starts the server and puts its address in CONCURRENCY_LAB_HTTP_URL):

    concurrency-lab run --script resources/examples/fetch_urllib.py --function fetch_one \
        --inputs resources/examples/seeds.json --strategies py-sequential,py-threads,py-processes \
        --workers 1,4,16

Each call waits about 50 ms on the server: threads overlap the waits, the GIL does not matter.
"""
import hashlib
import os
import urllib.request

LATENCY_MS = 50
BYTES = 4096


def fetch_one(seed):
    base = os.environ.get('CONCURRENCY_LAB_HTTP_URL', 'http://127.0.0.1:8000')
    url = '{}/payload?seed={}&bytes={}&latency={}'.format(base, seed, BYTES, LATENCY_MS)
    with urllib.request.urlopen(url, timeout=30) as response:
        body = response.read()
    return {'seed': seed, 'bytes': len(body), 'sha256': hashlib.sha256(body).hexdigest()}
