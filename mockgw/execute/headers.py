"""API Gateway's header rules for REST APIs: the client headers it never passes on, the
ones it never sends to an HTTP backend, and the answer headers it drops or renames to
``x-amzn-Remapped-{name}``.

The tables are AWS's (the developer guide's notes on header handling, and recorded AWS
answers: a request carrying every listed header, through each integration type).  An
answer header no HTTP server may send (hop-by-hop) is always renamed, whatever its
source, so nothing a backend or a mapping produces can break the answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

#: Client headers API Gateway drops when it reads the request: no mapping, template,
#: Lambda event or backend ever sees them.
DROPPED_FROM_METHOD_REQUEST = frozenset({
    "connection", "content-length", "content-md5", "expect", "max-forwards",
    "proxy-authenticate", "server", "te", "transfer-encoding", "trailer", "upgrade",
    "www-authenticate"})
#: Also never sent to an HTTP or HTTP_PROXY endpoint (``Host`` is the endpoint's own; the
#: payload a ``Content-Encoding`` named was decompressed on arrival, :mod:`.compression`).
DROPPED_FROM_HTTP_REQUEST = frozenset({"host", "content-encoding", "via"})

#: Integration answer headers renamed for every integration type.
_REMAPPED = ("connection", "content-length", "date", "server", "x-amzn-requestid")
#: ... and also for non-proxy HTTP and AWS integrations.
_REMAPPED_NON_PROXY = frozenset({
    *_REMAPPED, "authorization", "content-md5", "expect", "host", "max-forwards",
    "proxy-authenticate", "trailer", "upgrade", "user-agent", "www-authenticate"})
#: Integration answer headers dropped (HTTP_PROXY drops more).
_DROPPED = frozenset({"transfer-encoding"})
_DROPPED_HTTP_PROXY = frozenset({*_DROPPED, "content-encoding", "via"})
#: Headers only the connection's own ends may send (RFC 9110 §7.6.1): renamed in any answer.
HOP_BY_HOP = frozenset({"connection", "keep-alive", "proxy-authenticate",
                        "proxy-authorization", "te", "trailer", "trailers",
                        "transfer-encoding", "upgrade"})

_TOKEN = re.compile(r"^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")
_LINE_BREAKS = re.compile(r"[\r\n]+")


def method_request_headers(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """The client's headers as API Gateway passes them on (``DROPPED_FROM_METHOD_REQUEST``
    left out)."""
    return [(name, value) for name, value in items
            if name.lower() not in DROPPED_FROM_METHOD_REQUEST]


def remapped(name: str) -> str:
    return f"x-amzn-Remapped-{name}"


def integration_response_headers(kind: str,
                                 items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """An integration's answer headers as the method response carries them: dropped or
    renamed as AWS does for integration type ``kind``."""
    dropped = _DROPPED_HTTP_PROXY if kind == "HTTP_PROXY" else _DROPPED
    renamed = _REMAPPED_NON_PROXY if kind in ("HTTP", "AWS") else _REMAPPED
    out = []
    for name, value in items:
        lower = name.lower()
        if lower in dropped:
            continue
        out.append((remapped(name) if lower in renamed or lower in HOP_BY_HOP else name, value))
    return out


def sendable(items: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """Answer headers an HTTP server can send: hop-by-hop names renamed, names that are no
    HTTP token left out, line breaks in values folded to a space, and text beyond Latin-1
    carried as its UTF-8 bytes (WSGI's convention)."""
    out = []
    for name, value in items:
        if not _TOKEN.match(name):
            continue
        if name.lower() in HOP_BY_HOP:
            name = remapped(name)
        value = _LINE_BREAKS.sub(" ", value)
        if not value.isascii():
            value = value.encode("utf-8", "surrogatepass").decode("latin-1")
        out.append((name, value))
    return out
