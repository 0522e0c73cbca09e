"""Serving a WSGI application over HTTP with granian, in this process.

granian is a Rust HTTP server (hyper, tokio).  On this project's benchmark machine (2 CPUs)
its bare "hello" route answered 43,000 to 68,000 requests/s under ``wrk -c 8``, waitress's
8,600 (``bench/``).  mockgw keeps its state in memory, so it is served by one process.
granian's own launcher (``granian.server``) runs an application in worker processes and,
for WSGI, merges the process environment into every request's environ (where an
``HTTP_PROXY`` variable would read as a ``Proxy`` request header); :class:`Server`
therefore drives a granian worker itself, with an environ made of the request alone.

Threads, measured (``bench/``, MOCK invokes, ``wrk -c 8``): granian's WSGI worker calls
the application on a pool of Python threads, and with more than one of them the threads
take turns at the GIL for every request: 4,600 requests/s with 16 threads, 9,300 with one.
One thread cannot serve a request that waits (a Lambda function, an HTTP endpoint), so
:class:`Server` uses granian's RSGI worker (its asynchronous interface): each request
comes to one thread, the server's own, which answers it there when it never waits and
hands it to a pool of ``threads`` threads when it may.  mockgw's front
(:class:`mockgw.server.Front`) tells which, by raising :class:`mockgw.blocking.WouldBlock`
before it changes anything; any other WSGI application is answered in the pool (or on the
server's thread, when it is made with ``inline=True``: the bench's bare floor).

What this layer guarantees whatever the application answers: hop-by-hop headers
(``Connection``, ``Transfer-Encoding``, ...) and headers granian cannot send are dropped
and logged, the body's length is counted here (an application's ``Content-Length`` is not
trusted, except in an answer to ``HEAD``, which has no body), an application error is a
plain 500, and one log line per request goes to the ``mockgw`` logger.  The body is read
before the application is called, and only when it is within the limit (a client waiting
on ``Expect: 100-continue`` sends no body that is refused).

What granian does not give an application: the path as sent (it comes percent-decoded,
and is encoded again here) and header names as sent (hyper lowercases them).  WebSocket
APIs have a listener of their own (:mod:`mockgw.websocket_listener`).
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import types
from collections.abc import Callable, Iterable
from functools import partial
from typing import Any
from urllib.parse import parse_qsl

from mockgw.blocking import WouldBlock
from mockgw.protocol.wire import WireRequest, WireResponse, encoded_path
from mockgw.wsgi import call_app, environ_of

log = logging.getLogger("mockgw")

#: Response headers that describe one connection, never an answer (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                        "proxy-authorization", "proxy-connection", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade"})
#: The longest body any request may carry (a Lambda zip of 50 MB is ~67 MB in JSON).
BODY_LIMIT = 128 * 1024 * 1024
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class ServerUnavailable(RuntimeError):
    """granian cannot be imported: mockgw's dependencies are not all installed."""


class Listener:
    """The server's socket, bound to ``host:port`` (0: a free port, read :attr:`port`) and
    listening: connections wait in its backlog until a :class:`Server` made with it
    serves them (``mockgw serve`` binds it before it makes the application)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, backlog: int = 1024) -> None:
        try:
            from granian._granian import ListenerSpec
        except ImportError as exc:  # an environment mockgw was not installed into
            raise ServerUnavailable(
                f"the HTTP server cannot start: {exc} (granian comes with mockgw: "
                "pip install -e . in a virtualenv)") from None

        self.host = host
        if port:
            _refuse_taken(host, port)
        self.socket = ListenerSpec(host, port, backlog).build()
        with socket.socket(fileno=os.dup(self.socket.get_fd())) as bound:
            self.port: int = bound.getsockname()[1]


def _refuse_taken(host: str, port: int) -> None:
    """Raise ``OSError`` (``EADDRINUSE``) when ``host:port`` is taken.  granian's listener
    sets ``SO_REUSEPORT``, so a second ``mockgw serve`` on a port one already serves would
    bind beside it and share its connections; a socket without the option is refused."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as any server binds
        probe.bind((host, port))


