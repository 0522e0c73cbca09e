"""Serving a WSGI application over HTTP with uvicorn, in this process.

uvicorn parses HTTP with httptools (llhttp) on an event loop (uvloop's where it is
installed) in one thread, the server's own.  mockgw keeps its state in memory, so it is
served by one process, and most requests are pure work in memory: the server's thread
answers them itself, between reading one request and the next, with no hand-over to
another thread.  Measured on this project's benchmark machine (2 CPUs, ``bench/``), against
granian (a Rust server that hands every request from its own threads to Python's), which
served mockgw before: a boto3 control-plane call 0.66-0.72 ms against 0.82-0.83, a
sequential MOCK invoke p50 0.17 ms against 0.21-0.25, MOCK invokes with 8 clients
8,900-9,700 requests/s against 9,400-10,700, and a bare "hello" 40,000-42,000 against
35,600-37,100.  An ASGI server also hands the application the path as it was sent
(``raw_path``), which granian decoded.

A request whose answer may wait (a Lambda function, an HTTP endpoint) must not hold that
thread: mockgw's front (:class:`mockgw.server.Front`) tells which by raising
:class:`mockgw.blocking.WouldBlock` before it changes anything, and the request is answered
again on a pool of ``threads`` threads.  Any other WSGI application is answered in the pool
(or on the server's thread, when it is made with ``inline=True``: the bench's bare floor).

What this layer guarantees whatever the application answers: hop-by-hop headers
(``Connection``, ``Transfer-Encoding``, ...) and headers HTTP cannot carry are dropped
and logged, the body's length is counted here (an application's ``Content-Length`` is not
trusted, except in an answer to ``HEAD``, which has no body), an answer whose status has no
body (1xx, 204, 304) is sent without the one it came with, an answer leaves in one write
(head and body: Go's HTTP client, Terraform's, now and then dropped a connection whose
head came alone and sent its request again), an application error is a
plain 500, and one log line per request goes to the ``mockgw`` logger.  The body is read
before the application is called, and only when it is within the limit (a client waiting
on ``Expect: 100-continue`` sends no body that is refused, and its connection is closed
after the answer; a body sent anyway is read and dropped).  The environ is made of the
request alone: no variable of the process environment reads as a request header.

uvicorn gives an application header names in lower case, and writes answers' so; its
parser sees them as sent, and :func:`protocol_class` keeps them beside the scope's (AWS
hands a Lambda function, a mapping template and an HTTP backend the client's names) and
writes an answer's head with the names the application gave (AWS's ``x-amzn-RequestId``).
WebSocket APIs have a listener of their own (:mod:`mockgw.websocket_listener`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
import time
from collections.abc import Callable, Iterable
from functools import cache
from typing import Any
from urllib.parse import parse_qsl

from mockgw.blocking import WouldBlock
from mockgw.protocol.wire import WireRequest, WireResponse, framing, http_date
from mockgw.wsgi import call_app, environ_of

log = logging.getLogger("mockgw")

#: Response headers that describe one connection, never an answer (RFC 9110 7.6.1).
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                        "proxy-authorization", "proxy-connection", "te", "trailer",
                        "trailers", "transfer-encoding", "upgrade"})
#: The longest body any request may carry (a Lambda zip of 50 MB is ~67 MB in JSON).
BODY_LIMIT = 128 * 1024 * 1024
#: How long an idle keep-alive connection stays open (AWS's load balancers keep theirs
#: for 60 s or more; uvicorn's own default, 5 s, drops the pooled connections of clients
#: that pause between calls).
KEEP_ALIVE_SECONDS = 120
_TOKEN = frozenset("!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyz"
                   "ABCDEFGHIJKLMNOPQRSTUVWXYZ")
#: Characters no header value may carry (control characters but horizontal tab).
_UNSENDABLE_VALUE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")

WSGIApp = Callable[[dict, Callable[..., Any]], Iterable[bytes]]


class ServerUnavailable(RuntimeError):
    """uvicorn cannot be imported: mockgw's dependencies are not all installed."""


