"""Serving WebSocket APIs: a WebSocket listener beside the HTTP one, in this process.

WebSocket APIs get a listener of their own (``--websocket-port``, 4510 by default;
``GET /_mockgw/health`` reports its URL as ``websocket_url``).  It is `websockets`' asyncio
server on an event loop in one thread, chosen over the ASGI WebSocket support of uvicorn,
which serves the HTTP port (:mod:`mockgw.serving`), because:

* `websockets` is a well-kept, complete RFC 6455 implementation (a sans-I/O core) whose
  limits are AWS's: ``max_size=(message, frame)`` closes a connection sending a message
  over 128 KB or a frame over 32 KB with 1009, as AWS does; malformed frames are closed
  with 1002/1007 and never reach mockgw;
* its server hooks fit API Gateway's handshake: ``process_request`` runs ``$connect``
  before the upgrade and answers a refusal with the integration's HTTP status;
* ASGI's WebSocket interface has neither a frame limit nor a refusal with any status but
  403 (without an extension servers need not offer).

Each connection is one coroutine, so idle connections cost no thread.  Every event's
pipeline (:mod:`mockgw.execute.websocket`) blocks (Lambda invokes, HTTP calls), so it runs
in a thread pool, off the event loop; one connection's events run in order.  A slow client
only fills its own write buffer; a dead one is closed by the idle timeout.  Idle and
duration limits are checked against the instance's clock (:meth:`WebSocketListener._reap`),
so a frozen clock moved by ``POST /_mockgw/clock`` closes connections without waiting.

:func:`loopback` is the in-process mock's listener, started on first use: a WebSocket
listener and a plain HTTP server for the application (so Lambda workers, which run in
subprocesses, reach mockgw at ``AWS_ENDPOINT_URL``), both on 127.0.0.1 ports of their own.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http import HTTPStatus
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

from websockets.asyncio.server import Server, ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.frames import Frame
from websockets.http11 import Request, Response
from websockets.protocol import State

from mockgw.serving import listening_socket

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.execute.context import ExecuteTarget
    from mockgw.execute.websocket.connections import Connection, Connections
    from mockgw.instance import Instance
    from mockgw.protocol.wire import WireRequest

log = logging.getLogger("mockgw.websocket")

#: How often idle and duration limits are checked (seconds).
REAP_INTERVAL = 0.05
GOING_AWAY = (1001, "Going away")
NO_STATUS = "Client-side close frame status not set"


@dataclass(slots=True, eq=False)
class _Session:
    """One admitted connection: its instance, registry, record and target."""

    instance: Instance
    registry: Connections
    connection: Connection
    target: ExecuteTarget


class _Socket(ServerConnection):
    """A server connection that notes every frame the client sends (activity)."""

    session: _Session | None = None
    handshake_headers: list[tuple[str, str]] | None = None

    def process_event(self, event: Any) -> None:
        super().process_event(event)
        session = self.session
        if session is not None and isinstance(event, Frame):
            session.connection.last_active = session.instance.clock()


class _Transport:
    """How the data plane reaches one client: sends and closes scheduled on the loop."""

    def __init__(self, ws: _Socket, loop: asyncio.AbstractEventLoop) -> None:
        self._ws = ws
        self._loop = loop
        self._tasks: set[asyncio.Task[Any]] = set()

    def send(self, data: str | bytes) -> None:
        self._loop.call_soon_threadsafe(self._spawn, self._send(data))

    def close(self, code: int, reason: str) -> None:
        self._loop.call_soon_threadsafe(self._spawn, self._close(code, reason))

    def _spawn(self, coroutine: Any) -> None:
        task = self._loop.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _send(self, data: str | bytes) -> None:
        try:
            await self._ws.send(data)
        except ConnectionClosed:
            pass

    async def _close(self, code: int, reason: str) -> None:
        await self._ws.close(code, reason)


class WebSocketListener:
    """WebSocket APIs served on ``host:port`` (0: a free port, read :attr:`port`) for the
    instance ``instance_of()`` returns when a client connects.

    The socket is bound on construction (or given bound and listening, ``sock``);
    :meth:`start` serves from a thread of its own until :meth:`stop`.
    """

    def __init__(self, instance_of: Callable[[], Instance], host: str = "127.0.0.1",
                 port: int = 0, *, workers: int = 32, sock: socket.socket | None = None
                 ) -> None:
        self.instance_of = instance_of
        self.host = host
        self._sock = sock if sock is not None else listening_socket(host, port)
        self.port: int = self._sock.getsockname()[1]
        self._pool = concurrent.futures.ThreadPoolExecutor(
            max_workers=workers, thread_name_prefix="mockgw-websocket")
        self._sessions: set[_Session] = set()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self._failed: BaseException | None = None

    @property
    def url(self) -> str:
        """The base URL clients connect to (a wildcard address means loopback)."""
        host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(self.host, self.host)
        return f"ws://[{host}]:{self.port}" if ":" in host else f"ws://{host}:{self.port}"

    def start(self) -> None:
        """Serve from a thread of its own; returns once connections are taken."""
        ready = threading.Event()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True,
                                        name="mockgw-websocket-loop")
        self._thread.start()
        ready.wait()
        if self._failed is not None:
            self._loop = None
            raise self._failed

    def stop(self, timeout: float = 10.0) -> None:
        """Close every connection (1001 ``Going away``; ``$disconnect`` runs) and stop."""
        loop = self._loop
        if loop is None or self._thread is None:
            self._sock.close()
            return
        try:
            asyncio.run_coroutine_threadsafe(self._shutdown(), loop).result(timeout)
        except (concurrent.futures.TimeoutError, RuntimeError):
            log.warning("WebSocket listener: connections did not close within %ss", timeout)
        loop.call_soon_threadsafe(loop.stop)
        self._thread.join(timeout)
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._loop = None

    # -- the loop ---------------------------------------------------------------------------
    def _run(self, ready: threading.Event) -> None:
        loop = self._loop
        assert loop is not None
        asyncio.set_event_loop(loop)
        try:
            self._server = loop.run_until_complete(self._open())
        except BaseException as exc:
            self._failed = exc
            ready.set()
            loop.close()
            return
        reaper = loop.create_task(self._reap())
        ready.set()
        try:
            loop.run_forever()
        finally:
            reaper.cancel()
            loop.run_until_complete(asyncio.gather(reaper, return_exceptions=True))
            loop.close()

    async def _open(self) -> Server:
        return await serve(
            self._handler, sock=self._sock, create_connection=_Socket,
            process_request=self._process_request, process_response=self._process_response,
            compression=None, ping_interval=None, server_header=None, open_timeout=60,
            close_timeout=5, max_size=None, max_queue=64, logger=log)

    async def _shutdown(self) -> None:
        assert self._server is not None
        for session in list(self._sessions):
            session.connection.server_close = GOING_AWAY
        self._server.close()
        await asyncio.wait_for(self._server.wait_closed(), 8)

    async def _reap(self) -> None:
        """Close connections idle too long or open too long, by their instance's clock."""
        from mockgw.execute.websocket.connections import OPEN, Gone

        while True:
            await asyncio.sleep(REAP_INTERVAL)
            for session in list(self._sessions):
                connection, settings = session.connection, session.instance.settings
                if connection.state != OPEN:
                    continue
                now = session.instance.clock()
                if now - connection.last_active >= settings.websocket_idle_timeout or \
                        now - connection.connected_at >= settings.websocket_max_duration:
                    try:
                        session.registry.disconnect(connection.connection_id, *GOING_AWAY)
                    except Gone:
                        pass

    # -- one connection -----------------------------------------------------------------------
    async def _process_request(self, ws: _Socket, request: Request) -> Response | None:
        """Run ``$connect`` before the upgrade: ``None`` upgrades, a response refuses."""
        if "websocket" not in request.headers.get("Upgrade", "").lower() or \
                "Sec-WebSocket-Key" not in request.headers:
            return None  # no upgrade: websockets answers it (426 / 400)
        from mockgw.execute.websocket import open_connection
        from mockgw.execute.websocket.connections import connections
        from mockgw.server import find_execute_target

        instance = self.instance_of()
        wire = _wire_request(ws, request)
        target = find_execute_target(wire, instance.backends)
        if target is None:
            return _response(403, [("Content-Type", "application/json")],
                             b'{"message":"Forbidden"}')
        loop = asyncio.get_running_loop()
        outcome = await loop.run_in_executor(self._pool, open_connection, instance, target,
                                             wire)
        if outcome.refusal is not None:
            return _response(*outcome.refusal)
        assert outcome.connection is not None
        ws.session = _Session(instance, connections(instance), outcome.connection, target)
        ws.handshake_headers = outcome.headers
        return None

    async def _process_response(self, ws: _Socket, request: Request,
                                response: Response) -> Response | None:
        """The connection opens as the upgrade is answered (so the client, once upgraded,
        finds it open); a subprotocol ``$connect`` chose goes with the answer."""
        from mockgw.execute.websocket.connections import OPEN

        session = ws.session
        if session is None or response.status_code != 101:
            return None
        for name, value in ws.handshake_headers or ():
            offered = request.headers.get_all("Sec-WebSocket-Protocol")
            if any(value in [o.strip() for o in each.split(",")] for each in offered):
                response.headers[name] = value
        settings = session.instance.settings
        ws.protocol.max_message_size = settings.websocket_message_size
        ws.protocol.max_fragment_size = settings.websocket_frame_size
        session.connection.transport = _Transport(ws, asyncio.get_running_loop())
        session.connection.state = OPEN
        self._sessions.add(session)
        return None

    async def _handler(self, ws: _Socket) -> None:
        from mockgw.execute.websocket import close_connection, receive

        session = ws.session
        if session is None:  # pragma: no cover - process_request admitted it
            return
        loop = asyncio.get_running_loop()
        connection, instance = session.connection, session.instance
        try:
            async for message in ws:
                if isinstance(message, bytes):  # AWS takes no binary frames
                    connection.server_close = (1003, "Binary frames are not supported")
                    await ws.close(1003, "Binary frames are not supported")
                    break
                connection.messages_received += 1
                reply = await loop.run_in_executor(
                    self._pool, receive, instance, connection, message.encode("utf-8"),
                    session.target)
                if reply is not None and ws.protocol.state is State.OPEN:
                    connection.messages_sent += 1  # counted before the client can see it
                    await ws.send(reply)
        except ConnectionClosed:
            pass
        finally:
            self._sessions.discard(session)
            if ws.protocol.state is not State.CLOSED:
                try:
                    await ws.wait_closed()
                except Exception:  # pragma: no cover - the socket is gone either way
                    pass
            code, reason = _close_of(ws, connection)
            session.registry.closed(connection, code, reason)
            try:
                await loop.run_in_executor(self._pool, close_connection, instance, connection,
                                           session.target)
            except RuntimeError:  # the pool is shut down: the listener stops
                pass


