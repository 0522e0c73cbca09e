"""The payload format 2.0 of function URLs: the event a request becomes, and the HTTP
response a function's answer becomes (the rules shared with HTTP APIs are
:mod:`mockgw.execute.payload_v2`).

The event is API Gateway's HTTP API event (version 2.0) with ``$default`` for the route
key and stage: lowercase header names (repeated headers joined by commas, cookies moved to
``cookies``; ``content-length`` kept), the raw path and query string, decoded query
parameters (repeated ones joined by commas), and the body as text, or base64 when it is
not text.  As in events recorded from AWS, ``requestContext.accountId`` is the caller's
account (``anonymous`` for ``AuthType`` ``NONE``) and there is no ``authentication``.  A
response without ``Content-Type`` is ``application/json``, and JSON the answer holds is
written again compactly.
"""

from __future__ import annotations

import json
import time
from typing import Any

from mockgw.execute import payload_v2
from mockgw.protocol.wire import WireRequest, WireResponse

_TEXT_TYPES = ("application/json", "application/xml", "application/javascript",
               "application/x-javascript", "application/ecmascript")
_TEXT_SUFFIXES = ("+json", "+xml")
_DROPPED_HEADERS = {"connection"}
#: ``requestContext.accountId`` of a request to a URL whose AuthType is ``NONE``.
ANONYMOUS_ACCOUNT = "anonymous"


def is_text(content_type: str | None) -> bool:
    """Whether a body of ``content_type`` reaches the function as text (else base64)."""
    return payload_v2.is_text(content_type, _TEXT_TYPES, _TEXT_SUFFIXES)


def event(request: WireRequest, *, url_id: str, account: str, domain: str, path: str,
          request_id: str, now: float, authorizer: dict | None = None,
          trace_id: str = "") -> dict[str, Any]:
    """The event of ``request`` to the function URL ``url_id`` (``path`` is the raw path
    the URL was asked for; ``account`` the caller's, :data:`ANONYMOUS_ACCOUNT` unsigned)."""
    headers = payload_v2.joined((name, value) for name, value in request.header_items
                                if name.lower() not in _DROPPED_HEADERS)
    cookies = payload_v2.cookies(request.header_items)
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
        "accountId": account, "apiId": url_id, "domainName": domain, "domainPrefix": url_id,
        "http": {"method": request.method, "path": path, "protocol": "HTTP/1.1",
                 "sourceIp": request.remote_addr,
                 "userAgent": request.headers.get("user-agent", "")},
        "requestId": request_id, "routeKey": "$default", "stage": "$default",
        "time": time.strftime("%d/%b/%Y:%H:%M:%S +0000", time.gmtime(now)),
        "timeEpoch": int(now * 1000)}
    if authorizer is not None:
        context["authorizer"] = authorizer
    doc["requestContext"] = context
    body, encoded = payload_v2.event_body(request.body,
                                          is_text(request.headers.get("content-type")))
    if body is not None:
        doc["body"] = body
    doc["isBase64Encoded"] = encoded
    return doc


#: What separates the metadata of a streamed HTTP answer (``HttpResponseStream.from``'s
#: JSON prelude) from its body.
PRELUDE_END = b"\0" * 8


def streamed_response(payload: bytes) -> WireResponse | None:
    """The HTTP response of a ``RESPONSE_STREAM`` URL whose function wrote its answer with
    ``awslambda.HttpResponseStream.from`` (a JSON prelude of ``statusCode``, ``headers``
    and ``cookies``, eight null bytes, the body); ``None`` for an answer without one, which
    reads as a buffered answer (mockgw answers streams whole)."""
    if not payload.startswith(b"{"):
        return None
    prelude, found, body = payload.partition(PRELUDE_END)
    if not found:
        return None
    try:
        meta = json.loads(prelude)
    except ValueError:
        return None
    if not isinstance(meta, dict):
        return None
    headers = meta.get("headers") or {}
    cookies = meta.get("cookies") or []
    status = meta.get("statusCode", 200)
    if not isinstance(headers, dict) or not isinstance(cookies, list) or \
            not isinstance(status, int) or not 100 <= status <= 599:
        raise payload_v2.MalformedAnswer("malformed http-integration-response prelude")
    out = [(str(name), str(value)) for name, value in headers.items()]
    if not any(name.lower() == "content-type" for name, _ in out):
        out.append(("Content-Type", "application/octet-stream"))
    out += [("Set-Cookie", str(cookie)) for cookie in cookies]
    return WireResponse(status, out, body)


def response(payload: bytes) -> WireResponse:
    """The HTTP response for a function's answer (:func:`mockgw.execute.payload_v2.response`:
    ``Content-Type`` defaults to ``application/json``; JSON is written again compactly);
    raises :class:`~mockgw.execute.payload_v2.MalformedAnswer`."""
    status, headers, body = payload_v2.response(
        payload, default_content_type="application/json", compact=True)
    return WireResponse(status, headers, body)
