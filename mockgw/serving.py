"""Serving a WSGI application over HTTP with granian, in this process.

granian is a Rust HTTP server (hyper, tokio) with a WSGI interface.  On this project's
benchmark machine (2 CPUs) its bare "hello" route answered 43,000 to 68,000 requests/s under
``wrk -c 8``, waitress's 8,600 (``bench/``).  mockgw keeps its state in memory, so it is
served by one process with many threads.  granian's own launcher (``granian.server``) runs
an application in worker processes (in threads only on free-threaded Python) and merges
the process environment into every request's environ, where an ``HTTP_PROXY`` variable
would read as a ``Proxy`` request header; :class:`Server` therefore drives granian's WSGI
worker itself: one listener, ``threads`` Python threads calling the application, and an
environ made of the request alone.

What this layer guarantees whatever the application answers: hop-by-hop headers
(``Connection``, ``Transfer-Encoding``, ...) and headers granian cannot send are dropped
and logged, the body's length is counted here (an application's ``Content-Length`` is not
trusted, except in an answer to ``HEAD``, which has no body), an application error is a
plain 500, and one log line per request goes to the ``mockgw`` logger.
``Expect: 100-continue`` is answered by hyper when the application reads the body, so a
body the application refuses unread is never sent.

What granian does not give a WSGI application: the path as sent (``PATH_INFO`` is
percent-decoded and no ``RAW_URI`` is set) and header names as sent (hyper lowercases
them).  The WebSocket upgrade is not offered to WSGI applications either.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any

from mockgw.wsgi import call_app

log = logging.getLogger("mockgw")

#: Response headers that describe one connection, never an answer (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                        "proxy-authorization", "proxy-connection", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade"})
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ")

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class ServerUnavailable(RuntimeError):
    """granian cannot be imported: mockgw's dependencies are not all installed."""


class Server:
    """``app`` served on ``host:port`` (0: a free port, read :attr:`port`) by granian.

    The socket is bound on construction; :meth:`serve_forever` serves until :meth:`stop`.
    """

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0, *,
                 threads: int = 16, access_log: bool = True, backlog: int = 1024) -> None:
        try:
            from granian._granian import ListenerSpec, WorkerSignal
        except ImportError as exc:  # an environment mockgw was not installed into
            raise ServerUnavailable(
                f"the HTTP server cannot start: {exc} (granian comes with mockgw: "
                "pip install -e . in a virtualenv)") from None

        self.app = app
        self.host = host
        self.threads = max(1, threads)
        self.access_log = access_log
        self._listener = ListenerSpec(host, port, backlog).build()
        with socket.socket(fileno=os.dup(self._listener.get_fd())) as bound:
            self.port: int = bound.getsockname()[1]
        self._signal = WorkerSignal()
        self._stopped = threading.Event()
        self._signal.add_cb(self._stopped.set)
        self._busy = 0  # requests being answered (or logged)
        self._idle = threading.Condition()

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Start serving (granian's threads); returns once the listener takes
        connections."""
        import asyncio

        from granian._futures import _new_cbscheduler
        from granian._granian import MetricsAggregator, WSGIWorker

        worker = WSGIWorker(
            1, (None, self._listener), None,  # worker id, listener, no IPC
            1, 512,  # Rust runtime threads, Rust blocking I/O threads
            self.threads, 30,  # Python threads, their idle timeout (s)
            1024,  # backpressure: requests in flight
            "1", None, None,  # HTTP/1.1, default HTTP/1 and HTTP/2 settings
            None,  # no static files
            False, None, None, None, "tls1.3", None, [], False,  # no TLS
            (None, MetricsAggregator(1)),  # no metrics
        )
        self._loop = asyncio.new_event_loop()  # granian's scheduler wants one; WSGI never
        worker.serve_mtr(_new_cbscheduler(self._loop, self._call, impl_asyncio=False),
                         self._loop, self._signal)
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
            with self._idle:
                self._idle.wait_for(lambda: self._busy == 0, timeout=drain)
        finally:
            self._loop.close()

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` is called."""
        self.start()
        self.wait()

    def stop(self) -> None:
        self._signal.set()

    # -- one request --------------------------------------------------------------------------
    def _call(self, proto: Any, scope: dict) -> int:
        with self._idle:
            self._busy += 1
        try:
            return self._answer(proto, scope)
        finally:
            with self._idle:
                self._busy -= 1
                self._idle.notify_all()

    def _answer(self, proto: Any, scope: dict) -> int:
        started = time.perf_counter()
        environ = scope  # granian's own dict, fresh for each request
        environ["SCRIPT_NAME"] = ""
        environ["wsgi.version"] = (1, 0)
        environ["wsgi.errors"] = _STDERR
        environ["wsgi.multithread"] = True
        environ["wsgi.multiprocess"] = False
        environ["wsgi.run_once"] = False
        environ["wsgi.input_terminated"] = True
        try:
            line, given, body = call_app(self.app, environ)
            status, headers = _status(line), _sendable(given)
            if not body and environ.get("REQUEST_METHOD") == "HEAD":
                headers += _head_length(given)
        except Exception:
            log.exception("%s %s failed", environ.get("REQUEST_METHOD"),
                          environ.get("PATH_INFO"))
            status, headers, body = 500, [("Content-Type", "text/plain")], \
                b"Internal Server Error"
        proto.response_bytes(status, headers, body)
        if self.access_log:
            query = environ.get("QUERY_STRING")
            log.info("%s %s%s %s %.1fms", environ.get("REQUEST_METHOD"),
                     environ.get("PATH_INFO"), f"?{query}" if query else "", status,
                     (time.perf_counter() - started) * 1000)
        return status


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
