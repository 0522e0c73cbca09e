"""The invocation of a WebSocket API route: the shared :class:`RouteInvocation` plus the
connection, the event (``CONNECT``, ``MESSAGE``, ``DISCONNECT``), the route and what goes
back to the client."""

from __future__ import annotations

from dataclasses import dataclass, field

from mockgw.execute.route_invocation import RouteInvocation
from mockgw.execute.websocket.connections import Connection

CONNECT, MESSAGE, DISCONNECT = "CONNECT", "MESSAGE", "DISCONNECT"


@dataclass(slots=True)
class WebSocketInvocation(RouteInvocation):
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
    reply: str | bytes | None = None
    refusal: tuple[int, list[tuple[str, str]], bytes] | None = None
    #: Headers a ``$connect`` integration asks the handshake answer to carry
    #: (``Sec-WebSocket-Protocol``).
    handshake_headers: list[tuple[str, str]] = field(default_factory=list)
    #: What the integration answered, before a route response sends it (``None``: nothing).
    answer: bytes | None = None

    @property
    def two_way(self) -> bool:
        """Whether the route sends the integration's answer back (it has a route
        response)."""
        return bool((self.route or {}).get("routeResponses"))
