"""The WebSocket connections of one instance: who is connected to which API stage, since
when, and the means to reach each client (its :class:`Transport`).

The listener (:mod:`mockgw.websocket_listener`) adds a connection when a handshake
arrives, opens it once ``$connect`` admitted it and closes it when the socket ends; the
data plane, the ``@connections`` API and the admin endpoints read it here.  A connection
that is not open (still connecting, closing, closed, or never seen) is *gone* for the
``@connections`` API, as on AWS, and so is one of another API or stage than the endpoint
the call came through (``https://{api_id}.execute-api.{region}.amazonaws.com/{stage}``).

Instance service :data:`SERVICE`.  Times are epoch seconds of the instance's clock, so
idle and duration limits follow ``POST /_mockgw/clock``.
"""

from __future__ import annotations

import collections
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.protocol.wire import WireRequest

SERVICE = "execute.websocket.connections"
CONNECTING, OPEN, CLOSING, CLOSED = "CONNECTING", "OPEN", "CLOSING", "CLOSED"
#: How many closed connections the admin listing still shows.
CLOSED_KEPT = 100


class Transport(Protocol):
    """How the data plane reaches a client (the listener's side of a connection); both
    calls return at once and are safe from any thread."""

    def send(self, data: str | bytes) -> None: ...

    def close(self, code: int, reason: str) -> None: ...


@dataclass(slots=True)
class Connection:
    """One client connection to a WebSocket API stage."""

    connection_id: str
    api_id: str
    stage: str
    account: str
    region: str
    domain_name: str
    handshake: WireRequest  # the upgrade request: headers and query for $connect
    connected_at: float  # epoch seconds
    last_active: float
    source_ip: str
    user_agent: str | None
    state: str = CONNECTING
    transport: Transport | None = None
    #: What ``$connect`` granted, for every later event: ``authorizer`` (``$context``) and
    #: the ``identity`` fields of an IAM caller or an API key.
    authorizer: dict[str, Any] | None = None
    identity: dict[str, Any] = field(default_factory=dict)
    usage_plan_id: str | None = None
    messages_received: int = 0
    messages_sent: int = 0
    close_code: int | None = None
    close_reason: str = ""
    #: A close the server decided on (DeleteConnection, a limit): ``(code, reason)``.
    server_close: tuple[int, str] | None = None

    @property
    def connected_at_ms(self) -> int:
        return int(self.connected_at * 1000)

    def describe(self) -> dict[str, Any]:
        """The connection as ``GET /_mockgw/connections`` shows it."""
        return {
            "connectionId": self.connection_id, "apiId": self.api_id, "stage": self.stage,
            "account": self.account, "region": self.region, "domainName": self.domain_name,
            "state": self.state, "connectedAt": _iso(self.connected_at),
            "lastActiveAt": _iso(self.last_active),
            "identity": {"sourceIp": self.source_ip, "userAgent": self.user_agent},
            "authorizer": self.authorizer, "messagesReceived": self.messages_received,
            "messagesSent": self.messages_sent,
            "closeCode": self.close_code, "closeReason": self.close_reason or None,
        }


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).isoformat(timespec="milliseconds") \
        .replace("+00:00", "Z")


#: The API stage a ``@connections`` call came through: ``(api_id, stage)`` (``None`` for
#: the server root's ``/@connections/{id}``, which reaches every connection).
Endpoint = tuple[str, str]


class Gone(Exception):
    """The connection is not open, or not one of the endpoint's (AWS's ``GoneException``)."""


class Connections:
    """The connections of one instance, by id (live ones, and the last closed ones)."""

    def __init__(self, instance: Any = None) -> None:
        self._live: dict[str, Connection] = {}
        self._closed: collections.OrderedDict[str, Connection] = collections.OrderedDict()
        self._lock = threading.Lock()

    def add(self, connection: Connection) -> None:
        with self._lock:
            self._live[connection.connection_id] = connection

    def get(self, connection_id: str) -> Connection | None:
        """A connection by id, whatever its state (``None``: never seen, or long gone)."""
        return self._live.get(connection_id) or self._closed.get(connection_id)

    def open(self, connection_id: str, endpoint: Endpoint | None = None) -> Connection:
        """The open connection ``connection_id`` of ``endpoint``'s API stage; :class:`Gone`
        when it is not open or belongs to another API or stage."""
        connection = self._live.get(connection_id)
        if connection is None or connection.state != OPEN or connection.transport is None:
            raise Gone(connection_id)
        if endpoint is not None and endpoint != (connection.api_id, connection.stage):
            raise Gone(connection_id)
        return connection

    def post(self, connection_id: str, data: str | bytes,
             endpoint: Endpoint | None = None) -> Connection:
        """Send ``data`` to the client (a text frame when it is UTF-8 text)."""
        connection = self.open(connection_id, endpoint)
        assert connection.transport is not None
        connection.messages_sent += 1  # counted before the client can see it
        connection.transport.send(data)
        return connection

    def disconnect(self, connection_id: str, code: int, reason: str,
                   endpoint: Endpoint | None = None) -> Connection:
        """Close the connection from the server's side (``$disconnect`` runs once the socket
        has closed); :class:`Gone` when it is not open (or not ``endpoint``'s)."""
        with self._lock:
            connection = self.open(connection_id, endpoint)
            connection.state = CLOSING
            connection.server_close = (code, reason)
        assert connection.transport is not None
        connection.transport.close(code, reason)
        return connection

    def closed(self, connection: Connection, code: int, reason: str) -> None:
        """Record that the socket of ``connection`` has closed."""
        with self._lock:
            connection.state = CLOSED
            connection.close_code, connection.close_reason = code, reason
            connection.transport = None
            self._live.pop(connection.connection_id, None)
            self._closed[connection.connection_id] = connection
            while len(self._closed) > CLOSED_KEPT:
                self._closed.popitem(last=False)

    def forget(self, connection: Connection) -> None:
        """Drop a connection whose handshake was refused."""
        with self._lock:
            self._live.pop(connection.connection_id, None)

    def listing(self, *, api_id: str | None = None, stage: str | None = None) -> list[dict]:
        """Every known connection (live ones first, newest first) as the admin shows it."""
        with self._lock:
            found = [*reversed(self._live.values()), *reversed(self._closed.values())]
        return [c.describe() for c in found
                if (api_id is None or c.api_id == api_id) and (stage is None or c.stage == stage)]

    def close(self) -> None:
        """The instance closes (a reset, the mock's end, the server's): every client is told
        the server is going away."""
        with self._lock:
            live = [c for c in self._live.values() if c.transport is not None
                    and c.state == OPEN]
            for connection in live:
                connection.state = CLOSING
                connection.server_close = (1001, "Going away")
        for connection in live:
            assert connection.transport is not None
            connection.transport.close(1001, "Going away")


def connections(instance: Any) -> Connections:
    """The instance's :class:`Connections`."""
    return instance.service(SERVICE, Connections)
