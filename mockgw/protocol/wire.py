"""The transport-neutral request and response the protocol layer and data plane work on."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from typing import Any
from urllib.parse import quote

#: Characters a path keeps as they are when a server gave it percent-decoded: what a path
#: may hold unencoded, less the sub-delimiters (clients mostly send those encoded).
_PATH_SAFE = "/:@"


def encoded_path(path: str | bytes) -> str:
    """A path a server gave percent-decoded, encoded again as a client would send it."""
    return quote(path, safe=_PATH_SAFE)


@dataclass(slots=True)
class WireRequest:
    """One HTTP request as mockgw sees it, whatever carried it.

    ``path`` is the raw path exactly as sent (still percent-encoded, slashes kept);
    ``query`` maps each decoded name to its decoded values in order and ``query_string``
    keeps the raw form; ``headers`` has lowercase names (repeated headers joined by
    ``, ``) while ``header_items`` keeps names as sent, in order.
    """

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""
    query_string: str = ""
    header_items: list[tuple[str, str]] = field(default_factory=list)
    remote_addr: str = "127.0.0.1"
    scheme: str = "http"

    @property
    def host(self) -> str:
        return self.headers.get("host", "")


@dataclass(slots=True)
class WireResponse:
    status: int
    headers: list[tuple[str, str]] = field(default_factory=list)
    body: bytes = b""

    def header(self, name: str) -> str | None:
        lname = name.lower()
        for key, value in self.headers:
            if key.lower() == lname:
                return value
        return None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


#: Statuses whose answers carry no body and no ``Content-Length`` (RFC 9110 8.6).
BODILESS = frozenset({204, 304})


def framing(method: str, status: int, headers: list[tuple[str, str]],
            body: bytes) -> tuple[list[tuple[str, str]], bytes]:
    """The ``Content-Length`` an answer goes out with over HTTP/1.1 (the body's, counted
    here), and the body it carries: an answer to ``HEAD`` carries none, and names the
    length of the body it came with, else the length ``headers`` name when it is a number
    (a ``GET``'s: S3's HeadObject); an answer of 1xx, 204 or 304 has neither."""
    if method == "HEAD":
        if body:
            return [("Content-Length", str(len(body)))], b""
        for name, value in headers:
            if name.lower() == "content-length" and str(value).isdigit():
                return [("Content-Length", str(value))], b""
        return [], b""
    if status in BODILESS or status < 200:
        return [], b""
    return [("Content-Length", str(len(body)))], body


_date: tuple[int, str] = (0, "")


def http_date() -> str:
    """The time as an answer's ``Date`` header writes it (``Thu, 03 Dec 2026 07:09:53
    GMT``), made once a second."""
    global _date
    now = int(time.time())
    second, text = _date
    if second != now:
        text = formatdate(now, usegmt=True)
        _date = (now, text)
    return text