def _close_of(ws: _Socket, connection: Connection) -> tuple[int, str]:
    """The close code and reason ``$disconnect`` and the admin report."""
    if connection.server_close is not None:
        return connection.server_close
    protocol = ws.protocol
    sent, received = protocol.close_sent, protocol.close_rcvd
    if sent is not None and not protocol.close_rcvd_then_sent:  # we closed (1009, 1002...)
        return int(sent.code), sent.reason
    if received is not None:
        if received.code == 1005:
            return 1005, NO_STATUS
        return int(received.code), received.reason
    return 1006, "Connection closed abnormally"


def _wire_request(ws: _Socket, request: Request) -> WireRequest:
    """The handshake as the data plane reads requests."""
    from mockgw.protocol.wire import WireRequest

    parts = urlsplit(request.path)
    query: dict[str, list[str]] = {}
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(key, []).append(value)
    items = list(request.headers.raw_items())
    headers: dict[str, str] = {}
    for name, value in items:
        lower = name.lower()
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    remote = ws.remote_address[0] if ws.remote_address else "127.0.0.1"
    return WireRequest(method="GET", path=parts.path or "/", query=query, headers=headers,
                       query_string=parts.query, header_items=items, remote_addr=remote,
                       scheme="http")


def _response(status: int, headers: list[tuple[str, str]], body: bytes) -> Response:
    try:
        reason = HTTPStatus(status).phrase
    except ValueError:
        reason = "Unknown"
    out = Headers(headers)
    out["Content-Length"] = str(len(body))
    return Response(status, reason, out, body)


# -- the in-process mock's listeners ---------------------------------------------------------

@dataclass(slots=True)
class Loopback:
    """The in-process mock's listeners: WebSocket APIs, and the application over HTTP."""

    websocket: WebSocketListener
    http_url: str

    @property
    def websocket_url(self) -> str:
        return self.websocket.url


_loopback: Loopback | None = None
_loopback_lock = threading.Lock()


def loopback(app: Any) -> Loopback:
    """The process's loopback listeners for ``app`` (a Flask application made by
    :func:`mockgw.create_app`), started on first use; they serve the instance its front
    serves when a client arrives, and live as long as the process."""
    global _loopback
    with _loopback_lock:
        if _loopback is None:
            from werkzeug.serving import WSGIRequestHandler, make_server

            class _Quiet(WSGIRequestHandler):
                def log_request(self, *args: Any, **kwargs: Any) -> None:
                    pass

            front = app.extensions["mockgw"]
            listener = WebSocketListener(lambda: front.instance)
            listener.start()
            http = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_Quiet)
            threading.Thread(target=http.serve_forever, daemon=True,
                             name="mockgw-loopback-http").start()
            _loopback = Loopback(listener, f"http://127.0.0.1:{http.server_port}")
        return _loopback
