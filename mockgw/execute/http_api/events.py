"""Lambda events of HTTP APIs (payload format versions 2.0 and 1.0) and how the function's
answer becomes the HTTP answer.

Payload 2.0 (AWS's developer guide, field by field; the rules shared with function URLs
are :mod:`mockgw.execute.payload_v2`): lower-cased ``headers`` with repeated ones joined by
commas and without ``cookie`` (its cookies are in ``cookies``); ``queryStringParameters``
decoded and joined by commas; ``rawPath`` (decoded, with the stage on a named stage) and
``rawQueryString`` (as sent); ``pathParameters`` decoded; optional fields left out when
empty.  The body is base64-encoded (``isBase64Encoded``) unless the request's content type
is text (``text/*``, ``application/json``, ``application/xml``, ``application/javascript``):
AWS encodes everything else, a missing content type and form posts included.

The answer (2.0): a JSON object with ``statusCode`` is a response (``Content-Type``
``text/plain; charset=utf-8`` unless it gives one); any other JSON is a 200
``application/json`` body (the JSON as the function wrote it).  Not JSON, or a malformed
response, is 500 ``Internal Server Error``.  Payload 1.0 answers are read as REST's Lambda
proxy answers, except that ``isBase64Encoded`` bodies are always decoded.
"""

from __future__ import annotations

from typing import Any

from mockgw.execute import payload_v2
from mockgw.execute.context import IntegrationResult
from mockgw.execute.errors import GatewayError
from mockgw.execute.http_api.context import HttpApiInvocation
from mockgw.execute.http_api.variables import (
    amzn_trace_id,
    cookies,
    forwarded_for,
    forwarded_port,
    joined_query,
)
from mockgw.execute.integrations.lambda_ import parse_proxy_response

_TEXT_TYPES = ("application/json", "application/xml", "application/javascript")
#: Client headers events leave out: hop-by-hop ones, and those API Gateway sets itself.
_REPLACED = frozenset({"connection", "keep-alive", "te", "trailer", "transfer-encoding",
                       "upgrade", "content-length", "x-amzn-trace-id", "x-forwarded-for",
                       "x-forwarded-port", "x-forwarded-proto"})


def is_text(content_type: str | None) -> bool:
    """Whether HTTP APIs hand a body of this content type to Lambda as text."""
    return payload_v2.is_text(content_type, _TEXT_TYPES)


def event_body(inv: HttpApiInvocation) -> tuple[str | None, bool]:
    """``(body, isBase64Encoded)`` of the request, as events carry it."""
    return payload_v2.event_body(inv.request.body,
                                 is_text(inv.request.headers.get("content-type")))


def event_headers(inv: HttpApiInvocation) -> list[tuple[str, str]]:
    """The request's headers as events carry them: the client's (names as sent), then
    what API Gateway adds (``Content-Length``, ``X-Amzn-Trace-Id``, ``X-Forwarded-*``)."""
    items = [(name, value) for name, value in inv.request.header_items
             if name.lower() not in _REPLACED]
    return [*items, ("Content-Length", str(len(inv.request.body))),
            ("X-Amzn-Trace-Id", amzn_trace_id(inv)),
            ("X-Forwarded-For", forwarded_for(inv)),
            ("X-Forwarded-Port", forwarded_port(inv)),
            ("X-Forwarded-Proto", inv.request.scheme)]


# -- payload format 2.0 ----------------------------------------------------------------------

def event_v2(inv: HttpApiInvocation) -> dict[str, Any]:
    """The payload 2.0 event of a Lambda proxy integration."""
    event = request_v2(inv)
    body, encoded = event_body(inv)
    fields: dict[str, Any] = {}
    for key, value in event.items():
        fields[key] = value
        if key == "requestContext" and body is not None:
            fields["body"] = body
    fields["isBase64Encoded"] = encoded
    if "stageVariables" in fields:  # AWS's order: isBase64Encoded before stageVariables
        fields["stageVariables"] = fields.pop("stageVariables")
    return fields


def request_v2(inv: HttpApiInvocation, *, head: dict[str, Any] | None = None) -> dict[str, Any]:
    """The request in payload 2.0 form (without the body), after the fields of ``head``."""
    event: dict[str, Any] = {"version": "2.0", **(head or {}), "routeKey": inv.route_key,
                             "rawPath": inv.raw_path,
                             "rawQueryString": inv.request.query_string}
    found = cookies(inv)
    if found:
        event["cookies"] = found
    event["headers"] = headers_v2(inv)
    query = joined_query(inv)
    if query:
        event["queryStringParameters"] = query
    event["requestContext"] = request_context_v2(inv)
    if inv.path_params:
        event["pathParameters"] = dict(inv.path_params)
    if inv.stage_variables:
        event["stageVariables"] = dict(inv.stage_variables)
    return event


