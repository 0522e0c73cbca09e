"""The transport-neutral request and response the protocol layer and data plane work on."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
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
