"""The stage, deployment and route of a WebSocket event.

``$connect`` and ``$disconnect`` take their own routes (an API without them connects and
disconnects without an integration).  A message goes to the route whose key equals the
API's ``RouteSelectionExpression`` evaluated over it; a message that is not JSON, or
whose key no route has, goes to ``$default``, and without ``$default`` the client gets
AWS's ``Forbidden`` error frame.  The routes of a deployment are indexed by key once.
"""

from __future__ import annotations

import threading
from typing import Any

from mockgw.execute.errors import GatewayError
from mockgw.execute.websocket.context import CONNECT, DISCONNECT, WebSocketInvocation
from mockgw.execute.websocket.selection import Body, evaluate, references_body, request_resolver

APIS = "apigatewayv2.apis"
DEFAULT, CONNECT_ROUTE, DISCONNECT_ROUTE = "$default", "$connect", "$disconnect"
_LIFECYCLE = (CONNECT_ROUTE, DISCONNECT_ROUTE)


def select_stage(inv: WebSocketInvocation) -> None:
    """The pipeline step: the connection's stage and its current deployment (403
    ``Forbidden`` when the stage or its deployment is gone)."""
    assert inv.store is not None and inv.connection is not None
    record = inv.store.tables.get(APIS, {}).get(inv.api_id)
    stage = record["stages"].get(inv.connection.stage) if record is not None else None
    deployment = record["deployments"].get((stage or {}).get("DeploymentId") or "") \
        if record is not None else None
    if stage is None or deployment is None:
        raise GatewayError("FORBIDDEN", log=f"No deployed stage {inv.connection.stage}")
    inv.stage, inv.deployment_id = stage, deployment["DeploymentId"]
    inv.snapshot = deployment["snapshot"]
    inv.stage_variables = dict(stage.get("StageVariables") or {})


class RouteKeys:
    """The routes of each deployment by route key (snapshots never change)."""

    def __init__(self, instance: Any = None) -> None:
        self._keys: dict[tuple[str, str], tuple[dict, dict[str, dict]]] = {}
        self._lock = threading.Lock()

    def of(self, api_id: str, deployment_id: str, snapshot: dict) -> dict[str, dict]:
        cached = self._keys.get((api_id, deployment_id))
        if cached is not None and cached[0] is snapshot:
            return cached[1]
        keys = {route["RouteKey"]: route for route in snapshot["routes"].values()}
        with self._lock:
            self._keys[(api_id, deployment_id)] = (snapshot, keys)
        return keys


def route_key_of(expression: str, message: bytes) -> str:
    """The key a message selects (``$default`` for a message that is not JSON)."""
    body = Body(message)
    if references_body(expression) and not body.is_json:
        return DEFAULT
    return evaluate(expression, request_resolver(body))


def match_route(inv: WebSocketInvocation) -> None:
    """The pipeline step: the event's route and its integration."""
    assert inv.snapshot is not None
    keys = inv.instance.service("execute.websocket.routes", RouteKeys).of(
        inv.api_id, inv.deployment_id, inv.snapshot)
    if inv.event_type == CONNECT:
        inv.route_key, route = CONNECT_ROUTE, keys.get(CONNECT_ROUTE)
    elif inv.event_type == DISCONNECT:
        inv.route_key, route = DISCONNECT_ROUTE, keys.get(DISCONNECT_ROUTE)
    else:
        expression = inv.snapshot["api"].get("RouteSelectionExpression") or ""
        key = route_key_of(expression, inv.request.body)
        route = keys.get(key) if key not in _LIFECYCLE else None
        if route is None:
            route = keys.get(DEFAULT)
        if route is None:
            raise GatewayError("FORBIDDEN", log=f"No route matches key {key!r} and the API "
                                                "has no $default route")
    if route is None:
        return
    inv.route, inv.route_key = route, route["RouteKey"]
    target = (route.get("Target") or "").removeprefix("integrations/")
    inv.route_integration = inv.snapshot["integrations"].get(target) if target else None