def headers_v2(inv: HttpApiInvocation) -> dict[str, str]:
    return dict(sorted(payload_v2.joined(event_headers(inv)).items()))


def request_context_v2(inv: HttpApiInvocation) -> dict[str, Any]:
    context = inv.context
    out: dict[str, Any] = {"accountId": context["accountId"], "apiId": context["apiId"]}
    if inv.authorizer_v2 is not None:
        out["authorizer"] = inv.authorizer_v2
    out.update({
        "domainName": context["domainName"],
        "domainPrefix": context["domainPrefix"],
        "http": {"method": inv.request.method, "path": inv.raw_path, "protocol": "HTTP/1.1",
                 "sourceIp": context["identity"]["sourceIp"],
                 "userAgent": inv.request.headers.get("user-agent", "")},
        "requestId": inv.request_id,
        "routeKey": inv.route_key,
        "stage": inv.stage_name,
        "time": inv.request_time,
        "timeEpoch": inv.epoch_ms,
    })
    return out


def parse_v2(payload: bytes) -> IntegrationResult:
    """The HTTP answer a payload 2.0 function gave (500 when it makes no sense)."""
    try:
        status, headers, body = payload_v2.response(
            payload, default_content_type="text/plain; charset=utf-8", compact=False)
    except payload_v2.MalformedAnswer as why:
        raise GatewayError("INTEGRATION_FAILURE",
                           log=f"Execution failed due to configuration error: Malformed "
                               f"Lambda proxy response ({why})") from None
    return IntegrationResult(status=status, headers=headers, body=body)


# -- payload format 1.0 ----------------------------------------------------------------------

def event_v1(inv: HttpApiInvocation) -> dict[str, Any]:
    """The payload 1.0 event of a Lambda proxy integration (REST's shape, HTTP API values)."""
    body, encoded = event_body(inv)
    return {**request_v1(inv), "body": body, "isBase64Encoded": encoded}


def request_v1(inv: HttpApiInvocation, *, head: dict[str, Any] | None = None) -> dict[str, Any]:
    """The request in payload 1.0 form (without the body), after the fields of ``head``."""
    headers: dict[str, str] = {}
    multi: dict[str, list[str]] = {}
    for name, value in event_headers(inv):
        headers[name] = value
        multi.setdefault(name, []).append(value)
    query = inv.request.query
    return {
        "version": "1.0", **(head or {}),
        "resource": _resource(inv),
        "path": inv.raw_path,
        "httpMethod": inv.request.method,
        "headers": headers,
        "multiValueHeaders": multi,
        "queryStringParameters": {k: v[0] for k, v in query.items() if v} or None,
        "multiValueQueryStringParameters": {k: list(v) for k, v in query.items()} or None,
        "requestContext": request_context_v1(inv),
        "pathParameters": dict(inv.path_params) or None,
        "stageVariables": dict(inv.stage_variables) or None,
    }


def _resource(inv: HttpApiInvocation) -> str:
    """The route's path (``$default`` for the default route)."""
    method, _, path = inv.route_key.partition(" ")
    return path or method


def request_context_v1(inv: HttpApiInvocation) -> dict[str, Any]:
    context = inv.context
    identity = {"accessKey": None, "accountId": None, "caller": None,
                "cognitoAuthenticationProvider": None, "cognitoAuthenticationType": None,
                "cognitoIdentityId": None, "cognitoIdentityPoolId": None,
                "principalOrgId": None, "sourceIp": None, "user": None, "userAgent": None,
                "userArn": None}
    identity.update({k: v for k, v in context["identity"].items() if k in identity})
    return {
        "accountId": context["accountId"],
        "apiId": context["apiId"],
        "authorizer": inv.authorizer_v1 if inv.authorizer_v1 is not None else
        {"claims": None, "scopes": None},
        "domainName": context["domainName"],
        "domainPrefix": context["domainPrefix"],
        "extendedRequestId": inv.extended_request_id,
        "httpMethod": inv.request.method,
        "identity": identity,
        "path": inv.raw_path,
        "protocol": "HTTP/1.1",
        "requestId": inv.request_id,
        "requestTime": inv.request_time,
        "requestTimeEpoch": inv.epoch_ms,
        "resourceId": None,
        "resourcePath": _resource(inv),
        "stage": inv.stage_name,
    }


def parse_v1(inv: HttpApiInvocation, payload: bytes) -> IntegrationResult:
    """The HTTP answer a payload 1.0 function gave."""
    return parse_proxy_response(inv, payload, decode_base64=True)
