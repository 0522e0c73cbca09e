"""The authorizer cache of each stage: what Lambda authorizers answered, by identity.

API Gateway keeps an authorizer's answer for ``authorizerResultTtlInSeconds`` (300 when
unset, 0 turns caching off), keyed by the values of the identity sources (a TOKEN
authorizer's token), per stage.  Time is the instance clock, so tests move past a TTL
without sleeping; ``FlushStageAuthorizersCache`` empties a stage's cache.
"""

from __future__ import annotations

import threading
from typing import Any

CACHE = "execute.authorizer-cache"  # instance service: AuthorizerCache

#: (account, region, api id, stage, authorizer id, identity values)
Key = tuple[str, str, str, str, str, tuple[str, ...]]


class AuthorizerCache:
    """Cached authorizer answers of one instance, with their expiry times."""

    def __init__(self, instance: Any = None) -> None:
        self._entries: dict[Key, tuple[float, Any]] = {}
        self._lock = threading.Lock()

    def get(self, key: Key, now: float) -> Any | None:
        with self._lock:
            found = self._entries.get(key)
            if found is None:
                return None
            if found[0] <= now:
                del self._entries[key]
                return None
            return found[1]

    def put(self, key: Key, value: Any, expires: float) -> None:
        with self._lock:
            self._entries[key] = (expires, value)

    def flush(self, account: str, region: str, api_id: str, stage: str) -> None:
        """Forget every answer cached for one stage."""
        with self._lock:
            for key in [k for k in self._entries if k[:4] == (account, region, api_id, stage)]:
                del self._entries[key]
