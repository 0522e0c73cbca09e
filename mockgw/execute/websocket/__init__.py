"""The WebSocket API data plane (apigatewayv2 APIs of ProtocolType WEBSOCKET).

The listener (:mod:`mockgw.websocket_listener`) owns the sockets; this package decides
what each event means, reading the stage's deployment snapshot as REST and HTTP APIs do:
:func:`open_connection` runs ``$connect`` for a handshake (admitting or refusing it),
:func:`receive` runs the route a message selects and :func:`close_connection` runs
``$disconnect``.  Live connections are kept in :mod:`.connections` (the ``@connections``
API and the admin endpoints read them there); :func:`management_call` tells the front
which execute-api requests are ``@connections`` calls, and of which API stage.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, NamedTuple
from urllib.parse import unquote

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.execute.context import ExecuteTarget
    from mockgw.execute.websocket.connections import Connection
    from mockgw.instance import Instance
    from mockgw.protocol.wire import WireRequest
    from mockgw.state import RegionStore

APIS = "apigatewayv2.apis"
WEBSOCKET = "WEBSOCKET"
CONNECTIONS_PREFIX = "/@connections/"
#: The same, URL-encoded as AWS's guide has clients send it
#: (``/prod/%40connections/R0oXAdfD0kwCH6w%3D``).
ENCODED_CONNECTIONS_PREFIX = "/%40connections/"
_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass(slots=True)
class Handshake:
    """What ``$connect`` decided: the connection (``None`` when refused), the refusal's
    status, headers and body, and headers for the handshake's answer."""

    connection: Connection | None = None
    refusal: tuple[int, list[tuple[str, str]], bytes] | None = None
    headers: list[tuple[str, str]] = field(default_factory=list)


def find_store(instance: Instance, api_id: str, region: str | None = None) -> RegionStore | None:
    """The store holding WebSocket API ``api_id`` (the ``region``'s first)."""
    stores = list(instance.backends)
    if region:
        stores.sort(key=lambda s: s.region != region)
    for store in stores:
        record = store.tables.get(APIS, {}).get(api_id)
        if record is not None and record["api"]["ProtocolType"] == WEBSOCKET:
            return store
    return None


def new_id(instance: Instance) -> str:
    """A connection or message id shaped like AWS's (``KVmb8fjMIAMCFgQ=``), made of
    characters a URL path keeps as they are (but ``=``)."""
    choice = instance.random.choice
    return "".join(choice(_ID_ALPHABET) for _ in range(15)) + "="


def split_target(target: ExecuteTarget) -> tuple[str, str]:
    """``(stage, rest of the path)`` of an execute-api target (the host form names the
    stage in the first path segment)."""
    if target.stage is not None:
        return target.stage, target.path or "/"
    first, _, rest = (target.path or "/")[1:].partition("/")
    return unquote(first), "/" + rest


class ManagementCall(NamedTuple):
    """An execute-api request that is a ``@connections`` call: its path as the
    ``apigatewaymanagementapi`` operations have it (``/@connections/{id}``, the id as sent)
    and the API stage it came through, ``(api_id, stage)``, the only one it reaches."""

    path: str
    endpoint: tuple[str, str]


def may_be_management(path: str) -> bool:
    """Whether an execute-api request's path may be a ``@connections`` call (``@``
    URL-encoded or not); :func:`management_call` decides."""
    return CONNECTIONS_PREFIX in path or ENCODED_CONNECTIONS_PREFIX in path


def management_call(instance: Instance, target: ExecuteTarget) -> ManagementCall | None:
    """The ``@connections`` call an execute-api request to a WebSocket API stage makes, or
    ``None`` for any other request (a stage the API does not have too: the data plane
    answers it as any unknown stage, 403 ``Forbidden``)."""
    if not may_be_management(target.path):
        return None
    stage, rest = split_target(target)
    for prefix in (CONNECTIONS_PREFIX, ENCODED_CONNECTIONS_PREFIX):
        if rest.startswith(prefix):
            break
    else:
        return None
    store = find_store(instance, target.api_id, target.region)
    if store is None or stage not in store.tables[APIS][target.api_id]["stages"]:
        return None
    return ManagementCall(CONNECTIONS_PREFIX + rest[len(prefix):], (target.api_id, stage))


