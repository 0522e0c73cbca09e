"""What the admin API tells about the data plane: the last requests, and metrics per stage.

Metrics are CloudWatch's for API Gateway (``Count``, ``4XXError``, ``5XXError``,
``CacheHitCount``, ``CacheMissCount``, ``Latency``, ``IntegrationLatency``), counted per
(account, region, API, stage) and kept apart for the canary's share of a stage's traffic.
A step that answers from the stage cache sets ``inv.cache_status`` to ``"hit"`` or
``"miss"``; nothing is counted for requests that bypass the cache.

Each recent request also keeps what the web console shows when one is opened
(:meth:`Telemetry.request`): the request and response (bodies cut at ``DETAIL_BODY``
bytes) and the execution log, when the stage keeps one (REST stages whose logging level
is ``INFO``, or ``ERROR`` for failed requests, as API Gateway writes it to CloudWatch).
"""

from __future__ import annotations

import collections
import threading
import time
from datetime import UTC, datetime
from typing import Any

from mockgw.execute.context import Invocation

SAMPLES = 1000  # latencies kept per series for percentiles
DETAIL_BODY = 16 * 1024  # bytes of each request and response body a recent request keeps
#: Gateway responses that mean the authorizer (or IAM) refused the request.
_REFUSALS = frozenset({"UNAUTHORIZED", "ACCESS_DENIED", "AUTHORIZER_FAILURE",
                       "AUTHORIZER_CONFIGURATION_ERROR", "MISSING_AUTHENTICATION_TOKEN",
                       "INVALID_SIGNATURE", "EXPIRED_TOKEN"})


class _Latency:
    """Statistics of one latency metric, in milliseconds."""

    __slots__ = ("count", "maximum", "minimum", "samples", "total")

    def __init__(self) -> None:
        self.count = 0
        self.total = 0.0
        self.minimum = float("inf")
        self.maximum = 0.0
        self.samples: collections.deque[float] = collections.deque(maxlen=SAMPLES)

    def add(self, value: float) -> None:
        self.count += 1
        self.total += value
        self.minimum = min(self.minimum, value)
        self.maximum = max(self.maximum, value)
        self.samples.append(value)

    def statistics(self) -> dict[str, float | int]:
        if not self.count:
            return {"SampleCount": 0}
        ordered = sorted(self.samples)
        return {"SampleCount": self.count, "Sum": round(self.total, 3),
                "Average": round(self.total / self.count, 3),
                "Minimum": round(self.minimum, 3), "Maximum": round(self.maximum, 3),
                "p50": round(_percentile(ordered, 50), 3),
                "p90": round(_percentile(ordered, 90), 3),
                "p99": round(_percentile(ordered, 99), 3)}


