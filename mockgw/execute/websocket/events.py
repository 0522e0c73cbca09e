"""``$context`` of a WebSocket event, and the Lambda events AWS sends for it.

Field by field as events captured on AWS show them (``CONNECT`` with the handshake's
headers and query string, ``MESSAGE`` with the body, ``DISCONNECT`` with AWS's fixed
header set and ``disconnectStatusCode`` / ``disconnectReason``), keys in AWS's order.
"""

from __future__ import annotations

from typing import Any

from mockgw.execute.http_api.variables import amzn_trace_id
from mockgw.execute.websocket.context import CONNECT, DISCONNECT, MESSAGE, WebSocketInvocation


def prepare_context(inv: WebSocketInvocation) -> None:
    """The pipeline step: ``$context`` (what ``$connect`` granted is carried along)."""
    connection = inv.connection
    assert connection is not None and inv.store is not None
    identity: dict[str, Any] = {"sourceIp": connection.source_ip}
    if connection.user_agent is not None:
        identity["userAgent"] = connection.user_agent
    identity.update(connection.identity)
    inv.context = {
        "routeKey": inv.route_key,
        "messageId": inv.message_id,
        "eventType": inv.event_type,
        "extendedRequestId": inv.extended_request_id,
        "requestTime": inv.request_time,
        "messageDirection": "IN",
        "stage": inv.stage_name,
        "connectedAt": connection.connected_at_ms,
        "requestTimeEpoch": inv.epoch_ms,
        "identity": identity,
        "requestId": inv.request_id,
        "domainName": connection.domain_name,
        "connectionId": connection.connection_id,
        "apiId": inv.api_id,
        "accountId": inv.store.account,
        "error": {},
    }
    if connection.authorizer is not None:
        inv.context["authorizer"] = dict(connection.authorizer)


def request_context(inv: WebSocketInvocation) -> dict[str, Any]:
    """``requestContext`` of a Lambda event."""
    context = inv.context
    out: dict[str, Any] = {"routeKey": inv.route_key}
    connection = inv.connection
    assert connection is not None
    if inv.event_type == DISCONNECT:
        out["disconnectStatusCode"] = connection.close_code
    if inv.event_type == MESSAGE:
        out["messageId"] = inv.message_id
    out.update({"eventType": inv.event_type, "extendedRequestId": inv.extended_request_id,
                "requestTime": inv.request_time, "messageDirection": "IN"})
    if inv.event_type == DISCONNECT:
        out["disconnectReason"] = connection.close_reason
    out.update({"stage": context["stage"], "connectedAt": context["connectedAt"],
                "requestTimeEpoch": inv.epoch_ms, "identity": dict(context["identity"]),
                "requestId": inv.request_id, "domainName": context["domainName"],
                "connectionId": connection.connection_id, "apiId": inv.api_id})
    if context.get("authorizer"):
        out["authorizer"] = dict(context["authorizer"])
    return out


def handshake_headers(inv: WebSocketInvocation) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The ``$connect`` request's headers as events carry them (single- and
    multi-valued), with what API Gateway adds (``X-Amzn-Trace-Id``, ``X-Forwarded-*``)."""
    connection = inv.connection
    assert connection is not None
    items = list(connection.handshake.header_items)
    present = {name.lower() for name, _ in items}
    added = [("X-Amzn-Trace-Id", amzn_trace_id(inv)),  # type: ignore[arg-type]
             ("X-Forwarded-For", connection.source_ip),
             ("X-Forwarded-Port", "443" if connection.handshake.scheme == "https" else "80"),
             ("X-Forwarded-Proto", connection.handshake.scheme)]
    items += [(name, value) for name, value in added if name.lower() not in present]
    single: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in items:
        single[name] = value
        multi.setdefault(name, []).append(value)
    return single, multi


def _query(inv: WebSocketInvocation) -> tuple[dict[str, str], dict[str, list[str]]]:
    assert inv.connection is not None
    query = inv.connection.handshake.query
    return ({k: v[-1] for k, v in query.items() if v},
            {k: list(v) for k, v in query.items() if v})


def proxy_event(inv: WebSocketInvocation) -> dict[str, Any]:
    """The Lambda proxy integration's event."""
    event: dict[str, Any] = {}
    if inv.event_type == CONNECT:
        event["headers"], event["multiValueHeaders"] = handshake_headers(inv)
        single, multi = _query(inv)
        if single:
            event["queryStringParameters"] = single
            event["multiValueQueryStringParameters"] = multi
    elif inv.event_type == DISCONNECT:
        assert inv.connection is not None
        fixed = {"Host": inv.connection.domain_name, "x-api-key": "", "X-Forwarded-For": "",
                 "x-restapi": ""}
        event["headers"] = fixed
        event["multiValueHeaders"] = {k: [v] for k, v in fixed.items()}
    if inv.stage_variables:
        event["stageVariables"] = dict(inv.stage_variables)
    event["requestContext"] = request_context(inv)
    if inv.event_type == MESSAGE:
        body = inv.request.body
        event["body"] = body.decode("utf-8", "replace")
    event["isBase64Encoded"] = False
    return event


def authorizer_event(inv: WebSocketInvocation, method_arn: str) -> dict[str, Any]:
    """A ``REQUEST`` Lambda authorizer's event on ``$connect``."""
    headers, multi = handshake_headers(inv)
    single, multi_query = _query(inv)
    return {"type": "REQUEST", "methodArn": method_arn, "headers": headers,
            "multiValueHeaders": multi, "queryStringParameters": single,
            "multiValueQueryStringParameters": multi_query,
            "stageVariables": dict(inv.stage_variables),
            "requestContext": request_context(inv)}