class Server:
    """``app`` served on ``host:port`` (0: a free port, read :attr:`port`) by granian.

    ``threads`` threads answer the requests that may wait; ``inline`` says that ``app``
    (not mockgw's own) never waits, so the server's thread calls it.  The socket is bound
    on construction (or given: ``listener``); :meth:`serve_forever` serves until
    :meth:`stop`.
    """

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0, *,
                 threads: int = 16, access_log: bool = True, backlog: int = 1024,
                 inline: bool = False, listener: Listener | None = None) -> None:
        from granian._granian import WorkerSignal  # importable: Listener imported it

        listener = listener or Listener(host, port, backlog)
        self.app = app
        self.host = listener.host
        self.threads = max(1, threads)
        self.access_log = access_log
        self.inline = inline
        self._listener = listener.socket
        self.port: int = listener.port
        self._signal = WorkerSignal()
        self._stopped = threading.Event()
        self._signal.add_cb(self._stopped.set)
        self._busy = 0  # requests being answered (or logged), counted on the server's thread
        self._drained = threading.Event()  # set when none is, once stopped

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Start serving (granian's runtime, the server's thread and its event loop);
        returns once the listener takes connections."""
        import asyncio
        from concurrent.futures import ThreadPoolExecutor

        from granian._futures import _CBSchedulerAIO, _future_watcher_wrapper
        from granian._granian import CallbackScheduler, MetricsAggregator, RSGIWorker

        worker = RSGIWorker(
            1, (None, self._listener), None,  # worker id, listener, no IPC
            1, 512,  # Rust runtime threads, Rust blocking I/O threads
            1, 30,  # granian's Python threads (RSGI: unused), their idle timeout (s)
            1024,  # backpressure: requests in flight
            "1", None, None,  # HTTP/1.1, default HTTP/1 and HTTP/2 settings
            False,  # no WebSockets (mockgw's listener has them)
            None,  # no static files
            False, None, None, None, "tls1.3", None, [], False,  # no TLS
            (None, MetricsAggregator(1)),  # no metrics
        )
        front = getattr(self.app, "wsgi_app", None)  # mockgw's front, unless middleware
        self._front = front if hasattr(front, "refuse_body") else None  # wraps it: plain WSGI
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="mockgw-request")
        self._loop = asyncio.new_event_loop()
        # A request is started on the server's thread at once and becomes an asyncio
        # task only when it waits (for its body, for the pool).  granian's experimental
        # Rust task implementation, used before, kept every request that waited alive for
        # good (what it awaited, its coroutine, waker and context: ~850 bytes a call, out
        # of the collector's reach); granian's asyncio one makes a task of every request
        # (~10 us more a request that never waits, under concurrency).  The scheduler is
        # granian's asyncio one with our schedule function: it keeps the first one it is
        # given, so it is made without running its own __init__, which sets one.
        loop = self._loop
        start = partial(_start, loop, _future_watcher_wrapper(self._request))
        scheduler = _CBSchedulerAIO.__new__(_CBSchedulerAIO, loop, None, None,
                                            partial(asyncio.tasks._enter_task, loop),
                                            partial(asyncio.tasks._leave_task, loop))
        CallbackScheduler.__init__(scheduler)
        call_soon, context = loop.call_soon_threadsafe, scheduler._ctx

        def schedule(watcher: Any) -> None:
            call_soon(start, watcher, context=context)

        scheduler._schedule_fn = schedule
        worker.serve_str(scheduler, loop, self._signal)
        self._thread = threading.Thread(target=self._loop.run_forever, name="mockgw-server",
                                        daemon=True)
        self._thread.start()
        self._wait_listening()

    def _wait_listening(self, within: float = 10.0) -> None:
        deadline = time.monotonic() + within
        host = "127.0.0.1" if self.host in ("0.0.0.0", "") else \
            "::1" if self.host == "::" else self.host
        while True:
            try:
                socket.create_connection((host, self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.005)  # granian's runtime is starting its listener

    def wait(self, drain: float = 5.0) -> None:
        """Block until :meth:`stop` (safe from a signal handler) is called, then until the
        requests being answered are done, log lines included (at most ``drain`` s)."""
        try:
            while not self._stopped.wait(1.0):
                pass
            if self._busy:
                self._drained.wait(drain)
        finally:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(drain)
            if not self._thread.is_alive():
                self._loop.close()
            self._pool.shutdown(wait=False)

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` is called."""
        self.start()
        self.wait()

    def stop(self) -> None:
        self._signal.set()

    # -- one request --------------------------------------------------------------------------
    async def _request(self, scope: Any, proto: Any) -> None:
        self._busy += 1
        try:
            await self._answer(scope, proto)
        finally:
            self._busy -= 1
            if not self._busy and self._stopped.is_set():
                self._drained.set()

    async def _answer(self, scope: Any, proto: Any) -> None:
        started = time.perf_counter()
        request = wire_request(scope)
        front = self._front
        try:
            refused = None
            length = request.headers.get("content-length")
            if length is not None and length.isdigit():  # refused unread when too long
                refused = front.refuse_body(request, int(length)) if front is not None \
                    else _too_large(int(length))
            if refused is None and (length is not None
                                    or "transfer-encoding" in request.headers):
                body = await _read_body(proto, request.headers, BODY_LIMIT)
                if body is None:  # chunked, and longer than any request may be
                    refused = front.refuse_body(request, BODY_LIMIT + 1) if front is not None \
                        else _too_large(BODY_LIMIT + 1)
                else:
                    request.body = body
            if refused is not None:
                response = refused
            elif front is not None:
                try:
                    response = front.handle(request, decoded=True, inline=True)
                except WouldBlock:
                    response = await self._loop.run_in_executor(
                        self._pool, lambda: front.handle(request, decoded=True))
            elif self.inline:
                response = self._call_wsgi(request)
            else:
                response = await self._loop.run_in_executor(self._pool, self._call_wsgi,
                                                            request)
            status, headers, body = response.status, _sendable(response.headers), \
                response.body
            if not body and request.method == "HEAD":
                headers += _head_length(response.headers)
        except Exception:
            log.exception("%s %s failed", request.method, scope.path)
            status, headers, body = 500, [("Content-Type", "text/plain")], \
                b"Internal Server Error"
        proto.response_bytes(status, headers, body)
        if self.access_log:
            query = request.query_string
            log.info("%s %s%s %s %.1fms", request.method, scope.path,
                     f"?{query}" if query else "", status,
                     (time.perf_counter() - started) * 1000)

    def _call_wsgi(self, request: WireRequest) -> WireResponse:
        environ = environ_of(request)
        del environ["REQUEST_URI"], environ["RAW_URI"]  # the path is not as it was sent
        environ["wsgi.errors"] = _STDERR
        environ["wsgi.input_terminated"] = True
        line, headers, body = call_app(self.app, environ)
        return WireResponse(_status(line), list(headers), body)