def _percentile(ordered: list[float], pct: int) -> float:
    return ordered[min(len(ordered) - 1, (len(ordered) * pct) // 100)]


class _Series:
    """The metrics of one stage's production or canary traffic."""

    __slots__ = ("cache_hits", "cache_misses", "count", "errors_4xx", "errors_5xx",
                 "integration_latency", "latency")

    def __init__(self) -> None:
        self.count = self.errors_4xx = self.errors_5xx = 0
        self.cache_hits = self.cache_misses = 0
        self.latency = _Latency()
        self.integration_latency = _Latency()

    def statistics(self) -> dict[str, Any]:
        return {"Count": self.count, "4XXError": self.errors_4xx,
                "5XXError": self.errors_5xx, "CacheHitCount": self.cache_hits,
                "CacheMissCount": self.cache_misses, "Latency": self.latency.statistics(),
                "IntegrationLatency": self.integration_latency.statistics()}


class Telemetry:
    """Recent data-plane requests (a ring of ``settings.requests_kept``) and stage metrics."""

    def __init__(self, instance: Any) -> None:
        kept = max(instance.settings.requests_kept, 0)
        #: (access-log row, detail) of each recent request
        self._recent: collections.deque[tuple[tuple, tuple]] = collections.deque(maxlen=kept)
        self._stages: dict[tuple[str, str, str, str], dict[str, Any]] = {}
        self._lock = threading.Lock()

    def record(self, inv: Invocation) -> None:
        """Count one answered request (called once per request by the pipeline)."""
        response = inv.response
        assert response is not None
        latency = (time.perf_counter() - inv.started) * 1000
        row = _request_row(inv, latency)
        detail = _request_detail(inv)
        stage_name = inv.stage_name
        with self._lock:
            self._recent.append((row, detail))
            if stage_name is None or inv.store is None:
                return
            key = (inv.store.account, inv.store.region, inv.api_id, stage_name)
            found = self._stages.get(key)
            if found is None:
                found = self._stages[key] = {"apiName": inv.api_name, "production": _Series(),
                                             "canary": _Series()}
            series: _Series = found["canary" if inv.is_canary else "production"]
            series.count += 1
            if 400 <= response.status < 500:
                series.errors_4xx += 1
            elif response.status >= 500:
                series.errors_5xx += 1
            if inv.cache_status == "hit":
                series.cache_hits += 1
            elif inv.cache_status == "miss":
                series.cache_misses += 1
            series.latency.add(latency)
            if inv.integration_latency_ms is not None:
                series.integration_latency.add(float(inv.integration_latency_ms))

    def requests(self, *, api_id: str | None = None, stage: str | None = None,
                 limit: int | None = None, account: str | None = None,
                 region: str | None = None) -> list[dict[str, Any]]:
        """The recent requests, newest first, optionally of one API and stage (and one
        account and region)."""
        with self._lock:
            rows = list(self._recent)
        found = [_request_fields(row) for row, detail in reversed(rows)
                 if (api_id is None or row[_API] == api_id)
                 and (stage is None or row[_STAGE] == stage)
                 and (account is None or row[_ACCOUNT] == account)
                 and (region is None or detail[0] == region)]
        return found if limit is None else found[:limit]

    def request(self, request_id: str) -> dict[str, Any] | None:
        """One recent request by its id: its fields plus ``region``, ``request``
        (``method``, ``path``, ``query``, ``headers``, ``body``), ``response`` (``status``,
        ``headers``, ``body``) and ``log`` (the execution log's lines, or ``None``)."""
        with self._lock:
            rows = list(self._recent)
        for row, detail in reversed(rows):
            if row[0] == request_id:
                region, method, path, query, request_headers, request_body, status, \
                    response_headers, response_body, lines = detail
                return {**_request_fields(row), "region": region,
                        "request": {"method": method, "path": path, "query": query,
                                    "headers": list(request_headers),
                                    "body": _text(request_body)},
                        "response": {"status": status, "headers": list(response_headers),
                                     "body": _text(response_body)},
                        "log": list(lines) if lines is not None else None}
        return None

    def metrics(self, *, api_id: str | None = None,
                stage: str | None = None) -> list[dict[str, Any]]:
        """Metrics of every stage that served a request, optionally of one API and stage."""
        with self._lock:
            return [{"accountId": account, "region": region, "apiId": api, "stage": name,
                     "apiName": found["apiName"],
                     "production": found["production"].statistics(),
                     "canary": found["canary"].statistics()}
                    for (account, region, api, name), found in self._stages.items()
                    if (api_id is None or api == api_id) and (stage is None or name == stage)]


#: The access-log fields (``$context`` names) of a recent request, in the order
#: :func:`_request_row` keeps them (rows become dicts only when they are read).
FIELDS = ("requestId", "extendedRequestId", "requestTimeEpoch", "accountId", "apiId", "stage",
          "isCanaryRequest", "domainName", "httpMethod", "path", "resourcePath", "ip",
          "userAgent", "status", "responseLength", "responseLatency", "integrationLatency",
          "integrationStatus", "errorMessage", "cacheStatus", "routeKey", "deploymentId",
          "authorizer")
_ACCOUNT, _API, _STAGE = FIELDS.index("accountId"), FIELDS.index("apiId"), FIELDS.index("stage")


def _request_row(inv: Invocation, latency_ms: float) -> tuple[Any, ...]:
    context = inv.context
    request = inv.request
    response = inv.response
    assert response is not None
    result = inv.integration_result
    error = context.get("error")
    return (inv.request_id, inv.extended_request_id, inv.epoch_ms,
            inv.store.account if inv.store else None, inv.api_id or inv.target.api_id,
            inv.stage_name if inv.stage else inv.target.stage, inv.is_canary,
            context.get("domainName") or inv.target.domain_name or None, request.method,
            context.get("path") or request.path, context.get("resourcePath"),
            (context.get("identity") or {}).get("sourceIp") or request.remote_addr,
            request.headers.get("user-agent"), response.status, len(response.body),
            round(latency_ms, 3), inv.integration_latency_ms,
            result.status if result else None, error.get("message") if error else None,
            inv.cache_status, context.get("routeKey"), inv.deployment_id or None,
            _authorizer(inv))


def _authorizer(inv: Invocation) -> dict[str, Any] | None:
    """What authorization decided: ``{"type", "decision": "ALLOW" | "DENY" | None}``, the
    ``principalId`` a grant named or the refusal's gateway response type; ``None`` for
    methods and routes without authorization."""
    kind = inv.authorization_type
    if not kind or kind == "NONE":
        return None
    granted = inv.context.get("authorizer") or {}
    refused = (inv.context.get("error") or {}).get("responseType")
    found: dict[str, Any] = {"type": kind, "decision": None}
    if "error" not in granted and ("principalId" in granted or "claims" in granted):
        found["decision"] = "ALLOW"
        if granted.get("principalId") is not None:
            found["principalId"] = granted["principalId"]
    elif refused in _REFUSALS:
        found.update(decision="DENY", reason=refused)
    elif kind == "AWS_IAM" and inv.integration_result is not None:
        found["decision"] = "ALLOW"  # the signature was verified: the integration ran
    return found


def _request_detail(inv: Invocation) -> tuple[Any, ...]:
    request, response = inv.request, inv.response
    assert response is not None
    lines = inv.log
    if lines is not None and inv.execution_logging == "ERROR" and response.status < 400:
        lines = None  # ERROR logging keeps the log of failed requests only
    return (inv.store.region if inv.store else inv.target.region, request.method,
            request.path, request.query_string, tuple(request.header_items),
            request.body[:DETAIL_BODY], response.status, tuple(response.headers),
            response.body[:DETAIL_BODY], lines)


def _text(body: bytes) -> str:
    return body.decode("utf-8", "replace")


def _request_fields(row: tuple[Any, ...]) -> dict[str, Any]:
    fields = dict(zip(FIELDS, row, strict=True))
    moment = datetime.fromtimestamp(fields["requestTimeEpoch"] / 1000, UTC)
    fields["requestTime"] = moment.strftime("%d/%b/%Y:%H:%M:%S +0000")
    fields["protocol"] = "HTTP/1.1"
    return fields