class Listener:
    """The server's socket, bound to ``host:port`` (0: a free port, read :attr:`port`) and
    listening: connections wait in its backlog until a :class:`Server` made with it
    serves them (``mockgw serve`` binds it before it makes the application).  A port
    something else listens on is refused (``OSError``, ``EADDRINUSE``)."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0, backlog: int = 1024) -> None:
        try:
            import uvicorn  # noqa: F401
        except ImportError as exc:  # an environment mockgw was not installed into
            raise ServerUnavailable(
                f"the HTTP server cannot start: {exc} (uvicorn comes with mockgw: "
                "pip install -e . in a virtualenv)") from None

        self.host = host
        self.socket = listening_socket(host, port, backlog)
        self.port: int = self.socket.getsockname()[1]


class Server:
    """``app`` served on ``host:port`` (0: a free port, read :attr:`port`) by uvicorn.

    ``threads`` threads answer the requests that may wait; ``inline`` says that ``app``
    (not mockgw's own) never waits, so the server's thread calls it.  The socket is bound
    on construction (or given: ``listener``); :meth:`serve_forever` serves until
    :meth:`stop`.
    """

    def __init__(self, app: WSGIApp, host: str = "127.0.0.1", port: int = 0, *,
                 threads: int = 16, access_log: bool = True, backlog: int = 1024,
                 inline: bool = False, listener: Listener | None = None) -> None:
        listener = listener or Listener(host, port, backlog)
        self.app = app
        self.host = listener.host
        self.threads = max(1, threads)
        self.access_log = access_log
        self.inline = inline
        self._socket = listener.socket
        self.port: int = listener.port
        front = getattr(app, "wsgi_app", None)  # mockgw's front, unless middleware
        self._front = front if hasattr(front, "refuse_body") else None  # wraps it: plain WSGI
        self._stopping = False
        self._uvicorn: Any = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def start(self) -> None:
        """Start serving (uvicorn on an event loop in the server's thread); returns once it
        answers (connections made before wait in the listener's backlog)."""
        from concurrent.futures import ThreadPoolExecutor

        import uvicorn

        logging.getLogger("uvicorn.error").setLevel(
            max(logging.WARNING, logging.getLogger("mockgw").getEffectiveLevel()))
        config = uvicorn.Config(
            self._asgi, interface="asgi3", lifespan="off", ws="none", log_config=None,
            http=protocol_class(), access_log=False, proxy_headers=False, server_header=False,
            date_header=False,
            timeout_keep_alive=KEEP_ALIVE_SECONDS, timeout_graceful_shutdown=5)
        self._uvicorn = server = uvicorn.Server(config)
        server.should_exit = self._stopping
        self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="mockgw-request")
        self._loop = _new_event_loop()
        self._thread = threading.Thread(target=self._run, name="mockgw-server", daemon=True)
        self._thread.start()
        while not (server.started or server.should_exit) and self._thread.is_alive():
            time.sleep(0.001)  # uvicorn sets up on its loop (a few ms); clients wait meanwhile

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._uvicorn.serve(sockets=[self._socket]))
        finally:
            self._loop.close()

    def wait(self, drain: float = 5.0) -> None:
        """Block until :meth:`stop` (safe from a signal handler) is called, then until the
        requests being answered are done, log lines included (at most ``drain`` s)."""
        assert self._thread is not None, "start() first"
        self._uvicorn.config.timeout_graceful_shutdown = drain
        try:
            while self._thread.is_alive():
                self._thread.join(1.0)
        finally:
            self._pool.shutdown(wait=False)

    def serve_forever(self) -> None:
        """Serve until :meth:`stop` is called."""
        self.start()
        self.wait()

    def stop(self) -> None:
        self._stopping = True
        if self._uvicorn is not None:
            self._uvicorn.should_exit = True

    # -- one request --------------------------------------------------------------------------
    async def _asgi(self, scope: dict, receive: Callable[[], Any],
                    send: Callable[[dict], Any]) -> None:
        if scope["type"] != "http":  # no lifespan; WebSockets have a listener of their own
            return
        started = time.perf_counter()
        request = wire_request(scope)
        front = self._front
        try:  # the answer: an error of the application's is a plain 500
            refused = None
            length = request.headers.get("content-length")
            if length is not None and length.isdigit():  # refused unread when too long
                refused = front.refuse_body(request, int(length)) if front is not None \
                    else _too_large(int(length))
            if refused is None and (length not in (None, "0")
                                    or "chunked" in request.headers.get("transfer-encoding",
                                                                        "")):
                body = await _read_body(receive, BODY_LIMIT)  # asks for it (100 Continue)
                if body is None:  # chunked, and longer than any request may be
                    refused = front.refuse_body(request, BODY_LIMIT + 1) if front is not None \
                        else _too_large(BODY_LIMIT + 1)
                else:
                    request.body = body
            if refused is not None:
                response = refused
            elif front is not None:
                try:
                    response = front.handle(request, inline=True)
                except WouldBlock:
                    response = await self._loop.run_in_executor(
                        self._pool, lambda: front.handle(request))
            elif self.inline:
                response = self._call_wsgi(request)
            else:
                response = await self._loop.run_in_executor(self._pool, self._call_wsgi,
                                                            request)
            status, body = response.status, response.body
            if not 100 <= status <= 599:  # no status line for it (mockgw's own never are)
                raise ValueError(f"status {status}")
            headers = _sendable(response.headers)
            length, sent = framing(request.method, status, response.headers, body)
            if body and not sent and request.method != "HEAD":  # 1xx, 204, 304 carry none
                log.debug("dropped the body of a %s answer", status)
            headers += length
            body = sent
            if refused is not None and "100-continue" in request.headers.get("expect", ""):
                # The client may never send the body it announced: this connection ends
                # here (one whose body comes anyway is read and dropped, and goes on).
                headers.append(("Connection", "close"))
        except _Disconnected:
            return
        except Exception:
            log.exception("%s %s failed", request.method, request.path)
            status, headers, body = 500, [("Content-Type", "text/plain"),
                                          ("Content-Length", "21")], b"Internal Server Error"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(name.encode("latin-1"), _encoded(value))
                                for name, value in headers]})
        await send({"type": "http.response.body", "body": body})
        if self.access_log:
            query = request.query_string
            log.info("%s %s%s %s %.1fms", request.method, request.path,
                     f"?{query}" if query else "", status,
                     (time.perf_counter() - started) * 1000)

    def _call_wsgi(self, request: WireRequest) -> WireResponse:
        environ = environ_of(request)
        environ["wsgi.errors"] = _STDERR
        environ["wsgi.input_terminated"] = True
        line, headers, body = call_app(self.app, environ)
        return WireResponse(_status(line), list(headers), body)


