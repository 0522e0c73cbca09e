"""The authorizer cache of each stage: what Lambda authorizers answered, by identity.

API Gateway keeps an authorizer's answer for ``authorizerResultTtlInSeconds`` (300 when
unset, 0 turns caching off), keyed by the values of the identity sources (a TOKEN
authorizer's token), per stage.  Time is the instance clock, so tests move past a TTL
without sleeping; ``FlushStageAuthorizersCache`` empties a stage's cache.
"""

from __future__ import annotations

import threading
from typing import Any

CACHE = "execute.authorizer_cache"  # instance service: AuthorizerCache

Scope = tuple[str, str, str, str]  # account, region, API id, stage


def stage_scope(account: str, region: str, api_id: str, stage: str) -> Scope:
    """The scope of one stage's entries."""
    return (account, region, api_id, stage)


class AuthorizerCache:
    """Entries with a time to live, grouped by stage so a stage can be flushed at once."""

    def __init__(self, instance: Any = None) -> None:
        self._stages: dict[Scope, dict[Any, tuple[float, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, scope: Scope, key: Any, now: float) -> Any:
        """The value under ``key`` if it has not expired at ``now``, else ``None``."""
        with self._lock:
            entries = self._stages.get(scope, {})
            entry = entries.get(key)
            if entry is None:
                return None
            if entry[0] <= now:
                del entries[key]
                return None
            return entry[1]

    def put(self, scope: Scope, key: Any, value: Any, ttl: float, now: float) -> None:
        """Keep ``value`` under ``key`` for ``ttl`` seconds from ``now``."""
        with self._lock:
            self._stages.setdefault(scope, {})[key] = (now + ttl, value)

    def flush(self, scope: Scope) -> None:
        """Forget every entry of a stage."""
        with self._lock:
            self._stages.pop(scope, None)