def _start(loop: Any, handler: Callable[[Any], Any], watcher: Any) -> None:
    """Run granian's request ``watcher`` through ``handler`` up to its first wait; a task
    takes it from there."""
    coroutine = handler(watcher)
    try:
        awaited = coroutine.send(None)
    except StopIteration:  # answered without waiting (granian's wrapper catches the rest)
        return
    watcher.taskref(loop.create_task(_resumed(coroutine, awaited)))


@types.coroutine
def _resumed(coroutine: Any, awaited: Any) -> Any:
    """``coroutine``, started and now waiting on ``awaited``, for a task to go on with."""
    while True:
        try:
            value = yield awaited
        except BaseException as exc:  # a cancelled task cancels the request
            try:
                awaited = coroutine.throw(exc)
            except StopIteration as stop:
                return stop.value
            continue
        try:
            awaited = coroutine.send(value)
        except StopIteration as stop:
            return stop.value


def wire_request(scope: Any) -> WireRequest:
    """A :class:`WireRequest` (without its body) of granian's RSGI ``scope``: the path
    encoded again, header names in the form mockgw used to get them from WSGI
    (``X-Amz-Date``: hyper gives them lowercase)."""
    query_string = scope.query_string
    query: dict[str, list[str]] = {}
    if query_string:
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
    headers: dict[str, str] = {}
    items = []
    names = _HEADER_NAMES
    for lower, value in scope.headers.items():
        name = names.get(lower)
        if name is None:
            name = _header_name(lower)
        items.append((name, value))
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    if "host" not in headers and scope.authority:  # HTTP/2
        headers["host"] = scope.authority
        items.append(("Host", scope.authority))
    client = scope.client
    return WireRequest(method=scope.method.upper(), path=encoded_path(scope.path),
                       query=query, headers=headers, query_string=query_string,
                       header_items=items,
                       remote_addr=client.rsplit(":", 1)[0].strip("[]") or "127.0.0.1",
                       scheme=scope.scheme)