def _new_event_loop() -> asyncio.AbstractEventLoop:
    """uvloop's event loop where it is installed (not on Windows), else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop()
    return uvloop.new_event_loop()


#: The scope's key for a request's header names as sent (:func:`protocol_class`), in the
#: order of its ``headers``.
NAMES_AS_SENT = "mockgw.header_names"


@cache
def protocol_class() -> type[asyncio.Protocol]:
    """uvicorn's HTTP protocol (httptools), which also puts each request's header names as
    the client sent them in its scope (:data:`NAMES_AS_SENT`), writes an answer's header
    names as the application gave them, and writes each answer, head and body, in one
    write (:class:`_OneWrite`)."""
    from uvicorn.protocols.http.httptools_impl import (
        STATUS_LINE,
        HttpToolsProtocol,
        RequestResponseCycle,
    )

    class MockgwHTTP(HttpToolsProtocol):
        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(_OneWrite(transport))  # type: ignore[arg-type]

        def on_response_complete(self) -> None:
            self.transport.flush()  # type: ignore[attr-defined]
            super().on_response_complete()

        def on_message_begin(self) -> None:
            super().on_message_begin()
            self.names_as_sent: list[bytes] = []
            self.scope[NAMES_AS_SENT] = self.names_as_sent  # type: ignore[literal-required]

        def on_header(self, name: bytes, value: bytes) -> None:
            self.names_as_sent.append(name)
            super().on_header(name, value)

        def on_headers_complete(self) -> None:
            super().on_headers_complete()
            cycle = self.cycle  # made just now; its task has not run yet
            if cycle is not None and cycle.__class__ is RequestResponseCycle:
                cycle.__class__ = NamesAsWritten

    class NamesAsWritten(RequestResponseCycle):
        """uvicorn's request-response cycle, whose answer head carries the header names as
        the application wrote them (uvicorn's lowercases every name), and a ``Date`` unless
        the answer has one.  The application is :meth:`Server._asgi`, whose headers are
        checked already and name the body's length whenever it has one."""

        async def send(self, message: Any) -> None:
            if message["type"] != "http.response.start" or self.response_started:
                return await super().send(message)
            if self.flow.write_paused and not self.disconnected:
                await self.flow.drain()
            if self.disconnected:
                return
            self.response_started = True
            self.waiting_for_100_continue = False
            head = [STATUS_LINE[message["status"]]]
            close, given = False, set()
            for name, value in message["headers"]:
                lower = name.lower()
                given.add(lower)
                if lower == b"content-length":
                    self.expected_content_length = int(value)
                    self.chunked_encoding = False
                elif lower == b"connection":
                    close = close or b"close" in value.lower()
                head += (name, b": ", value, b"\r\n")
            if b"date" not in given:  # uvicorn's own lags by up to a second
                head[1:1] = (b"Date: ", http_date().encode(), b"\r\n")
            if close:
                self.keep_alive = False
            elif not self.keep_alive:
                head.append(b"Connection: close\r\n")
            head.append(b"\r\n")
            self.transport.write(b"".join(head))

    return MockgwHTTP


class _OneWrite:
    """A transport whose writes go out together: an answer's head and body in one write
    (uvicorn writes them apart), sent when the answer is complete, or at the event loop's
    next turn for any other write."""

    __slots__ = ("_pending", "_transport")

    def __init__(self, transport: asyncio.Transport) -> None:
        self._transport = transport
        self._pending: list[bytes] = []

    def write(self, data: bytes) -> None:
        if not self._pending:
            asyncio.get_running_loop().call_soon(self.flush)
        self._pending.append(data)

    def writelines(self, chunks: Iterable[bytes]) -> None:
        for data in chunks:
            self.write(data)

    def flush(self) -> None:
        if self._pending:
            data = b"".join(self._pending)
            self._pending.clear()
            if not self._transport.is_closing():
                self._transport.write(data)

    def close(self) -> None:
        self.flush()
        self._transport.close()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._transport, name)


