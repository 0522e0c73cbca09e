"""Calls from mockgw itself to function URLs (an HTTP integration whose backend is a
function URL) are answered by this instance, without a socket, as AWS keeps them inside
AWS: :func:`mount` gives a ``requests`` session an adapter that does that."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qsl, urlsplit

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict

from mockgw.lambda_url import URL_PATTERN, dispatch
from mockgw.protocol.wire import WireRequest

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.instance import Instance


def mount(session: requests.Session, instance: Instance, **adapter_args: Any) -> None:
    """Route ``session``'s requests to function URL hosts to ``instance`` (the others to
    an ``HTTPAdapter`` made with ``adapter_args``)."""
    adapter = _FunctionUrlAdapter(instance, **adapter_args)
    session.mount("https://", adapter)
    session.mount("http://", adapter)


class _FunctionUrlAdapter(HTTPAdapter):
    def __init__(self, instance: Instance, **adapter_args: Any) -> None:
        super().__init__(**adapter_args)
        self._instance = instance

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        if not URL_PATTERN.match(request.url or ""):
            return super().send(request, *args, **kwargs)
        answer = dispatch(self._instance, _wire(request))
        assert answer is not None  # URL_PATTERN hosts are function URLs
        response = requests.Response()
        response.status_code = answer.status
        headers: CaseInsensitiveDict[str] = CaseInsensitiveDict()
        for name, value in answer.headers:
            headers[name] = f"{headers[name]}, {value}" if name in headers else value
        response.headers = headers
        response._content = answer.body
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
