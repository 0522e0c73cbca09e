"""The invocation of a WebSocket API route: the shared :class:`Invocation` plus the
connection, the event (``CONNECT``, ``MESSAGE``, ``DISCONNECT``), the route and what goes
back to the client."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from mockgw.execute.context import Invocation
from mockgw.execute.websocket.connections import Connection

CONNECT, MESSAGE, DISCONNECT = "CONNECT", "MESSAGE", "DISCONNECT"


@dataclass(slots=True)
class WebSocketInvocation(Invocation):
    """One event of a connection on its way through :mod:`.pipeline`.

    ``request`` is the handshake for ``CONNECT`` and ``DISCONNECT`` (its headers and query
    string), and for ``MESSAGE`` a request whose body is the message (as bytes; ``text``
    says whether it came in a text frame).  ``reply`` is what the client gets back (a
    two-way route's answer, or an error frame); ``refusal`` what a refused ``$connect``
    answers (status, headers, body) instead of upgrading.
    """

    connection: Connection | None = None
    event_type: str = MESSAGE
    message_id: str | None = None
    text: bool = True
    route: dict[str, Any] | None = None
    route_key: str = ""
    route_integration: dict[str, Any] | None = None
    reply: str | bytes | None = None
    refusal: tuple[int, list[tuple[str, str]], bytes] | None = None
    #: Headers a ``$connect`` integration asks the handshake answer to carry
    #: (``Sec-WebSocket-Protocol``).
    handshake_headers: list[tuple[str, str]] = field(default_factory=list)
    #: What the integration answered, before a route response sends it (``None``: nothing).
    answer: bytes | None = None

    def __post_init__(self) -> None:
        Invocation.__post_init__(self)
        self.request_id = self.extended_request_id  # $context.requestId: the same id

    @property
    def integration(self) -> dict[str, Any]:
        return self.route_integration or {}

    @property
    def stage_name(self) -> str | None:
        return self.stage["StageName"] if self.stage is not None else None

    @property
    def api_name(self) -> str | None:
        return ((self.snapshot or {}).get("api") or {}).get("Name")

    @property
    def access_log_format(self) -> str | None:
        return ((self.stage or {}).get("AccessLogSettings") or {}).get("Format")

    @property
    def two_way(self) -> bool:
        """Whether the route sends the integration's answer back (it has a route
        response)."""
        return bool((self.route or {}).get("routeResponses"))