#: Lowercase header names and the form mockgw reads them in (``x-amz-date``:
#: ``X-Amz-Date``), each made once (bounded: any name can come).
_HEADER_NAMES: dict[str, str] = {}


def _header_name(lower: str) -> str:
    name = lower.title()
    if len(_HEADER_NAMES) < 4096:
        _HEADER_NAMES[lower] = name
    return name


async def _read_body(proto: Any, headers: dict[str, str], limit: int) -> bytes | None:
    """The request body, or ``None`` when it is longer than ``limit``."""
    length = headers.get("content-length")
    if length is not None:
        return await proto() if length.isdigit() and int(length) > 0 else b""
    if "chunked" not in headers.get("transfer-encoding", ""):
        return b""
    chunks, size = [], 0
    async for chunk in proto:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(length: int) -> WireResponse | None:
    if length <= BODY_LIMIT:
        return None
    return WireResponse(413, [("Content-Type", "text/plain")], b"Request Entity Too Large")


def listening_socket(host: str, port: int, backlog: int = 1024) -> socket.socket:
    """A TCP socket bound to ``host:port`` (0: a free port) and listening: connections
    wait in its backlog until something serves it."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return socket.create_server((host, port), family=family, backlog=backlog)


class _Stderr:
    """``wsgi.errors``: what an application writes there goes to the log."""

    def write(self, text: str) -> int:
        if text.strip():
            log.error("%s", text.rstrip())
        return len(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        pass


_STDERR = _Stderr()


def _status(line: str | int) -> int:
    code = _STATUSES.get(line)  # type: ignore[arg-type]
    if code is not None:
        return code
    code = int(str(line).split(" ", 1)[0])
    if not 100 <= code <= 999:
        raise ValueError(f"status {line!r}")
    if len(_STATUSES) < 1024:
        _STATUSES[line] = code  # type: ignore[index]
    return code


#: Status lines read (``"200 OK"``: 200), each parsed once (bounded).
_STATUSES: dict[str | int, int] = {}


def _head_length(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The ``Content-Length`` an answer to ``HEAD`` names (the length a ``GET`` would
    have: S3's HeadObject), when it is a number."""
    for name, value in headers:
        if name.lower() == "content-length" and str(value).isdigit():
            return [("Content-Length", str(value))]
    return []


def _sendable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers of an answer granian can send as they are: hop-by-hop ones and the
    length (granian counts the body) dropped, and any name or value HTTP cannot carry."""
    kept = []
    names = _NAMES
    for name, value in headers:
        kind = names.get(name)
        if kind is None:
            kind = _name_kind(name)
        if kind is not _SENT:
            if kind is _HOP_BY_HOP:
                log.debug("dropped hop-by-hop response header %s", name)
            elif kind is _UNSENDABLE:
                log.warning("dropped response header %r: not sendable over HTTP", name)
            continue
        if value.__class__ is not str:
            value = str(value)
        if "\r" in value or "\n" in value or "\0" in value:
            log.warning("dropped response header %r: not sendable over HTTP", name)
            continue
        kept.append((name, value))
    return kept


_SENT, _HOP_BY_HOP, _LENGTH, _UNSENDABLE = "sent", "hop-by-hop", "length", "unsendable"
#: What :func:`_sendable` does with a response header name, decided once per name
#: (bounded: applications may make up any name).
_NAMES: dict[str, str] = {}


def _name_kind(name: str) -> str:
    lower = name.lower()
    if lower == "content-length":
        kind = _LENGTH
    elif lower in HOP_BY_HOP:
        kind = _HOP_BY_HOP
    elif not name or not set(name) <= _TOKEN:
        kind = _UNSENDABLE
    else:
        kind = _SENT
    if len(_NAMES) < 4096:
        _NAMES[name] = kind
    return kind
