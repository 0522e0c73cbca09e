"""Calls from mockgw itself to function URLs (an HTTP integration whose backend is a
function URL) are answered by this instance, without a socket, as AWS keeps them inside
AWS: :func:`answer` is what the outbound HTTP adapter
(:mod:`mockgw.execute.integrations.http`) answers them with."""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.structures import CaseInsensitiveDict

from mockgw.lambda_url import URL_PATTERN, dispatch
from mockgw.protocol.wire import WireRequest

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance


def answer(instance: Instance, request: requests.PreparedRequest) -> requests.Response | None:
    """``instance``'s answer to ``request`` when it goes to a function URL, else ``None``."""
    if not URL_PATTERN.match(request.url or ""):
        return None
    reply = dispatch(instance, _wire(request))
    assert reply is not None  # URL_PATTERN hosts are function URLs
    response = requests.Response()
    response.status_code = reply.status
    headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
    for name, value in reply.headers:
        headers[name] = f"{headers[name]}, {value}" if name in headers else value
    response.headers = headers
    response._content = reply.body
    response.url = request.url or ""
    response.request = request
    return response


def _wire(request: requests.PreparedRequest) -> WireRequest:
    parts = urlsplit(request.url or "")
    body = request.body or b""
    if isinstance(body, str):
        body = body.encode()
    elif not isinstance(body, bytes):
        body = b"".join(body)
    items = list(request.headers.items())
    if not any(name.lower() == "host" for name, _ in items):
        items.insert(0, ("Host", parts.netloc))
    headers: dict[str, str] = {}
    for name, value in items:
        lower = name.lower()
        headers[lower] = f"{headers[lower]}, {value}" if lower in headers else value
    query: dict[str, list[str]] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        query.setdefault(name, []).append(value)
    return WireRequest(method=(request.method or "GET").upper(), path=parts.path or "/",
                       query=query, headers=headers, body=body, query_string=parts.query,
                       header_items=items, scheme=parts.scheme)
