"""The Python server models of the C10k lab, one process started by the lab.

    python3 servers.py '{"model": "...", "port": 0, "handler": {...}}'

Every handler waits delayMs, spins cpuMs, and answers 200 with the lab's payload over HTTP/1.1
keep-alive. Sound settings (listen backlog 1024, TCP_NODELAY, one write per response) unless
handler.stock asks for the library's defaults. Prints one JSON line, {"type": "listening",
"port": N}, once it accepts connections; SIGTERM ends it. Standard library only, except the
framework each framework model imports (and gevent patches before anything else runs).
"""

import json
import os
import sys

SOUND_BACKLOG = 1024


def parse_args():
    raw = json.loads(sys.argv[1] if len(sys.argv) > 1 else "{}")
    handler = raw.get("handler") or {}

    def bounded(name, default, low, high):
        value = handler.get(name, default)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise SystemExit("handler.%s must be an integer from %d to %d" % (name, low, high))
        return value

    port = raw.get("port", 0)
    if not isinstance(port, int) or not 0 <= port <= 65535:
        raise SystemExit("port must be an integer from 0 to 65535")
    return {
        "model": str(raw.get("model", ""))[:40],
        "port": port,
        "delay": bounded("delayMs", 20, 0, 10000) / 1000.0,
        "cpu": bounded("cpuMs", 0, 0, 1000) / 1000.0,
        "payload": bounded("payloadBytes", 256, 0, 1048576),
        "stock": bool(handler.get("stock", False)),
    }


ARGS = parse_args()

# gevent must patch the standard library before anything else imports socket or threading.
if ARGS["model"] == "py-gevent-pywsgi":
    from gevent import monkey

    monkey.patch_all()

import socket  # noqa: E402
import time  # noqa: E402

BODY = bytes(97 + (i * 7 + 3) % 26 for i in range(ARGS["payload"]))
HEAD = ("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: %d\r\n\r\n" % len(BODY)).encode("ascii")


def burn(seconds):
    """Spins for `seconds` of wall time: the CPU part of a handler."""
    if seconds <= 0:
        return
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def announce(port):
    sys.stdout.write(json.dumps({"type": "listening", "port": port, "pid": os.getpid()}) + "\n")
    sys.stdout.flush()


def listening_socket(port, backlog):
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(backlog)
    return sock


def no_delay(sock):
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def threading_http(args):
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    stock = args["stock"]

    class Handler(BaseHTTPRequestHandler):
        # HTTP/1.0 (the class default) closes the connection after every response.
        protocol_version = "HTTP/1.0" if stock else "HTTP/1.1"

        def setup(self):
            super().setup()
            if not stock:
                no_delay(self.connection)

        def do_GET(self):
            time.sleep(args["delay"])
            burn(args["cpu"])
            if stock:
                # Headers and body in separate writes: with Nagle on, the body waits for an ACK.
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(BODY)))
                self.end_headers()
                self.wfile.write(BODY)
            else:
                self.wfile.write(HEAD + BODY)

        def log_message(self, *_):
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 5 if stock else SOUND_BACKLOG

    server = Server(("127.0.0.1", args["port"]), Handler)
    announce(server.server_address[1])
    server.serve_forever()


def asyncio_streams(args):
    import asyncio

    async def handle(reader, writer):
        try:
            while True:
                try:
                    head = await reader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    break
                lines = head.split(b"\r\n")
                close = not lines[0].endswith(b"HTTP/1.1")
                length = 0
                for line in lines[1:]:
                    name, _, value = line.partition(b":")
                    name = name.strip().lower()
                    if name == b"content-length":
                        length = int(value.strip() or b"0")
                    elif name == b"connection":
                        value = value.strip().lower()
                        close = value == b"close" or (close and value != b"keep-alive")
                if length:
                    await reader.readexactly(length)
                await asyncio.sleep(args["delay"])
                burn(args["cpu"])
                writer.write(HEAD + BODY)
                await writer.drain()
                if close:
                    break
        except ConnectionError:
            pass
        finally:
            writer.close()

    async def main():
        # asyncio sets TCP_NODELAY on every TCP transport; its own default backlog is 100.
        server = await asyncio.start_server(
            handle, "127.0.0.1", args["port"], backlog=100 if args["stock"] else SOUND_BACKLOG
        )
        announce(server.sockets[0].getsockname()[1])
        await server.serve_forever()

    asyncio.run(main())


def starlette_uvicorn(args):
    import asyncio

    import uvicorn
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    async def endpoint(_request):
        await asyncio.sleep(args["delay"])
        burn(args["cpu"])
        return Response(BODY, media_type="text/plain")

    app = Starlette(routes=[Route("/{rest:path}", endpoint)])
    stock = args["stock"]
    options = {} if stock else {"timeout_keep_alive": 65}
    backlog = 2048 if stock else SOUND_BACKLOG  # 2048 is uvicorn's own default
    config = uvicorn.Config(app, log_level="warning", access_log=False, backlog=backlog, **options)
    sock = listening_socket(args["port"], backlog)
    announce(sock.getsockname()[1])
    uvicorn.Server(config).run(sockets=[sock])


def gevent_pywsgi(args):
    import gevent
    from gevent.pywsgi import WSGIHandler, WSGIServer

    stock = args["stock"]
    headers = [("Content-Type", "text/plain"), ("Content-Length", str(len(BODY)))]

    def app(_environ, start_response):
        gevent.sleep(args["delay"])
        burn(args["cpu"])
        start_response("200 OK", headers)
        return [BODY]

    class Handler(WSGIHandler):
        def __init__(self, sock, address, server, rfile=None):
            if not stock:
                no_delay(sock)
            super().__init__(sock, address, server, rfile)

    if stock:
        server = WSGIServer(("127.0.0.1", args["port"]), app, log=None)
        server.init_socket()
    else:
        server = WSGIServer(listening_socket(args["port"], SOUND_BACKLOG), app, handler_class=Handler, log=None)
    server.start()
    announce(server.server_port)
    server.serve_forever()


def twisted_web(args):
    from twisted.internet import reactor
    from twisted.web import resource, server

    stock = args["stock"]
    length = str(len(BODY)).encode("ascii")

    class Payload(resource.Resource):
        isLeaf = True

        def render_GET(self, request):
            channel = request.channel
            if not stock and not getattr(channel, "lab_no_delay", False):
                # Once per connection, before its first answer.
                channel.transport.setTcpNoDelay(True)
                channel.lab_no_delay = True

            def finish():
                burn(args["cpu"])
                request.setHeader(b"content-type", b"text/plain")
                request.setHeader(b"content-length", length)
                request.write(BODY)
                request.finish()

            call = reactor.callLater(args["delay"], finish)
            # A client that hangs up first: its answer is not due any more.
            request.notifyFinish().addErrback(lambda _: call.active() and call.cancel())
            return server.NOT_DONE_YET

    site = server.Site(Payload())
    site.displayTracebacks = False
    port = reactor.listenTCP(args["port"], site, backlog=50 if stock else SOUND_BACKLOG, interface="127.0.0.1")
    announce(port.getHost().port)
    reactor.run()


MODELS = {
    "py-threading-http": threading_http,
    "py-asyncio-streams": asyncio_streams,
    "py-starlette-uvicorn": starlette_uvicorn,
    "py-gevent-pywsgi": gevent_pywsgi,
    "py-twisted-web": twisted_web,
}

if __name__ == "__main__":
    model = MODELS.get(ARGS["model"])
    if model is None:
        raise SystemExit("unknown Python server model %r; expected one of %s" % (ARGS["model"], ", ".join(MODELS)))
    model(ARGS)