def wire_request(scope: dict) -> WireRequest:
    """A :class:`WireRequest` (without its body) of an ASGI HTTP ``scope``: the path and
    header names as sent (:data:`NAMES_AS_SENT`; lowercase where the scope does not keep
    them), values decoded as UTF-8 when they are (else byte for byte, as WSGI does)."""
    query_string = scope["query_string"].decode("latin-1")
    query: dict[str, list[str]] = {}
    if query_string:
        for key, value in parse_qsl(query_string, keep_blank_values=True):
            query.setdefault(key, []).append(value)
    headers: dict[str, str] = {}
    items = []
    pairs = scope["headers"]
    sent = scope.get(NAMES_AS_SENT)
    if sent is None or len(sent) != len(pairs):
        sent = [name for name, _ in pairs]
    for raw_name, (lower_name, raw_value) in zip(sent, pairs, strict=True):
        lower = lower_name.decode("latin-1")
        name = raw_name.decode("latin-1")
        value = raw_value.decode("latin-1") if raw_value.isascii() else _decoded(raw_value)
        items.append((name, value))
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    client = scope.get("client")
    return WireRequest(method=scope["method"],
                       path=scope.get("raw_path", b"").decode("latin-1") or scope["path"],
                       query=query, headers=headers, query_string=query_string,
                       header_items=items,
                       remote_addr=client[0] if client else "127.0.0.1",
                       scheme=scope.get("scheme", "http"))


def _decoded(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("latin-1")


def _encoded(value: str) -> bytes:
    try:
        return value.encode("latin-1")
    except UnicodeEncodeError:
        return value.encode("utf-8")


class _Disconnected(Exception):
    """The client went away before its request's body was read."""


async def _read_body(receive: Callable[[], Any], limit: int) -> bytes | None:
    """The request body, or ``None`` when it is longer than ``limit``."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
        if not message.get("more_body", False):
            return chunks[0] if len(chunks) == 1 else b"".join(chunks)


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
    if not 100 <= code <= 599:  # the statuses HTTP/1.1 servers write
        raise ValueError(f"status {line!r}")
    if len(_STATUSES) < 1024:
        _STATUSES[line] = code  # type: ignore[index]
    return code


#: Status lines read (``"200 OK"``: 200), each parsed once (bounded).
_STATUSES: dict[str | int, int] = {}


def _sendable(headers: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The headers of an answer as they can be sent: hop-by-hop ones and the length (the
    server counts the body) dropped, and any name or value HTTP cannot carry."""
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
        if _UNSENDABLE_VALUE.search(value):
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