def domain_name(target: ExecuteTarget, store: RegionStore) -> str:
    """``$context.domainName``: the Host the client used on the host form and custom
    domains, AWS's own host on the path forms."""
    if target.via_custom_domain or (target.stage is None and target.domain_name):
        return target.domain_name
    return f"{target.api_id}.execute-api.{store.region}.amazonaws.com"


def open_connection(instance: Instance, target: ExecuteTarget,
                    handshake: WireRequest) -> Handshake:
    """Run ``$connect`` for a handshake to ``target``: the open connection, or why not."""
    from mockgw.execute.websocket.connections import Connection, connections
    from mockgw.execute.websocket.context import CONNECT
    from mockgw.execute.websocket.pipeline import run

    store = find_store(instance, target.api_id, target.region)
    stage, rest = split_target(target)
    record = store.tables.get(APIS, {}).get(target.api_id) if store is not None else None
    forbidden = (403, [("Content-Type", "application/json")], b'{"message":"Forbidden"}')
    if store is None or record is None or rest not in ("", "/") or stage not in record["stages"]:
        return Handshake(refusal=forbidden)
    if record["api"].get("DisableExecuteApiEndpoint") and not target.via_custom_domain:
        return Handshake(refusal=forbidden)
    now = instance.clock()
    registry = connections(instance)
    connection = Connection(
        connection_id=new_id(instance), api_id=target.api_id, stage=stage,
        account=store.account, region=store.region, domain_name=domain_name(target, store),
        handshake=handshake, connected_at=now, last_active=now,
        source_ip=handshake.remote_addr, user_agent=handshake.headers.get("user-agent"))
    registry.add(connection)
    inv = run(_invocation(instance, store, target, connection, CONNECT, handshake))
    if inv.refusal is not None:
        registry.forget(connection)
        return Handshake(refusal=inv.refusal)
    return Handshake(connection=connection, headers=inv.handshake_headers)


def receive(instance: Instance, connection: Connection, data: bytes,
            target: ExecuteTarget) -> str | bytes | None:
    """Run the route a message selects: what goes back to the client (a two-way route's
    answer or an error frame), if anything."""
    from mockgw.execute.websocket.context import MESSAGE
    from mockgw.execute.websocket.pipeline import run
    from mockgw.protocol.wire import WireRequest

    store = instance.backends.store(connection.account, connection.region)
    request = WireRequest(method="POST", path="/", query={}, headers={}, body=data,
                          remote_addr=connection.source_ip, scheme=connection.handshake.scheme)
    inv = run(_invocation(instance, store, target, connection, MESSAGE, request,
                          message_id=new_id(instance)))
    return inv.reply


def close_connection(instance: Instance, connection: Connection,
                     target: ExecuteTarget) -> None:
    """Run ``$disconnect`` (best effort: failures are logged)."""
    from mockgw.execute.websocket.context import DISCONNECT
    from mockgw.execute.websocket.pipeline import run

    store = instance.backends.store(connection.account, connection.region)
    run(_invocation(instance, store, target, connection, DISCONNECT, connection.handshake))


def _invocation(instance: Instance, store: RegionStore, target: ExecuteTarget,
                connection: Connection, event_type: str, request: WireRequest,
                message_id: str | None = None):  # -> WebSocketInvocation
    from mockgw.execute.websocket.context import WebSocketInvocation

    raw = new_id(instance)
    return WebSocketInvocation(instance=instance, request=request, target=target, store=store,
                               api_id=connection.api_id, connection=connection,
                               event_type=event_type, message_id=message_id,
                               extended_request_id=raw)
