"""Calling a WSGI application without a socket: the environ of a :class:`WireRequest`, and
the application's answer collected (the in-process mock through Flask, moto's backends,
the server's worker threads)."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_to_bytes

if TYPE_CHECKING:  # pragma: no cover
    from mockgw.protocol.wire import WireRequest


def environ_of(request: WireRequest) -> dict[str, Any]:
    """A WSGI environ for ``request``: headers as ``HTTP_*`` (repeated ones joined with
    commas), ``Content-Type`` as ``CONTENT_TYPE``, ``CONTENT_LENGTH`` the body's."""
    host = request.host or "localhost"
    name, _, port = host.partition(":")
    raw = request.path + (f"?{request.query_string}" if request.query_string else "")
    environ: dict[str, Any] = {
        "REQUEST_METHOD": request.method,
        "SCRIPT_NAME": "",
        "PATH_INFO": unquote_to_bytes(request.path).decode("latin-1"),
        "QUERY_STRING": request.query_string,
        "REQUEST_URI": raw,
        "RAW_URI": raw,
        "SERVER_NAME": name,
        "SERVER_PORT": port or ("443" if request.scheme == "https" else "80"),
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": request.remote_addr,
        "CONTENT_LENGTH": str(len(request.body)),
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": request.scheme,
        "wsgi.input": io.BytesIO(request.body),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": True,
        "wsgi.multiprocess": False,
        "wsgi.run_once": False,
    }
    for key, value in request.header_items:
        upper = key.upper().replace("-", "_")
        if upper == "CONTENT_LENGTH":
            continue
        if upper != "CONTENT_TYPE":
            upper = "HTTP_" + upper
        environ[upper] = f"{environ[upper]},{value}" if upper in environ else value
    return environ


def call_app(app: Callable[..., Any], environ: dict[str, Any]) -> tuple[str, list, bytes]:
    """``(status line, headers, body)`` of ``app``'s answer to ``environ`` (its iterable
    read whole and closed)."""
    answer: list[Any] = ["500 Internal Server Error", []]

    def start_response(status: str, headers: list, exc_info: Any = None) -> None:
        answer[0], answer[1] = status, headers

    chunks = app(environ, start_response)
    try:
        body = b"".join(chunks)
    finally:
        close = getattr(chunks, "close", None)
        if close is not None:
            close()
    return answer[0], answer[1], body
