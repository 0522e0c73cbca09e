"""The WebSocket data plane: small steps over one :class:`WebSocketInvocation` per event.

``CONNECT`` (the handshake, before the socket upgrades), ``MESSAGE`` (one per message the
client sends) and ``DISCONNECT`` (after the socket closed) each run their step list; the
listener (:mod:`mockgw.websocket_listener`) calls :func:`connect`, :func:`message` and
:func:`disconnect` off its event loop, since integrations block.

Errors are answered in one spot (:func:`run`): a refused ``$connect`` gets the HTTP status
AWS answers (401, 403, 429, 500, 502...) with ``{"message": ...}``; a message that fails
gets AWS's error frame ``{"message": "Forbidden", "connectionId":"...",
"requestId":"..."}`` (``"messageId"`` instead of ``"requestId"`` for a body its route's
model refuses); a ``$disconnect`` that fails is only logged.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable

from mockgw.execute import accesslog, telemetry
from mockgw.execute.errors import GatewayError
from mockgw.execute.limits import take, throttle_account
from mockgw.execute.websocket.authorizers import authorize, check_api_key, throttle_usage_plan
from mockgw.execute.websocket.context import CONNECT, DISCONNECT, MESSAGE, WebSocketInvocation
from mockgw.execute.websocket.events import prepare_context
from mockgw.execute.websocket.integrations import call_integration, integration_answer
from mockgw.execute.websocket.routing import match_route, select_stage
from mockgw.execute.websocket.validation import validate_message
from mockgw.protocol.wire import WireResponse

log = logging.getLogger("mockgw.execute")

Step = Callable[[WebSocketInvocation], None]
RATE, BURST = "ThrottlingRateLimit", "ThrottlingBurstLimit"


def throttle_route(inv: WebSocketInvocation) -> None:
    """The stage's throttling for the route (its ``RouteSettings``, else
    ``DefaultRouteSettings``), then the account's (shared with REST and HTTP APIs)."""
    assert inv.stage is not None
    defaults = inv.stage.get("DefaultRouteSettings") or {}
    own = (inv.stage.get("RouteSettings") or {}).get(inv.route_key) or {}
    rate, burst = own.get(RATE, defaults.get(RATE)), own.get(BURST, defaults.get(BURST))
    take(inv, ("websocket-route", inv.api_id, inv.stage_name, inv.route_key), rate, burst)
    throttle_account(inv)


def respond(inv: WebSocketInvocation) -> None:
    """What the integration's answer means: a ``$connect`` answered with a status that is
    not 2xx is refused with it; a two-way route sends the answer back."""
    result = inv.integration_result
    if inv.event_type == CONNECT:
        if result is not None and not 200 <= result.status <= 299:
            inv.refusal = (result.status, [("Content-Type", "application/json")],
                           result.body)
        elif result is not None:
            inv.handshake_headers = [(k, v) for k, v in result.headers
                                     if k.lower() == "sec-websocket-protocol"]
        return
    if inv.event_type == MESSAGE and inv.two_way:
        answer = integration_answer(inv)
        if answer is not None:
            inv.reply = _as_text(answer)


def _as_text(data: bytes) -> str | bytes:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data


#: The handshake: stage, ``$context``, the ``$connect`` route, authorization, API key,
#: limits, then the integration (whose status admits or refuses the connection).
CONNECT_STEPS: list[Step] = [select_stage, match_route, prepare_context, authorize,
                             check_api_key, throttle_usage_plan, throttle_route,
                             call_integration, respond]
#: A message: route selection, limits, the route's model, the integration, the route
#: response.
MESSAGE_STEPS: list[Step] = [select_stage, match_route, prepare_context, throttle_usage_plan,
                             throttle_route, validate_message, call_integration, respond]
#: After the socket closed: the ``$disconnect`` integration, best effort.
DISCONNECT_STEPS: list[Step] = [select_stage, match_route, prepare_context, call_integration]

STEPS = {CONNECT: CONNECT_STEPS, MESSAGE: MESSAGE_STEPS, DISCONNECT: DISCONNECT_STEPS}


def run(inv: WebSocketInvocation) -> WebSocketInvocation:
    """Run the event's steps; an error refuses the handshake, becomes an error frame, or
    (``$disconnect``) is logged."""
    try:
        for step in STEPS[inv.event_type]:
            step(inv)
            if inv.answered:
                break
        status = 200
    except GatewayError as error:
        status = error.status
        _answer_error(inv, error)
    except Exception:  # a bug of ours: AWS's internal error, never a traceback
        log.exception("WebSocket %s event %s failed", inv.event_type, inv.request_id)
        status = 500
        _answer_error(inv, GatewayError("INTEGRATION_FAILURE"))
    if inv.refusal is not None:
        status = inv.refusal[0]
    inv.context["status"] = status
    inv.response = WireResponse(status, [], b"")
    accesslog.write(inv)
    inv.instance.service("execute.telemetry", telemetry.Telemetry).record(inv)
    return inv


def _answer_error(inv: WebSocketInvocation, error: GatewayError) -> None:
    message = error.message or "Internal server error"
    if error.log:
        log.debug("WebSocket API %s %s %s: %s", inv.api_id, inv.event_type, inv.request_id,
                  error.log)
    inv.context.setdefault("error", {}).update({
        "message": message, "messageString": json.dumps(message),
        "responseType": error.response_type})
    if inv.event_type == CONNECT:
        inv.refusal = (error.status, [("Content-Type", "application/json")],
                       json.dumps({"message": message}).encode())
    elif inv.event_type == MESSAGE:
        inv.reply = error_frame(message, inv, error.response_type)
    elif inv.event_type == DISCONNECT:
        log.info("WebSocket API %s: $disconnect of %s failed: %s", inv.api_id,
                 inv.connection.connection_id if inv.connection else "?", error.log or message)


#: The gateway responses whose frame names the message, not the request: the developer
#: guide's "Bad request body" frame (``{"message" : "Bad request body", "connectionId":
#: "{connectionId}", "messageId": "{messageId}"}``, apigateway-websocket-api-routes-
#: integrations.md).
_MESSAGE_FRAMES = frozenset({"BAD_REQUEST_BODY"})


def error_frame(message: str, inv: WebSocketInvocation, response_type: str = "") -> str:
    """AWS's error frame: ``{"message": "Forbidden", "connectionId":"...",
    "requestId":"..."}`` (its spacing, as recorded), or with ``"messageId":"..."`` in place
    of the request id for the gateway responses of :data:`_MESSAGE_FRAMES`."""
    assert inv.connection is not None
    if response_type in _MESSAGE_FRAMES and inv.message_id is not None:
        name, value = "messageId", inv.message_id
    else:
        name, value = "requestId", inv.request_id
    return (f'{{"message": {json.dumps(message)}, '
            f'"connectionId":{json.dumps(inv.connection.connection_id)}, '
            f'"{name}":{json.dumps(value)}}}')
