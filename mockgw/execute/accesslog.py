"""Access logs: one line per request in the stage's access-log format (REST APIs' and
HTTP APIs' alike: :attr:`Invocation.access_log_format`).

Lines go to the ``mockgw.access`` logger (stdout under ``mockgw serve``) and are kept per
stage for ``GET /_mockgw/logs/{api_id}/{stage}``.
"""

from __future__ import annotations

import collections
import json
import logging
import re
import threading
from typing import Any

from mockgw.execute.context import Invocation
from mockgw.execute.variables import lookup

log = logging.getLogger("mockgw.access")
_VARIABLE = re.compile(r"\$context\.([A-Za-z0-9_.]+)")
MAX_LINES = 1000


class AccessLogs:
    """Recent access-log lines per (api id, stage)."""

    def __init__(self, instance: Any = None) -> None:
        self._lines: dict[tuple[str, str], collections.deque[str]] = {}
        self._lock = threading.Lock()

    def add(self, api_id: str, stage: str, line: str) -> None:
        with self._lock:
            self._lines.setdefault((api_id, stage), collections.deque(maxlen=MAX_LINES)).append(
                line)

    def lines(self, api_id: str, stage: str) -> list[str]:
        with self._lock:
            return list(self._lines.get((api_id, stage), ()))


def log_context(inv: Invocation) -> dict[str, Any]:
    """``$context`` plus the variables only access logs see."""
    response = inv.response
    assert response is not None
    extra = {
        "status": response.status,
        "responseLength": len(response.body),
        "responseLatency": inv.elapsed_ms(),
        "integrationLatency": inv.integration_latency_ms,
        "integrationStatus": inv.integration_result.status if inv.integration_result else None,
        "integrationErrorMessage": inv.integration_error,
        "integration": {
            "status": inv.integration_result.status if inv.integration_result else None,
            "latency": inv.integration_latency_ms,
            "requestId": inv.request_id,
            "error": inv.integration_error,
        },
    }
    return {**inv.context, **extra}


def write(inv: Invocation) -> None:
    """Write the request's access-log line, if its stage logs access."""
    fmt = inv.access_log_format
    if not fmt or inv.response is None or inv.stage_name is None:
        return
    context = log_context(inv)
    line = _VARIABLE.sub(lambda m: _text(lookup(context, m.group(1))), fmt)
    logs = inv.instance.service("execute.accesslogs", AccessLogs)
    logs.add(inv.api_id, inv.stage_name, line)
    log.info(line)


def _text(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dict, list)):
        return json.dumps(value)
    return str(value)
