"""The payload format 2.0 of function URLs: the event a request becomes, and the HTTP
response a function's answer becomes (AWS's inference rules).

The event is API Gateway's HTTP API event (version 2.0) with ``$default`` for the route
key and stage: lowercase header names (repeated headers joined by commas, cookies moved to
``cookies``), the raw path and query string, decoded query parameters (repeated ones
joined by commas), and the body as text, or base64 when it is not text.
"""

from __future__ import annotations

import base64
import json
import time
from typing import Any

from mockgw.protocol.wire import WireRequest, WireResponse

_TEXT_TYPES = ("text/", "application/json", "application/xml", "application/javascript",
               "application/x-javascript", "application/ecmascript")
_TEXT_SUFFIXES = ("+json", "+xml")
_DROPPED_HEADERS = {"connection", "cookie", "content-length"}


def is_text(content_type: str | None) -> bool:
    """Whether a body of ``content_type`` reaches the function as text (else base64)."""
    if not content_type:
        return False
    media = content_type.split(";")[0].strip().lower()
    return media.startswith(_TEXT_TYPES) or media.endswith(_TEXT_SUFFIXES)


def event(request: WireRequest, *, url_id: str, account: str, domain: str, path: str,
          request_id: str, now: float, authorizer: dict | None = None,
          trace_id: str = "") -> dict[str, Any]:
    """The event of ``request`` to the function URL ``url_id`` (``path`` is the raw path
    the URL was asked for)."""
    headers: dict[str, str] = {}
    cookies: list[str] = []
    for name, value in request.header_items:
        lower = name.lower()
        if lower == "cookie":
            cookies += [c.strip() for c in value.split(";") if c.strip()]
        elif lower not in _DROPPED_HEADERS:
            headers[lower] = f"{headers[lower]},{value}" if lower in headers else value
    headers["host"] = domain
    forwarded = {"x-amzn-tls-cipher-suite": "TLS_AES_128_GCM_SHA256",
                 "x-amzn-tls-version": "TLSv1.3", "x-amzn-trace-id": trace_id,
                 "x-forwarded-for": request.remote_addr, "x-forwarded-port": "443",
                 "x-forwarded-proto": "https"}
    for name, value in forwarded.items():
        headers.setdefault(name, value)
    doc: dict[str, Any] = {"version": "2.0", "routeKey": "$default", "rawPath": path,
                           "rawQueryString": request.query_string}
    if cookies:
        doc["cookies"] = cookies
    doc["headers"] = headers
    if request.query:
        doc["queryStringParameters"] = {k: ",".join(v) for k, v in request.query.items()}
    context: dict[str, Any] = {
        "accountId": account, "apiId": url_id, "authentication": None,
        "domainName": domain, "domainPrefix": url_id,
        "http": {"method": request.method, "path": path, "protocol": "HTTP/1.1",
                 "sourceIp": request.remote_addr,
                 "userAgent": request.headers.get("user-agent", "")},
        "requestId": request_id, "routeKey": "$default", "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000)}
    if authorizer is not None:
        context["authorizer"] = authorizer
    doc["requestContext"] = context
    if request.body:
        text = is_text(request.headers.get("content-type"))
        if text:
            try:
                doc["body"] = request.body.decode("utf-8")
            except UnicodeDecodeError:
                text = False
        if not text:
            doc["body"] = base64.b64encode(request.body).decode()
        doc["isBase64Encoded"] = not text
    else:
        doc["isBase64Encoded"] = False
    return doc


class MalformedResponse(ValueError):
    """The function answered something Lambda cannot turn into an HTTP response."""


def response(payload: bytes) -> WireResponse:
    """The HTTP response for a function's answer.

    An object with ``statusCode`` says everything itself (``headers``, ``cookies`` as
    ``Set-Cookie`` headers, ``body``, ``isBase64Encoded``; ``Content-Type`` defaults to
    ``application/json``).  Any other answer is the body of a 200 ``application/json``
    response: a string as it is, anything else as compact JSON.
    """
    try:
        answer = json.loads(payload or b"null")
    except ValueError:
        raise MalformedResponse("not JSON") from None
    if not (isinstance(answer, dict) and "statusCode" in answer):
        body = answer if isinstance(answer, str) else _compact(answer)
        return WireResponse(200, [("Content-Type", "application/json")], body.encode())
    try:
        status = int(answer["statusCode"])
    except (TypeError, ValueError):
        raise MalformedResponse("statusCode is not a number") from None
    headers = answer.get("headers") or {}
    cookies = answer.get("cookies") or []
    if not isinstance(headers, dict) or not isinstance(cookies, list):
        raise MalformedResponse("headers must be an object and cookies a list")
    items = [(str(name), _text(value)) for name, value in headers.items()]
    if not any(name.lower() == "content-type" for name, _ in items):
        items.append(("Content-Type", "application/json"))
    items += [("Set-Cookie", str(cookie)) for cookie in cookies]
    body = answer.get("body")
    raw = b"" if body is None else (body if isinstance(body, str) else _compact(body)).encode()
    if answer.get("isBase64Encoded") and raw:
        try:
            raw = base64.b64decode(raw, validate=True)
        except ValueError:
            raise MalformedResponse("body is not base64") from None
    return WireResponse(status, items, raw)


def _compact(value: Any) -> str:
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
