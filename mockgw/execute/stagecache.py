"""Per-stage stores of entries with a time to live, on the instance clock.

Two instance services hold one each: :data:`RESPONSE_CACHE` (the stage cache of method
responses, :mod:`mockgw.execute.cache`) and :data:`AUTHORIZER_CACHE` (authorizer results,
for the authorizers).  FlushStageCache and FlushStageAuthorizersCache empty a stage.
"""

from __future__ import annotations

import threading
from typing import Any

RESPONSE_CACHE = "execute.cache"
AUTHORIZER_CACHE = "execute.authorizer_cache"

Scope = tuple[str, str, str, str]  # account, region, API id, stage


def stage_scope(account: str, region: str, api_id: str, stage: str) -> Scope:
    """The scope of one stage's entries."""
    return (account, region, api_id, stage)


class StageCache:
    """Entries with a time to live, grouped by stage so a stage can be flushed at once."""

    def __init__(self, instance: Any = None) -> None:
        self._stages: dict[Scope, dict[Any, tuple[float, Any]]] = {}
        self._lock = threading.Lock()

    def get(self, scope: Scope, key: Any, now: float) -> Any:
        """The value under ``key`` if it has not expired at ``now``, else ``None``."""
        with self._lock:
            entry = self._stages.get(scope, {}).get(key)
            if entry is None or entry[0] <= now:
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
